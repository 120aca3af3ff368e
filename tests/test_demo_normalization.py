"""The normalization demo shows the concept, over fixed seeds, with small CPU settings."""

from __future__ import annotations

import math
import threading

import pytest
import torch
from torch import nn

from demos.data import split_digits
from demos.framework import ParamError
from demos.normalization import DEMO
from demos.normalization.lesson import NORMS, make_mlp, spread

CPU = torch.device("cpu")


@pytest.fixture(autouse=True)
def one_thread():
    """Small tensors: one thread is faster than two waiting on each other, and deterministic."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def run(seed: int = 0, stop: threading.Event | None = None, **params):
    progress = []
    result = DEMO.run(params, device=CPU, seed=seed, report=progress.append, stop=stop)
    return result, progress


def at_start(init: str, norm: str, seed: int = 0, depth: int = 20) -> dict:
    x, y, _, _ = split_digits(597, seed)
    torch.manual_seed(seed)
    return spread(make_mlp(depth, norm, init), x[:256], y[:256])


def ratio(found: dict) -> float:
    return found["activation"][-1] / found["activation"][0]


@pytest.mark.parametrize("seed", [0, 1])
def test_without_normalization_each_layer_multiplies_the_spread_by_the_init_factor(seed):
    # ReLU is positively homogeneous and the biases start at 0, so scaling every weight by c
    # scales layer l's output by c**l: 19 layers from the first hidden layer to the last.
    he = ratio(at_start("he", "none", seed))
    assert ratio(at_start("small", "none", seed)) == pytest.approx(he * 2.0 ** -19, rel=1e-3)
    assert ratio(at_start("large", "none", seed)) == pytest.approx(he * 2.0 ** 19, rel=1e-3)
    # Xavier on 64 -> 64 layers: Var(W) = 2/128, half of He's 2/64, so 1/√2 per layer.
    assert ratio(at_start("xavier", "none", seed)) == pytest.approx(he * 2.0 ** -9.5, rel=1e-3)
    assert 0.2 < he < 5  # He keeps it near 1 (finite width makes it wander a little)


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_normalization_makes_the_forward_spread_independent_of_the_init(norm):
    spreads = [at_start(init, norm)["activation"] for init in ("small", "xavier", "he", "large")]
    for other in spreads[1:]:
        assert other == pytest.approx(spreads[0], rel=1e-3)
    assert 0.8 < ratio(at_start("he", norm)) < 1.25


def test_batch_norm_keeps_different_images_apart_and_layer_norm_does_not():
    found = {norm: at_start("he", norm)["similarity"][-1] for norm in NORMS}
    assert found["none"] > 0.9 and found["layer"] > 0.9
    assert found["batch"] < 0.4
    # ... and at initialization the gradient grows towards the input under batch norm.
    assert at_start("he", "batch")["gradient"][0] > 20 * at_start("he", "batch")["gradient"][-1]


def test_by_default_only_the_batch_norm_network_learns_and_one_image_in_train_mode_is_refused():
    result, _ = run(0)  # Xavier weights, 20 layers, 80 steps
    m = result.metrics
    assert m["none_test_acc"] < 0.2 and m["batch_test_acc"] > 0.6
    assert m["none_activation_ratio"] < 0.01 and 0.8 < m["batch_activation_ratio"] < 1.25
    assert m["bn_batch1_refused"] == 1
    assert "Expected more than 1 value per channel when training" in result.data["bn_error"]
    # Two copies of each image: every BN layer outputs β, so every image gets the same class.
    assert m["bn_alone_classes"] == 1 and m["bn_alone_acc"] < 0.3
    assert abs(m["bn_whole_acc"] - m["batch_test_acc"]) < 0.1  # a big batch: statistics close to the running ones


def test_too_large_weights_make_the_plain_network_explode_while_batch_norm_trains():
    result, _ = run(0, init="large", depth=12, steps=30)
    m = result.metrics
    assert 1 <= m["none_diverged_step"] <= 5 and m["batch_diverged_step"] == 0
    assert m["none_activation_ratio"] > 1e3
    assert "inf or NaN at step" in result.summary.en and "NaN" in result.summary.ko
    assert len(DEMO.figures(result, "ko")) == 4


def test_he_initialization_lets_the_plain_network_learn_too():
    result, _ = run(1, init="he", depth=10, steps=60)
    assert result.metrics["none_test_acc"] > 0.3


def test_with_xavier_weights_layer_norm_learns_at_the_smaller_rate_the_help_suggests():
    result, _ = run(1, lr=0.005)
    assert result.metrics["layer_test_acc"] > 0.4
    lr = next(p for p in DEMO.params if p.name == "lr")
    assert "try 0.005" in lr.help.en and "0.005를" in lr.help.ko


def test_two_copies_of_one_input_reduce_batch_norm_to_beta():
    layer = nn.BatchNorm1d(5).train()
    with torch.no_grad():
        layer.bias.copy_(torch.arange(5.0))
        out = layer(torch.randn(1, 5).repeat(2, 1))
    # x minus the mean of two equal rows is 0 (up to rounding, then divided by √ε = 0.003).
    assert torch.allclose(out, torch.arange(5.0).repeat(2, 1), atol=1e-4)


def test_layer_norm_is_the_same_in_train_and_eval_mode_and_for_one_example():
    torch.manual_seed(0)
    model = make_mlp(4, "layer", "he")
    x = torch.rand(8, 64)
    with torch.no_grad():
        train_out = model.train()(x)
        eval_out = model.eval()(x)
        alone = torch.cat([model(x[i:i + 1]) for i in range(8)])
    assert torch.equal(train_out, eval_out) and torch.allclose(alone, eval_out, atol=1e-6)


def test_progress_reports_every_network_and_ends_complete():
    result, progress = run(2, depth=4, steps=20)
    assert [p.done for p in progress] == list(range(1, 21))
    assert set(progress[-1].series) == set(NORMS) == set(DEMO.live.names)
    assert all(len(result.data["losses"][norm]) == 20 for norm in NORMS)
    assert [step for step, _ in result.data["tests"]["batch"]] == list(range(1, 21))
    assert len(result.data["spread"]["none"]["activation"]) == 4


def test_stop_ends_training_at_the_next_report_and_keeps_what_was_trained():
    stop = threading.Event()
    reports = []

    def press_stop_at_step_5(progress):
        reports.append(progress.done)
        if progress.done == 5:
            stop.set()

    result = DEMO.run({"depth": 4, "steps": 300}, device=CPU, seed=0, report=press_stop_at_step_5, stop=stop)
    assert result.stopped and reports == [1, 2, 3, 4, 5]
    assert all(len(result.data["losses"][norm]) == 5 for norm in NORMS)
    assert 0 < result.metrics["batch_test_acc"] <= 1  # measured on the weights trained so far
    assert len(DEMO.figures(result, "en")) == 4


def test_same_seed_same_result_and_figures_in_both_languages():
    a, _ = run(3, depth=4, steps=20)
    b, _ = run(3, depth=4, steps=20)
    assert a.metrics == b.metrics and a.data["losses"] == b.data["losses"]
    for lang, word in (("en", "batch norm"), ("ko", "배치 정규화")):
        figures = DEMO.figures(a, lang)
        assert len(figures) == 4 and word in str(figures[0].to_dict())
        assert figures[0].layout.yaxis.type == "log" and figures[0].layout.yaxis2.type == "log"
        for fig in figures:
            assert fig.layout.title.text
            assert all(axis.title.text for axis in (*fig.select_xaxes(), *fig.select_yaxes()))
    assert "Xavier" in a.summary.en and "배치 정규화" in a.summary.ko
    assert math.isfinite(a.metrics["layer_similarity"])


@pytest.mark.parametrize("bad", [{"init": "zeros"}, {"depth": 1}, {"depth": 100}, {"steps": 5000},
                                 {"lr": 2.0}, {"lr": "fast"}, {"width": 32}])
def test_bad_params_are_refused(bad):
    with pytest.raises(ParamError):
        DEMO.run(bad, device=CPU, seed=0)
