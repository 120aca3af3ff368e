"""The batch-size demo: ceil(N/B) steps per epoch, noisier curves for smaller batches, and the
fused loop equals plain mini-batch SGD for every batch size."""

from __future__ import annotations

import importlib
import math

import numpy as np
import pytest
import torch

from demos.framework import ParamError

batch_size = importlib.import_module("demos.batch_size")
DEMO = batch_size.DEMO
CPU = torch.device("cpu")
N = 1437  # training images


def run(seed: int = 0, **params):
    progress = []
    result = DEMO.run({"epochs": 3, **params}, device=CPU, seed=seed, report=progress.append)
    return result, progress


@pytest.mark.parametrize("sizes", [[8, 32, 128, N], [4, 16, 64, 256], [16, 64, 256, N], [7, 14, N]])
def test_chunk_plan_gives_ceil_n_over_b_steps_covering_every_image(sizes):
    plan = batch_size.chunk_plan(N, sizes)
    for i, size in enumerate(sizes):
        stepped = [c for c, k in enumerate(plan.steppers) if k > i]
        assert len(stepped) == math.ceil(N / size)
        assert float(plan.batch_rows[stepped, i].sum()) == N  # every image in exactly one batch
        assert plan.batch_rows[stepped[0], i] == min(size, N)


def test_steps_per_epoch_is_ceil_n_over_b():
    result, _ = run(epochs=2)
    m, d = result.metrics, result.data
    for size, key in ((8, "b8"), (32, "b32"), (128, "b128"), (N, "full")):
        assert m[f"{key}_steps_per_epoch"] == math.ceil(N / size)
    assert m["b8_steps_per_epoch"] == 180 and m["full_steps_per_epoch"] == 1
    # the loss curves have exactly that many points: one per step actually taken
    assert [len(curve) for curve in d["step_losses"]] == [2 * math.ceil(N / s) for s in (8, 32, 128, N)]


@pytest.mark.parametrize("seed", [0, 1])
def test_smaller_batches_give_noisier_loss_curves(seed):
    result, _ = run(seed, epochs=6)
    m = result.metrics
    assert m["b8_noise"] > m["b32_noise"] > m["b128_noise"] > m["full_noise"]
    # averaging B losses shrinks the jitter roughly like 1/sqrt(B): 16x the batch, about 4x less
    assert m["b8_noise"] > 2 * m["b128_noise"]


def test_more_steps_per_epoch_learn_more_per_epoch_but_take_longer():
    result, _ = run(epochs=3)
    m = result.metrics
    assert m["b8_final_loss"] < m["full_final_loss"]  # 540 steps against 3
    assert m["b8_test_acc"] > m["full_test_acc"]
    assert m["b8_ms_per_epoch"] > m["full_ms_per_epoch"] > 0  # 180 small steps against one big one


def test_fused_loop_equals_plain_training_per_batch_size():
    fast, _ = run(epochs=2)
    reference = DEMO.reference({"epochs": 2}, device=CPU, seed=0)
    ok, message = DEMO.agrees_with_reference(fast, reference)
    assert ok, message
    for fast_curve, ref_curve in zip(fast.data["step_losses"], reference.data["step_losses"]):
        np.testing.assert_allclose(fast_curve, ref_curve, rtol=1e-3, atol=1e-5)  # step by step


def test_divergence_is_reported_with_its_step():
    result, _ = run(epochs=2, lr=10.0)
    m = result.metrics
    blown = [k for k in ("b8", "b32", "b128", "full") if m[f"{k}_diverged_step"] > 0]
    assert blown  # at lr 10 at least the small batches blow up
    for key in blown:
        assert f"{key}_final_loss" not in m and f"{key}_noise" not in m
        assert f"diverged at step {int(m[f'{key}_diverged_step'])}" in result.summary.en
    assert all(math.isfinite(v) for v in m.values())
    for lang in ("en", "ko"):
        DEMO.figures(result, lang)


def test_progress_is_reported_and_completes():
    _, progress = run(epochs=2)
    assert progress[0].done <= 2 * 180 // 10
    assert [p.done for p in progress] == sorted(p.done for p in progress)
    assert progress[-1].done == progress[-1].total


def test_figures_in_both_languages():
    result, _ = run(epochs=1)
    for lang, word in (("en", "epoch"), ("ko", "에포크")):
        figures = DEMO.figures(result, lang)
        assert len(figures) == 2
        assert word in figures[0].layout.xaxis.title.text


def test_bad_params_are_refused():
    with pytest.raises(ParamError, match="batch_sizes"):
        DEMO.run({"batch_sizes": "3, 5"}, device=CPU, seed=0, report=lambda p: None)
    with pytest.raises(ParamError, match="epochs"):
        DEMO.run({"epochs": 0}, device=CPU, seed=0, report=lambda p: None)


@pytest.mark.parametrize("sizes", [(64, 32, 10), (5, 7, 6, 3), (4, 3)])
def test_hand_written_backward_matches_autograd(sizes):
    from demos.optim_common import StackedMLP, add_cross_entropy_gradients, init_mlp, per_copy_loss

    generator = torch.Generator().manual_seed(1)
    copies, rows, classes = 3, 9, sizes[-1]
    init = init_mlp(sizes, generator)
    x = torch.randn(copies, rows, sizes[0], generator=generator)  # a different input per copy
    y = torch.randint(0, classes, (rows,), generator=generator)

    by_autograd = StackedMLP(copies, init)
    with torch.no_grad():  # copies must differ, or a mix-up between them would go unnoticed
        for w in by_autograd.parameters():
            w.add_(0.3 * torch.randn(w.shape, generator=generator))
    expected_loss = per_copy_loss(by_autograd(x), y, reduction="sum")
    expected_loss.sum().backward()

    by_hand = StackedMLP(copies, init)
    by_hand.load_state_dict(by_autograd.state_dict())
    for w in by_hand.parameters():
        w.grad = torch.full_like(w, 0.5)  # the gradient is added to what .grad already holds
    loss = add_cross_entropy_gradients(by_hand, x, torch.nn.functional.one_hot(y, classes).float())

    torch.testing.assert_close(loss, expected_loss.detach())
    for mine, theirs in zip(by_hand.parameters(), by_autograd.parameters()):
        torch.testing.assert_close(mine.grad - 0.5, theirs.grad, rtol=1e-5, atol=1e-6)
