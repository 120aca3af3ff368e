"""The heads demo: what each output layer outputs, and what the classic mistakes cost."""

from __future__ import annotations

import importlib
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from demos.framework import ParamError, Progress, no_report

module = importlib.import_module("demos.heads")
DEMO = module.DEMO
CPU = torch.device("cpu")
SMALL = {"steps": 60, "batch_size": 32}


def run(seed: int = 0, **overrides):
    return DEMO.run({**SMALL, **overrides}, device=CPU, seed=seed, report=no_report)


def test_softmax_rows_sum_to_one_and_sigmoid_tag_rows_do_not() -> None:
    result = run()
    sums = result.data["row_sums"]
    for name in ("multiclass", "double_softmax", "multilabel_softmax", "mse"):
        assert np.allclose(sums[name], 1.0, atol=1e-5), name
        assert result.metrics[f"{name}_row_sum"] == pytest.approx(1.0, abs=1e-5)
    # Independent sigmoids: each row sums to whatever the tags need, rarely exactly 1.
    assert np.mean(np.abs(sums["multilabel"] - 1) > 0.05) > 0.5
    assert result.metrics["multilabel_rows_not_one"] > 0.5
    assert sums["multilabel"].min() < 0.9 and sums["multilabel"].max() > 1.5


def test_probabilities_of_each_head_on_arbitrary_logits() -> None:
    logits = torch.randn(50, 10, generator=torch.Generator().manual_seed(0)) * 3
    assert torch.allclose(module.probabilities("multiclass", logits).sum(dim=1), torch.ones(50))
    assert torch.allclose(module.probabilities("multilabel_softmax", logits).sum(dim=1), torch.ones(50))
    tags = module.probabilities("multilabel", logits)
    assert tags.shape == (50, 3) and not torch.allclose(tags.sum(dim=1), torch.ones(50), atol=0.05)
    assert module.probabilities("binary", logits).shape == (50, 1)
    # With rows that sum to 1, at most one of three tags can pass 0.5: "all three tags" is impossible.
    assert ((module.probabilities("multilabel_softmax", logits) > 0.5).sum(dim=1) <= 1).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cross_entropy_on_logits_beats_double_softmax_on_the_same_budget(seed: int) -> None:
    m = run(seed).metrics
    assert m["multiclass_acc"] >= m["double_softmax_acc"]
    assert m["multiclass_acc"] > 0.6  # and it has actually learned something in 60 steps
    # The double softmax's gradient starts an order of magnitude smaller.
    assert m["double_softmax_grad_start"] * 5 < m["multiclass_grad_start"]


def test_double_softmax_loss_cannot_approach_zero() -> None:
    """Softmax outputs lie in [0, 1], so the second softmax sees logits at most 1 apart:
    even a perfect, confident prediction keeps a loss of log(1 + 9/e)."""
    y = torch.arange(10)
    perfect = 50.0 * F.one_hot(y, 10).float()
    target = module.targets(y)
    assert module.loss_of("multiclass", perfect, target).item() == pytest.approx(0.0, abs=1e-6)
    assert module.loss_of("double_softmax", perfect, target).item() == pytest.approx(math.log(1 + 9 / math.e), rel=1e-4)


def test_mse_gradient_vanishes_when_confidently_wrong() -> None:
    y = torch.tensor([3])
    wrong = (8.0 * F.one_hot(torch.tensor([7]), 10).float()).requires_grad_(True)
    grads = {}
    for name in ("multiclass", "mse"):
        (grad,) = torch.autograd.grad(module.loss_of(name, wrong, module.targets(y)), wrong)
        grads[name] = grad.norm().item()
    assert grads["mse"] * 100 < grads["multiclass"]


def test_targets_for_the_three_tasks() -> None:
    t = module.targets(torch.tensor([8, 1, 0, 7, 6, 3]))
    assert t["binary"].tolist() == [1, 0, 1, 0, 1, 0]
    assert t["multilabel"].tolist() == [[1, 1, 1], [0, 0, 0], [1, 0, 1], [0, 1, 0], [1, 1, 1], [0, 0, 0]]


@pytest.mark.parametrize("setup", module.SETUPS, ids=lambda s: s.name)
def test_fast_losses_equal_the_plain_nn_modules(setup) -> None:
    generator = torch.Generator().manual_seed(1)
    logits, y = torch.randn(16, 10, generator=generator), torch.randint(10, (16,), generator=generator)
    fast = module.loss_of(setup.name, logits, module.targets(y))
    plain = module.plain_criterion(setup.name)(logits[:, : setup.outputs], y)
    assert fast.item() == pytest.approx(plain.item(), rel=1e-5)


def test_stacked_model_equals_one_plain_network_per_copy() -> None:
    model = module.StackedMLP(3, 16, torch.Generator().manual_seed(0))
    with torch.no_grad():
        for w in model.weights:  # make the copies different, so mixing them up would show
            w.add_(0.1 * torch.randn_like(w))
    x = torch.rand(5, 64)
    out = model(x.expand(3, -1, -1))
    for c in range(3):
        linears = []
        for w, b in zip(model.weights, model.biases):
            linear = nn.Linear(w.shape[1], w.shape[2])
            with torch.no_grad():
                linear.weight.copy_(w[c].T)
                linear.bias.copy_(b[c, 0])
            linears.append(linear)
        plain = nn.Sequential(linears[0], nn.ReLU(), linears[1], nn.ReLU(), linears[2])
        assert torch.allclose(plain(x), out[c], atol=1e-5)


def test_examples_show_the_chosen_digits() -> None:
    result = run()
    assert result.data["example_labels"] == list(module.EXAMPLE_DIGITS)
    assert result.data["example_probs"]["multiclass"].shape == (4, 10)
    assert result.data["example_probs"]["multilabel"].shape == (4, 3)


def test_progress_is_reported_from_the_start_to_the_end() -> None:
    seen: list[Progress] = []
    DEMO.run(SMALL, device=CPU, seed=0, report=seen.append)
    assert seen[0].done <= 5 and seen[-1].done == seen[-1].total == SMALL["steps"]
    assert len(seen[-1].curves) == len(module.SETUPS)


def test_metrics_are_plain_floats_and_summary_in_both_languages() -> None:
    result = run()
    assert all(type(v) is float for v in result.metrics.values())
    assert result.summary.en and result.summary.ko and result.summary.en != result.summary.ko


def test_figures_in_both_languages() -> None:
    result = run()
    for lang in ("en", "ko"):
        figures = DEMO.figures(result, lang)
        assert len(figures) == 3
        for figure in figures:
            figure.to_json()
    titles = lambda lang: [f.layout.title.text for f in DEMO.figures(result, lang)]  # noqa: E731
    assert titles("en") != titles("ko")


@pytest.mark.parametrize("bad", [
    {"optimizer": "rmsprop"}, {"steps": 0}, {"lr": 0.0}, {"hidden": 1.5}, {"head": "softmax"},
])
def test_bad_params_raise(bad: dict) -> None:
    with pytest.raises(ParamError):
        DEMO.run(bad, device=CPU, seed=0, report=no_report)


def test_reference_agrees_with_the_fast_path() -> None:
    fast = DEMO.run({}, device=CPU, seed=0, report=no_report)
    reference = DEMO.reference({}, device=CPU, seed=0)
    ok, message = DEMO.agrees_with_reference(fast, reference)
    assert ok, message
    assert set(fast.metrics) == set(reference.metrics)


def test_agreement_check_can_fail() -> None:
    fast = run()
    broken = type(fast)(metrics=dict(fast.metrics), data=fast.data, summary=fast.summary)
    broken.metrics["multiclass_acc"] -= 0.5
    ok, message = DEMO.agrees_with_reference(fast, broken)
    assert not ok and "multiclass" in message
