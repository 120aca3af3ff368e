"""Overfitting, and how dropout, L2 weight decay and early stopping cure it.

Two copies of the same small MLP train side by side on a deliberately small slice of
scikit-learn's bundled handwritten digits (real 8x8 images, 10 classes):

* "plain":       no regularization at all;
* "regularized": the dropout, L2 weight decay and early stopping you switched on.

Both start from the *same* initial weights and see the *same* training images, so the only
difference between them is the regularization. The plain copy memorizes its few training
images: its training loss falls towards zero while its validation loss turns and climbs.
That widening gap between the curves is overfitting. The regularized copy keeps the gap small.

Both copies live in one "stacked" network whose weights have a leading axis of size 2, so a
single batched matrix multiply (torch.baddbmm) runs both at once instead of one after another.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn

from demos.data import digits
from demos.framework import Param, Progress, Reporter, Result, T, Throttle, Value, resolve_params, seed_everything

VARIANTS = ("plain", "regularized")
VALIDATION_SIZE = 600  # held out once, never trained on
PATIENCE_TOLERANCE = 1e-4  # a validation loss must beat the best by this much to count


def split_with_label_noise(
    y_all: torch.Tensor, train_size: int, label_noise: float, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A fixed validation set, the first `train_size` of the rest to train on, and the
    training labels with a share `label_noise` of them replaced by a wrong class.

    Real data is noisy: the validation labels stay clean, so memorizing the noise shows up
    as lost validation accuracy.
    """
    order = torch.randperm(len(y_all), generator=generator)
    val_idx = order[:VALIDATION_SIZE]
    train_idx = order[VALIDATION_SIZE : VALIDATION_SIZE + train_size]
    clean = y_all[train_idx]
    noisy = torch.rand(len(train_idx), generator=generator) < label_noise
    shift = torch.randint(1, 10, (len(train_idx),), generator=generator)  # never 0: always wrong
    return train_idx, val_idx, torch.where(noisy, (clean + shift) % 10, clean)


class StackedMLP(nn.Module):
    """`copies` independent MLPs (64 -> hidden -> hidden -> 10) evaluated together.

    Every weight has shape (copies, fan_in, fan_out); input has shape (copies, batch, 64).
    Each copy has its own dropout rate, so dropout is written out by hand below instead
    of using nn.Dropout (which takes one rate for the whole tensor).
    """

    def __init__(self, copies: int, hidden: int, dropout: torch.Tensor) -> None:
        super().__init__()
        sizes = [64, hidden, hidden, 10]
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for fan_in, fan_out in zip(sizes, sizes[1:]):
            # nn.Linear's default init, drawn once and copied, so every copy starts identical.
            bound = 1.0 / fan_in**0.5
            w = torch.empty(1, fan_in, fan_out).uniform_(-bound, bound)
            b = torch.empty(1, 1, fan_out).uniform_(-bound, bound)
            self.weights.append(nn.Parameter(w.repeat(copies, 1, 1)))
            self.biases.append(nn.Parameter(b.repeat(copies, 1, 1)))
        self.register_buffer("dropout", dropout.view(copies, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            x = torch.baddbmm(b, x, w)  # b + x @ w, for every copy at once
            if i < last:
                x = torch.relu(x)
                if self.training:
                    # Inverted dropout: zero each unit with probability p, scale the rest
                    # by 1/(1-p) so the expected activation is unchanged at test time.
                    keep = 1.0 - self.dropout
                    x = x * (torch.rand_like(x) < keep) / keep
        return x

    def l2_penalty(self) -> torch.Tensor:
        """Sum of squared weights, one number per copy (biases are not penalized)."""
        return sum(w.pow(2).sum(dim=(1, 2)) for w in self.weights)


def per_copy_loss_and_accuracy(
    logits: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Cross-entropy and accuracy for each copy: logits (copies, N, 10), labels (N,)."""
    copies, n, classes = logits.shape
    loss = F.cross_entropy(logits.reshape(-1, classes), y.repeat(copies), reduction="none")
    accuracy = (logits.argmax(-1) == y).float().mean(dim=1)
    return loss.view(copies, n).mean(dim=1), accuracy


class OverfittingDemo:
    id = "overfitting"
    title = T("Overfitting and its cures", "과적합과 그 처방")
    description = T(
        "Two identical MLPs learn from the same few handwritten digits. One has no "
        "regularization; the other uses the cures you switch on. Watch the gap between "
        "training and validation loss open for the first and stay small for the second.",
        "똑같은 MLP 두 개가 같은 소수의 손글씨 숫자로 학습합니다. 하나는 규제가 전혀 없고, "
        "다른 하나는 여러분이 켠 처방을 씁니다. 첫 번째 모델에서는 훈련 손실과 검증 손실 "
        "사이의 간격이 벌어지고, 두 번째 모델에서는 작게 유지되는 것을 지켜보세요.",
    )
    params = (
        Param("train_size", T("Training images", "훈련 이미지 수"), 150, min=30, max=1000, step=10,
              help=T("Fewer images make memorizing easier: overfitting grows.",
                     "이미지가 적을수록 암기가 쉬워져 과적합이 커집니다.")),
        Param("label_noise", T("Wrong training labels", "틀린 훈련 레이블 비율"), 0.2, min=0.0, max=0.8, step=0.05,
              help=T("Share of training images given a random wrong label. Memorizing them hurts.",
                     "무작위로 틀린 레이블을 받은 훈련 이미지의 비율입니다. 이것까지 외우면 손해입니다.")),
        Param("dropout", T("Dropout rate", "드롭아웃 비율"), 0.5, min=0.0, max=0.9, step=0.05,
              help=T("Share of hidden units switched off at random in each training step.",
                     "학습 단계마다 무작위로 꺼지는 은닉 유닛의 비율입니다.")),
        Param("weight_decay", T("L2 weight decay", "L2 가중치 감쇠"), 1e-3, min=0.0, max=0.1, log=True,
              help=T("Adds this times the sum of squared weights to the loss.",
                     "가중치 제곱합에 이 값을 곱해 손실에 더합니다.")),
        Param("early_stopping", T("Early stopping", "조기 종료"), True,
              help=T("Stop when validation loss has not improved for `patience` epochs and "
                     "keep the best weights.",
                     "검증 손실이 patience 에포크 동안 나아지지 않으면 멈추고 가장 좋았던 "
                     "가중치를 씁니다.")),
        Param("patience", T("Patience (epochs)", "인내 에포크 수"), 20, min=1, max=200),
        Param("epochs", T("Epochs", "에포크 수"), 200, min=10, max=2000, step=10),
        Param("hidden", T("Hidden units per layer", "층당 은닉 유닛 수"), 128, min=8, max=1024),
        Param("lr", T("Learning rate (Adam)", "학습률 (Adam)"), 3e-3, min=1e-5, max=1.0, log=True),
    )

    def run(
        self,
        params: Mapping[str, Value],
        *,
        device: torch.device,
        seed: int,
        report: Reporter,
    ) -> Result:
        p = resolve_params(self.params, params)
        generator = seed_everything(seed)

        # Split once: a fixed validation set, and the first `train_size` of the rest to train on.
        x_all, y_all = digits()
        train_idx, val_idx, y_train_noisy = split_with_label_noise(
            y_all, int(p["train_size"]), float(p["label_noise"]), generator
        )
        # The whole (tiny) data set lives on the device; every epoch is one full-batch step.
        x_train, y_train = x_all[train_idx].to(device), y_train_noisy.to(device)
        x_val, y_val = x_all[val_idx].to(device), y_all[val_idx].to(device)
        copies = len(VARIANTS)
        # Same input for both copies: add a leading "copy" axis without copying memory.
        x_train_c = x_train.expand(copies, -1, -1)
        x_val_c = x_val.expand(copies, -1, -1)

        # Per-copy settings: the plain copy gets zeros, the regularized one your values.
        dropout = torch.tensor([0.0, float(p["dropout"])], device=device)
        weight_decay = torch.tensor([0.0, float(p["weight_decay"])], device=device)
        stops_early = torch.tensor([False, bool(p["early_stopping"])], device=device)

        model = StackedMLP(copies, int(p["hidden"]), dropout).to(device)
        # Adam's update is element-wise, so one optimizer over the stacked weights
        # trains each copy exactly as if it had its own optimizer. fused=True: one kernel
        # updates every weight, instead of ~10 small ops per weight tensor.
        optimizer = torch.optim.Adam(model.parameters(), lr=float(p["lr"]), fused=device.type in ("cpu", "cuda"))

        epochs = int(p["epochs"])
        names = ("train_loss", "val_loss", "train_acc", "val_acc")
        history = {name: torch.full((epochs, copies), float("nan"), device=device) for name in names}

        # Early-stopping bookkeeping stays on the device: no .item() in the loop, so a GPU never waits.
        best_val = torch.full((copies,), float("inf"), device=device)
        best_epoch = torch.zeros(copies, dtype=torch.long, device=device)
        stopped_at = torch.full((copies,), epochs, dtype=torch.long, device=device)
        best_state = [t.detach().clone() for t in model.parameters()]
        throttle = Throttle(epochs, every=max(1, epochs // 40))

        for epoch in range(epochs):
            model.train()
            logits = model(x_train_c)
            ce, train_acc = per_copy_loss_and_accuracy(logits, y_train)
            loss = ce + weight_decay * model.l2_penalty()
            optimizer.zero_grad(set_to_none=True)
            loss.sum().backward()  # the copies share no weights, so their gradients stay separate
            optimizer.step()

            model.eval()
            with torch.no_grad():
                val_loss, val_acc = per_copy_loss_and_accuracy(model(x_val_c), y_val)
                for name, value in zip(names, (ce, val_loss, train_acc, val_acc)):
                    history[name][epoch] = value

                running = stopped_at == epochs
                improved = running & (val_loss < best_val - PATIENCE_TOLERANCE)
                best_val = torch.where(improved, val_loss, best_val)
                best_epoch = torch.where(improved, epoch, best_epoch)
                for saved, live in zip(best_state, model.parameters()):
                    saved.copy_(torch.where(improved.view(-1, 1, 1), live, saved))
                stop_now = running & stops_early & (epoch - best_epoch >= int(p["patience"]))
                stopped_at = torch.where(stop_now, epoch, stopped_at)

            if throttle.due(epoch + 1):
                report(self._progress(epoch + 1, epochs, history, stopped_at))

        # A copy that stopped early is judged by the weights it had at its best epoch.
        with torch.no_grad():
            for saved, live in zip(best_state, model.parameters()):
                live.copy_(torch.where(stops_early.view(-1, 1, 1) & (stopped_at < epochs).view(-1, 1, 1), saved, live))
            model.eval()
            final_train_loss, final_train_acc = per_copy_loss_and_accuracy(model(x_train_c), y_train)
            final_val_loss, final_val_acc = per_copy_loss_and_accuracy(model(x_val_c), y_val)

        curves = {name: values.cpu().numpy() for name, values in history.items()}
        stopped = stopped_at.cpu().tolist()
        metrics: dict[str, float] = {}
        for i, variant in enumerate(VARIANTS):
            metrics[f"{variant}_train_loss"] = float(final_train_loss[i])
            metrics[f"{variant}_val_loss"] = float(final_val_loss[i])
            metrics[f"{variant}_train_acc"] = float(final_train_acc[i])
            metrics[f"{variant}_val_acc"] = float(final_val_acc[i])
            metrics[f"{variant}_acc_gap"] = float(final_train_acc[i] - final_val_acc[i])
            metrics[f"{variant}_loss_gap"] = float(final_val_loss[i] - final_train_loss[i])
        metrics["regularized_stopped_epoch"] = float(stopped[1])

        return Result(
            metrics=metrics,
            data={"curves": curves, "stopped_at": stopped, "epochs": epochs, "best_epoch": best_epoch.cpu().tolist()},
            summary=self._summary(metrics, stopped[1], epochs),
        )

    @staticmethod
    def _progress(
        done: int, total: int, history: dict[str, torch.Tensor], stopped_at: torch.Tensor
    ) -> Progress:
        # The one host sync per report: copy the curves so far to the CPU.
        loss = {k: history[k][:done].cpu() for k in ("train_loss", "val_loss")}
        stop = stopped_at.cpu()
        curves = {}
        for i, variant in enumerate(VARIANTS):
            for kind in ("train", "val"):
                values = loss[f"{kind}_loss"][:, i].clone()
                values[int(stop[i]) + 1 :] = float("nan")  # a stopped copy's curve ends where it stopped
                curves[f"{variant} · {kind} loss"] = values.tolist()
        return Progress(done=done, total=total, x=tuple(range(1, done + 1)), curves=curves)

    @staticmethod
    def _summary(m: Mapping[str, float], stopped: int, epochs: int) -> T:
        plain, reg = 100 * m["plain_acc_gap"], 100 * m["regularized_acc_gap"]
        stop_en = f" Early stopping halted it at epoch {stopped + 1}." if stopped < epochs else ""
        stop_ko = f" 조기 종료가 {stopped + 1} 에포크에서 학습을 멈췄습니다." if stopped < epochs else ""
        return T(
            f"Train-minus-validation accuracy gap: {plain:.1f} points without regularization, "
            f"{reg:.1f} points with it (validation accuracy {100 * m['plain_val_acc']:.1f}% vs "
            f"{100 * m['regularized_val_acc']:.1f}%).{stop_en}",
            f"훈련-검증 정확도 차이: 규제 없이 {plain:.1f}%p, 규제를 쓰면 {reg:.1f}%p "
            f"(검증 정확도 {100 * m['plain_val_acc']:.1f}% 대 {100 * m['regularized_val_acc']:.1f}%).{stop_ko}",
        )

    def figures(self, result: Result, lang: str) -> list[go.Figure]:
        curves, stopped = result.data["curves"], result.data["stopped_at"]
        epochs = np.arange(1, result.data["epochs"] + 1)
        label = {
            "plain": T("no regularization", "규제 없음")(lang),
            "regularized": T("regularized", "규제 적용")(lang),
            "train": T("train", "훈련")(lang),
            "val": T("validation", "검증")(lang),
        }
        colors = {"plain": "#d62728", "regularized": "#1f77b4"}
        fig = make_subplots(
            rows=1, cols=2,
            subplot_titles=(T("Loss", "손실")(lang), T("Accuracy", "정확도")(lang)),
        )
        for i, variant in enumerate(VARIANTS):
            end = stopped[i] + 1
            for kind, dash in (("train", "dot"), ("val", "solid")):
                for col, metric in ((1, "loss"), (2, "acc")):
                    fig.add_trace(
                        go.Scatter(
                            x=epochs[:end], y=curves[f"{kind}_{metric}"][:end, i],
                            name=f"{label[variant]} · {label[kind]}",
                            legendgroup=f"{variant}{kind}", showlegend=col == 1,
                            line={"color": colors[variant], "dash": dash},
                        ),
                        row=1, col=col,
                    )
        if stopped[1] < result.data["epochs"]:
            fig.add_vline(x=stopped[1] + 1, line_dash="dash", line_color=colors["regularized"],
                          annotation_text=T("early stop", "조기 종료")(lang))
        fig.update_xaxes(title_text=T("epoch", "에포크")(lang))
        fig.update_yaxes(type="log", row=1, col=1)
        fig.update_layout(height=420, margin={"t": 40, "b": 40}, legend={"orientation": "h", "y": -0.25})

        m = result.metrics
        gap = go.Figure(
            go.Bar(
                x=[label["plain"], label["regularized"]],
                y=[100 * m["plain_acc_gap"], 100 * m["regularized_acc_gap"]],
                marker_color=[colors["plain"], colors["regularized"]],
                text=[f"{100 * m['plain_acc_gap']:.1f}", f"{100 * m['regularized_acc_gap']:.1f}"],
                textposition="outside",
            )
        )
        gap.update_layout(
            title=T("Generalization gap (train − validation accuracy, points)",
                    "일반화 격차 (훈련 − 검증 정확도, %p)")(lang),
            height=320, margin={"t": 50, "b": 30},
        )
        return [fig, gap]


    # --- the plain way, for `studyapp bench` ------------------------------------------------

    def reference(self, params: Mapping[str, Value], *, device: torch.device, seed: int) -> Result:
        """The same experiment written the obvious way: one nn.Sequential per variant,
        trained one after the other through a DataLoader, early stopping checked with .item().
        """
        p = resolve_params(self.params, params)
        generator = seed_everything(seed)
        x_all, y_all = digits()
        train_idx, val_idx, y_train = split_with_label_noise(
            y_all, int(p["train_size"]), float(p["label_noise"]), generator
        )
        loader = torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(x_all[train_idx], y_train), batch_size=len(train_idx)
        )
        x_val, y_val = x_all[val_idx].to(device), y_all[val_idx].to(device)
        settings = {
            "plain": (0.0, 0.0, False),
            "regularized": (float(p["dropout"]), float(p["weight_decay"]), bool(p["early_stopping"])),
        }
        metrics: dict[str, float] = {}
        hidden = int(p["hidden"])
        for variant, (dropout, decay, stops_early) in settings.items():
            model = nn.Sequential(
                nn.Linear(64, hidden), nn.ReLU(), nn.Dropout(dropout),
                nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
                nn.Linear(hidden, 10),
            ).to(device)
            optimizer = torch.optim.Adam(model.parameters(), lr=float(p["lr"]))
            best, best_epoch, best_state = float("inf"), 0, None
            for epoch in range(int(p["epochs"])):
                model.train()
                for xb, yb in loader:
                    xb, yb = xb.to(device), yb.to(device)
                    l2 = sum(m.weight.pow(2).sum() for m in model if isinstance(m, nn.Linear))
                    loss = F.cross_entropy(model(xb), yb) + decay * l2
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                model.eval()
                with torch.no_grad():
                    val_loss = F.cross_entropy(model(x_val), y_val).item()
                if val_loss < best - PATIENCE_TOLERANCE:
                    best, best_epoch = val_loss, epoch
                    best_state = {k: v.clone() for k, v in model.state_dict().items()}
                if stops_early and epoch - best_epoch >= int(p["patience"]):
                    model.load_state_dict(best_state)
                    break
            model.eval()
            with torch.no_grad():
                x_train, y_t = x_all[train_idx].to(device), y_train.to(device)
                train_logits, val_logits = model(x_train), model(x_val)
                train_acc = (train_logits.argmax(1) == y_t).float().mean().item()
                val_acc = (val_logits.argmax(1) == y_val).float().mean().item()
            metrics[f"{variant}_train_acc"] = train_acc
            metrics[f"{variant}_val_acc"] = val_acc
            metrics[f"{variant}_acc_gap"] = train_acc - val_acc
        return Result(metrics=metrics, data={}, summary=T("reference run", "참조 실행"))

    @staticmethod
    def agrees_with_reference(fast: Result, reference: Result) -> tuple[bool, str]:
        """Same conclusion: validation accuracies within 5 points and the same ordering of gaps.

        The two differ only in their random initial weights and dropout masks.
        """
        close = all(abs(fast.metrics[k] - reference.metrics[k]) <= 0.05
                    for k in ("plain_val_acc", "regularized_val_acc"))
        same_story = (fast.metrics["regularized_acc_gap"] < fast.metrics["plain_acc_gap"]) == (
            reference.metrics["regularized_acc_gap"] < reference.metrics["plain_acc_gap"]
        )
        message = (f"val acc {fast.metrics['plain_val_acc']:.3f}/{fast.metrics['regularized_val_acc']:.3f} vs "
                   f"reference {reference.metrics['plain_val_acc']:.3f}/{reference.metrics['regularized_val_acc']:.3f}")
        return close and same_story, message


DEMO = OverfittingDemo()
