"""The batch-size demo's hidden engine: every batch size trained at once, in chunks.

The lesson trains one copy per batch size, one after another. Here the copies are one
StackedMLP, and the epoch is walked in chunks of the smallest batch size (every batch size of
a preset is a multiple of the one before it). All copies see every chunk in one forward and
backward pass (written out by hand in `add_cross_entropy_gradients`: for matrices this small,
autograd's bookkeeping costs more than the arithmetic) and add its gradient to a running sum;
copy B takes its SGD step whenever it has summed B images (or the epoch ends) and starts a new
sum. That is mini-batch SGD with batch size B, for every B at once, on the lesson's batches.

It starts from the lesson's numbers (the same nn.Sequential drawn right after the same seed,
the same `torch.randperm` order per epoch). Blow-ups are found afterwards in the step losses,
with the lesson's rule; nothing a diverged copy does after its blow-up is reported. The time
per epoch is the lesson's own loop, one epoch per batch size, timed on its own.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from demos.batch_size.lesson import HIDDEN, jitter
from demos.data import split_digits
from demos.stacked import StackedMLP, add_cross_entropy_gradients, epoch_orders, linear_layers, per_copy_accuracy, \
    per_copy_loss


@dataclass(frozen=True)
class ChunkPlan:
    """The fixed schedule of one epoch walked in chunks of the smallest batch size.

    Batch sizes are sorted, and each is a multiple of the smaller ones, so whenever a copy
    finishes a batch all smaller batch sizes finish one too: the copies that step after a
    chunk are always the first few, `steppers[c]` of them.
    """

    chunk: int  # rows per chunk: the smallest batch size
    steppers: list[int]  # after chunk c, copies 0 .. steppers[c] - 1 take a step
    batch_rows: torch.Tensor  # (chunks, copies): images in the batch that step averages over
    share: torch.Tensor  # (chunks, copies): 1 / the images of the batch chunk c belongs to


def chunk_plan(n: int, sizes: list[int]) -> ChunkPlan:
    if sizes != sorted(sizes) or any(big % small for small, big in zip(sizes, sizes[1:]) if big < n):
        raise ValueError(f"batch sizes {sizes} must be ascending, each a multiple of the one before")
    chunk = sizes[0]
    chunks = math.ceil(n / chunk)
    steppers, batch_rows = [], torch.ones(chunks, len(sizes))
    for c in range(chunks):
        seen = min((c + 1) * chunk, n)  # rows of the epoch seen after chunk c
        # A copy steps when its batch is full, and every copy steps at the end of the epoch.
        stepping = [seen % size == 0 or seen == n for size in sizes]
        steppers.append(sum(stepping))
        for i, size in enumerate(sizes):
            if stepping[i]:
                batch_rows[c, i] = seen - (seen - 1) // size * size  # B, or what is left at the end
    # Each chunk's gradient counts 1 / (images in its batch): a batch's steps average over it.
    share = torch.empty(chunks, len(sizes))
    for i in range(len(sizes)):
        ends = [c for c in range(chunks) if steppers[c] > i]
        c = 0
        for end in ends:
            share[c : end + 1, i] = 1 / batch_rows[end, i]
            c = end + 1
    return ChunkPlan(chunk, steppers, batch_rows, share)


def step_losses_of(chunk_log: np.ndarray, plan: ChunkPlan) -> list[np.ndarray]:
    """Each copy's mean loss at each of its own steps, from the summed loss of every chunk
    (epochs * chunks, copies): the chunk sums added up batch by batch."""
    epochs = len(chunk_log) // len(plan.steppers)
    steppers = np.tile(plan.steppers, epochs)
    rows = np.tile(plan.batch_rows.numpy(), (epochs, 1))
    out = []
    for i in range(chunk_log.shape[1]):
        ends = np.flatnonzero(steppers > i)  # the chunks after which copy i took a step
        starts = np.concatenate(([0], ends[:-1] + 1))
        out.append(np.add.reduceat(chunk_log[:, i], starts) / rows[ends, i] if len(ends) else np.empty(0))
    return out


def blow_up(losses: np.ndarray) -> int:
    """The lesson's rule: the index of the first step whose loss is NaN, infinite or above 4
    times the first; -1 if none."""
    if not len(losses):
        return -1
    bad = ~np.isfinite(losses) | (losses > 4 * losses[0])
    return int(np.argmax(bad)) if bad.any() else -1


def time_one_epoch(first: nn.Module, x: torch.Tensor, y: torch.Tensor, order: torch.Tensor, size: int,
                   lr: float) -> float:
    """Seconds for one epoch of the lesson's own loop (a plain copy, torch.optim.SGD, .item()
    and the blow-up check every step) at this batch size."""
    model = copy.deepcopy(first)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    model.train()
    first_value = None
    start = time.perf_counter()
    for begin in range(0, len(y), size):
        rows = order[begin:begin + size]
        loss = F.cross_entropy(model(x[rows]), y[rows])
        value = loss.item()
        first_value = value if first_value is None else first_value
        if not math.isfinite(value) or value > 4 * first_value:
            break
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def train(batch_sizes="8, 32, 128, full", epochs=10, lr=0.2, *, device="cpu", seed=0,
          report=None):
    report = report or (lambda *args, **kwargs: False)
    torch.manual_seed(seed)
    x_train, y_train, x_test, y_test = [t.to(device) for t in split_digits(360, seed)]
    n = len(y_train)
    sizes = [n if size.strip() == "full" else int(size) for size in batch_sizes.split(",")]
    first = nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10)).to(device)  # the lesson's draws
    orders = epoch_orders(n, epochs, device)  # the lesson's torch.randperm, one per epoch
    copies = len(sizes)
    plan = chunk_plan(n, sizes)
    chunks = len(plan.steppers)
    # SGD on each batch's mean loss: every chunk adds lr / (images in its batch) times its
    # summed gradient to .grad, and a step subtracts .grad from the weights.
    shares = (lr * plan.share).to(device)
    model = StackedMLP(copies, linear_layers(first)).to(device)
    weights = list(model.parameters())
    for w in weights:
        w.grad = torch.zeros_like(w)
    # The first k copies' weights and gradients, as views made once: a step is two calls.
    firsts = {k: ([w[:k] for w in weights], [w.grad[:k] for w in weights]) for k in range(1, copies + 1)}
    targets = F.one_hot(y_train, 10).float()  # the labels as one-hot rows, for the hand-written backward
    whole_train, whole_test = x_train.expand(copies, -1, -1), x_test.expand(copies, -1, -1)

    def evaluate() -> tuple[list[float], list[float]]:
        with torch.no_grad():
            return (per_copy_loss(model(whole_train), y_train).tolist(),
                    per_copy_accuracy(model(whole_test), y_test).tolist())

    chunk_log = torch.empty(epochs, chunks, copies, device=device)  # the summed loss of each chunk
    loss0, acc0 = evaluate()
    train_loss = {size: [loss0[i]] for i, size in enumerate(sizes)}
    test_acc = {size: [acc0[i]] for i, size in enumerate(sizes)}
    report(0, epochs, {f"B = {size}": train_loss[size][0] for size in sizes})
    diverged: dict[int, int] = {}
    done = 0
    for epoch in range(epochs):
        # This epoch's shuffled data, gathered once: each chunk is then just a slice (a view).
        x_epoch, t_epoch = x_train[orders[epoch]], targets[orders[epoch]]
        for c in range(chunks):
            rows = slice(c * plan.chunk, (c + 1) * plan.chunk)
            # Forward and backward in one: adds each copy's summed gradient to its .grad.
            chunk_log[epoch, c] = add_cross_entropy_gradients(model, x_epoch[rows].expand(copies, -1, -1),
                                                              t_epoch[rows], shares[c])
            k = plan.steppers[c]
            if k:  # the first k copies have a full batch: step, then start new sums
                params, grads = firsts[k]
                with torch.no_grad():
                    torch._foreach_sub_(params, grads)
                    torch._foreach_zero_(grads)
        done = epoch + 1
        # Blow-ups so far, by the lesson's rule (one host copy per epoch).
        steps = step_losses_of(chunk_log[:done].reshape(-1, copies).double().cpu().numpy(), plan)
        for i, size in enumerate(sizes):
            if size not in diverged and blow_up(steps[i]) >= 0:
                diverged[size] = blow_up(steps[i])
        loss, acc = evaluate()
        for i, size in enumerate(sizes):
            train_loss[size].append(math.nan if size in diverged else loss[i])
            test_acc[size].append(math.nan if size in diverged else acc[i])
        if report(done, epochs, {f"B = {s}": train_loss[s][-1] for s in sizes if s not in diverged}):
            break

    steps = step_losses_of(chunk_log[:done].reshape(-1, copies).double().cpu().numpy(), plan)
    step_losses = {size: steps[i][: diverged.get(size, len(steps[i]))].tolist() for i, size in enumerate(sizes)}
    metrics: dict[str, float] = {"train_size": n}
    for i, size in enumerate(sizes):
        key, per_epoch = ("full" if size >= n else f"b{size}"), math.ceil(n / size)
        metrics[f"{key}_batch_size"] = min(size, n)
        metrics[f"{key}_steps_per_epoch"] = per_epoch
        metrics[f"{key}_total_steps"] = per_epoch * epochs
        if done and diverged.get(size, per_epoch) >= per_epoch:  # the lesson timed a whole epoch
            metrics[f"{key}_ms_per_epoch"] = 1000 * time_one_epoch(first, x_train, y_train, orders[0], size, lr)
        metrics[f"{key}_diverged_step"] = diverged.get(size, -1)
        if size not in diverged:
            metrics[f"{key}_final_loss"] = train_loss[size][-1]
            metrics[f"{key}_test_acc"] = test_acc[size][-1]
            if jitter(step_losses[size]) is not None:
                metrics[f"{key}_noise"] = jitter(step_losses[size])
    return {"metrics": metrics, "sizes": sizes, "n": n, "step_losses": step_losses,
            "train_loss": train_loss, "test_acc": test_acc}


def agrees(engine_out: dict, lesson_out: dict) -> tuple[bool, str]:
    """Same batches from the same start, so: the same steps and the same divergence, at the same
    step; final losses within 2%, test accuracies within 1 point, noise within 5% (float32
    rounding differs between the batched and the plain computation). Times are not compared."""
    problems = []
    e, l = engine_out["metrics"], lesson_out["metrics"]
    if set(e) != set(l):
        problems.append(f"different metrics: {sorted(set(e) ^ set(l))}")
    for key, value in l.items():
        other = e.get(key, math.nan)
        if key.endswith(("_diverged_step", "_steps_per_epoch", "_total_steps")) and value != other:
            problems.append(f"{key}: {other:g} against {value:g}")
        elif key.endswith("_final_loss") and not math.isclose(value, other, rel_tol=0.02):
            problems.append(f"{key}: {other:.4f} against {value:.4f}")
        elif key.endswith("_noise") and not math.isclose(value, other, rel_tol=0.05):
            problems.append(f"{key}: {other:.4f} against {value:.4f}")
        elif key.endswith("_test_acc") and abs(value - other) > 0.01:
            problems.append(f"{key}: {other:.3f} against {value:.3f}")
    if problems:
        return False, "; ".join(problems)
    return True, "the same steps and divergence; losses within 2%, accuracy within 1 point, noise within 5%"
