"""The learning-rate demo: too small is slow, too big diverges (a result, not a crash), the range
test and the schedule do what the cards say, Stop works, and the engine agrees with the lesson."""

from __future__ import annotations

import inspect
import math
import threading

import pytest
import torch

from demos.device import torch_threads
from demos.framework import ParamError, demo_thread_count
from demos.learning_rate import DEMO, engine, lesson

CPU = torch.device("cpu")
# lr 0.001, 0.01, 0.1, 1, 10 and 100, a short run.
SMALL = {"lr_min": 1e-3, "lr_max": 100.0, "count": 6, "steps": 200}


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


@pytest.mark.parametrize("seed", [0, 1])
def test_too_small_is_slow_and_too_big_diverges(seed):
    result, _ = run(seed)
    m = result.metrics
    assert [m[f"lr{i}"] for i in range(1, 7)] == pytest.approx([1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0])
    # the smallest rate has barely moved from the starting loss (ln 10 ≈ 2.30); a medium one learned
    assert m["lr1_final_loss"] > 0.95 * m["start_loss"]
    assert m["lr1_final_loss"] > m["lr3_final_loss"] + 1.0
    assert m["lr3_test_acc"] > 0.8
    # the largest blew up: reported with its step, no final loss, no crash
    step = int(m["lr6_diverged_step"])
    assert 1 <= step <= 5
    assert "lr6_final_loss" not in m
    assert f"diverged at step {step}" in result.summary.en
    assert f"{step} 스텝에서 발산" in result.summary.ko
    assert m["lr1_diverged_step"] == m["lr2_diverged_step"] == m["lr3_diverged_step"] == -1
    assert m["best_lr"] in (0.1, 1.0)


def test_the_prediction_question_settings_make_lr_10_diverge():
    # content/optimization.yaml asks whether lr 10 (lr3 of 0.01, 0.32, 10) diverges in 200 steps
    m = run(lr_min=0.01, lr_max=10.0, count=3, steps=200)[0].metrics
    assert m["lr3"] == pytest.approx(10.0) and m["lr3_diverged_step"] >= 0
    assert m["lr1_diverged_step"] == m["lr2_diverged_step"] == -1


def test_nan_and_inf_are_results_not_crashes():
    result, _ = run(lr_max=1000.0, count=2, steps=60, use_engine=False)
    m = result.metrics
    assert m["lr2_diverged_step"] >= 1
    assert all(isinstance(v, float) and math.isfinite(v) for v in m.values())
    for lang in ("en", "ko"):
        assert len(DEMO.figures(result, lang)) == 3


def test_a_cosine_schedule_ends_below_the_same_rate_held_constant():
    m = run(steps=400, schedule_lr=1.0, count=2)[0].metrics
    assert m["schedule_final_loss"] < m["constant_final_loss"]
    assert m["schedule_final_lr"] < 1e-4  # glided down to almost 0


def test_the_step_schedule_drops_to_a_tenth_halfway():
    result, _ = run(schedule="step", schedule_lr=0.5, steps=100, count=2, use_engine=False)
    rates = result.data["schedule_lrs"]
    assert rates[0] == pytest.approx(0.5) and rates[49] == pytest.approx(0.5) and rates[50] == pytest.approx(0.05)
    assert result.metrics["schedule_final_lr"] == pytest.approx(0.05)


@pytest.mark.parametrize("kind", ["cosine", "step"])
@pytest.mark.parametrize("steps", [7, 40, 101])
def test_the_engines_rate_table_is_torchs_schedulers(kind, steps):
    first = torch.nn.Linear(1, 1)
    runs = lesson.make_runs(first, [0.1], steps, kind, 0.7)
    for role, column in (("schedule", engine.scheduled_lrs(kind, 0.7, steps)), ("range_test", engine.range_test_lrs(steps))):
        _, optimizer, scheduler = runs[role]
        theirs = []
        for _ in range(steps):
            theirs.append(optimizer.param_groups[0]["lr"])  # the rate this step uses
            optimizer.step()
            scheduler.step()
        torch.testing.assert_close(column, torch.tensor(theirs, dtype=torch.float64), rtol=1e-9, atol=1e-12)


def test_range_test_sweeps_the_rate_up_and_stops_when_the_loss_blows_up():
    result, _ = run(steps=400, count=2)
    m, d = result.metrics, result.data["range_test"]
    assert m["range_test_stop_step"] > 1  # the loss exploded before 1e-4 reached 100
    assert all(b > a for a, b in zip(d["lr"], d["lr"][1:]))  # growing
    assert d["lr"][1] / d["lr"][0] == pytest.approx(d["lr"][-1] / d["lr"][-2])  # by the same factor
    assert m["range_test_min_loss_lr"] < m["range_test_stop_lr"]
    assert m["range_test_suggested_lr"] == pytest.approx(m["range_test_min_loss_lr"] / 10)
    # the suggestion lies in the sensible middle, not at either end of the range
    assert 1e-3 < m["range_test_suggested_lr"] < 1.0


def test_engine_and_lesson_agree():
    fast, _ = run(steps=120)
    plain, _ = run(steps=120, use_engine=False)
    ok, message = DEMO.agrees(fast.data, plain.data)
    assert ok, message
    assert set(fast.metrics) == set(plain.metrics)
    assert fast.metrics["lr3_final_loss"] == pytest.approx(plain.metrics["lr3_final_loss"], rel=1e-3)
    for key in ("lr5_diverged_step", "lr6_diverged_step", "range_test_stop_step"):
        assert fast.metrics[key] == plain.metrics[key]
    assert len(fast.data["range_test"]["lr"]) == len(plain.data["range_test"]["lr"])
    assert fast.data["schedule_lrs"] == pytest.approx(plain.data["schedule_lrs"])


def test_the_engine_takes_the_lessons_settings():
    assert inspect.signature(engine.train) == inspect.signature(lesson.train)


def test_progress_is_reported_and_completes():
    _, progress = run(steps=200)
    done = [p.done for p in progress]
    assert done[0] == 0 and done == sorted(done) and done[-1] == progress[-1].total == 200
    assert len(progress) <= 51
    series = progress[-1].series
    assert set(series) == {"lr = 0.001", "lr = 0.01", "lr = 0.1", "lr = 1", "lr = 10", "lr = 100"}
    assert list(series["lr = 100"][0]) == [0]  # it blew up: no point after the start
    assert list(series["lr = 0.1"][0]) == [p.done for p in progress]


@pytest.mark.parametrize("use_engine", [False, True])
def test_stop_ends_training_at_the_next_report_and_keeps_what_was_trained(use_engine):
    stop = threading.Event()
    seen = []

    def press_stop_at_step_40(progress):
        seen.append(progress.done)
        if progress.done == 40:
            stop.set()

    result = DEMO.run({**SMALL, "steps": 400}, device=CPU, seed=0, report=press_stop_at_step_40, stop=stop,
                      use_engine=use_engine)
    assert result.stopped and seen == [0, 8, 16, 24, 32, 40]
    assert result.data["history"]["step"][-1] == 40
    assert len(result.data["schedule_lrs"]) == 40  # the 40 steps it took
    assert 0 <= result.metrics["lr3_test_acc"] <= 1
    DEMO.figures(result, "en")


def test_figures_in_both_languages():
    result, _ = run(steps=100)
    for lang, word in (("en", "learning rate"), ("ko", "학습률")):
        figures = DEMO.figures(result, lang)
        assert len(figures) == 3
        assert word in figures[1].layout.xaxis.title.text
        for fig in figures:  # every axis titled (a shared x axis once, under the lowest panel)
            axes = fig.layout.to_plotly_json()
            assert all(axes[name]["title"]["text"] for name in axes if name.startswith("yaxis"))
            assert any(axes[name].get("title", {}).get("text") for name in axes if name.startswith("xaxis"))


def test_bad_params_are_refused():
    # the ranges of the two ends do not overlap: a sweep cannot run backwards
    with pytest.raises(ParamError, match="lr_max"):
        DEMO.run({"lr_min": 0.1, "lr_max": 0.01}, device=CPU, seed=0)
    with pytest.raises(ParamError, match="lr_min"):
        DEMO.run({"lr_min": 0.5}, device=CPU, seed=0)
    with pytest.raises(ParamError, match="schedule"):
        DEMO.run({"schedule": "linear"}, device=CPU, seed=0)
    with pytest.raises(ParamError, match="count"):
        DEMO.run({"count": 1}, device=CPU, seed=0)
