"""The activations demo shows its concepts over fixed seeds, with small CPU settings:
vanishing gradients, exploding ones, the symmetry of all-zero weights, dead ReLU units."""

from __future__ import annotations

import math
import threading

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from demos.activations import DEMO
from demos.activations.figures import NAMES
from demos.activations.lesson import ACTIVATIONS, distinct_units, make_mlp, slope
from demos.device import torch_threads
from demos.framework import ParamError

CPU = torch.device("cpu")
# Deep enough for gradients to vanish, small enough to run in well under a second.
SMALL = {"depth": 10, "width": 16, "steps": 20, "batch_size": 32}


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny networks: one PyTorch thread beats two, and by far on a machine shared with others."""
    with torch_threads(1):
        yield


def run(seed: int = 0, stop: threading.Event | None = None, **params):
    progress = []
    result = DEMO.run({**SMALL, **params}, device=CPU, seed=seed, report=progress.append, stop=stop)
    return result, progress


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sigmoid_first_layer_gradient_is_far_below_relus(seed):
    m = run(seed)[0].metrics
    assert m["sigmoid_grad_first"] > 0
    assert m["sigmoid_grad_first"] * 100 < m["relu_grad_first"]
    # The last layer still gets a healthy gradient: it vanished on the way back.
    assert m["sigmoid_grad_last_over_first"] > 1000
    assert m["tanh_grad_last_over_first"] < 100  # tanh's slope is 1 at 0: Xavier keeps it


def test_large_weights_explode_relu_gradients_and_divergence_is_a_result():
    calm = run(init="xavier")[0].metrics
    wild, _ = run(init="large normal", lr=1.0)
    assert wild.metrics["relu_grad_first"] > 1000 * calm["relu_grad_first"]
    steps = [wild.metrics[f"{name}_diverged_step"] for name in NAMES]
    assert any(step > 0 for step in steps)  # something blew up, and the run still finished
    assert all(step == -1 or 1 <= step <= SMALL["steps"] for step in steps)
    for name, step in wild.data["diverged"].items():
        assert len(wild.data["losses"][name]) == step - 1  # it stopped training there
    for lang in ("en", "ko"):
        for figure in DEMO.figures(wild, lang):
            figure.to_json()


def test_zero_init_leaves_every_hidden_unit_identical():
    zeros = run(init="zeros")[0].metrics
    assert all(zeros[f"{name}_distinct_units"] == 1 for name in NAMES)
    # The same count after a random init: units differ, so the check can tell them apart.
    xavier = run(init="xavier")[0].metrics
    assert all(xavier[f"{name}_distinct_units"] > SMALL["width"] // 2 for name in NAMES)


def test_zero_init_weights_stay_symmetric_after_training_steps():
    """Checked on the weights themselves: every hidden unit's incoming weights stay equal."""
    torch.manual_seed(0)
    model = make_mlp(nn.Sigmoid, depth=3, width=8, init="zeros")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    x, y = torch.rand(40, 64), torch.randint(10, (40,))
    for _ in range(5):
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    linears = [layer for layer in model if isinstance(layer, nn.Linear)]
    assert linears[1].weight.abs().max() > 0  # sigmoid(0) = 0.5, so the weights did move ...
    for layer in linears[:-1]:  # ... but every row (one hidden unit) moved identically
        assert torch.allclose(layer.weight, layer.weight[:1].expand_as(layer.weight), atol=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_large_learning_rate_kills_relu_units_but_not_leaky_ones(seed):
    small = {"depth": 6, "width": 32, "steps": 40, "batch_size": 64}
    gentle = run(seed, **small, lr=0.02)[0].metrics
    harsh = run(seed, **small, lr=0.3)[0].metrics
    assert harsh["relu_dead_share"] > 0.5
    assert harsh["relu_dead_share"] > 2 * gentle["relu_dead_share"]
    assert harsh["leaky_relu_dead_share"] == gentle["leaky_relu_dead_share"] == 0


def test_distinct_units_counts_copies():
    a = torch.tensor([[1.0, 1.0, 2.0, 1.0], [3.0, 3.0, 0.0, 3.0]])
    assert distinct_units(a) == 2
    assert distinct_units(torch.zeros(5, 7)) == 1


def test_autograd_slopes_match_the_textbook_derivatives():
    z = torch.linspace(-4, 4, 81)
    s, t = torch.sigmoid(z), torch.tanh(z)
    d = {name: slope(act(), z) for name, act in ACTIVATIONS.items()}
    assert torch.allclose(d["sigmoid"], s * (1 - s), atol=1e-6)
    assert torch.allclose(d["tanh"], 1 - t**2, atol=1e-6)
    assert torch.equal(d["relu"], (z > 0).float())
    assert torch.allclose(d["leaky_relu"], torch.where(z > 0, 1.0, 0.01))
    phi = torch.exp(-(z**2) / 2) / math.sqrt(2 * math.pi)
    assert torch.allclose(d["gelu"], 0.5 * (1 + torch.erf(z / math.sqrt(2))) + z * phi, atol=1e-5)
    assert d["sigmoid"].max() == pytest.approx(0.25)  # the bound behind the vanishing gradient


def test_initializations_draw_the_textbook_scales():
    torch.manual_seed(0)
    stds = {init: make_mlp(nn.ReLU, 2, 512, init)[2].weight.std().item()  # a 512 -> 512 layer
            for init in ("xavier", "he", "small normal", "large normal", "zeros")}
    assert stds["xavier"] == pytest.approx(math.sqrt(2 / (512 + 512)), rel=0.02)
    assert stds["he"] == pytest.approx(math.sqrt(2 / 512), rel=0.02)
    assert stds["small normal"] == pytest.approx(0.01, rel=0.02)
    assert stds["large normal"] == pytest.approx(1.0, rel=0.02)
    assert stds["zeros"] == 0


def test_all_five_start_from_the_same_weights():
    at_start = run()[0].data["at_start"]
    relu, leaky = torch.tensor(at_start["relu"][0]), torch.tensor(at_start["leaky_relu"][0])
    positive = relu > 0  # the first layer's z is the same, so where ReLU passes it, so does Leaky ReLU
    assert positive.float().mean() > 0.2
    assert torch.allclose(relu[positive], leaky[positive])


def test_progress_reports_every_activation_and_ends_complete():
    _, progress = run(steps=50)
    assert progress[0].done <= 5 and progress[-1].done == progress[-1].total == 50
    assert len(progress) <= 60
    assert set(progress[-1].series) == set(DEMO.live.names) == set(NAMES)


def test_stop_ends_training_at_the_next_report_and_keeps_what_was_trained():
    stop = threading.Event()
    reports = []

    def press_stop_at_the_second_report(progress):
        reports.append(progress.done)
        if len(reports) == 2:
            stop.set()

    result = DEMO.run({**SMALL, "steps": 100}, device=CPU, seed=0,
                      report=press_stop_at_the_second_report, stop=stop)
    assert result.stopped and len(reports) == 2 and reports[-1] < 100
    assert len(result.data["losses"]["tanh"]) == reports[-1]  # it trained no step after Stop
    assert all(0 <= result.metrics[f"{name}_val_acc"] <= 1 for name in NAMES)
    for figure in DEMO.figures(result, "en"):
        figure.to_json()


def test_same_seed_same_result_and_figures_in_both_languages():
    a, _ = run(5, init="zeros")  # zeros: the log axes and histograms see all-equal values
    b, _ = run(5, init="zeros")
    assert a.metrics == pytest.approx(b.metrics, nan_ok=True)
    assert all(type(v) is float for v in a.metrics.values())
    assert a.summary.en and a.summary.ko and a.summary.en != a.summary.ko
    titles = {}
    for lang, word in (("en", "Gradient"), ("ko", "기울기")):
        figures = DEMO.figures(a, lang)
        assert len(figures) == 6
        assert word in str(figures[1].to_dict())
        titles[lang] = [str(f.layout.title.text) for f in figures]
    assert titles["en"] != titles["ko"]


@pytest.mark.parametrize("bad", [
    {"init": "uniform"}, {"depth": 0}, {"width": 2}, {"lr": -1.0}, {"steps": "many"}, {"layers": 3},
    {"steps": 100_000}, {"width": 4096},
])
def test_bad_params_are_refused(bad):
    with pytest.raises(ParamError):
        DEMO.run(bad, device=CPU, seed=0)
