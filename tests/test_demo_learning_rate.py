"""The learning-rate demo: too small is slow, too big diverges (reported, not a crash), and the
schedules are torch.optim.lr_scheduler's."""

from __future__ import annotations

import importlib
import math

import pytest
import torch

from demos.framework import ParamError

learning_rate = importlib.import_module("demos.learning_rate")
DEMO = learning_rate.DEMO
CPU = torch.device("cpu")
# lr 0.001, 0.01, 0.1, 1, 10 and 100, a short run.
SMALL = {"lr_min": 1e-3, "lr_max": 100.0, "count": 6, "steps": 200}


def run(seed: int = 0, **params):
    progress = []
    result = DEMO.run({**SMALL, **params}, device=CPU, seed=seed, report=progress.append)
    return result, progress


@pytest.mark.parametrize("seed", [0, 1])
def test_too_small_is_slow_and_too_big_diverges(seed):
    result, _ = run(seed)
    m = result.metrics
    assert [m[f"lr{i}"] for i in range(1, 7)] == pytest.approx([1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0])
    # the smallest rate has barely moved from the starting loss (ln 10 ≈ 2.30); a medium one learned
    assert m["lr1_final_loss"] > 0.9 * m["start_loss"]
    assert m["lr1_final_loss"] > m["lr3_final_loss"] + 1.0
    assert m["lr3_test_acc"] > 0.8
    # the largest blew up: reported with its step, no final loss, no crash
    step = int(m["lr6_diverged_step"])
    assert 1 <= step <= 5
    assert "lr6_final_loss" not in m
    assert f"diverged at step {step}" in result.summary.en
    assert f"{step} 스텝에서 발산" in result.summary.ko
    assert m["lr1_diverged_step"] == m["lr2_diverged_step"] == m["lr3_diverged_step"] == -1.0
    assert m["best_lr"] in (0.1, 1.0)


def test_nan_and_inf_are_results_not_crashes():
    result, _ = run(lr_max=1000.0, count=2, steps=60)
    m = result.metrics
    assert m["lr2_diverged_step"] >= 1
    assert all(isinstance(v, float) and math.isfinite(v) for v in m.values())
    for lang in ("en", "ko"):
        assert len(DEMO.figures(result, lang)) == 3


@pytest.mark.parametrize("kind", ["cosine", "step"])
@pytest.mark.parametrize("steps", [7, 40, 101])
def test_schedules_match_torch_lr_scheduler(kind, steps):
    base = 0.7
    weight = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([weight], lr=base)
    if kind == "cosine":
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    else:
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=max(1, steps // 2), gamma=0.1)
    theirs = []
    for _ in range(steps):
        theirs.append(optimizer.param_groups[0]["lr"])  # the rate this step uses
        optimizer.step()
        scheduler.step()
    ours = learning_rate.scheduled_lrs(kind, base, steps)
    torch.testing.assert_close(ours, torch.tensor(theirs, dtype=torch.float64), rtol=1e-9, atol=1e-12)


def test_the_schedule_copy_trains_with_the_scheduled_rates():
    result, _ = run(schedule="step", schedule_lr=0.5, steps=100)
    lrs = result.data["lrs"][:, result.data["roles"].index("schedule")]
    assert lrs[0] == pytest.approx(0.5) and lrs[49] == pytest.approx(0.5) and lrs[50] == pytest.approx(0.05)
    assert result.metrics["schedule_final_lr"] == pytest.approx(0.05)
    constant = result.data["lrs"][:, result.data["roles"].index("constant")]
    assert (constant == 0.5).all()


def test_range_test_sweeps_the_rate_up_and_stops_when_the_loss_blows_up():
    result, _ = run(steps=400)
    m, d = result.metrics, result.data
    assert m["range_test_stop_step"] > 1  # the loss exploded before 1e-4 reached 100
    assert (d["range_lr"][1:] > d["range_lr"][:-1]).all()  # exponentially growing
    assert d["range_lr"][1] / d["range_lr"][0] == pytest.approx(d["range_lr"][-1] / d["range_lr"][-2])
    assert m["range_test_min_loss_lr"] < m["range_test_stop_lr"]
    assert m["range_test_suggested_lr"] == pytest.approx(m["range_test_min_loss_lr"] / 10)
    # the suggestion lies in the sensible middle, not at either end of the range
    assert 1e-3 < m["range_test_suggested_lr"] < 1.0


def test_reference_agrees_with_the_batched_run():
    params = {**SMALL, "steps": 120}
    fast, _ = run(**params)
    reference = DEMO.reference(params, device=CPU, seed=0)
    ok, message = DEMO.agrees_with_reference(fast, reference)
    assert ok, message
    # stable copies match closely: identical batches, identical starting weights
    assert fast.metrics["lr3_final_loss"] == pytest.approx(reference.metrics["lr3_final_loss"], rel=1e-3)
    assert fast.metrics["lr6_diverged_step"] == reference.metrics["lr6_diverged_step"]


def test_progress_is_reported_and_completes():
    _, progress = run(steps=200)
    assert progress[0].done <= 10
    assert [p.done for p in progress] == sorted(p.done for p in progress)
    assert progress[-1].done == progress[-1].total == 200


def test_figures_in_both_languages():
    result, _ = run(steps=100)
    for lang, word in (("en", "learning rate"), ("ko", "학습률")):
        figures = DEMO.figures(result, lang)
        assert len(figures) == 3
        assert word in figures[1].layout.xaxis.title.text


def test_bad_params_are_refused():
    with pytest.raises(ParamError, match="lr_max"):
        DEMO.run({"lr_min": 0.1, "lr_max": 0.01}, device=CPU, seed=0, report=lambda p: None)
    with pytest.raises(ParamError, match="schedule"):
        DEMO.run({"schedule": "linear"}, device=CPU, seed=0, report=lambda p: None)
    with pytest.raises(ParamError, match="count"):
        DEMO.run({"count": 1}, device=CPU, seed=0, report=lambda p: None)
