"""The batch-size demo: ceil(N/B) steps per epoch, noisier curves for smaller batches, Stop works,
and the engine (every batch size at once, a hand-written backward) equals the plain lesson."""

from __future__ import annotations

import inspect
import math
import threading

import pytest
import torch

from demos.batch_size import DEMO, engine, lesson
from demos.device import torch_threads
from demos.framework import ParamError, demo_thread_count
from demos.stacked import StackedMLP, add_cross_entropy_gradients, linear_layers, per_copy_loss

CPU = torch.device("cpu")
N = 1437  # training images: the content cards count on this number


@pytest.fixture(autouse=True)
def app_threads():
    """As many PyTorch threads as the app gives a demo: on a busy machine, more make tiny
    ops wait for each other."""
    with torch_threads(demo_thread_count()):
        yield


def run(seed: int = 0, *, use_engine: bool = True, stop: threading.Event | None = None, **params):
    progress = []
    result = DEMO.run({"epochs": 3, **params}, device=CPU, seed=seed, report=progress.append, stop=stop,
                      use_engine=use_engine)
    return result, progress


def test_steps_per_epoch_is_ceil_n_over_b_with_1437_training_images():
    result, _ = run(epochs=2, use_engine=False)
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
    m = run(epochs=3, use_engine=False)[0].metrics
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


@pytest.mark.parametrize("settings", [{}, {"lr": 10.0}, {"batch_sizes": "4, 16, 64, 256"},
                                      {"batch_sizes": "16, 64, 256, full", "lr": 2.0}])
def test_engine_equals_the_plain_lesson(settings):
    fast, _ = run(epochs=2, **settings)
    plain, _ = run(epochs=2, use_engine=False, **settings)
    ok, message = DEMO.agrees(fast.data, plain.data)
    assert ok, message
    for size in plain.data["sizes"]:  # step by step
        assert fast.data["step_losses"][size] == pytest.approx(plain.data["step_losses"][size], rel=1e-3, abs=1e-5)
    assert set(fast.metrics) == set(plain.metrics)


def test_the_engine_takes_the_lessons_settings():
    assert inspect.signature(engine.train) == inspect.signature(lesson.train)


@pytest.mark.parametrize("sizes", [[8, 32, 128, N], [4, 16, 64, 256], [16, 64, 256, N], [7, 14, N]])
def test_chunk_plan_gives_ceil_n_over_b_steps_covering_every_image(sizes):
    plan = engine.chunk_plan(N, sizes)
    for i, size in enumerate(sizes):
        stepped = [c for c, k in enumerate(plan.steppers) if k > i]
        assert len(stepped) == math.ceil(N / size)
        assert float(plan.batch_rows[stepped, i].sum()) == N  # every image in exactly one batch
        assert plan.batch_rows[stepped[0], i] == min(size, N)
        # the rows of each batch share its mean: their weights add up to 1 per batch
        rows = torch.full((len(plan.steppers),), float(plan.chunk))
        rows[-1] = N - (len(plan.steppers) - 1) * plan.chunk  # the epoch's last chunk holds the rest
        assert float((plan.share[:, i] * rows).sum()) == pytest.approx(len(stepped), rel=1e-5)


@pytest.mark.parametrize("sizes", [(64, 32, 10), (5, 7, 6, 3), (4, 3)])
def test_hand_written_backward_matches_autograd(sizes):
    generator = torch.Generator().manual_seed(1)
    copies, rows, classes = 3, 9, sizes[-1]
    torch.manual_seed(1)
    layers = [torch.nn.Linear(fan_in, fan_out) for fan_in, fan_out in zip(sizes, sizes[1:])]
    init = linear_layers(torch.nn.Sequential(*layers))
    x = torch.randn(copies, rows, sizes[0], generator=generator)  # a different input per copy
    y = torch.randint(0, classes, (rows,), generator=generator)
    weight = torch.tensor([1.0, 0.25, 3.0])  # each copy's share of the gradient

    by_autograd = StackedMLP(copies, init)
    with torch.no_grad():  # copies must differ, or a mix-up between them would go unnoticed
        for w in by_autograd.parameters():
            w.add_(0.3 * torch.randn(w.shape, generator=generator))
    expected_loss = per_copy_loss(by_autograd(x), y, reduction="sum")
    (weight * expected_loss).sum().backward()

    by_hand = StackedMLP(copies, init)
    by_hand.load_state_dict(by_autograd.state_dict())
    for w in by_hand.parameters():
        w.grad = torch.full_like(w, 0.5)  # the gradient is added to what .grad already holds
    loss = add_cross_entropy_gradients(by_hand, x, torch.nn.functional.one_hot(y, classes).float(), weight)

    torch.testing.assert_close(loss, expected_loss.detach())
    for mine, theirs in zip(by_hand.parameters(), by_autograd.parameters()):
        torch.testing.assert_close(mine.grad - 0.5, theirs.grad, rtol=1e-5, atol=1e-6)


def test_progress_reports_every_epoch_and_completes():
    _, progress = run(epochs=4)
    assert [p.done for p in progress] == [0, 1, 2, 3, 4]
    assert progress[-1].fraction == 1.0
    assert set(progress[-1].series) == {"B = 8", "B = 32", "B = 128", "B = 1437"}


@pytest.mark.parametrize("use_engine", [False, True])
def test_stop_ends_training_at_the_next_report_and_keeps_what_was_trained(use_engine):
    stop = threading.Event()
    seen = []

    def press_stop_after_epoch_2(progress):
        seen.append(progress.done)
        if progress.done == 2:
            stop.set()

    result = DEMO.run({"epochs": 50}, device=CPU, seed=0, report=press_stop_after_epoch_2, stop=stop,
                      use_engine=use_engine)
    assert result.stopped and seen == [0, 1, 2]
    assert len(result.data["train_loss"][8]) == 3  # before training, and after epochs 1 and 2
    assert len(result.data["step_losses"][8]) == 2 * 180
    assert 0.5 < result.metrics["b8_test_acc"] <= 1  # measured on the weights trained so far
    DEMO.figures(result, "ko")


def test_same_seed_same_result_and_figures_in_both_languages():
    a, _ = run(4, epochs=1, use_engine=False)
    b, _ = run(4, epochs=1, use_engine=False)
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
