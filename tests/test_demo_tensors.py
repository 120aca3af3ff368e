"""The tensors demo shows what it says: strides, offsets and sharing as torch computes them,
the autograd graph as grad_fn links it, and gradients that finite differences confirm."""

from __future__ import annotations

import itertools
import math
import threading

import pytest
import torch

from demos.framework import ParamError
from demos.tensors import DEMO
from demos.tensors.lesson import OPERATIONS, SHAPES, explore

CPU = torch.device("cpu")
VIEWS = ("none", "transpose", "permute", "drop-first-row", "every-2nd-column", "view", "expand")
COPIES = ("transpose-reshape", "contiguous", "to-float32")


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def run(seed: int = 0, stop: threading.Event | None = None, report=None, **params):
    progress = []
    result = DEMO.run(params, device=CPU, seed=seed, report=report or progress.append, stop=stop)
    return result, progress


def contiguous_strides(shape: list[int]) -> list[int]:
    """Row-major strides: each dimension skips the product of the sizes after it."""
    return [math.prod(shape[d + 1:]) for d in range(len(shape))]


def test_every_operation_is_a_view_a_copy_or_the_error_it_should_be():
    assert set(OPERATIONS) == {*VIEWS, *COPIES, "transpose-view"}
    for shape in SHAPES:
        for operation in OPERATIONS:
            out = explore(shape, operation, CPU)
            if operation == "transpose-view":
                assert out["y"] is None and "view size is not compatible" in out["error"]
                assert "reshape" in out["error"]  # PyTorch names the cure
                continue
            y = out["y"]
            assert out["shares"] == (operation in VIEWS), (shape, operation)
            # Each element lives at offset + sum(index * stride): the formula, checked by hand.
            for flat, index in enumerate(itertools.product(*map(range, y["shape"]))):
                cell = y["offset"] + sum(i * s for i, s in zip(index, y["stride"]))
                assert y["cells"][flat] == cell
                assert y["storage"][cell] == y["values"][flat]
                if operation in VIEWS:  # x = arange(n): a view's value is its cell in x's storage
                    assert y["values"][flat] == cell
            sized = [(n, s) for n, s in zip(y["shape"], y["stride"]) if n > 1]
            packed = [s for _, s in sized] == contiguous_strides([n for n, _ in sized])
            assert y["contiguous"] == packed, (shape, operation)


def test_the_layouts_the_cards_quote():
    lay = lambda shape, op: explore(shape, op, CPU)["y"]  # noqa: E731
    assert lay("3x4", "none")["stride"] == [4, 1]
    assert lay("3x4", "transpose")["stride"] == [1, 4] and lay("3x4", "transpose")["shape"] == [4, 3]
    assert lay("3x4", "drop-first-row")["offset"] == 4
    assert lay("2x3", "none")["stride"] == [3, 1] and lay("3x2", "none")["stride"] == [2, 1]
    assert lay("2x3", "view")["stride"] == [2, 1]  # the same six cells read as 3 x 2
    assert lay("3x4", "every-2nd-column")["stride"] == [4, 2]
    assert lay("3x4", "expand")["stride"] == [0, 4, 1]  # the new dimension reads the same cells
    assert lay("2x3x4", "none")["stride"] == [12, 4, 1]
    assert lay("2x3x4", "permute")["stride"] == [1, 4, 12]
    assert lay("3x4", "contiguous")["stride"] == [3, 1]  # the transpose laid out anew
    assert len(lay("3x4", "expand")["storage"]) == 12  # 24 elements, still 12 cells


def test_metrics_of_a_view_a_copy_and_the_error():
    view, _ = run(operation="every-2nd-column")
    m = view.metrics
    assert m["shares_storage"] == 1 and m["is_contiguous"] == 0
    assert (m["stride_0"], m["stride_1"], m["storage_offset"]) == (4, 2, 0)
    assert m["elements"] == 6 and m["storage_elements"] == 12
    copy, _ = run(operation="contiguous")
    assert copy.metrics["shares_storage"] == 0 and copy.metrics["is_contiguous"] == 1
    error, _ = run(operation="transpose-view")
    assert error.metrics["view_error"] == 1 and "stride_0" not in error.metrics


def test_the_graph_is_walked_from_grad_fn():
    graphs = {}
    for expression in DEMO.params[2].choices:
        result, _ = run(expression=expression)
        nodes, edges = result.data["nodes"], result.data["edges"]
        names = sorted(n["name"].split("::")[-1] for n in nodes.values())
        leaves = sorted(n["leaf"] for n in nodes.values() if n["leaf"])
        graphs[expression] = (names, leaves, len(edges))
        for a, b in edges:  # every edge points away from the output
            assert nodes[b]["depth"] > nodes[a]["depth"]
    names, leaves, edges = graphs["sin(x)*y + x**2"]
    assert leaves == ["x", "y"] and edges == 7  # x feeds two nodes: its gradients add up
    assert names == ["AccumulateGrad", "AccumulateGrad", "AddBackward0", "MulBackward0",
                     "PowBackward0", "SinBackward0", "SumBackward0"]
    names, leaves, _ = graphs["log(1+exp(w·x))"]
    assert leaves == ["w"]  # x is data (requires_grad False): no node for it
    assert "LogBackward0" in names and "ExpBackward0" in names
    names, leaves, _ = graphs["relu(W x + b)"]
    assert leaves == ["W", "b"] and "ReluBackward0" in names


def test_autograd_agrees_with_finite_differences_and_a_closed_form():
    for seed in (0, 1, 2):
        for expression in DEMO.params[2].choices:
            m = run(seed, expression=expression, size=4)[0].metrics
            assert m["max_rel_error"] < 1e-7 and m["gradcheck_passed"] == 1
    result, _ = run(3)
    grads = {c["name"]: c["autograd"] for c in result.data["checks"]}
    g = torch.Generator().manual_seed(3)
    x, y = torch.randn(3, generator=g, dtype=torch.float64), torch.randn(3, generator=g, dtype=torch.float64)
    for i in range(3):  # d/dx (sin x · y + x²) = cos x · y + 2x;  d/dy = sin x
        assert grads[f"x[{i}]"] == pytest.approx(float(torch.cos(x[i]) * y[i] + 2 * x[i]), rel=1e-12)
        assert grads[f"y[{i}]"] == pytest.approx(float(torch.sin(x[i])), rel=1e-12)


def test_float32_finite_differences_drown_in_rounding():
    for seed in (0, 1, 2):
        tiny = run(seed, dtype="float32", fd_step=1e-6)[0].metrics["max_rel_error"]
        fine = run(seed, dtype="float32", fd_step=1e-2)[0].metrics["max_rel_error"]
        assert tiny > 1e-3 and fine < 1e-4 and tiny > 50 * fine
        # 1e-8 is below float32's spacing near 1 (about 1.2e-7): p ± h rounds back to p
        assert run(seed, dtype="float32", fd_step=1e-8)[0].metrics["max_rel_error"] > 0.5
        assert run(seed, dtype="float64", fd_step=1e-6)[0].metrics["max_rel_error"] < 1e-8


def test_backward_twice_accumulates_and_no_grad_records_nothing():
    for expression in DEMO.params[2].choices:
        m = run(expression=expression)[0].metrics
        assert m["accumulated_ratio"] == pytest.approx(2.0, rel=1e-12)
        assert m["no_grad_requires_grad"] == 0


def test_each_probe_is_reported_and_stop_keeps_the_probes_done():
    result, progress = run(size=2)
    assert [p.done for p in progress] == [1, 2, 3, 4] and {p.total for p in progress} == {4}
    assert set(progress[-1].series) <= set(DEMO.live.names)
    stop = threading.Event()

    def press_stop_at_probe_2(progress):
        if progress.done == 2:
            stop.set()

    stopped, _ = run(stop=stop, report=press_stop_at_probe_2, size=3)
    assert stopped.stopped and stopped.metrics["probes"] == 2 and len(stopped.data["checks"]) == 2
    assert stopped.metrics["max_rel_error"] < 1e-7


def test_figures_in_both_languages_for_a_view_a_copy_and_the_error():
    for operation in ("expand", "contiguous", "transpose-view"):
        result, _ = run(operation=operation, shape="2x3x4", expression="relu(W x + b)")
        for lang, word in (("en", "storage"), ("ko", "스토리지")):
            figures = DEMO.figures(result, lang)
            assert len(figures) == 4 and all(fig.layout.title.text for fig in figures)
            assert word in str(figures[0].to_dict())
        if operation == "transpose-view":  # PyTorch's own message, on both pages
            assert "RuntimeError" in str(DEMO.figures(result, "ko")[0].to_dict())
        assert result.summary("en") and result.summary("ko")


def test_bad_params_are_refused():
    for bad, name in (({"operation": "flip"}, "operation"), ({"size": 0}, "size"), ({"size": 7}, "size"),
                      ({"fd_step": 0.0}, "fd_step"), ({"dtype": "float16"}, "dtype"),
                      ({"shape": "5x5"}, "shape")):
        with pytest.raises(ParamError, match=name):
            DEMO.run(bad, device=CPU, seed=0)
