"""The optimizers demo: the races show the concepts, Stop works, and the engine's hand-written
update rules move exactly as the lesson's torch.optim optimizers."""

from __future__ import annotations

import inspect
import threading

import pytest
import torch

from demos.device import torch_threads
from demos.framework import ParamError, demo_thread_count
from demos.optimizers import DEMO, engine, lesson

CPU = torch.device("cpu")
NAMES = list(lesson.OPTIMIZERS)
SMALL = {"steps": 200, "digits_steps": 20}


@pytest.fixture(autouse=True)
def app_threads():
    """As many PyTorch threads as the app gives a demo: on a busy machine, more make tiny
    ops wait for each other."""
    with torch_threads(demo_thread_count()):
        yield


def run(seed: int = 0, *, use_engine: bool = True, stop: threading.Event | None = None, **params):
    progress = []
    result = DEMO.run({**SMALL, **params}, device=CPU, seed=seed, report=progress.append, stop=stop,
                      use_engine=use_engine)
    return result, progress


def test_sgd_stalls_at_the_saddle_while_the_others_escape():
    result, _ = run(use_engine=False, surface="saddle")
    m = result.metrics
    assert m["sgd_escaped_saddle"] == 0.0
    assert m["sgd_distance_to_saddle"] < 0.1  # slid in along the ridge and stayed
    for o in ("momentum", "adagrad", "rmsprop", "adam"):
        assert m[f"{o}_escaped_saddle"] == 1.0
        assert m[f"{o}_distance_to_min"] < 0.05
    assert "Still near the saddle point" in result.summary.en and "SGD" in result.summary.en


def test_start_exactly_on_the_ridge_traps_everyone():
    # With no sideways gradient there is nothing to follow: the escape needs that tiny slope.
    result, _ = run(surface="saddle", custom_start=True, start_x=1.5, start_y=0.0, digits_steps=10)
    assert all(result.metrics[f"{o}_escaped_saddle"] == 0.0 for o in NAMES)


def test_adam_ends_far_below_sgd_on_the_ill_conditioned_bowl():
    m = run(surface="bowl", digits_steps=10)[0].metrics
    assert m["adam_final_loss"] < m["sgd_final_loss"] / 1000
    assert m["adam_distance_to_min"] < m["sgd_distance_to_min"]


def test_momentum_travels_furthest_along_the_rosenbrock_valley():
    m = run(surface="rosenbrock", digits_steps=10)[0].metrics
    assert min(NAMES, key=lambda o: m[f"{o}_distance_to_min"]) == "momentum"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_on_the_digits_momentum_and_adam_learn_faster_than_plain_sgd(seed):
    m = run(seed, steps=10, digits_steps=100)[0].metrics
    for o in ("momentum", "adam"):
        assert m[f"digits_{o}_train_loss"] < m["digits_sgd_train_loss"]
    assert all(m[f"digits_{o}_test_acc"] > 0.75 for o in NAMES)


def test_too_big_a_learning_rate_is_reported_as_divergence():
    result, _ = run(surface="rosenbrock", lr_scale=100.0, steps=50, digits_steps=30)
    m = result.metrics
    assert m["sgd_diverged_step"] >= 1 and "sgd_final_loss" not in m
    assert m["digits_sgd_diverged_step"] >= 1 and "digits_sgd_train_loss" not in m
    assert f"diverged at step {int(m['sgd_diverged_step'])}" in result.summary.en
    assert "발산" in result.summary.ko
    assert all(v == v for v in m.values())  # plain numbers, no NaN
    for lang in ("en", "ko"):
        DEMO.figures(result, lang)  # curves that end early still draw


@pytest.mark.parametrize("surface", list(lesson.SURFACES))
def test_engine_paths_equal_the_lessons_torch_optim_step_by_step(surface):
    settings = {"surface": surface, "steps": 80, "digits_steps": 10}
    fast, _ = run(**settings)
    plain, _ = run(**settings, use_engine=False)
    for o in NAMES:
        torch.testing.assert_close(torch.tensor(fast.data["paths"][o]), torch.tensor(plain.data["paths"][o]),
                                   rtol=1e-9, atol=1e-12)
    assert DEMO.agrees(fast.data, plain.data)[0]


def test_engine_and_lesson_agree_on_the_digits_and_on_divergence():
    for settings in ({"steps": 10, "digits_steps": 60}, {"surface": "bowl", "lr_scale": 5.0, "digits_steps": 30}):
        fast, _ = run(**settings)
        plain, _ = run(**settings, use_engine=False)
        ok, message = DEMO.agrees(fast.data, plain.data)
        assert ok, message
        assert set(fast.metrics) == set(plain.metrics)
        for key, value in plain.metrics.items():
            if key.endswith("_diverged_step"):
                assert fast.metrics[key] == value, key
            elif key.startswith("digits") and key.endswith("train_loss"):
                assert fast.metrics[key] == pytest.approx(value, rel=1e-3), key


def test_the_engines_update_rules_equal_torch_optim_on_random_gradients():
    generator = torch.Generator().manual_seed(0)
    start = torch.randn(3, 4, generator=generator, dtype=torch.float64)
    lrs = {"sgd": 0.1, "momentum": 0.05, "adagrad": 0.3, "rmsprop": 0.01, "adam": 0.02}
    stacked = start.repeat(len(NAMES), 1, 1)
    ours = engine.FiveOptimizers([stacked], engine.make_knobs(lrs, 0.8, dtype=torch.float64, device=CPU))
    singles = [torch.nn.Parameter(start.clone()) for _ in NAMES]
    theirs = [lesson.OPTIMIZERS[o]([w], lrs[o], 0.8) for o, w in zip(NAMES, singles)]
    for _ in range(25):
        scale = 10.0 ** torch.randint(-3, 2, (1,), generator=generator)  # tiny to large gradients
        grad = torch.randn(len(NAMES), 3, 4, generator=generator, dtype=torch.float64) * scale
        ours.step([grad])
        for i, (w, opt) in enumerate(zip(singles, theirs)):
            w.grad = grad[i].clone()
            opt.step()
            torch.testing.assert_close(stacked[i], w.detach(), rtol=1e-10, atol=1e-12)


def test_the_engine_takes_the_lessons_settings():
    assert inspect.signature(engine.train) == inspect.signature(lesson.train)


def test_progress_reports_both_races_and_completes():
    _, progress = run(steps=100, digits_steps=30)
    done = [p.done for p in progress]
    assert done[0] == 0 and done == sorted(done) and done[-1] == progress[-1].total == 130
    assert len(progress) < 120  # a few reports, not one per step
    assert set(progress[-1].series) == set(DEMO.live.names)  # every series has a label on screen
    xs, _ = progress[-1].series["digits adam"]
    assert xs[0] == 100  # the digits race follows the surface race on the x axis


@pytest.mark.parametrize("use_engine", [False, True])
def test_stop_ends_training_at_the_next_report_and_keeps_what_was_trained(use_engine):
    stop = threading.Event()
    seen = []

    def press_stop_at_step_40(progress):
        seen.append(progress.done)
        if progress.done >= 40:
            stop.set()

    result = DEMO.run({"steps": 200, "digits_steps": 200}, device=CPU, seed=0, report=press_stop_at_step_40,
                      stop=stop, use_engine=use_engine)
    assert result.stopped
    assert seen[-2] == 40 and seen[-1] == 200  # one last report: the digits networks, untrained
    assert len(result.data["paths"]["adam"]) == 42  # the start and the 41 steps taken
    assert result.data["digits"]["step"] == [0]
    assert 0 <= result.metrics["digits_adam_test_acc"] <= 1


def test_same_seed_same_result_and_figures_in_both_languages():
    a, _ = run(5, steps=40)
    b, _ = run(5, steps=40)
    assert a.metrics == b.metrics
    for lang, word in (("en", "step"), ("ko", "스텝")):
        figures = DEMO.figures(a, lang)
        assert len(figures) == 3
        assert len(figures[0].frames) > 10  # the race replays step by step
        assert word in figures[1].layout.xaxis.title.text
        assert all(fig.layout.xaxis.title.text and fig.layout.yaxis.title.text for fig in figures)


def test_bad_params_are_refused():
    with pytest.raises(ParamError, match="surface"):
        DEMO.run({"surface": "sphere"}, device=CPU, seed=0)
    with pytest.raises(ParamError, match="lr_scale"):
        DEMO.run({"lr_scale": 0.0}, device=CPU, seed=0)
    with pytest.raises(ParamError, match="digits_steps"):
        DEMO.run({"digits_steps": 5000}, device=CPU, seed=0)
