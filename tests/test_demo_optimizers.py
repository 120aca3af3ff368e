"""The optimizers demo: hand-written update rules equal torch.optim, and the races show the concepts."""

from __future__ import annotations

import importlib

import pytest
import torch

from demos.framework import ParamError

optimizers = importlib.import_module("demos.optimizers")
DEMO = optimizers.DEMO
OPTIMIZERS = optimizers.OPTIMIZERS
CPU = torch.device("cpu")
SMALL = {"steps": 200, "digits_steps": 20}


def run(seed: int = 0, **params):
    progress = []
    result = DEMO.run({**SMALL, **params}, device=CPU, seed=seed, report=progress.append)
    return result, progress


def torch_optim_path(surface, start, lrs, momentum, steps):
    """Each optimizer on its own, with torch.optim: positions (steps + 1, 5, 2)."""
    paths = []
    for name in OPTIMIZERS:
        point = torch.nn.Parameter(torch.tensor(start, dtype=torch.float64))
        opt = optimizers.torch_optimizer(name, [point], lrs[name], momentum)
        trail = [point.detach().clone()]
        for _ in range(steps):
            opt.zero_grad()
            surface.loss(point).backward()
            opt.step()
            trail.append(point.detach().clone())
        paths.append(torch.stack(trail))
    return torch.stack(paths, dim=1)


@pytest.mark.parametrize("name", list(optimizers.SURFACES))
def test_surface_paths_equal_torch_optim_step_by_step(name):
    surface = optimizers.SURFACES[name]
    lrs = optimizers.surface_lrs(surface, 1.0)
    ours, diverged_at = optimizers.race_on_surface(surface, surface.start, lrs, 0.9, 80, CPU)
    theirs = torch_optim_path(surface, surface.start, lrs, 0.9, 80)
    assert (diverged_at == 0).all()
    torch.testing.assert_close(ours, theirs, rtol=1e-9, atol=1e-12)  # every step, every optimizer


def test_update_rules_equal_torch_optim_on_random_gradients():
    # Weight-shaped tensors and gradients of every size and sign, float64, several steps.
    generator = torch.Generator().manual_seed(0)
    start = torch.randn(3, 4, generator=generator, dtype=torch.float64)
    lrs = {"sgd": 0.1, "momentum": 0.05, "adagrad": 0.3, "rmsprop": 0.01, "adam": 0.02}
    stacked = start.repeat(len(OPTIMIZERS), 1, 1)
    ours = optimizers.FiveOptimizers([stacked], optimizers.make_knobs(lrs, 0.8, dtype=torch.float64, device=CPU))
    singles = [torch.nn.Parameter(start.clone()) for _ in OPTIMIZERS]
    theirs = [optimizers.torch_optimizer(o, [w], lrs[o], 0.8) for o, w in zip(OPTIMIZERS, singles)]
    for _ in range(25):
        scale = 10.0 ** torch.randint(-3, 2, (1,), generator=generator)  # tiny to large gradients
        grad = torch.randn(len(OPTIMIZERS), 3, 4, generator=generator, dtype=torch.float64) * scale
        ours.step([grad])
        for i, (w, opt) in enumerate(zip(singles, theirs)):
            w.grad = grad[i].clone()
            opt.step()
            torch.testing.assert_close(stacked[i], w.detach(), rtol=1e-10, atol=1e-12)


def test_stacked_digits_training_equals_torch_optim_modules():
    # The batched network (five copies, hand-written rules) against five nn.Sequential models
    # trained one after another with torch.optim on the same DataLoader batches.
    fast, _ = run(steps=10, digits_steps=40)
    reference = DEMO.reference({**SMALL, "steps": 10, "digits_steps": 40}, device=CPU, seed=0)
    ok, message = DEMO.agrees_with_reference(fast, reference)
    assert ok, message
    for o in OPTIMIZERS:
        key = f"digits_{o}_train_loss"
        assert fast.metrics[key] == pytest.approx(reference.metrics[key], rel=1e-3)


@pytest.mark.parametrize("seed", [0, 1])
def test_sgd_stalls_at_the_saddle_while_adaptive_methods_escape(seed):
    result, _ = run(seed, surface="saddle")
    m = result.metrics
    assert m["sgd_escaped_saddle"] == 0.0
    assert m["sgd_distance_to_saddle"] < 0.1  # slid in along the ridge and stayed
    for o in ("adam", "rmsprop"):
        assert m[f"{o}_escaped_saddle"] == 1.0
        assert m[f"{o}_distance_to_min"] < 0.05
    assert "SGD" in result.summary.en and "Adam" in result.summary.en


def test_start_exactly_on_the_ridge_traps_everyone():
    # With zero sideways gradient there is nothing to follow: the escape needs that tiny slope.
    result, _ = run(surface="saddle", custom_start=True, start_x=1.5, start_y=0.0)
    assert all(result.metrics[f"{o}_escaped_saddle"] == 0.0 for o in OPTIMIZERS)


def test_adam_ends_below_sgd_on_the_ill_conditioned_bowl():
    result, _ = run(surface="bowl")
    m = result.metrics
    assert m["adam_final_loss"] < m["sgd_final_loss"] / 100
    assert m["adam_distance_to_min"] < m["sgd_distance_to_min"]


def test_too_big_a_learning_rate_is_reported_as_divergence():
    result, _ = run(surface="rosenbrock", lr_scale=100.0, steps=50, digits_steps=30)
    m = result.metrics
    assert m["sgd_diverged_step"] >= 1 and "sgd_final_loss" not in m
    assert m["digits_sgd_diverged_step"] >= 1 and "digits_sgd_train_loss" not in m
    assert f"diverged at step {int(m['sgd_diverged_step'])}" in result.summary.en
    assert "발산" in result.summary.ko
    assert all(isinstance(v, float) and v == v for v in m.values())  # plain, non-NaN numbers
    for lang in ("en", "ko"):
        DEMO.figures(result, lang)  # NaN-cut curves still draw


def test_progress_is_reported_early_and_completes():
    _, progress = run(steps=100, digits_steps=30)
    assert progress[0].done <= 10
    assert [p.done for p in progress] == sorted(p.done for p in progress)
    assert progress[-1].done == progress[-1].total == 130
    assert all(len(v) == len(progress[-1].x) for v in progress[-1].curves.values())


def test_figures_in_both_languages_with_animation_frames():
    result, _ = run(steps=40)
    for lang, word in (("en", "step"), ("ko", "스텝")):
        figures = DEMO.figures(result, lang)
        assert len(figures) == 3
        assert len(figures[0].frames) > 10  # the race replays step by step
        assert word in figures[1].layout.xaxis.title.text


def test_bad_params_are_refused():
    with pytest.raises(ParamError, match="surface"):
        DEMO.run({"surface": "sphere"}, device=CPU, seed=0, report=lambda p: None)
    with pytest.raises(ParamError, match="lr_scale"):
        DEMO.run({"lr_scale": 0.0}, device=CPU, seed=0, report=lambda p: None)
