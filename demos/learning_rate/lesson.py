"""The learning rate: too small crawls, too big blows up, and schedules help.

Copies of one small network learn the handwritten digits with plain SGD, w ← w − lr · ∇L(w),
from the same initial weights and on the same mini-batches. Only the learning rate differs:
* a sweep: `count` rates evenly spaced on a log scale from `lr_min` to `lr_max`;
* an LR range test: one copy whose rate grows by the same factor every step, from 1e-4 to 100.
  Its loss against the rate shows where learning starts and where it breaks down;
* a schedule: one copy at a constant `schedule_lr`, one that starts there and lowers it
  (cosine, or a step down to a tenth halfway).
A copy whose loss turns NaN or grows past 4 times its first loss has diverged: it stops there.

Run it on its own:  python lesson.py
"""

import copy
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.optim import lr_scheduler

from demos.data import split_digits

HIDDEN = 32
RANGE = (1e-4, 100.0)  # the range test's rate at its first and at its last step
SMOOTHING = 0.98  # the range test judges a moving average of its loss: one batch is too noisy


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
    return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


def make_runs(first, sweep, steps, schedule, schedule_lr):
    """name -> (model, its SGD optimizer, its scheduler or None); each model a copy of `first`."""
    runs = {}
    rates = {**{f"lr{i + 1}": lr for i, lr in enumerate(sweep)},
             "range_test": RANGE[0], "constant": schedule_lr, "schedule": schedule_lr}
    for name, lr in rates.items():
        model = copy.deepcopy(first)
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        scheduler = None
        if name == "range_test":  # the rate grows by the same factor every step
            growth = (RANGE[1] / RANGE[0]) ** (1 / max(1, steps - 1))
            scheduler = lr_scheduler.ExponentialLR(optimizer, gamma=growth)
        elif name == "schedule" and schedule == "cosine":  # down to 0 along half a cosine wave
            scheduler = lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
        elif name == "schedule":  # a tenth of the rate from halfway on
            scheduler = lr_scheduler.StepLR(optimizer, step_size=max(1, steps // 2), gamma=0.1)
        runs[name] = (model, optimizer, scheduler)
    return runs


def train(lr_min=1e-3, lr_max=100.0, count=6, steps=1000, batch_size=16, schedule="cosine",
          schedule_lr=1.0, *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live chart
    torch.manual_seed(seed)
    x_train, y_train, x_test, y_test = [t.to(device) for t in split_digits(360, seed)]
    sweep = [float(lr) for lr in np.geomspace(lr_min, lr_max, count)]
    first = nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10)).to(device)
    runs = make_runs(first, sweep, steps, schedule, schedule_lr)

    history = {"step": [], **{name: [] for name in runs}}  # loss on the whole training set
    range_test = {"lr": [], "loss": []}  # its smoothed loss at each rate it tried
    schedule_lrs = []  # the rate the schedule copy used at each step
    first_loss, diverged, smoothed, best = {}, {}, 0.0, math.inf
    per_epoch, every = len(y_train) // batch_size, max(1, steps // 50)
    for step in range(steps + 1):
        if step % every == 0 or step == steps:
            history["step"].append(step)
            for name, (model, _, _) in runs.items():  # a copy that blew up has no curve after
                loss = math.nan if name in diverged else evaluate(model, x_train, y_train)[0]
                history[name].append(loss)
            sweep_losses = {f"lr = {lr:.3g}": history[f"lr{i + 1}"][-1] for i, lr in
                            enumerate(sweep) if f"lr{i + 1}" not in diverged}
            if report(step, steps, sweep_losses):
                break
        if step == steps:
            break
        if step % per_epoch == 0:
            order = torch.randperm(len(y_train), device=device)  # a new epoch: reshuffle
        batch = order[step % per_epoch * batch_size:][:batch_size]
        for name, (model, optimizer, scheduler) in runs.items():
            if name in diverged:
                continue
            model.train()
            loss = F.cross_entropy(model(x_train[batch]), y_train[batch])
            first_loss.setdefault(name, loss.item())
            lr = optimizer.param_groups[0]["lr"]
            if name == "range_test":  # an average that starts at 0, corrected for that start
                smoothed = SMOOTHING * smoothed + (1 - SMOOTHING) * loss.item()
                judged = smoothed / (1 - SMOOTHING ** (step + 1))
                best = min(best, judged)
                blew_up = not math.isfinite(judged) or judged > 4 * best
            else:
                blew_up = not math.isfinite(loss.item()) or loss.item() > 4 * first_loss[name]
            if blew_up:
                diverged[name] = step  # this copy stops here
                continue
            if name == "range_test":
                range_test["lr"].append(lr)
                range_test["loss"].append(judged)
            if name == "schedule":
                schedule_lrs.append(lr)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()  # after optimizer.step(): the next step's rate

    metrics = {"start_loss": history["lr1"][0]}  # every copy starts from the same weights
    for name, (model, _, _) in runs.items():
        if name.startswith("lr"):
            metrics[name] = sweep[int(name[2:]) - 1]
        if name != "range_test":
            metrics[f"{name}_diverged_step"] = diverged.get(name, -1)  # -1: it never did
            if name not in diverged:
                metrics[f"{name}_final_loss"] = history[name][-1]
            metrics[f"{name}_test_acc"] = evaluate(model, x_test, y_test)[1]
    survivors = [f"lr{i + 1}" for i in range(count) if f"lr{i + 1}" not in diverged]
    if survivors:
        metrics["best_lr"] = metrics[min(survivors, key=lambda r: metrics[f"{r}_final_loss"])]
    if schedule_lrs:
        metrics["schedule_final_lr"] = schedule_lrs[-1]
    if range_test["loss"]:  # a rule of thumb: a tenth of the rate where the loss bottoms out
        lowest = range_test["lr"][int(np.argmin(range_test["loss"]))]
        metrics["range_test_min_loss_lr"] = lowest
        metrics["range_test_suggested_lr"] = lowest / 10
    metrics["range_test_stop_step"] = diverged.get("range_test", -1)
    if "range_test" in diverged:
        metrics["range_test_stop_lr"] = runs["range_test"][1].param_groups[0]["lr"]
    return {"metrics": metrics, "history": history, "range_test": range_test, "sweep": sweep,
            "schedule": schedule, "schedule_lrs": schedule_lrs, "schedule_lr": schedule_lr}


if __name__ == "__main__":
    for name, value in train()["metrics"].items():
        print(f"{name:26} {value:.4g}")
