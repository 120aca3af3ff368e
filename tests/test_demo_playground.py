"""The playground demo: its hand-written SGD equals autograd + torch.optim, its boundary is
drawn where the network decides, and hidden layers solve what a linear model cannot."""

from __future__ import annotations

import importlib

import numpy as np
import plotly.graph_objects as go
import pytest
import torch
from torch import nn

from demos import data2d
from demos.framework import ParamError, Progress, no_report

pg = importlib.import_module("demos.playground")
DEMO = pg.DEMO
CPU = torch.device("cpu")
SMALL = {"hidden_layers": 2, "width": 4, "epochs": 100, "noise": 0.05}


def run(seed: int = 0, report=no_report, **params):
    return DEMO.run(params, device=CPU, seed=seed, report=report)


# --------------------------------------------------------------------------- data

@pytest.mark.parametrize("name", data2d.DATASETS)
def test_generators_are_seeded_and_shaped(name: str) -> None:
    x, y = data2d.make_dataset(name, 101, 0.1, seed=3)
    again_x, again_y = data2d.make_dataset(name, 101, 0.1, seed=3)
    other_x, _ = data2d.make_dataset(name, 101, 0.1, seed=4)
    assert x.shape == (101, 2) and x.dtype == torch.float32
    assert y.shape == (101,) and y.dtype == torch.int64
    assert torch.equal(x, again_x) and torch.equal(y, again_y)
    assert not torch.equal(x, other_x)
    assert set(y.tolist()) == {0, 1}


def test_generators_draw_only_from_their_generator() -> None:
    torch.manual_seed(0)
    first = data2d.spiral(50, 0.1, generator=torch.Generator().manual_seed(1))[0]
    torch.manual_seed(12345)  # the global random state must not matter
    second = data2d.spiral(50, 0.1, generator=torch.Generator().manual_seed(1))[0]
    assert torch.equal(first, second)


def test_shapes_are_the_advertised_ones() -> None:
    g = torch.Generator().manual_seed(0)
    x, y = data2d.circles(400, 0.0, generator=g)
    radius = x.norm(dim=1)
    assert radius[y == 1].max() <= 0.5 + 1e-6 and radius[y == 0].min() >= 0.7 - 1e-6
    x, y = data2d.xor(400, 0.0, generator=g)
    assert ((x[:, 0] * x[:, 1] > 0).long() == y).float().mean() > 0.95
    x, y = data2d.spiral(301, 0.0, arms=3, generator=g)
    assert torch.bincount(y).tolist() == [101, 100, 100]
    x, y = data2d.blobs(90, 0.0, classes=3, generator=g)
    assert torch.bincount(y).tolist() == [30, 30, 30]
    with pytest.raises(ValueError):
        data2d.make_dataset("circles", 100, 0.0, classes=3)
    with pytest.raises(ValueError):
        data2d.circles(100, -0.1, generator=g)


def test_train_test_split_partitions_the_points() -> None:
    x, y = data2d.make_dataset("moons", 100, 0.1, seed=0)
    x_tr, y_tr, x_te, y_te = data2d.train_test_split(x, y, 0.3, generator=torch.Generator().manual_seed(0))
    assert len(x_tr) == 30 and len(x_te) == 70
    together = torch.cat([x_tr, x_te])
    assert torch.equal(together[torch.argsort(together[:, 0])], x[torch.argsort(x[:, 0])])
    with pytest.raises(ValueError):
        data2d.train_test_split(x, y, 1.0, generator=torch.Generator())


# --------------------------------------------------------------------------- fast SGD == autograd

CASES = [
    # activation, loss, outputs, width, hidden layers
    ("tanh", "squared-error", 1, 8, 6),   # TensorFlow Playground's largest network
    ("relu", "cross-entropy", 1, 5, 2),
    ("sigmoid", "squared-error", 3, 4, 3),
    ("sigmoid", "cross-entropy", 3, 1, 2),  # width 1 < 3 outputs: padded hidden layers
    ("linear", "cross-entropy", 3, 4, 1),
    ("tanh", "cross-entropy", 1, 3, 0),    # no hidden layer at all
]


def _linears(net: nn.Sequential) -> list[nn.Linear]:
    return [m for m in net if isinstance(m, nn.Linear)]


@pytest.mark.parametrize("activation,loss,outputs,width,hidden", CASES)
def test_fast_step_equals_autograd_and_torch_optim_sgd(activation, loss, outputs, width, hidden) -> None:
    g = torch.Generator().manual_seed(0)
    x = 3 * torch.randn(23, 2, generator=g)
    y = torch.randint(0, max(outputs, 2), (23,), generator=g)
    model = pg.MLP(hidden, width, outputs, activation, loss, device=CPU, generator=g)
    net = model.to_sequential()
    lr, l2 = 0.1, 0.01
    optimizer = torch.optim.SGD([
        {"params": [m.weight for m in _linears(net)], "weight_decay": l2},
        {"params": [m.bias for m in _linears(net)], "weight_decay": 0.0},
    ], lr=lr)
    trainer = pg.FastTrainer(model, x, y, lr=lr, l2=l2)

    for _ in range(3):  # three passes of batches of 10, 10 and 3 (a partial batch)
        for start in range(0, 23, 10):
            part = slice(start, start + 10)
            with torch.no_grad():
                trainer.step(trainer.x_cols[:, part], trainer.t_cols[:, part])
            optimizer.zero_grad()
            pg.mean_loss(net(x[part]), y[part], loss).backward()
            optimizer.step()
            for (w, b), linear in zip(model.layers(), _linears(net)):
                torch.testing.assert_close(w, linear.weight.detach(), atol=1e-5, rtol=1e-4)
                torch.testing.assert_close(b, linear.bias.detach(), atol=1e-5, rtol=1e-4)
    # The padding around narrower layers never moved away from zero.
    assert torch.count_nonzero(model.params * (1 - model.mask)) == 0


@pytest.mark.parametrize("points", [7, 300])  # small batches, and the big-batch tanh path
@pytest.mark.parametrize("loss", pg.LOSSES)
def test_fast_forward_equals_nn_sequential(points: int, loss: str) -> None:
    g = torch.Generator().manual_seed(1)
    model = pg.MLP(3, 6, 3, "tanh", loss, device=CPU, generator=g)
    trainer = pg.FastTrainer(model, torch.zeros(1, 2), torch.zeros(1, dtype=torch.long), lr=0.1, l2=0.0)
    x = 4 * torch.randn(points, 2, generator=g)
    with torch.no_grad():
        expected = model.to_sequential()(x)
        torch.testing.assert_close(model.forward(x), expected, atol=1e-5, rtol=1e-4)
        torch.testing.assert_close(trainer.outputs(trainer.columns(x)).t(), expected, atol=1e-5, rtol=1e-4)


# --------------------------------------------------------------------------- the demo

def test_live_reports_carry_the_boundary_grid() -> None:
    seen: list[Progress] = []
    result = run(report=seen.append, dataset="circles", **{**SMALL, "epochs": 20})
    assert seen and seen[0].done == 1 and seen[-1].done == 20
    for progress in seen:
        assert isinstance(progress, pg.BoundaryProgress)
        assert len(progress.boundary) == pg.GRID * pg.GRID and len(progress.axis) == pg.GRID
        assert len(progress.x) == progress.done == len(progress.curves["train"])
        assert all(0.0 <= v <= 1.0 for v in progress.boundary)
    assert len(seen[-1].points) == len(result.data["x_train"])
    assert isinstance(DEMO.live_figure(seen[-1], "ko"), go.Figure)
    assert DEMO.live_figure(Progress(1, 2), "en") is None
    assert result.data["boundary"].shape == (pg.GRID, pg.GRID)


def test_boundary_is_drawn_where_the_network_decides() -> None:
    # Read the heatmap cell under each training point: it must give the network's own
    # prediction there, so rows really are x2 and columns x1.
    result = run(dataset="moons", **SMALL)
    d = result.data
    axis, boundary = d["axis"], d["boundary"]
    col = np.abs(d["x_train"][:, :1] - axis).argmin(axis=1)
    row = np.abs(d["x_train"][:, 1:] - axis).argmin(axis=1)
    from_heatmap = (boundary[row, col] > 0.5).astype(int)
    assert result.metrics["train_acc"] > 0.8  # well above chance, so a flipped grid would show
    assert abs((from_heatmap == d["y_train"]).mean() - result.metrics["train_acc"]) < 0.05


@pytest.mark.parametrize("dataset", ["xor", "circles"])
def test_hidden_layers_solve_what_a_linear_model_cannot(dataset: str) -> None:
    deep = run(dataset=dataset, **SMALL).metrics
    linear = run(dataset=dataset, **{**SMALL, "hidden_layers": 0}).metrics
    assert deep["test_acc"] > 0.9
    assert linear["test_acc"] < 0.7  # a straight line cannot cut out a disc or a checkerboard


def test_linear_activation_collapses_to_a_linear_model() -> None:
    stacked = run(dataset="circles", **{**SMALL, "activation": "linear", "loss": "cross-entropy"}).metrics
    assert stacked["test_acc"] < 0.7


@pytest.mark.parametrize("loss", pg.LOSSES)
def test_multiclass_learns_three_blobs(loss: str) -> None:
    result = run(dataset="blobs", task="multiclass", loss=loss, **SMALL)
    assert result.data["classes"] == 3 and set(result.data["y_train"].tolist()) == {0, 1, 2}
    assert result.metrics["test_acc"] > 0.9
    assert set(np.unique(result.data["boundary"]).tolist()) <= {0.0, 1.0, 2.0}
    spiral = run(dataset="spiral", task="multiclass", **{**SMALL, "epochs": 5})
    assert set(spiral.data["y_train"].tolist()) == {0, 1, 2}


def test_same_seed_same_run() -> None:
    a, b = run(seed=5, **{**SMALL, "epochs": 10}), run(seed=5, **{**SMALL, "epochs": 10})
    assert a.metrics["train_loss"] == b.metrics["train_loss"]
    assert np.array_equal(a.data["boundary"], b.data["boundary"])


def test_divergence_is_a_result() -> None:
    result = run(activation="linear", loss="cross-entropy", lr=3.0, hidden_layers=6, width=16, epochs=30)
    assert result.metrics["diverged"] == 1.0
    assert "diverged" in result.summary.en and "발산" in result.summary.ko
    assert len(DEMO.figures(result, "en")) == 2


def test_figures_in_both_languages() -> None:
    result = run(dataset="xor", **{**SMALL, "epochs": 10})
    english, korean = DEMO.figures(result, "en"), DEMO.figures(result, "ko")
    assert len(english) == len(korean) == 2
    assert all(isinstance(f, go.Figure) for f in english + korean)
    for en, ko in zip(english, korean):
        assert en.to_plotly_json() != ko.to_plotly_json()
    assert "결정 경계" in korean[0].layout.title.text
    assert result.summary.en and result.summary.ko


@pytest.mark.parametrize("bad", [
    {"hidden_layers": 7}, {"width": 0}, {"activation": "gelu"}, {"lr": 0.0}, {"batch_size": 0},
    {"train_ratio": 1.0}, {"dataset": "mnist"}, {"epochs": "many"}, {"depth": 3},
    {"task": "multiclass", "dataset": "circles"},  # circles has two classes only
])
def test_bad_params_raise_param_error(bad: dict) -> None:
    with pytest.raises(ParamError):
        DEMO.run({**bad}, device=CPU, seed=0, report=no_report)


def test_reference_agrees_with_fast_path() -> None:
    params = {"dataset": "circles", **{**SMALL, "epochs": 15}}
    fast = DEMO.run(params, device=CPU, seed=0, report=no_report)
    reference = DEMO.reference(params, device=CPU, seed=0)
    ok, message = DEMO.agrees_with_reference(fast, reference)
    assert ok, message
    # Same start, same batches in the same order: the runs match to rounding.
    assert abs(fast.metrics["train_loss"] - reference.metrics["train_loss"]) < 1e-3
    np.testing.assert_allclose(fast.data["curves"]["test_loss"], reference.data["curves"]["test_loss"], atol=1e-3)


def test_benchmark_reports_both_speeds() -> None:
    numbers = pg.benchmark_tf_playground(epochs=20)
    assert numbers["fast_epochs_per_s"] > 0 and numbers["plain_epochs_per_s"] > 0
    # The hand-written loop is about ten times faster; demand at least twice, leaving
    # room for a busy machine.
    assert numbers["speedup"] > 2
