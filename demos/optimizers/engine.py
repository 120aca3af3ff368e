"""The optimizers demo's hidden engine: the lesson's two races with all five optimizers at once.

The lesson steps five points (then five networks) one after another with torch.optim. Here
each race is one tensor whose first axis is the optimizer, and the five update rules are one
element-wise formula with five settings (the table in `rules`), so a step is a handful of
tensor operations for all five together. It starts from the lesson's numbers (the same
network built right after the same seed, the same `torch.randperm` batches), so `agrees` can
hold the two closely together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import torch
from torch import nn

from demos.data import split_digits
from demos.optimizers.lesson import BATCH, DIGITS_LRS, HIDDEN, OPTIMIZERS, SURFACES, TOO_BIG, measure
from demos.stacked import StackedMLP, epoch_batches, linear_layers, per_copy_accuracy, per_copy_loss

NAMES = tuple(OPTIMIZERS)
# torch.optim's defaults, which the lesson's optimizers use.
RMSPROP_ALPHA = 0.99
ADAM_BETAS = (0.9, 0.999)
ADAGRAD_EPS, EPS = 1e-10, 1e-8


# --- the five update rules, as one formula ----------------------------------------------------
#
#   m ← β₁·m + a·g                  velocity: a running (weighted) sum of gradients g
#   v ← β₂·v + b·g²                 a running sum or average of squared gradients
#   w ← w − lr · m̂ / (√v̂ + ε)       (adaptive rows)      or      w ← w − lr · m   (the others)
#
# m̂ and v̂ are m and v divided by (1 − β^t) for Adam only (bias correction). One row each.
def rules(momentum: float) -> dict[str, tuple[float, float, float, float, float, bool, bool]]:
    b1, b2 = ADAM_BETAS
    alpha = RMSPROP_ALPHA
    return {  #    β₁        a        β₂     b          ε            adaptive  bias-corrected
        "sgd":      (0.0,      1.0,     0.0,   0.0,       0.0,         False,    False),
        "momentum": (momentum, 1.0,     0.0,   0.0,       0.0,         False,    False),
        "adagrad":  (0.0,      1.0,     1.0,   1.0,       ADAGRAD_EPS, True,     False),
        "rmsprop":  (0.0,      1.0,     alpha, 1 - alpha, EPS,         True,     False),
        "adam":     (b1,       1 - b1,  b2,    1 - b2,    EPS,         True,     True),
    }


@dataclass(frozen=True)
class Knobs:
    """The table as tensors: each field holds one value per optimizer (shape (5,))."""

    lr: torch.Tensor
    beta1: torch.Tensor
    grad_weight: torch.Tensor
    beta2: torch.Tensor
    square_weight: torch.Tensor
    eps: torch.Tensor
    adaptive: torch.Tensor
    bias_corrected: torch.Tensor


def make_knobs(lrs: Mapping[str, float], momentum: float, *, dtype: torch.dtype,
               device: torch.device | str) -> Knobs:
    table = rules(momentum)

    def column(i: int, kind: torch.dtype = dtype) -> torch.Tensor:
        return torch.tensor([table[o][i] for o in NAMES], dtype=kind, device=device)

    return Knobs(
        lr=torch.tensor([lrs[o] for o in NAMES], dtype=dtype, device=device),
        beta1=column(0), grad_weight=column(1), beta2=column(2), square_weight=column(3), eps=column(4),
        adaptive=column(5, torch.bool), bias_corrected=column(6, torch.bool),
    )


def per_row(knob: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """Shape a (5,) knob as (5, 1, ..., 1) so it broadcasts over the rest of `like`."""
    return knob.view(-1, *[1] * (like.dim() - 1))


class FiveOptimizers:
    """SGD, momentum, AdaGrad, RMSProp and Adam stepping tensors whose first axis (size 5) is
    the optimizer. Every operation is element-wise, so each optimizer only ever reads its own
    row: five independent optimizers, computed in one go. A test holds every rule to
    torch.optim's."""

    def __init__(self, params: list[torch.Tensor], knobs: Knobs) -> None:
        self.params, self.knobs, self.t = params, knobs, 0
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    @torch.no_grad()
    def step(self, grads: list[torch.Tensor] | tuple[torch.Tensor, ...], active: torch.Tensor | None = None) -> None:
        """One step of every optimizer; rows where `active` (shape (5,)) is False stay put."""
        k = self.knobs
        self.t += 1
        one = torch.ones_like(k.lr)
        correction1 = torch.where(k.bias_corrected, 1 - k.beta1**self.t, one)
        correction2 = torch.where(k.bias_corrected, 1 - k.beta2**self.t, one)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m.mul_(per_row(k.beta1, p)).add_(per_row(k.grad_weight, p) * g)
            v.mul_(per_row(k.beta2, p)).add_(per_row(k.square_weight, p) * g * g)
            root = v.sqrt() / per_row(correction2, p).sqrt() + per_row(k.eps, p)
            scale = torch.where(per_row(k.adaptive, p), root, 1.0)
            update = per_row(k.lr / correction1, p) * m / scale
            if active is not None:  # a diverged row stays where it is (where(): 0 * NaN is NaN)
                update = torch.where(per_row(active, p), update, 0.0)
            p.sub_(update)


def torch_optimizer(name: str, params, lr: float, momentum: float) -> torch.optim.Optimizer:
    """The lesson's torch.optim optimizer of this name (for tests)."""
    return OPTIMIZERS[name](params, lr, momentum)


# --- the races ----------------------------------------------------------------------------------


def race(surface: dict, start, lrs: Mapping[str, float], beta: float, steps: int, report):
    """The lesson's `race`, all five rows at once, in float64 on the CPU as there."""
    f, low = surface["f"], surface["f"](*surface["minima"][0])
    position = torch.tensor(start, dtype=torch.float64).repeat(len(NAMES), 1)  # (5, 2)
    optimizer = FiveOptimizers([position], make_knobs(lrs, beta, dtype=torch.float64, device="cpu"))
    points = [position.clone()]
    active = torch.ones(len(NAMES), dtype=torch.bool)
    diverged: dict[str, int] = {}
    for step in range(steps + 1):
        p = position.detach().requires_grad_()
        loss = f(p[:, 0], p[:, 1])
        losses = loss.tolist()
        values = {}
        for i, name in enumerate(NAMES):
            if name in diverged:
                continue
            if not math.isfinite(losses[i]) or losses[i] > TOO_BIG:
                diverged[name] = step
                active[i] = False
                continue
            values[f"surface {name}"] = losses[i] - low
        if step < steps:
            (grad,) = torch.autograd.grad(loss.sum(), p)  # row i's loss depends on row i only
            optimizer.step([grad], active=active)
            points.append(position.clone())
        if (step % max(1, steps // 50) == 0 or step == steps) and report(step, values):
            break
    track = torch.stack(points).transpose(0, 1).tolist()  # (5, points, 2)
    # A diverged run's path ends before the point that blew up, as in the lesson.
    paths = {name: track[i][: diverged.get(name, len(track[i]))] for i, name in enumerate(NAMES)}
    return paths, diverged


def race_on_digits(lrs: Mapping[str, float], beta: float, steps: int, device, seed: int, report):
    """The lesson's `race_on_digits`: five copies of its network as one stacked network."""
    x_train, y_train, x_test, y_test = [t.to(device) for t in split_digits(360, seed)]
    first = nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10))  # the lesson's draws
    copies = len(NAMES)
    model = StackedMLP(copies, linear_layers(first)).to(device)
    params = list(model.parameters())
    optimizer = FiveOptimizers(params, make_knobs(lrs, beta, dtype=torch.float32, device=device))
    batches = epoch_batches(len(y_train), BATCH, steps, device)  # the lesson's torch.randperm draws
    whole = x_train.expand(copies, -1, -1)
    history: dict[str, list] = {"step": [], **{name: [] for name in NAMES}}
    diverged_at = torch.full((copies,), -1, dtype=torch.long, device=device)
    first_loss = torch.zeros(copies, device=device)
    for step in range(steps + 1):
        if step % max(1, steps // 50) == 0 or step == steps:
            with torch.no_grad():
                losses = per_copy_loss(model(whole), y_train).tolist()
            lost = (diverged_at >= 0).tolist()
            history["step"].append(step)
            for i, name in enumerate(NAMES):
                history[name].append(math.nan if lost[i] else losses[i])
            if report(step, {f"digits {n}": losses[i] for i, n in enumerate(NAMES) if not lost[i]}):
                break
        if step == steps:
            break
        rows = batches[step]
        loss = per_copy_loss(model(x_train[rows].expand(copies, -1, -1)), y_train[rows])
        grads = torch.autograd.grad(loss.sum(), params)  # the copies share nothing: own gradients
        loss = loss.detach()
        if step == 0:
            first_loss = loss
        blew_up = ~torch.isfinite(loss) | (loss > 4 * first_loss)
        diverged_at = torch.where((diverged_at < 0) & blew_up, step, diverged_at)
        optimizer.step(grads, active=diverged_at < 0)
    with torch.no_grad():
        accuracy = per_copy_accuracy(model(x_test.expand(copies, -1, -1)), y_test).tolist()
    at = diverged_at.tolist()
    diverged = {name: at[i] for i, name in enumerate(NAMES) if at[i] >= 0}
    return history, dict(zip(NAMES, accuracy)), diverged


def train(surface="saddle", steps=200, lr_scale=1.0, momentum=0.9, custom_start=False,
          start_x=1.5, start_y=0.001, digits_steps=200, *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)
    torch.manual_seed(seed)
    s, total = SURFACES[surface], steps + digits_steps
    start = (start_x, start_y) if custom_start else s["start"]
    lrs = {name: lr * lr_scale for name, lr in zip(NAMES, s["lrs"])}
    digit_lrs = {name: lr * lr_scale for name, lr in zip(NAMES, DIGITS_LRS)}
    paths, diverged = race(s, start, lrs, momentum, steps, lambda step, values: report(step, total, values))
    history, test_acc, digits_diverged = race_on_digits(
        digit_lrs, momentum, digits_steps, device, seed,
        lambda step, values: report(steps + step, total, values))
    metrics = measure(surface, paths, diverged, history, test_acc, digits_diverged)
    return {"metrics": metrics, "surface": surface, "start": list(start), "paths": paths,
            "lrs": lrs, "digit_lrs": digit_lrs, "digits": history}


def agrees(engine_out: dict, lesson_out: dict) -> tuple[bool, str]:
    """Surface paths: the same length and equal to 1e-9 (float64 on both sides). Digits
    (float32; five networks in one batched product against five one by one, so rounding
    differs though both see the same batches): the same runs diverge, final training losses
    agree within 2% and test accuracies within 1.5 points."""
    problems, gap = [], 0.0
    for name in NAMES:
        a, b = engine_out["paths"][name], lesson_out["paths"][name]
        if len(a) != len(b):
            problems.append(f"{name}: a path of {len(a)} points against {len(b)}")
            continue
        gap = max([gap] + [abs(u - v) for p, q in zip(a, b) for u, v in zip(p, q)])
    if gap > 1e-9:
        problems.append(f"surface paths differ by up to {gap:.2e}")
    e, l = engine_out["metrics"], lesson_out["metrics"]
    for name in NAMES:
        key = f"digits_{name}_diverged_step"
        if (e[key] >= 0) != (l[key] >= 0):
            problems.append(f"digits {name} diverged at step {e[key]:g} against {l[key]:g}")
            continue
        key = f"digits_{name}_train_loss"
        if key in e and not math.isclose(e[key], l[key], rel_tol=0.02):
            problems.append(f"digits {name} loss {e[key]:.4f} against {l[key]:.4f}")
        key = f"digits_{name}_test_acc"
        if abs(e[key] - l[key]) > 0.015:
            problems.append(f"digits {name} test accuracy {e[key]:.3f} against {l[key]:.3f}")
    if problems:
        return False, "; ".join(problems)
    return True, (f"surface paths agree to {gap:.1e}; on the digits the same runs diverge, losses agree "
                  "within 2% and accuracies within 1.5 points")
