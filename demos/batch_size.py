"""Batch size: noisy small steps against smooth big ones.

Copies of one small network learn the handwritten digits with plain SGD for the same number
of epochs (passes over the 1437 training images), from the same initial weights and in the
same shuffled order. Only the batch size B differs:

* an epoch takes ceil(N / B) steps: small batches update the weights many times per epoch,
  the full batch only once;
* each step's gradient is an average over B images: small batches give noisy estimates of the
  true gradient, so their loss curve jitters, while big batches move smoothly;
* on parallel hardware a big batch costs little more than a small one, so an epoch with big
  batches takes less time. The demo times one epoch at each batch size.

How the copies train together: every batch size here is a multiple of the smallest one, so the
epoch is walked through in chunks of that size. All copies see every chunk in one batched
forward and backward pass and add its gradient to their running sums; copy B takes its SGD step
whenever it has summed B images (or the epoch ends) and then starts a new sum. That is exactly
mini-batch SGD with batch size B, for every B at once. (The backward pass of this two-layer
network is written out by hand in `add_cross_entropy_gradients`: for matrices this small,
autograd's bookkeeping would cost more than the arithmetic.)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch.utils.data import DataLoader, RandomSampler, TensorDataset

from demos.framework import (
    Param, Progress, Reporter, Result, T, Throttle, Value, resolve_params, seed_everything,
)
from demos.optim_common import (
    LayerInit, StackedMLP, add_cross_entropy_gradients, epoch_orders, evaluate, init_mlp, per_copy_accuracy,
    per_copy_loss, sequential_mlp, split_digits,
)

HIDDEN = 32
DIVERGENCE_FACTOR = 4.0  # a step loss above 4x the first one: the run blew up
PRESETS = ("8, 32, 128, full", "4, 16, 64, 256", "16, 64, 256, full")
COLORS = ("#d62728", "#ff7f0e", "#2ca02c", "#1f77b4")


def parse_sizes(preset: str, n: int) -> list[int]:
    """"8, 32, 128, full" -> [8, 32, 128, n]."""
    return [n if part.strip() == "full" else int(part) for part in preset.split(",")]


def label(size: int, n: int) -> str:
    """A metric-key-friendly name: b8, b32, ..., full."""
    return "full" if size >= n else f"b{size}"


def steps_per_epoch(n: int, batch_size: int) -> int:
    """The last batch of an epoch may be smaller, so an epoch has ceil(N / B) steps."""
    return math.ceil(n / batch_size)


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
    return ChunkPlan(chunk, steppers, batch_rows)


def first_blow_up(losses: np.ndarray) -> int:
    """The 1-based step at which a run blew up (NaN, inf, or DIVERGENCE_FACTOR x its first loss); 0 if never."""
    bad = ~np.isfinite(losses) | (losses > DIVERGENCE_FACTOR * losses[0])
    return int(np.argmax(bad)) + 1 if bad.any() else 0


def time_one_epoch(
    init: list[LayerInit], x: torch.Tensor, y: torch.Tensor, batch_size: int, lr: float, device: torch.device
) -> float:
    """Wall-clock seconds for one epoch of one plain model at this batch size, data already on
    the device: the training loop anybody would write, timed on its own."""
    model = sequential_mlp(init).to(device)
    order = torch.randperm(len(x), device=device)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    for first in range(0, len(x), batch_size):
        rows = order[first : first + batch_size]
        loss = F.cross_entropy(model(x[rows]), y[rows])
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for w in model.parameters():
                w.sub_(lr * w.grad)  # the SGD step
    if device.type == "cuda":
        torch.cuda.synchronize(device)  # GPU work is queued: wait for it before reading the clock
    return time.perf_counter() - start


class BatchSizeDemo:
    id = "batch-size"
    title = T("Batch size: noisy small steps, smooth big ones", "배치 크기: 잡음 많은 작은 스텝, 매끄러운 큰 스텝")
    description = T(
        "The same network learns the digits with plain SGD for the same number of epochs, once "
        "per batch size. Small batches take many noisy steps per epoch; the full batch takes a "
        "single smooth one. Compare the loss curves, the steps and time per epoch, and the final "
        "accuracy.",
        "같은 신경망이 같은 에포크 수 동안 일반 SGD로 숫자 데이터를 학습하며, 배치 크기만 다릅니다. "
        "작은 배치는 에포크마다 잡음 섞인 스텝을 여러 번 밟고, 전체 배치는 매끄러운 스텝을 한 번만 "
        "밟습니다. 손실 곡선, 에포크당 스텝 수와 시간, 최종 정확도를 비교해 보세요.",
    )
    params = (
        Param("batch_sizes", T("Batch sizes", "배치 크기"), PRESETS[0], choices=PRESETS,
              choice_labels={preset: T(preset, preset.replace("full", "full (전체)")) for preset in PRESETS},
              help=T("'full' means the whole training set (1437 images) in one batch.",
                     "'full'은 훈련 세트 전체(1437장)를 한 배치로 쓴다는 뜻입니다.")),
        Param("epochs", T("Epochs", "에포크 수"), 10, min=1, max=100),
        Param("lr", T("Learning rate (SGD)", "학습률 (SGD)"), 0.2, min=1e-4, max=10.0, log=True,
              help=T("The same for every batch size.", "모든 배치 크기에 같은 값을 씁니다.")),
    )

    # -- running --------------------------------------------------------------------------

    def run(self, params: Mapping[str, Value], *, device: torch.device, seed: int, report: Reporter) -> Result:
        p = resolve_params(self.params, params)
        seed_everything(seed)
        generator = torch.Generator().manual_seed(seed)
        x_train, y_train, x_test, y_test = split_digits(generator, device)
        init = init_mlp((64, HIDDEN, 10), generator)
        n, epochs, lr = len(x_train), int(p["epochs"]), float(p["lr"])
        sizes = parse_sizes(str(p["batch_sizes"]), n)
        orders = epoch_orders(n, epochs, generator).to(device)  # the same shuffles for every copy

        copies = len(sizes)
        plan = chunk_plan(n, sizes)
        chunks = len(plan.steppers)
        # SGD on each batch's mean loss: the summed gradient times lr / (images in the batch).
        scales = (lr / plan.batch_rows).to(device).view(chunks, copies, 1, 1)

        model = StackedMLP(copies, init).to(device)
        weights = list(model.parameters())
        for w in weights:
            w.grad = torch.zeros_like(w)  # every chunk's gradient is added into .grad
        targets = F.one_hot(y_train, 10).float()  # the labels as one-hot rows, for the hand-written backward
        chunk_log = torch.empty(epochs * chunks, copies, device=device)  # summed loss of each chunk
        epoch_loss = torch.empty(epochs + 1, copies, device=device)
        epoch_acc = torch.empty(epochs + 1, copies, device=device)
        epoch_loss[0], epoch_acc[0] = self._evaluate(model, x_train, y_train, x_test, y_test)
        throttle = Throttle(epochs * chunks, every=max(1, epochs * chunks // 40))

        for epoch in range(epochs):
            # This epoch's shuffled data, gathered once: each chunk is then just a slice (a view).
            x_epoch, t_epoch = x_train[orders[epoch]], targets[orders[epoch]]
            for c in range(chunks):
                rows = slice(c * plan.chunk, (c + 1) * plan.chunk)
                # Forward and backward in one: adds each copy's summed gradient to its .grad rows.
                chunk_log[epoch * chunks + c] = add_cross_entropy_gradients(
                    model, x_epoch[rows].expand(copies, -1, -1), t_epoch[rows])
                k = plan.steppers[c]
                if k:  # the first k copies have a full batch: step, then start new sums
                    with torch.no_grad():
                        for w in weights:
                            w[:k].sub_(scales[c, :k] * w.grad[:k])
                            w.grad[:k].zero_()
                done = epoch * chunks + c + 1
                if throttle.due(done):
                    report(self._progress(done, epochs * chunks, epoch_loss[: epoch + 1], sizes, n))
            epoch_loss[epoch + 1], epoch_acc[epoch + 1] = self._evaluate(model, x_train, y_train, x_test, y_test)

        seconds = [time_one_epoch(init, x_train, y_train, s, lr, device) for s in sizes]
        step_losses = self._step_losses(chunk_log.cpu(), plan, epochs)
        return self._result(p, sizes, n, step_losses, epoch_loss.cpu(), epoch_acc.cpu(), seconds)

    @staticmethod
    def _evaluate(model: StackedMLP, x_train, y_train, x_test, y_test) -> tuple[torch.Tensor, torch.Tensor]:
        """Whole-training-set loss and test accuracy of every copy."""
        copies = len(model.weights[0])
        with torch.no_grad():
            loss = per_copy_loss(model(x_train.expand(copies, -1, -1)), y_train)
            accuracy = per_copy_accuracy(model(x_test.expand(copies, -1, -1)), y_test)
        return loss, accuracy

    @staticmethod
    def _step_losses(chunk_log: torch.Tensor, plan: ChunkPlan, epochs: int) -> list[np.ndarray]:
        """Each copy's mean loss at each of its own steps: its chunk sums added up batch by batch."""
        log = chunk_log.numpy().astype(np.float64)  # (epochs * chunks, copies)
        steppers = np.tile(plan.steppers, epochs)
        rows = np.tile(plan.batch_rows.numpy(), (epochs, 1))
        out = []
        for i in range(log.shape[1]):
            ends = np.flatnonzero(steppers > i)  # the chunks after which copy i took a step
            starts = np.concatenate(([0], ends[:-1] + 1))
            out.append(np.add.reduceat(log[:, i], starts) / rows[ends, i])
        return out

    @staticmethod
    def _progress(done: int, total: int, epoch_loss: torch.Tensor, sizes: list[int], n: int) -> Progress:
        values = epoch_loss.cpu()  # one host copy per report: the whole-set loss after each epoch
        curves = {f"B = {min(s, n)}": values[:, i].tolist() for i, s in enumerate(sizes)}
        return Progress(done=done, total=total, x=tuple(range(len(values))), curves=curves, message="epochs")

    def _result(
        self, p: Mapping[str, Value], sizes: list[int], n: int, step_losses: list[np.ndarray],
        epoch_loss: torch.Tensor, epoch_acc: torch.Tensor, seconds: list[float],
    ) -> Result:
        """Metrics and figure data from what a run computed (shared by run and reference).

        A run that blew up at step N (`<B>_diverged_step`, -1 if never) has no final loss,
        accuracy or noise: those metrics are left out and its curves stop before step N.
        """
        epochs = len(epoch_loss) - 1
        epoch_loss, epoch_acc = epoch_loss.numpy().copy(), epoch_acc.numpy().copy()
        metrics: dict[str, float] = {"train_size": float(n)}
        curves = []
        for i, size in enumerate(sizes):
            key, per_epoch = label(size, n), steps_per_epoch(n, size)
            losses = step_losses[i].copy()
            blew_up = first_blow_up(losses)
            if blew_up:
                losses[blew_up - 1 :] = np.nan  # step N's loss came from the weights after N - 1 updates
                late = np.arange(epochs + 1) * per_epoch >= blew_up - 1
                epoch_loss[late, i] = epoch_acc[late, i] = np.nan
            curves.append(losses)
            metrics[f"{key}_batch_size"] = float(min(size, n))
            metrics[f"{key}_steps_per_epoch"] = float(per_epoch)
            metrics[f"{key}_total_steps"] = float(per_epoch * epochs)
            metrics[f"{key}_ms_per_epoch"] = 1000 * seconds[i]
            metrics[f"{key}_diverged_step"] = float(blew_up) if blew_up else -1.0
            if not blew_up:
                metrics[f"{key}_final_loss"] = float(epoch_loss[-1, i])
                metrics[f"{key}_test_acc"] = float(epoch_acc[-1, i])
                noise = loss_noise(losses)
                if noise is not None:
                    metrics[f"{key}_noise"] = noise
        data = {"sizes": sizes, "n": n, "step_losses": curves, "epoch_loss": epoch_loss, "epoch_acc": epoch_acc}
        return Result(metrics=metrics, data=data, summary=self._summary(metrics, sizes, n, epochs))

    @staticmethod
    def _summary(m: Mapping[str, float], sizes: list[int], n: int, epochs: int) -> T:
        small, big = label(sizes[0], n), label(sizes[-1], n)
        en = (f"In {epochs} epochs, batch size {sizes[0]} took {int(m[f'{small}_total_steps'])} steps and batch size "
              f"{min(sizes[-1], n)} took {int(m[f'{big}_total_steps'])}.")
        ko = (f"{epochs} 에포크 동안 밟은 스텝 수는 배치 크기 {sizes[0]}에서 {int(m[f'{small}_total_steps'])}번, "
              f"배치 크기 {min(sizes[-1], n)}에서 {int(m[f'{big}_total_steps'])}번입니다.")
        if f"{small}_noise" in m and f"{big}_noise" in m:
            jitter = f"{m[f'{small}_noise']:.2g}", f"{m[f'{big}_noise']:.2g}"
            ms = f"{m[f'{small}_ms_per_epoch']:.1f}", f"{m[f'{big}_ms_per_epoch']:.1f}"
            en += (f" Step-to-step jitter of the loss: {jitter[0]} vs {jitter[1]};"
                   f" one epoch took {ms[0]} ms vs {ms[1]} ms.")
            ko += (f" 스텝 사이 손실 흔들림은 {jitter[0]} 대 {jitter[1]}, 한 에포크에 걸린 시간은 "
                   f"{ms[0]} ms 대 {ms[1]} ms입니다.")
        accs = ", ".join(f"{min(s, n)}: {100 * m[f'{label(s, n)}_test_acc']:.1f}%" for s in sizes
                         if f"{label(s, n)}_test_acc" in m)
        if accs:
            en += f" Test accuracy by batch size: {accs}."
            ko += f" 배치 크기별 테스트 정확도는 {accs}입니다."
        for s in sizes:
            step = m[f"{label(s, n)}_diverged_step"]
            if step > 0:
                en += f" Batch size {min(s, n)} diverged at step {int(step)}."
                ko += f" 배치 크기 {min(s, n)}의 학습은 {int(step)} 스텝에서 발산했습니다."
        return T(en, ko)

    # -- the plain reference (for `studyapp bench`) ------------------------------------------

    def reference(self, params: Mapping[str, Value], *, device: torch.device, seed: int) -> Result:
        """The same experiment the obvious way: for each batch size in turn, an nn.Sequential,
        torch.optim.SGD and a DataLoader with that batch size."""
        p = resolve_params(self.params, params)
        seed_everything(seed)
        generator = torch.Generator().manual_seed(seed)
        x_train, y_train, x_test, y_test = split_digits(generator, device)
        init = init_mlp((64, HIDDEN, 10), generator)
        n, epochs, lr = len(x_train), int(p["epochs"]), float(p["lr"])
        sizes = parse_sizes(str(p["batch_sizes"]), n)
        shuffle_state = generator.get_state()
        dataset = TensorDataset(x_train, y_train)
        step_losses, seconds = [], []
        epoch_loss = torch.empty(epochs + 1, len(sizes))
        epoch_acc = torch.empty(epochs + 1, len(sizes))
        for i, size in enumerate(sizes):
            model = sequential_mlp(init).to(device)
            optimizer = torch.optim.SGD(model.parameters(), lr=lr)
            order = torch.Generator()
            order.set_state(shuffle_state)  # every batch size sees the same shuffles
            loader = DataLoader(dataset, batch_size=size, sampler=RandomSampler(dataset, generator=order))
            losses, times = [], []
            epoch_loss[0, i] = evaluate(model, x_train, y_train)[0]
            epoch_acc[0, i] = evaluate(model, x_test, y_test)[1]
            for epoch in range(epochs):
                start = time.perf_counter()
                for xb, yb in loader:
                    loss = F.cross_entropy(model(xb), yb)
                    losses.append(loss.item())
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                times.append(time.perf_counter() - start)
                epoch_loss[epoch + 1, i] = evaluate(model, x_train, y_train)[0]
                epoch_acc[epoch + 1, i] = evaluate(model, x_test, y_test)[1]
            step_losses.append(np.array(losses))
            seconds.append(min(times))
        return self._result(p, sizes, n, step_losses, epoch_loss, epoch_acc, seconds)

    def agrees_with_reference(self, fast: Result, reference: Result) -> tuple[bool, str]:
        """Same batches from the same start, so: the same runs diverge, at the same step; final
        losses within 2%, test accuracies within 1 point, noise within 5% (float32 rounding
        differs between the batched and the plain computation). Times are not compared."""
        problems = []
        for key, value in fast.metrics.items():
            other = reference.metrics.get(key, math.nan)
            if key.endswith(("_diverged_step", "_steps_per_epoch", "_total_steps")) and value != other:
                problems.append(f"{key}: {value:g} vs {other:g}")
            elif key.endswith("_final_loss") and not math.isclose(value, other, rel_tol=0.02):
                problems.append(f"{key}: {value:.4f} vs {other:.4f}")
            elif key.endswith("_noise") and not math.isclose(value, other, rel_tol=0.05):
                problems.append(f"{key}: {value:.4f} vs {other:.4f}")
            elif key.endswith("_test_acc") and abs(value - other) > 0.01:
                problems.append(f"{key}: {value:.3f} vs {other:.3f}")
        if problems:
            return False, "; ".join(problems)
        return True, "same steps and divergence; losses within 2%, accuracy within 1 point, noise within 5%"

    # -- figures --------------------------------------------------------------------------

    def figures(self, result: Result, lang: str) -> list[go.Figure]:
        return [self._curves_figure(result, lang), self._bars_figure(result, lang)]

    def _curves_figure(self, result: Result, lang: str) -> go.Figure:
        d, m = result.data, result.metrics
        n = d["n"]
        fig = make_subplots(rows=1, cols=2, subplot_titles=(
            T("Loss of each step's own batch", "각 스텝이 본 배치의 손실")(lang),
            T("Whole training set, after each epoch", "에포크마다 잰 훈련 세트 전체 손실")(lang)))
        for i, size in enumerate(d["sizes"]):
            key = label(size, n)
            name = f"B = {min(size, n)}" + (T(" (full)", " (전체)")(lang) if size >= n else "")
            losses = d["step_losses"][i]
            # x in epochs, so a batch size with 180 steps per epoch and one with 1 share an axis.
            x = np.arange(1, len(losses) + 1) / m[f"{key}_steps_per_epoch"]
            fig.add_trace(go.Scatter(x=x, y=losses, mode="lines+markers" if len(losses) < 60 else "lines",
                                     name=name, legendgroup=key, line={"color": COLORS[i % 4], "width": 1}),
                          row=1, col=1)
            fig.add_trace(go.Scatter(x=np.arange(len(d["epoch_loss"])), y=d["epoch_loss"][:, i], mode="lines+markers",
                                     name=name, legendgroup=key, showlegend=False, line={"color": COLORS[i % 4]}),
                          row=1, col=2)
        fig.update_xaxes(title_text=T("epoch", "에포크")(lang))
        fig.update_yaxes(title_text=T("cross-entropy loss", "교차 엔트로피 손실")(lang), row=1, col=1)
        fig.update_yaxes(type="log")
        fig.update_layout(height=420, margin={"t": 50, "b": 40}, legend={"orientation": "h", "y": -0.2})
        return fig

    def _bars_figure(self, result: Result, lang: str) -> go.Figure:
        d, m = result.data, result.metrics
        n = d["n"]
        keys = [label(s, n) for s in d["sizes"]]
        names = [str(min(s, n)) for s in d["sizes"]]
        fig = make_subplots(rows=1, cols=3, subplot_titles=(
            T("steps per epoch", "에포크당 스텝 수")(lang), T("time per epoch (ms)", "에포크당 시간 (ms)")(lang),
            T("test accuracy (%)", "테스트 정확도 (%)")(lang)))
        panels = (("steps_per_epoch", 1), ("ms_per_epoch", 1), ("test_acc", 100))
        for col, (suffix, factor) in enumerate(panels, start=1):
            values = [factor * m.get(f"{k}_{suffix}", math.nan) for k in keys]  # NaN: that run diverged
            fig.add_trace(go.Bar(x=names, y=values, marker_color=list(COLORS[: len(keys)]), showlegend=False,
                                 text=[f"{v:.0f}" if suffix == "steps_per_epoch" else f"{v:.1f}" for v in values],
                                 textposition="outside"), row=1, col=col)
        fig.update_xaxes(title_text=T("batch size", "배치 크기")(lang), type="category")
        fig.update_layout(height=360, margin={"t": 50, "b": 40})
        return fig


def loss_noise(losses: np.ndarray) -> float | None:
    """How jittery a loss curve is: the standard deviation of the step-to-step changes over the
    second half of training (the first half is dominated by the fast initial drop).
    None when there are too few steps to say."""
    tail = losses[len(losses) // 2 :]
    return float(np.std(np.diff(tail))) if len(tail) >= 3 else None


DEMO = BatchSizeDemo()
