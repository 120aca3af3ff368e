"""The activations demo: vanishing gradients, symmetry of zero init, dead units, reference."""

from __future__ import annotations

import importlib
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from demos.framework import ParamError, Progress, no_report

module = importlib.import_module("demos.activations")
DEMO = module.DEMO
CPU = torch.device("cpu")
# Deep enough for gradients to vanish, small enough to run in well under a second.
SMALL = {"depth": 10, "width": 16, "steps": 20, "batch_size": 32}


def run(seed: int = 0, **overrides):
    return DEMO.run({**SMALL, **overrides}, device=CPU, seed=seed, report=no_report)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sigmoid_first_layer_gradient_is_far_below_relus(seed: int) -> None:
    m = run(seed).metrics
    assert m["sigmoid_grad_first"] > 0
    assert m["sigmoid_grad_first"] * 10 < m["relu_grad_first"]
    # And it is the last layer that still gets a healthy gradient: the signal vanished on the way back.
    assert m["sigmoid_grad_last_over_first"] > 100


def test_large_weights_explode_relu_gradients_and_divergence_is_reported() -> None:
    calm = run(init="xavier").metrics
    wild = run(init="large normal").metrics
    assert wild["relu_grad_first"] > 1000 * calm["relu_grad_first"]
    for name in module.NAMES:
        step = wild[f"{name}_diverged_step"]
        assert step == -1 or 1 <= step <= SMALL["steps"]


def test_zero_init_leaves_every_hidden_unit_identical() -> None:
    zeros = run(init="zeros").metrics
    for name in module.NAMES:
        assert zeros[f"{name}_distinct_units"] == 1, name
    # The same count after a random init: units differ, so the check can tell them apart.
    xavier = run(init="xavier").metrics
    assert all(xavier[f"{name}_distinct_units"] > SMALL["width"] // 2 for name in module.NAMES)


def test_zero_init_weights_stay_symmetric_after_training_steps() -> None:
    """Checked on the weights themselves: every hidden unit's incoming weights stay equal."""
    generator = torch.Generator().manual_seed(0)
    model = module.StackedDeepMLP(list(module.ACTIVATIONS.values()), 3, 8, "zeros", generator)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    x, y = torch.rand(5, 40, 64), torch.randint(10, (40,))
    for _ in range(5):
        loss = module.per_variant_cross_entropy(model(x)[0], y)
        optimizer.zero_grad()
        loss.sum().backward()
        optimizer.step()
    # sigmoid(0) = 0.5 is not 0, so the sigmoid network's hidden weights did move ...
    assert model.weights[1][0].abs().max() > 0
    for w in model.weights[:-1]:  # ... but every column (one hidden unit) moved identically
        assert torch.allclose(w, w[:, :, :1].expand_as(w), atol=1e-6)


def test_dead_unit_share_on_a_handmade_case() -> None:
    # 3 examples x 4 units. Unit 0 is negative everywhere, unit 1 is positive once,
    # unit 2 is exactly 0 everywhere (ReLU'(0) = 0 in PyTorch), unit 3 is positive everywhere.
    layer1 = torch.tensor([[-1.0, -2.0, 0.0, 1.0],
                           [-3.0, 0.5, 0.0, 2.0],
                           [-0.5, -1.0, 0.0, 3.0]])
    layer2 = torch.tensor([[-1.0, 1.0], [-2.0, 1.0], [-4.0, 1.0]])  # one dead unit of two
    relu = module.ACTIVATIONS["relu"]
    assert module.dead_unit_share([layer1], relu) == pytest.approx(2 / 4)
    assert module.dead_unit_share([layer1, layer2], relu) == pytest.approx(3 / 6)
    assert module.dead_unit_share([layer1, layer2], module.ACTIVATIONS["leaky_relu"]) == 0.0
    assert module.dead_unit_share([layer1, layer2], module.ACTIVATIONS["sigmoid"]) == 0.0


def test_distinct_units_counts_copies() -> None:
    a = torch.tensor([[1.0, 1.0, 2.0, 1.0], [3.0, 3.0, 0.0, 3.0]])
    assert module.distinct_units(a) == 2
    assert module.distinct_units(torch.zeros(5, 7)) == 1


def test_autograd_derivatives_match_the_textbook_formulas() -> None:
    z = torch.linspace(-4, 4, 81)
    s, t = torch.sigmoid(z), torch.tanh(z)
    d = {name: module.derivative(f, z) for name, f in module.ACTIVATIONS.items()}
    assert torch.allclose(d["sigmoid"], s * (1 - s), atol=1e-6)
    assert torch.allclose(d["tanh"], 1 - t**2, atol=1e-6)
    assert torch.equal(d["relu"], (z > 0).float())
    assert torch.allclose(d["leaky_relu"], torch.where(z > 0, 1.0, module.LEAKY_SLOPE))
    phi = torch.exp(-(z**2) / 2) / math.sqrt(2 * math.pi)
    assert torch.allclose(d["gelu"], 0.5 * (1 + torch.erf(z / math.sqrt(2))) + z * phi, atol=1e-5)
    assert d["sigmoid"].max() == pytest.approx(0.25)  # the bound behind the vanishing gradient


def test_stacked_model_equals_one_plain_network_per_activation() -> None:
    generator = torch.Generator().manual_seed(0)
    functions = list(module.ACTIVATIONS.values())
    stacked = module.StackedDeepMLP(functions, 3, 12, "he", generator)
    with torch.no_grad():  # give the biases values too, so they are part of the check
        for b in stacked.biases:
            b.normal_(0, 0.1, generator=generator)
    x = torch.rand(7, 64)
    logits, _, _ = stacked(x.expand(len(functions), -1, -1))
    modules = [nn.Sigmoid(), nn.Tanh(), nn.ReLU(), nn.LeakyReLU(module.LEAKY_SLOPE), nn.GELU()]
    for v, activation in enumerate(modules):
        layers: list[nn.Module] = []
        for i, (w, b) in enumerate(zip(stacked.weights, stacked.biases)):
            linear = nn.Linear(w.shape[1], w.shape[2])
            with torch.no_grad():
                linear.weight.copy_(w[v].T)
                linear.bias.copy_(b[v, 0])
            layers += [linear, activation] if i < len(stacked.weights) - 1 else [linear]
        assert torch.allclose(nn.Sequential(*layers)(x), logits[v], atol=1e-5)


def test_initialization_scales_match_torch_init() -> None:
    assert module.weight_std("xavier", 64, 32) == pytest.approx(nn.init.calculate_gain("linear") * math.sqrt(2 / 96))
    assert module.weight_std("he", 64, 32) == pytest.approx(math.sqrt(2 / 64))
    w = torch.empty(2000, 1000)
    nn.init.kaiming_normal_(w, nonlinearity="relu")  # fan_in = 1000
    assert w.std().item() == pytest.approx(module.weight_std("he", 1000, 2000), rel=0.02)


def test_progress_is_reported_from_the_start_to_the_end() -> None:
    seen: list[Progress] = []
    DEMO.run({**SMALL, "steps": 60}, device=CPU, seed=0, report=seen.append)
    assert seen[0].done <= 6 and seen[-1].done == seen[-1].total == 60
    assert set(seen[-1].curves) == {module.LABELS[n].en for n in module.NAMES}
    assert all(len(values) == len(seen[-1].x) for values in seen[-1].curves.values())


def test_metrics_are_plain_floats_and_summary_in_both_languages() -> None:
    result = run()
    assert all(type(v) is float for v in result.metrics.values())
    assert result.summary.en and result.summary.ko and result.summary.en != result.summary.ko


def test_figures_in_both_languages() -> None:
    result = run(init="zeros")  # zeros: the log-scale and histogram code paths see all-equal values
    for lang in ("en", "ko"):
        figures = DEMO.figures(result, lang)
        assert len(figures) == 5
        for figure in figures:
            figure.to_json()
    titles = lambda lang: [f.layout.title.text for f in DEMO.figures(result, lang)]  # noqa: E731
    assert titles("en") != titles("ko")


@pytest.mark.parametrize("bad", [
    {"init": "uniform"}, {"depth": 0}, {"width": 2}, {"lr": -1.0}, {"steps": "many"}, {"layers": 3},
])
def test_bad_params_raise(bad: dict) -> None:
    with pytest.raises(ParamError):
        DEMO.run(bad, device=CPU, seed=0, report=no_report)


def test_reference_agrees_with_the_fast_path() -> None:
    params = {"depth": 8, "width": 32, "steps": 100, "batch_size": 64, "lr": 0.05}
    fast = DEMO.run(params, device=CPU, seed=0, report=no_report)
    reference = DEMO.reference(params, device=CPU, seed=0)
    ok, message = DEMO.agrees_with_reference(fast, reference)
    assert ok, message
    assert set(fast.metrics) == set(reference.metrics)


def test_agreement_check_can_fail() -> None:
    fast = run()
    broken = type(fast)(metrics=dict(fast.metrics), data=fast.data, summary=fast.summary)
    broken.metrics["tanh_grad_first"] *= 10
    ok, message = DEMO.agrees_with_reference(fast, broken)
    assert not ok and "tanh" in message


def test_double_check_cross_entropy_helper() -> None:
    logits, y = torch.randn(5, 9, 10), torch.randint(10, (9,))
    expected = torch.stack([F.cross_entropy(logits[v], y) for v in range(5)])
    assert torch.allclose(module.per_variant_cross_entropy(logits, y), expected, atol=1e-6)
