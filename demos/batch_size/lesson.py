"""Batch size: many noisy steps against few smooth ones.

Copies of one small network learn the handwritten digits with plain SGD for the same number
of epochs (passes over the 1437 training images), from the same initial weights and in the
same shuffled order. Only the batch size B differs:
* an epoch takes ceil(N / B) steps: small batches update the weights many times per epoch,
  the full batch (B = N, plain gradient descent) only once;
* each step's gradient is an average over B images: a small batch gives a noisy estimate of
  the full gradient, so its loss curve jitters, while big batches move smoothly;
* on parallel hardware a big batch costs little more than a small one, so an epoch of big
  batches takes less time. The lesson times every epoch.
A copy whose loss turns NaN or grows past 4 times its first loss has diverged: it stops there.

Run it on its own:  python lesson.py
"""

import copy
import math
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from demos.data import split_digits

HIDDEN = 32


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
    return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


def jitter(losses):
    """How noisy a loss curve is: the spread of its step-to-step changes over the second half
    (the first half is dominated by the fast initial drop). None if there are too few steps."""
    tail = losses[len(losses) // 2:]
    return float(np.std(np.diff(tail))) if len(tail) >= 3 else None


def train(batch_sizes="8, 32, 128, full", epochs=10, lr=0.2, *, device="cpu", seed=0,
          report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live chart
    torch.manual_seed(seed)
    x_train, y_train, x_test, y_test = [t.to(device) for t in split_digits(360, seed)]
    n = len(y_train)  # 1437 images
    sizes = [n if size.strip() == "full" else int(size) for size in batch_sizes.split(",")]
    first = nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10)).to(device)
    models = {size: copy.deepcopy(first) for size in sizes}  # the same start for all
    optimizers = {size: torch.optim.SGD(models[size].parameters(), lr=lr) for size in sizes}

    step_losses = {size: [] for size in sizes}  # the loss of each step's own batch
    train_loss = {size: [evaluate(first, x_train, y_train)[0]] for size in sizes}  # per epoch
    test_acc = {size: [evaluate(first, x_test, y_test)[1]] for size in sizes}
    seconds = {size: [] for size in sizes}  # the time each full epoch took
    first_loss, diverged = {}, {}
    report(0, epochs, {f"B = {size}": train_loss[size][0] for size in sizes})
    for epoch in range(1, epochs + 1):
        order = torch.randperm(n, device=device)  # the same shuffle for every batch size
        for size, model in models.items():
            if size in diverged:
                continue
            model.train()
            start = time.perf_counter()
            for begin in range(0, n, size):  # the last batch holds what is left: ceil(n / B)
                rows = order[begin:begin + size]
                loss = F.cross_entropy(model(x_train[rows]), y_train[rows])
                value = loss.item()  # on a GPU, .item() waits for the work: the clock sees it all
                first_loss.setdefault(size, value)
                if not math.isfinite(value) or value > 4 * first_loss[size]:
                    diverged[size] = len(step_losses[size])  # the step that blew up
                    break
                step_losses[size].append(value)
                optimizers[size].zero_grad()
                loss.backward()
                optimizers[size].step()
            else:  # no break: a whole epoch without a blow-up, timed
                seconds[size].append(time.perf_counter() - start)
        for size, model in models.items():  # after the epoch, on whole sets
            loss, acc = (math.nan, math.nan) if size in diverged else (
                evaluate(model, x_train, y_train)[0], evaluate(model, x_test, y_test)[1])
            train_loss[size].append(loss)
            test_acc[size].append(acc)
        alive = [size for size in sizes if size not in diverged]
        if report(epoch, epochs, {f"B = {size}": train_loss[size][-1] for size in alive}):
            break  # the learner pressed Stop

    metrics = {"train_size": n}
    for size in sizes:
        key, per_epoch = ("full" if size >= n else f"b{size}"), math.ceil(n / size)
        metrics[f"{key}_batch_size"] = min(size, n)
        metrics[f"{key}_steps_per_epoch"] = per_epoch
        metrics[f"{key}_total_steps"] = per_epoch * epochs
        if seconds[size]:  # the fastest epoch: the one least disturbed by other programs
            metrics[f"{key}_ms_per_epoch"] = 1000 * min(seconds[size])
        metrics[f"{key}_diverged_step"] = diverged.get(size, -1)  # -1: it never did
        if size not in diverged:
            metrics[f"{key}_final_loss"] = train_loss[size][-1]
            metrics[f"{key}_test_acc"] = test_acc[size][-1]
            if jitter(step_losses[size]) is not None:
                metrics[f"{key}_noise"] = jitter(step_losses[size])
    return {"metrics": metrics, "sizes": sizes, "n": n, "step_losses": step_losses,
            "train_loss": train_loss, "test_acc": test_acc}


if __name__ == "__main__":
    for name, value in train()["metrics"].items():
        print(f"{name:24} {value:.4g}")
