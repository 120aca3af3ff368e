"""The heads demo shows what each output layer and loss does, over fixed seeds, on the CPU."""

from __future__ import annotations

import math
import threading

import pytest
import torch
import torch.nn.functional as F

from demos.data import split_digits
from demos.device import torch_threads
from demos.framework import ParamError, Result, demo_thread_count
from demos.heads import DEMO, engine, figures, lesson
from demos.stacked import StackedMLP, add_backward, forward_keeping_inputs, linear_layers

CPU = torch.device("cpu")
NAMES = tuple(lesson.SETUPS)


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """As the app runs a demo on a 2-core machine (demo_thread_count): one PyTorch thread. With
    two on a busy machine, the threads of every tiny op wait for each other, many times slower."""
    with torch_threads(demo_thread_count(2)):
        yield


def run(seed: int = 0, stop: threading.Event | None = None, use_engine: bool = True, **params):
    progress = []
    result = DEMO.run(params, device=CPU, seed=seed, report=progress.append, stop=stop, use_engine=use_engine)
    return result, progress


@pytest.fixture(scope="module")
def default_runs() -> dict[int, Result]:
    """The default run (SGD with momentum, 200 steps) for three seeds, through the engine."""
    return {seed: run(seed)[0] for seed in (0, 1, 2)}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_right_heads_learn_and_the_mistakes_cost(default_runs, seed):
    m = default_runs[seed].metrics
    assert m["binary_acc"] > 0.9 and m["multiclass_acc"] > 0.9 and m["multilabel_acc"] > 0.8
    # Double softmax and MSE on probabilities learn more slowly: far behind after 200 steps.
    assert m["double_softmax_acc"] < m["multiclass_acc"] - 0.1
    assert m["mse_acc"] < 0.6 < m["multiclass_acc"]  # the predict-then-run question's answer
    # ...because their gradients start 10x and 50x smaller (the cards say so).
    assert 7 < m["multiclass_grad_start"] / m["double_softmax_grad_start"] < 14
    assert 35 < m["multiclass_grad_start"] / m["mse_grad_start"] < 70
    assert m["multilabel_softmax_acc"] < m["multilabel_acc"] - 0.2


def test_a_softmax_over_tags_can_get_only_digits_with_at_most_one_tag_right(default_runs):
    _, _, _, y_val = split_digits(test_size=500, seed=0)
    at_most_one_tag = (lesson.tags(y_val).sum(dim=1) <= 1).float().mean().item()  # 1 2 3 4 5 7
    assert default_runs[0].metrics["multilabel_softmax_acc"] <= at_most_one_tag
    probs = default_runs[0].data["example_probs"]["multilabel_softmax"]
    assert ((probs > 0.5).sum(axis=1) <= 1).all()  # two probabilities above 0.5 would sum past 1


def test_softmax_rows_sum_to_one_and_sigmoid_tag_rows_do_not(default_runs):
    m = default_runs[0].metrics
    for name in ("multiclass", "double_softmax", "multilabel_softmax", "mse"):
        assert m[f"{name}_row_sum"] == pytest.approx(1.0, abs=1e-5)
    assert m["multilabel_rows_not_one"] > 0.5
    assert 1.1 < m["multilabel_row_sum"] < 1.6  # the card: "about 1.3 on average"
    sums = default_runs[0].data["example_probs"]["multilabel"].sum(axis=1)  # digits 8, 0, 7, 1
    assert sums[0] > 2.5 and sums[1] > 1.5 and sums[3] < 0.5


def test_double_softmax_loss_cannot_approach_zero():
    """Softmax outputs lie in [0, 1], so the second softmax sees logits at most 1 apart:
    even a perfect, confident prediction keeps a loss of log(1 + 9/e)."""
    y = torch.arange(10)
    perfect = 50.0 * F.one_hot(y, 10).float()
    assert lesson.loss_fn("multiclass", perfect, y).item() == pytest.approx(0.0, abs=1e-6)
    assert lesson.loss_fn("double_softmax", perfect, y).item() == pytest.approx(math.log(1 + 9 / math.e), rel=1e-4)


def test_mse_gradient_vanishes_when_confidently_wrong():
    y = torch.tensor([3])
    wrong = (8.0 * F.one_hot(torch.tensor([7]), 10).float()).requires_grad_(True)
    norms = {name: torch.autograd.grad(lesson.loss_fn(name, wrong, y), wrong)[0].norm().item()
             for name in ("multiclass", "mse")}
    assert norms["mse"] * 100 < norms["multiclass"]


def test_tags_of_digits():
    assert lesson.tags(torch.tensor([8, 1, 0, 7, 6, 3])).tolist() == [
        [1, 1, 1], [0, 0, 0], [1, 0, 1], [0, 1, 0], [1, 1, 1], [0, 0, 0]]


@pytest.mark.parametrize("scale", [1.0, 30.0])  # 30: saturated softmaxes and sigmoids
def test_the_engines_hand_written_gradients_are_autograds(scale):
    generator = torch.Generator().manual_seed(0)
    logits = scale * torch.randn(len(NAMES), 16, 10, generator=generator)
    y = torch.randint(10, (16,), generator=generator)
    ours = engine.output_gradients(logits, F.one_hot(y, 10).float(), lesson.tags(y))
    for i, name in enumerate(NAMES):
        width = lesson.SETUPS[name]
        z = logits[i, :, :width].clone().requires_grad_(True)
        (expected,) = torch.autograd.grad(lesson.loss_fn(name, z, y), z)
        torch.testing.assert_close(ours[i, :, :width], expected, rtol=1e-4, atol=1e-8, msg=name)
        assert (ours[i, :, width:] == 0).all()


def test_stacked_copies_start_as_the_plain_models_and_backprop_as_autograd():
    plain = [lesson.make_model(8, width, seed=0) for width in (1, 10, 3)]
    model = StackedMLP.from_inits([linear_layers(m) for m in plain])
    for p in model.parameters():
        p.grad = torch.zeros_like(p)
    x = torch.rand(5, 64)
    logits, inputs = forward_keeping_inputs(model, x.expand(3, -1, -1))
    for i, m in enumerate(plain):
        width = m[-1].out_features
        torch.testing.assert_close(logits[i, :, :width], m(x).detach())
        assert (logits[i, :, width:] == 0).all()  # the padded outputs
    delta = torch.randn_like(logits)
    add_backward(model, inputs, delta)
    for i, m in enumerate(plain):
        width = m[-1].out_features
        (m(x) * delta[i, :, :width]).sum().backward()
        for layer, (w, b) in enumerate(zip(model.weights, model.biases)):
            linear = m[2 * layer]
            torch.testing.assert_close(w.grad[i, :, :linear.out_features], linear.weight.grad.t())
            torch.testing.assert_close(b.grad[i, 0, :linear.out_features], linear.bias.grad)
    # One shared start, as before from_inits existed: every copy the same.
    shared = StackedMLP(2, linear_layers(plain[1]))
    assert all(torch.equal(w[0], w[1]) for w in shared.weights)


@pytest.mark.parametrize("params", [{}, {"optimizer": "adam", "lr": 0.01, "steps": 50, "hidden": 16}])
def test_engine_and_lesson_train_the_same_networks(default_runs, params):
    fast = default_runs[0] if not params else run(0, **params)[0]
    plain, _ = run(0, use_engine=False, **params)
    ok, message = DEMO.agrees(fast.data, plain.data)
    assert ok, message
    assert list(fast.metrics) == list(plain.metrics)
    for key, value in plain.metrics.items():
        assert fast.metrics[key] == pytest.approx(value, abs=0.01), key
    assert fast.data["history"]["mse"]["step"] == plain.data["history"]["mse"]["step"]


def test_the_agreement_check_can_fail(default_runs):
    out = default_runs[0].data
    broken = {**out, "metrics": {**out["metrics"], "multiclass_acc": out["metrics"]["multiclass_acc"] - 0.5}}
    ok, message = DEMO.agrees(out, broken)
    assert not ok and "multiclass" in message


def test_a_diverged_network_stops_and_is_reported_not_a_crash():
    # Far beyond the page's learning rates (at most 1): some outputs overflow to inf.
    for huge, count in ((1e30, 6), (1e8, 3)):
        reports = {"lesson": [], "engine": []}
        outs = {who: module.train(steps=10, lr=huge, hidden=16,
                                  report=lambda step, total, values, who=who: reports[who].append((step, set(values))))
                for who, module in (("lesson", lesson), ("engine", engine))}
        plain, fast = outs["lesson"], outs["engine"]
        diverged = {n: plain["metrics"][f"{n}_diverged_step"] for n in NAMES}
        assert sum(bool(step) for step in diverged.values()) == count
        assert diverged == {n: fast["metrics"][f"{n}_diverged_step"] for n in NAMES}
        # Training goes on to the end (or Stop) for the others, and the diverged are no longer reported.
        assert reports["lesson"] == reports["engine"] and [s for s, _ in reports["lesson"]] == list(range(1, 11))
        assert all(not (values & {n for n, s in diverged.items() if s and s <= step})
                   for step, values in reports["lesson"])
    name = next(n for n, step in diverged.items() if step)
    assert max(plain["history"][name]["step"], default=0) < diverged[name]  # its curve ends there
    metrics = {k: float(v) for k, v in plain["metrics"].items()}
    result = Result(metrics=metrics, data=plain, summary=DEMO.summary(metrics, {}))
    assert "Diverged" in result.summary.en and "발산" in result.summary.ko
    for figure in DEMO.figures(result, "en"):
        figure.to_json()


def test_progress_reports_every_series_a_few_dozen_times():
    _, progress = run(0, steps=100, hidden=16)
    assert 20 <= len(progress) <= 30
    assert progress[0].done == 1 and progress[-1].done == progress[-1].total == 100
    assert set(progress[-1].series) == set(DEMO.live.names) == set(NAMES)


@pytest.mark.parametrize("use_engine", [True, False])
def test_stop_ends_training_at_the_next_report_and_keeps_what_was_trained(use_engine):
    stop = threading.Event()
    seen = []

    def press_stop_at_the_second_report(progress):
        seen.append(progress.done)
        if len(seen) == 2:
            stop.set()

    result = DEMO.run({"steps": 2000, "hidden": 16}, device=CPU, seed=0, report=press_stop_at_the_second_report,
                      stop=stop, use_engine=use_engine)
    assert result.stopped and seen == [1, 80]
    assert result.data["history"]["multiclass"]["step"] == [1, 80]
    assert 0.2 < result.metrics["multiclass_acc"] <= 1  # measured on the weights trained so far


def test_same_seed_same_result_and_figures_in_both_languages(default_runs):
    assert run(5, steps=40, hidden=16)[0].metrics == run(5, steps=40, hidden=16)[0].metrics
    result = default_runs[0]
    assert all(type(v) is float for v in result.metrics.values())
    assert "mse_acc" in result.metrics  # the predict-then-run question reads it
    for lang, word in (("en", "Validation accuracy"), ("ko", "검증 정확도")):
        built = DEMO.figures(result, lang)
        assert len(built) == 4
        assert word in str(built[0].to_dict())
        for figure in built:
            figure.to_json()
    assert result.summary.en != result.summary.ko and "MSE" in result.summary.ko


def test_every_setup_has_a_label_and_a_colour_in_both_languages():
    assert set(figures.SETUPS) == set(figures.COLORS) == set(NAMES)
    for name in NAMES:
        label = figures.setup_label(name)
        assert label.en and label.ko and label.en != label.ko


@pytest.mark.parametrize("bad", [{"optimizer": "rmsprop"}, {"steps": 0}, {"lr": 0.0}, {"lr": 2.0},
                                 {"hidden": 1.5}, {"batch_size": 4096}, {"head": "softmax"}])
def test_bad_params_are_refused(bad):
    with pytest.raises(ParamError):
        DEMO.run(bad, device=CPU, seed=0)
