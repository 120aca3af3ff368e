"""The residual demo shows degradation and its cure, over fixed seeds, on the CPU."""

from __future__ import annotations

import math
import threading

import pytest
import torch

from demos.framework import ParamError
from demos.residual import DEMO
from demos.residual.lesson import Block, gradient_per_layer, make_net, train, weight_layers
from demos.data import split_digits

CPU = torch.device("cpu")


@pytest.fixture(autouse=True)
def one_thread():
    """Small matrices: one thread is faster than two waiting on each other (as in the app)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def run(seed: int = 0, stop: threading.Event | None = None, **params):
    progress = []
    result = DEMO.run(params, device=CPU, seed=seed, report=progress.append, stop=stop)
    return result, progress


def first_batch(seed: int = 0):
    x, y, _, _ = split_digits(400, seed)
    return x[:256], y[:256]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_at_the_defaults_the_deep_plain_network_trains_worse_than_the_shallow_one(seed):
    m = run(seed)[0].metrics  # 20 layers against 4, the same 120 batches
    # Degradation: a higher loss on the training set itself, not only on the test set.
    assert m["plain_train_loss"] > 0.3 and m["plain_train_loss"] > 5 * m["shallow_train_loss"]
    assert m["degradation"] == pytest.approx(m["plain_train_loss"] - m["shallow_train_loss"])
    # The same 20 layers with shortcuts train about as well as the shallow network.
    assert m["residual_train_loss"] < 0.3 * m["plain_train_loss"]
    assert m["residual_train_loss"] < m["shallow_train_loss"] + 0.1
    assert m["residual_test_acc"] > m["plain_test_acc"] + 0.1
    # With BatchNorm the plain network's first layer gets more gradient than its last, not less.
    assert m["plain_grad_ratio"] > 5


def test_a_few_layers_more_cost_little():
    m = run(0, depth=6)[0].metrics
    assert abs(m["degradation"]) < 0.1


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_without_batchnorm_the_plain_gradient_vanishes_and_the_shortcuts_carry_it(seed):
    x, y = first_batch(seed)
    torch.manual_seed(seed)
    plain = gradient_per_layer(make_net(20, 32, residual=False, batch_norm=False), x, y)
    torch.manual_seed(seed)
    residual = gradient_per_layer(make_net(20, 32, residual=True, batch_norm=False), x, y)
    assert len(plain) == len(residual) == 20
    assert plain[0] < 1e-4 * plain[-1]  # the first layer gets almost nothing
    assert 0.1 < residual[0] / residual[-1] < 10  # about as much as the last


def test_without_batchnorm_the_plain_network_stays_at_guessing():
    m = run(0, batch_norm=False, steps=60)[0].metrics
    assert m["plain_train_loss"] > 2.2  # ln 10 = 2.30: uniform guessing over 10 digits
    assert m["residual_train_loss"] < 1.0


def test_the_networks_have_the_stated_number_of_weight_layers():
    for depth in (2, 4, 20, 21):
        for residual in (False, True):
            layers = weight_layers(make_net(depth, 16, residual, batch_norm=True))
            assert len(layers) == depth - depth % 2
    result = run(0, depth=9, shallow_depth=3, steps=20)[0]
    assert result.data["depths"] == {"shallow": 2, "plain": 8, "residual": 8}
    assert [len(g) for g in result.data["grad_start"].values()] == [2, 8, 8]


def test_a_block_whose_layers_compute_zero_passes_its_input_through():
    # What makes "do nothing" easy to learn: F(x) = 0 gives y = relu(x) = x for the
    # non-negative outputs of a previous ReLU. A plain block would output relu(0) = 0.
    torch.manual_seed(0)
    for batch_norm in (False, True):
        block = Block(8, residual=True, batch_norm=batch_norm).eval()
        with torch.no_grad():
            block.f[3].weight.zero_()
            block.f[3].bias.zero_()
        x = torch.rand(5, 8)
        assert torch.allclose(block(x), x)
        plain = Block(8, residual=False, batch_norm=batch_norm).eval()
        plain.load_state_dict(block.state_dict())
        assert torch.equal(plain(x), torch.zeros(5, 8))


def test_the_three_networks_see_the_same_batches_and_report_every_step():
    result, progress = run(0, steps=30)
    assert [len(result.data["losses"][name]) for name in ("shallow", "plain", "residual")] == [30, 30, 30]
    assert progress[-1].done == 30 and set(progress[-1].series) == {"shallow", "plain", "residual"}
    assert len(progress) == 30


def test_stop_ends_training_at_the_next_report_with_a_usable_result():
    stop = threading.Event()
    stop.set()
    result, progress = run(0, stop=stop, steps=200)
    assert result.stopped and len(progress) == 1
    assert all(len(losses) == 1 for losses in result.data["losses"].values())
    assert all(math.isfinite(v) for v in result.metrics.values())


def test_divergence_is_a_result_not_a_crash():
    out = train(depth=8, shallow_depth=2, width=16, steps=15, lr=1e4, batch_norm=False)
    assert out["diverged"], "a learning rate of 10,000 must blow up"
    for name, step in out["diverged"].items():
        assert out["metrics"][f"{name}_diverged_step"] == step
        assert math.isnan(out["metrics"][f"{name}_train_loss"])
        assert len(out["losses"][name]) == step - 1  # the finite losses before it blew up


def test_the_figures_build_in_both_languages():
    result, _ = run(0, depth=8, steps=20)
    for lang in ("en", "ko"):
        figs = DEMO.figures(result, lang)
        assert len(figs) == 4
        for fig in figs:
            assert fig.layout.title.text
            axes = [fig.layout[key] for key in fig.layout if key.startswith(("xaxis", "yaxis"))]
            # Every axis has a title, except those that share the first plot's y axis.
            assert all(axis.title.text or axis.matches for axis in axes if axis.visible is not False)
        names = list(figs[-1].data[0].y)
        assert names[0] == "LeNet-5 (1998)" and names[-1] == "MobileNetV2 (2018)" and len(names) == 11
        assert DEMO.summary(result.metrics, {"depth": 8, "shallow_depth": 4})(lang)
    assert "평범한" in DEMO.figures(result, "ko")[0].data[1].name


@pytest.mark.parametrize("params", [
    {"depth": 3}, {"depth": 42}, {"shallow_depth": 0}, {"width": 4}, {"steps": 5000},
    {"lr": 0.0}, {"lr": float("nan")}, {"batch_norm": "yes"}, {"layers": 10},
])
def test_bad_params_are_refused(params):
    with pytest.raises(ParamError):
        run(0, **params)
