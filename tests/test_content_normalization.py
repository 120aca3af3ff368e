"""Every number and PyTorch behaviour the normalization topic states is measured here.

The spreads come from the demo's own lesson (its network and its step-0 measurement) over ten
seeds; the layer behaviours from torch.nn itself. If the lesson or PyTorch changes, the text
must change with it.
"""

from __future__ import annotations

import inspect
import math
import statistics
from functools import lru_cache

import pytest
import torch
from torch import nn

from demos.data import digits, split_digits
from demos.generators import GENERATORS, GeneratorError
from demos.normalization import DEMO
from demos.normalization import lesson
from studyapp.content import load_content
from tests.conftest import ROOT
from tests.content_text import strings_of

CONTENT = load_content(ROOT / "content")
TOPIC = CONTENT.topic("normalization")
SEEDS = range(10)
INITS = ("small", "xavier", "he", "large")
CPU = torch.device("cpu")


@pytest.fixture(autouse=True)
def one_thread():
    """Small tensors: one thread is faster than two waiting on each other."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def texts(item) -> str:
    """Every English string of a card or question, joined."""
    found = strings_of(item, "en")
    return " ".join(found)


def card(card_id: str) -> str:
    return texts(next(c for c in CONTENT.cards() if c.id == card_id))


def question(question_id: str) -> str:
    return texts(next(q for q in CONTENT.questions() if q.id == question_id))


def geometric_mean(values) -> float:
    return math.exp(statistics.mean(math.log(v) for v in values))


def two_digits(value: float) -> str:
    return f"{value:.2g}"


@lru_cache(maxsize=None)
def at_start(init: str, norm: str) -> tuple[tuple[float, ...], ...]:
    """Over seeds 0-9, the demo's step-0 measurements of its 20-layer network: the activation
    ratio (layer 20 / layer 1), the gradient ratio (layer 1 / layer 20), and layer 20's
    similarity of different images."""
    acts, grads, sims = [], [], []
    for seed in SEEDS:
        x, y, _, _ = split_digits(597, seed)
        torch.manual_seed(seed)
        found = lesson.spread(lesson.make_mlp(20, norm, init), x[:256], y[:256])
        acts.append(found["activation"][-1] / found["activation"][0])
        grads.append(found["gradient"][0] / found["gradient"][-1])
        sims.append(found["similarity"][-1])
    return tuple(acts), tuple(grads), tuple(sims)


# --- the moved cards live here now ----------------------------------------------------------


def test_the_topic_holds_the_moved_cards_and_its_demo():
    ids = {c.id for c in TOPIC.cards}
    assert {"batch-normalization", "weight-initialization", "xavier-initialization", "he-initialization"} <= ids
    assert TOPIC.demos == ["normalization"] and TOPIC.order == 35
    activations = CONTENT.topic("activations")
    assert "initialization" not in activations.title.en and "초기화" not in activations.title.ko


# --- what the demo's network does at step 0 (ten seeds) --------------------------------------


def test_the_spread_at_layer_20_for_each_initialization():
    he, xavier = at_start("he", "none")[0], at_start("xavier", "none")[0]
    small, large = at_start("small", "none")[0], at_start("large", "none")[0]
    assert two_digits(geometric_mean(he)) == "0.62"
    assert "0.62" in card("he-initialization")
    assert two_digits(geometric_mean(xavier)) == "0.00085"
    assert "0.00085" in card("xavier-initialization") and "0.00085" in card("he-initialization")
    assert (two_digits(min(he)), two_digits(max(he))) == ("0.23", "2.5")
    assert "from 0.23 to 2.5" in card("variance-propagation")
    text = card("vanishing-exploding-activations")
    assert two_digits(geometric_mean(small)) == "1.2e-06" and "1.2e-06" in text
    assert two_digits(geometric_mean(large)) == "3.2e+05" and "3.2e+05" in text


def test_doubling_the_weights_multiplies_the_ratio_by_two_to_the_nineteen():
    # ReLU(c·z) = c·ReLU(z) and the biases start at 0: 19 layers from layer 1 to layer 20.
    he, large = at_start("he", "none")[0], at_start("large", "none")[0]
    assert all(b / a == pytest.approx(2**19, rel=1e-3) for a, b in zip(he, large))
    assert 2**19 == 524288 and "2^19 = 524288" in card("vanishing-exploding-activations")


def test_xavier_loses_a_factor_of_root_two_per_square_layer():
    he, xavier = at_start("he", "none")[0], at_start("xavier", "none")[0]
    assert all(b / a == pytest.approx(2**-9.5, rel=1e-3) for a, b in zip(he, xavier))
    assert round(1 / 2**-9.5) == 724 and "2^−9.5, about 1/724" in card("variance-propagation")
    assert "1/724" in question("normalization-q-predict-xavier-spread")


def test_batch_norm_keeps_the_forward_spread_flat_whatever_the_initialization():
    ratios = [r for init in INITS for r in at_start(init, "batch")[0]]
    assert (two_digits(min(ratios)), two_digits(max(ratios))) == ("0.97", "1.1")
    assert "between 0.97 and 1.1" in card("batch-normalization")


def test_batch_norm_gradient_grows_towards_the_input_at_initialization():
    grads = at_start("he", "batch")[1]
    assert round(geometric_mean(grads)) == 42
    assert "about 42" in card("vanishing-exploding-activations")
    assert "about 42" in question("normalization-q-bn-claims")


def test_only_batch_norm_keeps_different_images_apart():
    bn = at_start("he", "batch")[2]
    assert two_digits(statistics.mean(bn)) == "0.33"
    assert min(at_start("he", "none")[2]) > 0.9 and min(at_start("he", "layer")[2]) > 0.9
    for card_id in ("batch-normalization", "layer-normalization"):
        assert "0.33" in card(card_id) and "0.9" in card(card_id)


# --- the demo's defaults, as the questions state them --------------------------------------


def test_the_prompts_state_the_lessons_defaults():
    defaults = {name: p.default for name, p in ((p.name, p) for p in DEMO.params)}
    assert defaults == {"init": "xavier", "depth": 20, "steps": 80, "lr": 0.01}
    assert lesson.WIDTH == 64 and lesson.ALONE == 50
    assert "learning rate 0.01" in question("normalization-q-predict-large-init")
    assert "80 steps" in question("normalization-q-predict-large-init")
    assert "50 test images" in question("normalization-q-predict-batch-of-one")
    assert "50 test images" in card("batchnorm-train-eval")
    assert "20 hidden layers of 64 ReLU units" in question("normalization-q-predict-xavier-spread")
    signature = inspect.signature(lesson.train)
    assert signature.parameters["steps"].default == 80


def test_the_default_run_batch_of_one_and_three_quarters_in_eval_mode():
    result = DEMO.run({}, device=CPU, seed=0)
    m = result.metrics
    assert 0.65 < m["batch_test_acc"] < 0.85
    assert "about three quarters" in question("normalization-q-predict-batch-of-one")
    assert m["bn_alone_classes"] == 1
    assert "Expected more than 1 value per channel when training" in result.data["bn_error"]
    assert "Expected more than 1 value per channel when training" in card("batchnorm-train-eval")


# --- PyTorch's layers behave as the cards say ---------------------------------------------


def test_batch_norm_of_one_row_is_refused_but_one_image_in_batchnorm2d_is_not():
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(4).train()(torch.randn(1, 4))
    out = nn.BatchNorm2d(3).train()(torch.randn(1, 3, 5, 5))
    assert out.shape == (1, 3, 5, 5)  # statistics over the 5x5 positions of the one image


def test_eval_mode_classifies_each_image_alone_as_in_a_batch():
    torch.manual_seed(0)
    model = lesson.make_mlp(4, "batch", "he")
    x = torch.rand(32, 64)
    with torch.no_grad():
        model.train()(x)  # some running statistics
        model.eval()
        together = model(x)
        alone = torch.cat([model(x[i:i + 1]) for i in range(32)])
    assert torch.allclose(together, alone, atol=1e-5)


def test_running_statistics_momentum_biased_and_unbiased_variance():
    assert nn.BatchNorm1d(3).momentum == 0.1 and nn.BatchNorm1d(3).eps == 1e-5
    layer = nn.BatchNorm1d(1).train()
    x = torch.tensor([[1.0], [2.0], [6.0]])
    with torch.no_grad():
        out = layer(x)
    # running = 0.9 · old + 0.1 · batch; the stored variance divides by N − 1 = 2
    assert layer.running_mean.item() == pytest.approx(0.1 * 3.0)
    assert layer.running_var.item() == pytest.approx(0.9 * 1.0 + 0.1 * x.var(unbiased=True).item())
    # the normalization itself divides by N = 3
    expected = (x - 3.0) / torch.sqrt(x.var(unbiased=False) + 1e-5)
    assert torch.allclose(out, expected, atol=1e-5)
    text = card("batchnorm-train-eval")
    assert "momentum 0.1 by default" in text and "(dividing by N − 1)" in text


def test_a_training_mode_pass_moves_the_running_stats_even_without_gradients():
    layer = nn.BatchNorm1d(2).train()
    with torch.no_grad():
        layer(torch.randn(8, 2) + 5)
    assert (layer.running_mean > 0.3).all()
    assert "even inside torch.no_grad()" in card("batchnorm-train-eval")


def test_a_bias_before_batch_norm_is_wasted():
    torch.manual_seed(0)
    linear, norm = nn.Linear(6, 4), nn.BatchNorm1d(4).train()
    x = torch.randn(16, 6)
    with torch.no_grad():
        with_bias = norm(linear(x))
        without = norm(x @ linear.weight.T)
    assert torch.allclose(with_bias, without, atol=1e-5)


@pytest.mark.parametrize("norm", [nn.BatchNorm1d, nn.LayerNorm])
def test_scaling_the_weights_before_a_norm_keeps_the_output_and_divides_the_gradient(norm):
    torch.manual_seed(1)
    x, target = torch.randn(32, 8), torch.randn(32, 5)
    weight = torch.randn(5, 8)
    outputs, grads = [], []
    for c in (1.0, 10.0):
        w = (c * weight).requires_grad_()
        out = norm(5)(x @ w.T)
        ((out - target) ** 2).sum().backward()
        outputs.append(out.detach())
        grads.append(w.grad)
    assert torch.allclose(outputs[0], outputs[1], atol=1e-4)
    assert torch.allclose(grads[1], grads[0] / 10, rtol=1e-3, atol=1e-6)
    assert "divides their gradient by c" in card("batch-normalization")


def test_group_norm_extremes_are_layer_norm_and_instance_norm_statistics():
    x = torch.randn(2, 6, 4, 4)
    one_group = nn.GroupNorm(1, 6)(x)
    assert torch.allclose(one_group, nn.LayerNorm([6, 4, 4])(x), atol=1e-5)
    assert torch.allclose(nn.GroupNorm(6, 6)(x), nn.InstanceNorm2d(6)(x), atol=1e-5)
    assert nn.GroupNorm(1, 6).weight.shape == (6,) and nn.LayerNorm([6, 4, 4]).weight.shape == (6, 4, 4)
    assert "nn.GroupNorm(1, C) matches nn.LayerNorm([C, H, W])" in card("group-normalization")


# --- initialization --------------------------------------------------------------------------


def test_relu_keeps_half_of_the_second_moment():
    z = torch.randn(2_000_000, generator=torch.Generator().manual_seed(0))
    assert (torch.relu(z) ** 2).mean().item() == pytest.approx(0.5, rel=0.01)


def test_gains_and_fans_the_cards_name():
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert "5/3" in card("xavier-initialization")
    assert nn.init.calculate_gain("leaky_relu", 0) == pytest.approx(math.sqrt(2))
    assert nn.init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(nn.Conv2d(16, 32, kernel_size=3).weight)
    assert (fan_in, fan_out) == (144, 288)
    assert "fan-in of 144, not 16" in card("variance-propagation") and "fan-out of 288" in card("variance-propagation")


def test_nn_linear_default_init_and_its_factor_under_relu():
    torch.manual_seed(0)
    weight = nn.Linear(400, 300).weight.detach()
    assert weight.abs().max().item() <= 1 / math.sqrt(400)
    assert weight.var().item() == pytest.approx(1 / (3 * 400), rel=0.02)
    factor = math.sqrt(400 * (1 / (3 * 400)) / 2)
    assert f"{factor:.2f}" == "0.41" and "√(1/6) ≈ 0.41" in card("weight-initialization")
    # measured: a deep stack of default weights (biases at zero) shrinks the spread that much
    torch.manual_seed(0)
    h = torch.randn(512, 256)
    start = h.std().item()
    with torch.no_grad():
        for _ in range(10):
            layer = nn.Linear(256, 256)
            layer.bias.zero_()
            h = torch.relu(layer(h))
    assert (h.std().item() / start) ** (1 / 10) == pytest.approx(0.41, abs=0.05)
    assert "About 0.41" in question("normalization-q-default-linear")


def test_the_digits_are_min_max_scaled_from_zero_to_sixteen():
    x, _ = digits()
    assert x.min().item() == 0 and x.max().item() == 1
    assert torch.equal(x * 16, (x * 16).round())  # whole numbers 0..16 before dividing
    assert "from 0 to 16" in card("input-normalization")


# --- the generators -------------------------------------------------------------------------


@pytest.mark.parametrize("momentum, running, batch_mean", [(0.1, 0.0, 3.0), (0.1, 2.0, -1.0), (0.3, 1.0, 5.0)])
def test_running_mean_generator_is_pytorchs_moving_average(momentum, running, batch_mean):
    got = GENERATORS["batchnorm-running-mean"](momentum=momentum, running=running, batch_mean=batch_mean)
    assert got == pytest.approx((1 - momentum) * running + momentum * batch_mean, abs=1e-6)


def test_running_mean_generator_refuses_a_batch_that_changes_nothing():
    with pytest.raises(GeneratorError):
        GENERATORS["batchnorm-running-mean"](momentum=0.1, running=1.0, batch_mean=1.0)


@pytest.mark.parametrize("fan_in, fan_out", [(64, 10), (784, 256), (128, 128)])
def test_xavier_generator_measures_the_bound_and_the_standard_deviation(fan_in, fan_out):
    bound = GENERATORS["xavier-uniform-limit"](fan_in=fan_in, fan_out=fan_out, uniform=True)
    std = GENERATORS["xavier-uniform-limit"](fan_in=fan_in, fan_out=fan_out, uniform=False)
    assert bound == pytest.approx(math.sqrt(6 / (fan_in + fan_out)), rel=1e-3)
    assert std == pytest.approx(math.sqrt(2 / (fan_in + fan_out)), rel=5e-3)


def test_xavier_generator_leaves_the_global_rng_alone():
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    GENERATORS["xavier-uniform-limit"](fan_in=64, fan_out=64, uniform=True)
    assert torch.equal(torch.rand(3), expected)
