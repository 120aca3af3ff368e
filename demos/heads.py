"""Output heads and losses: binary, multiclass and multi-label, and three classic mistakes.

The same handwritten digits (real 8x8 images) are used for three different questions:

* binary      "is the digit even?"               1 output, sigmoid, binary cross-entropy;
* multiclass  "which digit is it?"               10 outputs, softmax, cross-entropy;
* multi-label "which tags apply?"                3 outputs, one sigmoid per tag, binary
              tags: even / five or more / round   cross-entropy per tag. A digit can carry
              (0, 6, 8, 9)                        any number of tags: 8 has all three, 1 none.

Next to these correct setups, three common mistakes are trained and measured:

* double softmax: softmax applied in the model *and* again inside nn.CrossEntropyLoss,
  which expects raw logits. The loss can no longer approach 0 and its gradient shrinks;
* softmax for a multi-label task: softmax makes the tags compete for one unit of
  probability, so "all three tags" or "no tag" cannot be expressed;
* mean squared error on softmax probabilities: a regression loss for a classification task.
  When the model is confidently wrong, its gradient is nearly 0, so it learns slowly.

All six networks have the same architecture and start from the same initial weights; only the
head and the loss differ. They live in one "stacked" model whose weights have a leading axis
of size 6, so one batched matrix multiply (torch.baddbmm) trains all six at once. Every copy
has 10 output units; a setup that needs fewer (1 for binary, 3 for tags) reads the first ones,
and the unused outputs get no gradient and change nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn

from demos.data import digits
from demos.framework import (
    Param,
    Progress,
    Reporter,
    Result,
    T,
    Throttle,
    Value,
    resolve_params,
    seed_everything,
)

VALIDATION_SIZE = 500
MOMENTUM = 0.9
ROUND_DIGITS = (0, 6, 8, 9)
TAGS = (T("even", "짝수"), T("≥ 5", "5 이상"), T("round", "둥근 숫자"))  # round: 0, 6, 8 and 9
EXAMPLE_DIGITS = (8, 0, 7, 1)  # 3, 2, 1 and 0 tags: shows what sigmoids can say and softmax cannot


@dataclass(frozen=True)
class Setup:
    """One output head + loss: which task, how many outputs, whether it is a mistake."""

    name: str
    task: str  # "binary", "multiclass" or "multilabel"
    outputs: int
    correct: bool
    label: T
    short: T  # for crowded axes


SETUPS = (
    Setup("binary", "binary", 1, True, T("sigmoid + BCE", "시그모이드 + BCE"), T("sigmoid + BCE", "시그모이드 + BCE")),
    Setup("multiclass", "multiclass", 10, True, T("softmax + cross-entropy", "소프트맥스 + 교차 엔트로피"),
          T("softmax + CE", "소프트맥스 + CE")),
    Setup("multilabel", "multilabel", 3, True, T("sigmoid per tag + BCE", "태그별 시그모이드 + BCE"),
          T("sigmoids + BCE", "시그모이드들 + BCE")),
    Setup("double_softmax", "multiclass", 10, False,
          T("softmax, then CrossEntropyLoss (double softmax)", "소프트맥스 후 CrossEntropyLoss (이중 소프트맥스)"),
          T("double softmax", "이중 소프트맥스")),
    Setup("multilabel_softmax", "multilabel", 3, False, T("softmax over tags + BCE", "태그 전체에 소프트맥스 + BCE"),
          T("softmax + BCE", "소프트맥스 + BCE")),
    Setup("mse", "multiclass", 10, False, T("softmax + mean squared error", "소프트맥스 + 평균제곱오차"),
          T("softmax + MSE", "소프트맥스 + MSE")),
)
NAMES = tuple(s.name for s in SETUPS)
MISTAKES = {"double_softmax": "multiclass", "mse": "multiclass", "multilabel_softmax": "multilabel"}
TASK_LABELS = {
    "binary": T("Is it even? (binary)", "짝수인가? (이진 분류)"),
    "multiclass": T("Which digit? (multiclass)", "어떤 숫자인가? (다중 클래스 분류)"),
    "multilabel": T("Which tags? (multi-label)", "어떤 태그인가? (다중 레이블 분류)"),
}


# ------------------------------------------------------------------ targets, losses, probabilities
def targets(y: torch.Tensor) -> dict[str, torch.Tensor]:
    """Every task's target for digit labels y: 0/1 'even', the class index, and a 0/1 tag matrix."""
    even = (y % 2 == 0).float()
    round_digit = torch.isin(y, torch.tensor(ROUND_DIGITS, device=y.device)).float()
    tags = torch.stack([even, (y >= 5).float(), round_digit], dim=1)
    return {"binary": even, "multiclass": y, "multilabel": tags}


def loss_of(setup: str, logits: torch.Tensor, target: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """The loss each setup trains with; `logits` is one copy's (N, 10) raw output."""
    if setup == "binary":
        # BCE with logits folds the sigmoid into the loss: stable even for huge logits.
        return F.binary_cross_entropy_with_logits(logits[:, 0], target["binary"])
    if setup == "multiclass":
        return F.cross_entropy(logits, target["multiclass"])  # takes logits, applies log-softmax itself
    if setup == "multilabel":
        return F.binary_cross_entropy_with_logits(logits[:, :3], target["multilabel"])
    if setup == "double_softmax":
        # The mistake: probabilities go into a loss that will softmax them once more.
        return F.cross_entropy(logits.softmax(dim=-1), target["multiclass"])
    if setup == "multilabel_softmax":
        # The mistake: softmax forces the three tag probabilities to add up to 1.
        return F.binary_cross_entropy(logits[:, :3].softmax(dim=-1), target["multilabel"])
    if setup == "mse":
        one_hot = F.one_hot(target["multiclass"], 10).float()
        return F.mse_loss(logits.softmax(dim=-1), one_hot)
    raise ValueError(f"unknown setup {setup!r}")


def probabilities(setup: str, logits: torch.Tensor) -> torch.Tensor:
    """What the trained model would report as probabilities: (N, outputs) for its head."""
    if setup == "binary":
        return torch.sigmoid(logits[:, :1])
    if setup == "multilabel":
        return torch.sigmoid(logits[:, :3])
    if setup == "multilabel_softmax":
        return logits[:, :3].softmax(dim=-1)
    return logits.softmax(dim=-1)  # multiclass, double softmax and MSE all output a softmax


def scores(setup: str, logits: torch.Tensor, target: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Accuracy and the task's proper log-loss, so that setups of the same task compare fairly.

    Binary: a probability above 0.5 means "even". Multiclass: the most probable digit.
    Multi-label: each tag is on when its probability is above 0.5; "accuracy" counts an
    example right only if all three tags are right (exact match); tag accuracy averages tags.
    """
    task = next(s.task for s in SETUPS if s.name == setup)
    p = probabilities(setup, logits)
    eps = 1e-7  # keeps log(0) finite when a probability saturates
    if task == "binary":
        truth = target["binary"].unsqueeze(1)
        right = (p > 0.5).float() == truth
        return {"acc": right.float().mean(), "tag_acc": right.float().mean(),
                "log_loss": F.binary_cross_entropy(p.clamp(eps, 1 - eps), truth)}
    if task == "multiclass":
        y = target["multiclass"]
        right = p.argmax(dim=-1) == y
        nll = -p.gather(1, y.unsqueeze(1)).clamp_min(eps).log().mean()
        return {"acc": right.float().mean(), "tag_acc": right.float().mean(), "log_loss": nll}
    truth = target["multilabel"]
    right = (p > 0.5).float() == truth
    return {"acc": right.all(dim=1).float().mean(), "tag_acc": right.float().mean(),
            "log_loss": F.binary_cross_entropy(p.clamp(eps, 1 - eps), truth)}


# ------------------------------------------------------------------ the stacked model
class StackedMLP(nn.Module):
    """`copies` independent MLPs (64 -> hidden -> hidden -> 10), evaluated together.

    Weights have shape (copies, fan_in, fan_out), inputs (copies, batch, 64). nn.Linear's
    default initialization is drawn once and copied, so every copy starts identical.
    """

    def __init__(self, copies: int, hidden: int, generator: torch.Generator) -> None:
        super().__init__()
        sizes = [64, hidden, hidden, 10]
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for fan_in, fan_out in zip(sizes, sizes[1:]):
            bound = 1.0 / math.sqrt(fan_in)
            w = (torch.rand(1, fan_in, fan_out, generator=generator) * 2 - 1) * bound
            b = (torch.rand(1, 1, fan_out, generator=generator) * 2 - 1) * bound
            self.weights.append(nn.Parameter(w.repeat(copies, 1, 1)))
            self.biases.append(nn.Parameter(b.repeat(copies, 1, 1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            x = torch.baddbmm(b, x, w)  # b + x @ w, for every copy at once
            if i < last:
                x = torch.relu(x)
        return x

    def grad_norms(self) -> torch.Tensor:
        """‖∂L/∂θ‖ over all of each copy's parameters: shape (copies,)."""
        squares = sum(p.grad.pow(2).flatten(1).sum(dim=1) for p in self.parameters())
        return squares.sqrt()


def split_digits(generator: torch.Generator, device: torch.device) -> tuple[torch.Tensor, ...]:
    """A fixed validation set and the remaining digits for training, all on `device`."""
    x_all, y_all = digits()
    order = torch.randperm(len(x_all), generator=generator)
    val, train = order[:VALIDATION_SIZE], order[VALIDATION_SIZE:]
    return x_all[train].to(device), y_all[train].to(device), x_all[val].to(device), y_all[val].to(device)


def example_indices(y_val: torch.Tensor) -> list[int]:
    """The first validation image of each digit in EXAMPLE_DIGITS."""
    return [int((y_val == d).nonzero()[0]) for d in EXAMPLE_DIGITS]


def make_optimizer(name: str, params, lr: float) -> torch.optim.Optimizer:
    # Both updates are element-wise, so over stacked weights each copy is optimized
    # exactly as if it had an optimizer of its own.
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    return torch.optim.SGD(params, lr=lr, momentum=MOMENTUM)


@dataclass
class Record:
    """What a run measured, per setup in SETUPS order; filled by run() and reference()."""

    eval_steps: list[int]
    val_acc: np.ndarray  # (evaluations, setups)
    grad_curve: np.ndarray  # (evaluations, setups): ‖∂L/∂θ‖ at those steps
    final: dict[str, list[float]]  # score name -> one value per setup
    grad_start: list[float]
    grad_mean: list[float]
    example_probs: dict[str, np.ndarray]  # setup -> (examples, outputs)
    row_sums: dict[str, np.ndarray]  # setup -> row sums of probabilities over the validation set


# ------------------------------------------------------------------ the demo
class HeadsDemo:
    id = "heads"
    title = T("Output layers and loss functions", "출력층과 손실 함수")
    description = T(
        "One data set, three questions: is the digit even (binary), which digit is it "
        "(multiclass), which tags apply (multi-label). Each gets the right output layer and "
        "loss, and three classic mistakes are trained next to them so you can see what they cost.",
        "하나의 데이터로 세 가지 질문을 던집니다. 짝수인가(이진 분류), 어떤 숫자인가(다중 클래스 "
        "분류), 어떤 태그가 붙는가(다중 레이블 분류). 각 질문에 맞는 출력층과 손실 함수를 쓰고, "
        "흔한 실수 세 가지도 나란히 학습시켜 무엇을 잃는지 확인합니다.",
    )
    params = (
        Param("steps", T("Training steps", "학습 단계 수"), 200, min=10, max=5000, step=10),
        Param("batch_size", T("Batch size", "배치 크기"), 64, min=8, max=1024),
        Param("optimizer", T("Optimizer", "옵티마이저"), "sgd", choices=("sgd", "adam"),
              choice_labels={"sgd": T("SGD with momentum", "SGD (모멘텀 포함)"), "adam": T("Adam", "Adam")},
              help=T("SGD (with momentum) moves in proportion to the gradient, so a loss with tiny "
                     "gradients learns slowly. Adam rescales every gradient and hides part of that cost.",
                     "SGD(모멘텀 포함)는 기울기에 비례해 움직이므로 기울기가 작은 손실은 느리게 "
                     "학습합니다. Adam은 기울기 크기를 다시 맞추기 때문에 그 손해가 일부 가려집니다.")),
        Param("lr", T("Learning rate", "학습률"), 0.1, min=1e-4, max=1.0, log=True),
        Param("hidden", T("Hidden units per layer", "층당 은닉 유닛 수"), 64, min=4, max=512),
    )

    # ------------------------------------------------------------ fast path
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
        x_train, y_train, x_val, y_val = split_digits(generator, device)
        steps, batch = int(p["steps"]), int(p["batch_size"])
        copies = len(SETUPS)
        model = StackedMLP(copies, int(p["hidden"]), generator).to(device)
        optimizer = make_optimizer(str(p["optimizer"]), model.parameters(), float(p["lr"]))

        # Every mini-batch is drawn up front and moved to the device once.
        batches = torch.randint(len(x_train), (steps, batch), generator=generator).to(device)
        train_targets, val_targets = targets(y_train), targets(y_val)
        x_val_c = x_val.expand(copies, -1, -1)  # a view: every copy sees the same images
        throttle = Throttle(steps, every=max(1, steps // 30))
        grad_history = torch.zeros(steps, copies, device=device)
        eval_steps: list[int] = []
        val_acc: list[torch.Tensor] = []

        for step in range(steps):
            idx = batches[step]
            logits = model(x_train[idx].expand(copies, -1, -1))
            batch_targets = {task: t[idx] for task, t in train_targets.items()}
            # Each copy trains with its own head and loss; they share no weights, so the
            # gradient of the sum reaches each copy from its own loss only.
            losses = torch.stack([loss_of(s.name, logits[i], batch_targets) for i, s in enumerate(SETUPS)])
            optimizer.zero_grad(set_to_none=True)
            losses.sum().backward()
            grad_history[step] = model.grad_norms()
            optimizer.step()

            if throttle.due(step + 1):
                with torch.no_grad():
                    logits_val = model(x_val_c)
                val_acc.append(torch.stack(
                    [scores(s.name, logits_val[i], val_targets)["acc"] for i, s in enumerate(SETUPS)]))
                eval_steps.append(step + 1)
                report(progress(step + 1, steps, eval_steps, val_acc))

        with torch.no_grad():
            logits_val = model(x_val_c)
        final = [scores(s.name, logits_val[i], val_targets) for i, s in enumerate(SETUPS)]
        final = {key: [float(f[key]) for f in final] for key in ("acc", "tag_acc", "log_loss")}
        final["loss"] = [float(loss_of(s.name, logits_val[i], val_targets)) for i, s in enumerate(SETUPS)]
        examples = example_indices(y_val)
        probs = {s.name: probabilities(s.name, logits_val[i]) for i, s in enumerate(SETUPS)}
        grads = grad_history.cpu().numpy()
        record = Record(
            eval_steps=eval_steps,
            val_acc=torch.stack(val_acc).cpu().numpy(),
            grad_curve=grads[np.asarray(eval_steps) - 1],
            final=final,
            grad_start=grads[0].tolist(),
            grad_mean=grads.mean(axis=0).tolist(),
            example_probs={name: pr[examples].cpu().numpy() for name, pr in probs.items()},
            row_sums={name: pr.sum(dim=1).cpu().numpy() for name, pr in probs.items()},
        )
        return self._result(record, x_val[examples].cpu().numpy(), y_val[examples].cpu().tolist())

    # ------------------------------------------------------------ reference
    def reference(self, params: Mapping[str, Value], *, device: torch.device, seed: int) -> Result:
        """The plain way: one nn.Sequential per setup with exactly as many outputs as its head
        needs, the losses as nn modules, a DataLoader, trained one setup after another."""
        p = resolve_params(self.params, params)
        generator = seed_everything(seed)
        x_train, y_train, x_val, y_val = split_digits(generator, device)
        steps, hidden = int(p["steps"]), int(p["hidden"])
        loader = torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(x_train, y_train), batch_size=int(p["batch_size"]),
            shuffle=True, drop_last=True, generator=generator,
        )
        throttle = Throttle(steps, every=max(1, steps // 30))
        val_targets = targets(y_val)
        examples = example_indices(y_val)
        measured: dict[str, list] = {key: [] for key in ("val_acc", "grad_curve", "grad_start", "grad_mean")}
        final: dict[str, list[float]] = {key: [] for key in ("acc", "tag_acc", "log_loss", "loss")}
        example_probs, row_sums = {}, {}
        for setup in SETUPS:
            net = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                nn.Linear(hidden, setup.outputs)).to(device)
            optimizer = make_optimizer(str(p["optimizer"]), net.parameters(), float(p["lr"]))
            criterion = plain_criterion(setup.name)
            curve, grad_curve, grads, eval_steps, step = [], [], [], [], 0
            while step < steps:
                for xb, yb in loader:
                    loss = criterion(net(xb), yb)
                    optimizer.zero_grad()
                    loss.backward()
                    grads.append(torch.cat([q.grad.flatten() for q in net.parameters()]).norm().item())
                    optimizer.step()
                    step += 1
                    if throttle.due(step):
                        with torch.no_grad():
                            s = scores(setup.name, pad_to_ten(net(x_val)), val_targets)
                        curve.append(s["acc"].item())
                        grad_curve.append(grads[-1])
                        eval_steps.append(step)
                    if step == steps:
                        break
            with torch.no_grad():
                logits = pad_to_ten(net(x_val))
                s = scores(setup.name, logits, val_targets)
                probs = probabilities(setup.name, logits)
            for key in ("acc", "tag_acc", "log_loss"):
                final[key].append(s[key].item())
            final["loss"].append(loss_of(setup.name, logits, val_targets).item())
            measured["val_acc"].append(curve)
            measured["grad_curve"].append(grad_curve)
            measured["grad_start"].append(grads[0])
            measured["grad_mean"].append(float(np.mean(grads)))
            example_probs[setup.name] = probs[examples].cpu().numpy()
            row_sums[setup.name] = probs.sum(dim=1).cpu().numpy()
        record = Record(
            eval_steps=eval_steps,
            val_acc=np.array(measured["val_acc"]).T,
            grad_curve=np.array(measured["grad_curve"]).T,
            final=final,
            grad_start=measured["grad_start"],
            grad_mean=measured["grad_mean"],
            example_probs=example_probs,
            row_sums=row_sums,
        )
        return self._result(record, x_val[examples].cpu().numpy(), y_val[examples].cpu().tolist())

    def agrees_with_reference(self, fast: Result, reference: Result) -> tuple[bool, str]:
        """Different random draws, same experiment: both must reach the same verdicts.

        * the gradient norm averaged over training within a factor of 2 for every setup
          (a single step's gradient swings with the random draw; the average is stable);
        * validation accuracy within 10 points for every correct setup;
        * each mistake trails its task's correct setup by more than 2 points in both, or in
          neither. Their own accuracies are not compared: the slow-learning mistakes are
          still climbing steeply, so they move 10-20 points from one random draw to the next;
        * every softmax head's rows sum to 1, and most sigmoid tag rows do not, in both.
        """
        fm, rm = fast.metrics, reference.metrics
        problems = [f"{who}: {p}" for who, m in (("fast", fm), ("reference", rm)) for p in row_sum_problems(m)]
        for setup in SETUPS:
            f, r = fm[f"{setup.name}_grad_mean"], rm[f"{setup.name}_grad_mean"]
            if not (f > 0 and r > 0 and abs(math.log(f / r)) <= math.log(2)):
                problems.append(f"{setup.name}: mean gradient norm {f:.3g} vs {r:.3g}")
            if setup.correct and abs(fm[f"{setup.name}_acc"] - rm[f"{setup.name}_acc"]) > 0.10:
                problems.append(f"{setup.name}: accuracy {fm[f'{setup.name}_acc']:.3f} vs {rm[f'{setup.name}_acc']:.3f}")
        for mistake, correct in MISTAKES.items():
            trails = [m[f"{correct}_acc"] - m[f"{mistake}_acc"] > 0.02 for m in (fm, rm)]
            if trails[0] != trails[1]:
                problems.append(f"{mistake} trails {correct}: {trails[0]} (fast) vs {trails[1]} (reference)")
        if problems:
            return False, "; ".join(problems)
        return True, ("mean gradient norms within 2x; correct setups' accuracies within 10 points; "
                      "same verdict on every mistake; softmax rows sum to 1, sigmoid tag rows do not")

    # ------------------------------------------------------------ results
    def _result(self, r: Record, example_images: np.ndarray, example_labels: list[int]) -> Result:
        metrics: dict[str, float] = {}
        for i, name in enumerate(NAMES):
            metrics[f"{name}_acc"] = r.final["acc"][i]
            if SETUPS[i].task == "multilabel":
                metrics[f"{name}_tag_acc"] = r.final["tag_acc"][i]
            metrics[f"{name}_log_loss"] = r.final["log_loss"][i]
            metrics[f"{name}_loss"] = r.final["loss"][i]
            metrics[f"{name}_grad_start"] = r.grad_start[i]
            metrics[f"{name}_grad_mean"] = r.grad_mean[i]
            if name != "binary":  # one probability per example: nothing to sum
                metrics[f"{name}_row_sum"] = float(r.row_sums[name].mean())
        # Share of examples whose sigmoid tag probabilities do not add up to 1 (±0.05).
        metrics["multilabel_rows_not_one"] = float((np.abs(r.row_sums["multilabel"] - 1) > 0.05).mean())
        return Result(
            metrics=metrics,
            data={
                "eval_steps": np.asarray(r.eval_steps), "val_acc": r.val_acc, "grad_curve": r.grad_curve,
                "example_probs": r.example_probs, "example_images": example_images,
                "example_labels": example_labels, "row_sums": r.row_sums,
            },
            summary=self._summary(metrics),
        )

    @staticmethod
    def _summary(m: Mapping[str, float]) -> T:
        ce, double, mse = (100 * m[f"{n}_acc"] for n in ("multiclass", "double_softmax", "mse"))
        sig, soft = 100 * m["multilabel_acc"], 100 * m["multilabel_softmax_acc"]
        shrink = m["multiclass_grad_start"] / max(m["double_softmax_grad_start"], 1e-30)
        return T(
            f"Which digit: cross-entropy on logits {ce:.1f}%, double softmax {double:.1f}%, "
            f"MSE {mse:.1f}% (double softmax started with a {shrink:.0f}× smaller gradient). "
            f"All tags right: sigmoids {sig:.1f}%, softmax {soft:.1f}%; the sigmoid tag "
            f"probabilities summed to {m['multilabel_row_sum']:.2f} on average, softmax rows to 1.",
            f"숫자 맞히기: 로짓에 교차 엔트로피 {ce:.1f}%, 이중 소프트맥스 {double:.1f}%, "
            f"MSE {mse:.1f}% (이중 소프트맥스는 처음 기울기가 {shrink:.0f}배 작았습니다). "
            f"태그 모두 맞히기: 시그모이드 {sig:.1f}%, 소프트맥스 {soft:.1f}%. 시그모이드 태그 확률의 "
            f"합은 평균 {m['multilabel_row_sum']:.2f}였고 소프트맥스 행의 합은 1이었습니다.",
        )

    def figures(self, result: Result, lang: str) -> list[go.Figure]:
        return [
            examples_figure(result, lang),
            accuracy_figure(result, lang),
            curves_figure(result, lang),
        ]


# ------------------------------------------------------------------ helpers
def row_sum_problems(m: Mapping[str, float]) -> list[str]:
    """Softmax rows must sum to 1; sigmoid tag rows must mostly not."""
    problems = [f"{name} rows sum to {m[f'{name}_row_sum']:.4f}, not 1"
                for name in ("multiclass", "double_softmax", "multilabel_softmax", "mse")
                if abs(m[f"{name}_row_sum"] - 1) > 1e-4]
    if m["multilabel_rows_not_one"] < 0.5:
        problems.append("most sigmoid tag rows sum to 1")
    return problems


def plain_criterion(setup: str) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """The loss as a beginner would write it with nn modules, from logits and digit labels."""
    bce_logits, ce, bce, mse = nn.BCEWithLogitsLoss(), nn.CrossEntropyLoss(), nn.BCELoss(), nn.MSELoss()
    if setup == "binary":
        return lambda out, y: bce_logits(out.squeeze(1), targets(y)["binary"])
    if setup == "multiclass":
        return lambda out, y: ce(out, y)
    if setup == "multilabel":
        return lambda out, y: bce_logits(out, targets(y)["multilabel"])
    if setup == "double_softmax":
        return lambda out, y: ce(torch.softmax(out, dim=1), y)
    if setup == "multilabel_softmax":
        return lambda out, y: bce(torch.softmax(out, dim=1), targets(y)["multilabel"])
    return lambda out, y: mse(torch.softmax(out, dim=1), F.one_hot(y, 10).float())


def pad_to_ten(logits: torch.Tensor) -> torch.Tensor:
    """A plain model's (N, k) outputs padded to the (N, 10) layout the scoring code reads."""
    return F.pad(logits, (0, 10 - logits.shape[1]))


def progress(done: int, total: int, eval_steps: list[int], val_acc: list[torch.Tensor]) -> Progress:
    """The live chart: validation accuracy of every setup so far (one host copy per report)."""
    acc = torch.stack(val_acc).cpu()
    curves = {s.label.en: acc[:, i].tolist() for i, s in enumerate(SETUPS)}
    return Progress(done=done, total=total, x=tuple(eval_steps), curves=curves)


# ------------------------------------------------------------------ figures
CORRECT_COLOR, MISTAKE_COLOR = "#1f77b4", "#d62728"


def examples_figure(result: Result, lang: str) -> go.Figure:
    d = result.data
    probs, images, labels = d["example_probs"], d["example_images"], d["example_labels"]
    tag_names = [t(lang) for t in TAGS]
    fig = make_subplots(
        rows=len(labels), cols=4, column_widths=[0.1, 0.42, 0.34, 0.14], horizontal_spacing=0.06,
        vertical_spacing=0.08,
        column_titles=[T("image", "이미지")(lang),
                       T("softmax over the 10 digits", "10개 숫자에 대한 소프트맥스")(lang),
                       T("tags (round = 0, 6, 8, 9)", "태그 (둥근 숫자 = 0, 6, 8, 9)")(lang),
                       T("binary head", "이진 분류 헤드")(lang)],
    )
    sigmoid_tags, softmax_tags = (SETUPS[NAMES.index(n)] for n in ("multilabel", "multilabel_softmax"))
    for row, label in enumerate(labels, start=1):
        i = row - 1
        fig.add_trace(go.Heatmap(z=images[i].reshape(8, 8), colorscale="Greys", showscale=False,
                                 hoverinfo="skip"), row=row, col=1)
        fig.update_yaxes(autorange="reversed", showticklabels=False, row=row, col=1,
                         title_text=T(f"digit {label}", f"숫자 {label}")(lang))
        fig.update_xaxes(showticklabels=False, row=row, col=1)

        softmax_row = probs["multiclass"][i]
        fig.add_trace(go.Bar(x=list(range(10)), y=softmax_row, marker_color=CORRECT_COLOR, showlegend=False,
                             hovertemplate="%{x}: %{y:.3f}<extra></extra>"), row=row, col=2)
        fig.update_xaxes(dtick=1, row=row, col=2)
        fig.add_annotation(text=T(f"sum {softmax_row.sum():.2f}", f"합 {softmax_row.sum():.2f}")(lang),
                           x=9.5, y=1.12, xanchor="right", showarrow=False, row=row, col=2)

        for setup, color in ((sigmoid_tags, CORRECT_COLOR), (softmax_tags, MISTAKE_COLOR)):
            fig.add_trace(go.Bar(x=tag_names, y=probs[setup.name][i], marker_color=color, name=setup.label(lang),
                                 legendgroup=setup.name, showlegend=row == 1,
                                 hovertemplate="%{x}: %{y:.3f}<extra></extra>"), row=row, col=3)
        sums = T(f"sum: sigmoid {probs['multilabel'][i].sum():.2f}, softmax {probs['multilabel_softmax'][i].sum():.2f}",
                 f"합: 시그모이드 {probs['multilabel'][i].sum():.2f}, 소프트맥스 {probs['multilabel_softmax'][i].sum():.2f}")
        fig.add_annotation(text=sums(lang), x=2.5, y=1.12, xanchor="right", showarrow=False, row=row, col=3)
        fig.add_hline(y=0.5, line_dash="dot", line_color="grey", row=row, col=3)

        fig.add_trace(go.Bar(x=[T("P(even)", "P(짝수)")(lang)], y=probs["binary"][i], marker_color=CORRECT_COLOR,
                             showlegend=False, hovertemplate="%{y:.3f}<extra></extra>"), row=row, col=4)
        for col in (2, 3, 4):  # probabilities: the same 0-1 scale everywhere (not on the image)
            fig.update_yaxes(range=[0, 1.2], row=row, col=col)
    fig.update_layout(
        title=T("What each head outputs for four validation images (dotted line: the 0.5 threshold)",
                "검증 이미지 네 장에 대해 각 헤드가 내놓는 확률 (점선: 0.5 기준)")(lang),
        barmode="group", height=180 * len(labels) + 130, margin={"t": 100, "b": 30},
        legend={"orientation": "h", "y": -0.05},
    )
    return fig


def accuracy_figure(result: Result, lang: str) -> go.Figure:
    m = result.metrics
    fig = make_subplots(rows=1, cols=3, subplot_titles=[TASK_LABELS[t](lang) for t in TASK_LABELS],
                        column_widths=[0.2, 0.45, 0.35], shared_yaxes=True)
    for col, task in enumerate(TASK_LABELS, start=1):
        members = [s for s in SETUPS if s.task == task]
        acc = [100 * m[f"{s.name}_acc"] for s in members]
        fig.add_trace(go.Bar(
            x=[s.short(lang) for s in members], y=acc, showlegend=False,
            marker_color=[CORRECT_COLOR if s.correct else MISTAKE_COLOR for s in members],
            text=[f"{a:.1f}%" for a in acc], textposition="outside",
        ), row=1, col=col)
    fig.update_yaxes(range=[0, 110], title_text=T("validation accuracy (%)", "검증 정확도 (%)")(lang), row=1, col=1)
    fig.update_layout(
        title=T("Correct setups (blue) against classic mistakes (red); tags: all three must be right",
                "올바른 설정(파랑)과 흔한 실수(빨강); 태그는 세 개 모두 맞아야 정답")(lang),
        height=420, margin={"t": 80, "b": 40},
    )
    return fig


def curves_figure(result: Result, lang: str) -> go.Figure:
    d = result.data
    fig = make_subplots(rows=1, cols=2, subplot_titles=(
        T("Validation accuracy", "검증 정확도")(lang),
        T("Gradient norm ‖∂L/∂θ‖ (log scale)", "기울기 크기 ‖∂L/∂θ‖ (로그 스케일)")(lang)))
    palette = ("#1f77b4", "#2ca02c", "#9467bd", "#d62728", "#ff7f0e", "#8c564b")
    for i, setup in enumerate(SETUPS):
        style = {"color": palette[i], "dash": "solid" if setup.correct else "dash"}
        name = f"{TASK_LABELS[setup.task](lang).split(' (')[0]} · {setup.short(lang)}"
        fig.add_trace(go.Scatter(x=d["eval_steps"], y=d["val_acc"][:, i], name=name, legendgroup=setup.name,
                                 line=style), row=1, col=1)
        fig.add_trace(go.Scatter(x=d["eval_steps"], y=d["grad_curve"][:, i], name=name, legendgroup=setup.name,
                                 showlegend=False, line=style), row=1, col=2)
    fig.update_xaxes(title_text=T("step", "학습 단계")(lang))
    fig.update_yaxes(range=[0, 1], row=1, col=1)
    fig.update_yaxes(type="log", exponentformat="power", row=1, col=2)
    fig.update_layout(height=440, margin={"t": 40, "b": 40}, legend={"orientation": "h", "y": -0.3})
    return fig


DEMO = HeadsDemo()
