"""The batch-size demo: ceil(N/B) steps per epoch, noisier curves for smaller batches, Stop works."""

from __future__ import annotations

import math
import threading

import pytest
import torch

from demos.batch_size import DEMO
from demos.device import torch_threads
from demos.framework import ParamError, demo_thread_count

CPU = torch.device("cpu")
N = 1437  # training images: the content cards count on this number


@pytest.fixture(autouse=True)
def app_threads():
    """As many PyTorch threads as the app gives a demo: on a busy machine, more make tiny
    ops wait for each other."""
    with torch_threads(demo_thread_count()):
        yield


def run(seed: int = 0, *, stop: threading.Event | None = None, **params):
    progress = []
    result = DEMO.run({"epochs": 3, **params}, device=CPU, seed=seed, report=progress.append, stop=stop)
    return result, progress


def test_steps_per_epoch_is_ceil_n_over_b_with_1437_training_images():
    result, _ = run(epochs=2)
    m, d = result.metrics, result.data
    assert m["train_size"] == N
    for size, key in ((8, "b8"), (32, "b32"), (128, "b128"), (N, "full")):
        assert m[f"{key}_steps_per_epoch"] == math.ceil(N / size)
    assert m["b8_steps_per_epoch"] == 180 and m["full_steps_per_epoch"] == 1
    # the loss curves have exactly that many points: one per step actually taken
    assert [len(d["step_losses"][s]) for s in d["sizes"]] == [2 * math.ceil(N / s) for s in (8, 32, 128, N)]


@pytest.mark.parametrize("seed", [0, 1])
def test_smaller_batches_give_noisier_loss_curves(seed):
    m = run(seed, epochs=6)[0].metrics
    assert m["b8_noise"] > m["b32_noise"] > m["b128_noise"] > m["full_noise"]
    # averaging B losses shrinks the jitter roughly like 1/sqrt(B): 16x the batch, about 4x less
    assert m["b8_noise"] > 2 * m["b128_noise"]


def test_more_steps_per_epoch_learn_more_per_epoch_but_take_longer():
    m = run(epochs=3)[0].metrics
    assert m["b8_final_loss"] < m["full_final_loss"]  # 540 steps against 3
    assert m["b8_test_acc"] > m["full_test_acc"]
    assert m["b8_ms_per_epoch"] > m["full_ms_per_epoch"] > 0  # 180 small steps against one big one


def test_divergence_is_reported_with_its_step():
    result, _ = run(epochs=2, lr=10.0)
    m = result.metrics
    blown = [k for k in ("b8", "b32", "b128", "full") if m[f"{k}_diverged_step"] >= 0]
    assert blown  # at lr 10 at least the small batches blow up
    for key in blown:
        assert f"{key}_final_loss" not in m and f"{key}_noise" not in m
        assert f"diverged at step {int(m[f'{key}_diverged_step'])}" in result.summary.en
    assert all(math.isfinite(v) for v in m.values())
    for lang in ("en", "ko"):
        DEMO.figures(result, lang)


def test_progress_reports_every_epoch_and_completes():
    _, progress = run(epochs=4)
    assert [p.done for p in progress] == [0, 1, 2, 3, 4]
    assert progress[-1].fraction == 1.0
    assert set(progress[-1].series) == {"B = 8", "B = 32", "B = 128", "B = 1437"}


def test_stop_ends_training_at_the_next_report_and_keeps_what_was_trained():
    stop = threading.Event()
    seen = []

    def press_stop_after_epoch_2(progress):
        seen.append(progress.done)
        if progress.done == 2:
            stop.set()

    result = DEMO.run({"epochs": 50}, device=CPU, seed=0, report=press_stop_after_epoch_2, stop=stop)
    assert result.stopped and seen == [0, 1, 2]
    assert len(result.data["train_loss"][8]) == 3  # before training, and after epochs 1 and 2
    assert len(result.data["step_losses"][8]) == 2 * 180
    assert 0.5 < result.metrics["b8_test_acc"] <= 1  # measured on the weights trained so far
    DEMO.figures(result, "ko")


def test_same_seed_same_result_and_figures_in_both_languages():
    a, _ = run(4, epochs=1)
    b, _ = run(4, epochs=1)
    assert {k: v for k, v in a.metrics.items() if "ms" not in k} == {k: v for k, v in b.metrics.items() if "ms" not in k}
    for lang, word in (("en", "epoch"), ("ko", "에포크")):
        figures = DEMO.figures(a, lang)
        assert len(figures) == 2
        assert word in figures[0].layout.xaxis.title.text
        for fig in figures:  # every axis titled
            axes = fig.layout.to_plotly_json()
            assert all(axes[name]["title"]["text"] for name in axes if name.startswith(("xaxis", "yaxis")))


def test_bad_params_are_refused():
    with pytest.raises(ParamError, match="batch_sizes"):
        DEMO.run({"batch_sizes": "3, 5"}, device=CPU, seed=0)
    with pytest.raises(ParamError, match="epochs"):
        DEMO.run({"epochs": 0}, device=CPU, seed=0)
    with pytest.raises(ParamError, match="lr"):
        DEMO.run({"lr": 100.0}, device=CPU, seed=0)
