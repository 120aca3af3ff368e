"""The learning-rate demo's hidden engine: every copy of the lesson trained as one stacked network.

The lesson steps its copies (the sweep, the range test, the constant rate and the schedule)
one after another with torch.optim.SGD and torch's schedulers. Here the copies are one
StackedMLP whose weights carry a leading copy axis, and each copy reads its own learning rate
for the current step from one table of shape (steps, copies), written in closed form (a test
holds it to torch's schedulers). It starts from the lesson's numbers (the same nn.Sequential
drawn right after the same seed, the same `torch.randperm` batches), so `agrees` can compare
the two closely. Blow-ups are judged on the device, so a GPU never waits for the host
between reports.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from demos.data import split_digits
from demos.learning_rate.lesson import HIDDEN, RANGE, SMOOTHING
from demos.stacked import StackedMLP, epoch_batches, linear_layers, per_copy_accuracy, per_copy_loss

EARLY_STEPS = 100  # `agrees` compares every copy's curve this far, chaotic or not


def roles(count: int) -> list[str]:
    """The copies in the lesson's order."""
    return [f"lr{i + 1}" for i in range(count)] + ["range_test", "constant", "schedule"]


def scheduled_lrs(kind: str, base: float, steps: int) -> torch.Tensor:
    """The rate at each step 0..steps-1 of torch's CosineAnnealingLR(T_max=steps) or
    StepLR(step_size=steps // 2, gamma=0.1), with scheduler.step() after every step."""
    t = torch.arange(steps, dtype=torch.float64)
    if kind == "cosine":
        return base * (1 + torch.cos(math.pi * t / steps)) / 2
    return base * 0.1 ** torch.div(t, max(1, steps // 2), rounding_mode="floor")


def range_test_lrs(steps: int) -> torch.Tensor:
    """ExponentialLR from RANGE[0], growing by the lesson's factor every step."""
    growth = (RANGE[1] / RANGE[0]) ** (1 / max(1, steps - 1))
    return RANGE[0] * growth ** torch.arange(steps, dtype=torch.float64)


def lr_table(sweep: list[float], steps: int, schedule: str, schedule_lr: float) -> torch.Tensor:
    """Every copy's rate at every step: (steps, copies), float64."""
    columns = [torch.full((steps,), lr, dtype=torch.float64) for lr in sweep]
    columns += [range_test_lrs(steps), torch.full((steps,), schedule_lr, dtype=torch.float64),
                scheduled_lrs(schedule, schedule_lr, steps)]
    return torch.stack(columns, dim=1)


def train(lr_min=1e-3, lr_max=100.0, count=6, steps=1000, batch_size=16, schedule="cosine",
          schedule_lr=1.0, *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)
    torch.manual_seed(seed)
    x_train, y_train, x_test, y_test = [t.to(device) for t in split_digits(360, seed)]
    sweep = [float(lr) for lr in np.geomspace(lr_min, lr_max, count)]
    first = nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10))  # the lesson's draws
    names = roles(count)
    copies, r = len(names), names.index("range_test")
    model = StackedMLP(copies, linear_layers(first)).to(device)
    weights = list(model.parameters())
    table = lr_table(sweep, steps, schedule, schedule_lr)
    rates = table.to(device=device, dtype=torch.float32)
    batches = epoch_batches(len(y_train), batch_size, steps, device)  # the lesson's torch.randperm draws
    whole = x_train.expand(copies, -1, -1)
    is_range = torch.zeros(copies, dtype=torch.bool, device=device)
    is_range[r] = True

    history: dict[str, list] = {"step": [], **{name: [] for name in names}}
    judged_log = torch.zeros(max(steps, 1), dtype=torch.float64, device=device)  # the range test's
    diverged_at = torch.full((copies,), -1, dtype=torch.long, device=device)
    first_loss = torch.zeros(copies, device=device)
    smoothed = torch.zeros((), dtype=torch.float64, device=device)
    best = torch.full((), math.inf, dtype=torch.float64, device=device)
    every = max(1, steps // 50)
    for step in range(steps + 1):
        if step % every == 0 or step == steps:
            with torch.no_grad():
                losses = per_copy_loss(model(whole), y_train).tolist()
            lost = (diverged_at >= 0).tolist()
            history["step"].append(step)
            for i, name in enumerate(names):
                history[name].append(math.nan if lost[i] else losses[i])
            if report(step, steps, {f"lr = {lr:.3g}": losses[i] for i, lr in enumerate(sweep) if not lost[i]}):
                break
        if step == steps:
            break
        rows = batches[step]
        loss = per_copy_loss(model(x_train[rows].expand(copies, -1, -1)), y_train[rows])
        grads = torch.autograd.grad(loss.sum(), weights)  # the copies share nothing: own gradients
        loss = loss.detach()
        if step == 0:
            first_loss = loss
        smoothed = SMOOTHING * smoothed + (1 - SMOOTHING) * loss[r].double()
        judged = smoothed / (1 - SMOOTHING ** (step + 1))
        best = torch.minimum(best, judged)
        judged_log[step] = judged
        too_high = torch.where(is_range, judged > 4 * best, loss > 4 * first_loss)
        blew_up = too_high | ~torch.isfinite(torch.where(is_range, judged.float(), loss))
        diverged_at = torch.where((diverged_at < 0) & blew_up, step, diverged_at)
        alive = (diverged_at < 0).view(-1, 1, 1)
        lr = rates[step].view(-1, 1, 1)
        with torch.no_grad():
            for w, g in zip(weights, grads):
                w.sub_(torch.where(alive, lr * g, 0.0))  # SGD; where(), because 0 * NaN is NaN

    with torch.no_grad():
        test_acc = per_copy_accuracy(model(x_test.expand(copies, -1, -1)), y_test).tolist()
    at = diverged_at.tolist()
    diverged = {name: at[i] for i, name in enumerate(names) if at[i] >= 0}
    # What the lesson records at each step a copy trains: `step` steps were taken (fewer after a Stop).
    taken = step
    range_steps = diverged.get("range_test", taken)
    range_test = {"lr": table[:range_steps, r].tolist(), "loss": judged_log[:range_steps].tolist()}
    schedule_lrs = table[: diverged.get("schedule", taken), names.index("schedule")].tolist()

    metrics = {"start_loss": history["lr1"][0]}
    for i, name in enumerate(names):
        if name.startswith("lr"):
            metrics[name] = sweep[i]
        if name != "range_test":
            metrics[f"{name}_diverged_step"] = diverged.get(name, -1)
            if name not in diverged:
                metrics[f"{name}_final_loss"] = history[name][-1]
            metrics[f"{name}_test_acc"] = test_acc[i]
    survivors = [f"lr{i + 1}" for i in range(count) if f"lr{i + 1}" not in diverged]
    if survivors:
        metrics["best_lr"] = metrics[min(survivors, key=lambda n: metrics[f"{n}_final_loss"])]
    if schedule_lrs:
        metrics["schedule_final_lr"] = schedule_lrs[-1]
    if range_test["loss"]:
        lowest = range_test["lr"][int(np.argmin(range_test["loss"]))]
        metrics["range_test_min_loss_lr"] = lowest
        metrics["range_test_suggested_lr"] = lowest / 10
    metrics["range_test_stop_step"] = diverged.get("range_test", -1)
    if "range_test" in diverged:
        metrics["range_test_stop_lr"] = float(table[diverged["range_test"], r])
    return {"metrics": metrics, "history": history, "range_test": range_test, "sweep": sweep,
            "schedule": schedule, "schedule_lrs": schedule_lrs, "schedule_lr": schedule_lr}


def is_chaotic(curve: list[float], factor: float = 1.3) -> bool:
    """True if a loss curve ever climbs `factor` times above its best value so far: a rate at
    the edge of stability, where rounding differences grow until two runs part ways."""
    values = np.array([v for v in curve if math.isfinite(v)])
    return len(values) > 1 and bool(np.any(values[1:] > factor * np.minimum.accumulate(values)[:-1]))


def agrees(engine_out: dict, lesson_out: dict) -> tuple[bool, str]:
    """Both start from the same weights and see the same batches; only float32 rounding differs
    (batched products add up in another order). So every copy's training-set loss agrees within
    1% over the first EARLY_STEPS steps (until it diverges, at the same point); stable copies end
    the same (the same divergence, final losses within 5% or 0.05); the range test stops within
    5% of the run of the same step. Chaotic copies (a rate at the edge of stability) are compared
    over the first EARLY_STEPS steps only."""
    e, l = engine_out["metrics"], lesson_out["metrics"]
    steps_e, steps_l = engine_out["history"]["step"], lesson_out["history"]["step"]
    if steps_e != steps_l:
        return False, "the two runs were evaluated at different steps"
    early = sum(s <= EARLY_STEPS for s in steps_e)
    total = steps_e[-1]
    problems, chaotic = [], []
    for name in engine_out["history"]:
        if name == "step":
            continue
        a = np.array(engine_out["history"][name][:early])
        b = np.array(lesson_out["history"][name][:early])
        if not np.array_equal(np.isfinite(a), np.isfinite(b)):
            problems.append(f"{name}: blew up at different steps within the first {EARLY_STEPS}")
            continue
        if not np.allclose(a[np.isfinite(a)], b[np.isfinite(b)], rtol=0.01, atol=1e-4):
            problems.append(f"{name}: losses differ by more than 1% within the first {EARLY_STEPS} steps")
            continue
        if name == "range_test":
            x, y = e["range_test_stop_step"], l["range_test_stop_step"]
            if (x >= 0) != (y >= 0) or abs(x - y) > 0.05 * total:
                problems.append(f"range test stopped at step {x:g} against {y:g}")
            continue
        if is_chaotic(engine_out["history"][name]) or is_chaotic(lesson_out["history"][name]):
            chaotic.append(name)
            continue
        x, y = e[f"{name}_diverged_step"], l[f"{name}_diverged_step"]
        if (x >= 0) != (y >= 0) or abs(x - y) > 2:
            problems.append(f"{name}: diverged at step {x:g} against {y:g}")
        elif x < 0 and not math.isclose(e[f"{name}_final_loss"], l[f"{name}_final_loss"], rel_tol=0.05,
                                        abs_tol=0.05):
            problems.append(f"{name}: final loss {e[f'{name}_final_loss']:.4f} against "
                            f"{l[f'{name}_final_loss']:.4f}")
    if problems:
        return False, "; ".join(problems)
    note = f"; chaotic, compared over the first {EARLY_STEPS} steps only: {', '.join(chaotic)}" if chaotic else ""
    return True, (f"every copy agrees within 1% for {EARLY_STEPS} steps; stable copies end within 5% with the "
                  f"same divergence; the range test stops at the same point{note}")
