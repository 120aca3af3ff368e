"""Activation functions, vanishing gradients, dead ReLUs and weight initialization.

Five deep MLPs (10 hidden layers by default) learn the same handwritten digits. They are
identical in every way except the non-linearity between their layers: sigmoid, tanh, ReLU,
Leaky ReLU or GELU. All five start from the *same* initial weights (drawn with the scheme you
pick) and see the *same* mini-batches, so every difference you see comes from the activation.

What to look for:

* the gradient that reaches each layer. Backpropagation multiplies by the activation's
  derivative once per layer; sigmoid's derivative is at most 0.25, so the gradient shrinks
  geometrically on its way back to the first layer (the vanishing gradient problem);
* dead units: a ReLU unit whose input is negative for every example outputs 0 and gets
  gradient 0, so no update can ever revive it (large learning rates make many of them);
* the initialization: all-zero weights make every unit of a layer compute the same thing
  forever (nothing breaks the symmetry); too small weights shrink the signal layer after
  layer; too large ones saturate sigmoid/tanh or make ReLU networks explode. Xavier and He
  scale the weights by the layer width so that the signal keeps its size. Xavier assumes a
  slope of 1 around 0 (tanh); sigmoid (slope 0.25) and GELU (slope 0.5) still shrink it.

All five networks live in one "stacked" model whose weights have a leading axis of size 5
(one slice per activation), so one batched matrix multiply (torch.baddbmm) runs all five at
once instead of training them one after another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

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

Activation = Callable[[torch.Tensor], torch.Tensor]

LEAKY_SLOPE = 0.01  # PyTorch's default negative slope for Leaky ReLU
MOMENTUM = 0.9
VALIDATION_SIZE = 400  # held out once; used for accuracy, histograms and dead units
HISTOGRAM_BINS = 40
# Validation accuracies that count as clearly learned / clearly stuck (guessing gets 10%).
LEARNED, STUCK = 0.4, 0.2

# The five activations, in the order of the stacked model's leading axis.
ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, LEAKY_SLOPE),
    "gelu": F.gelu,
}
NAMES = tuple(ACTIVATIONS)
LABELS = {
    "sigmoid": T("sigmoid", "시그모이드"),
    "tanh": T("tanh", "tanh"),
    "relu": T("ReLU", "ReLU"),
    "leaky_relu": T("Leaky ReLU", "Leaky ReLU"),
    "gelu": T("GELU", "GELU"),
}
COLORS = {"sigmoid": "#d62728", "tanh": "#ff7f0e", "relu": "#1f77b4", "leaky_relu": "#17becf", "gelu": "#2ca02c"}

INITS = ("zeros", "small normal", "large normal", "xavier", "he")
# How the choices read in the settings form; the help text names them by their ids.
INIT_CHOICES = {
    "zeros": T("zeros", "zeros (모두 0)"),
    "small normal": T("small normal (σ = 0.01)", "small normal (작은 정규분포, σ = 0.01)"),
    "large normal": T("large normal (σ = 1)", "large normal (큰 정규분포, σ = 1)"),
    "xavier": T("Xavier (Glorot)", "Xavier (Glorot)"),
    "he": T("He (Kaiming)", "He (Kaiming)"),
}
INIT_LABELS = {
    "zeros": T("all-zero", "모두 0인"),
    "small normal": T("small normal (σ = 0.01)", "작은 정규분포(σ = 0.01)"),
    "large normal": T("large normal (σ = 1)", "큰 정규분포(σ = 1)"),
    "xavier": T("Xavier (Glorot)", "Xavier(Glorot)"),
    "he": T("He (Kaiming)", "He(Kaiming)"),
}


# ------------------------------------------------------------------ building blocks
def weight_std(scheme: str, fan_in: int, fan_out: int) -> float:
    """Standard deviation of the normal distribution each scheme draws weights from.

    Xavier keeps the signal's variance equal going forward and backward when the
    activation is roughly linear around 0: Var(w) = 2 / (fan_in + fan_out).
    He makes up for ReLU zeroing half of its inputs by doubling it: Var(w) = 2 / fan_in.
    """
    return {
        "zeros": 0.0,
        "small normal": 0.01,
        "large normal": 1.0,
        "xavier": math.sqrt(2.0 / (fan_in + fan_out)),
        "he": math.sqrt(2.0 / fan_in),
    }[scheme]


def apply_per_variant(z: torch.Tensor, functions: Sequence[Activation]) -> torch.Tensor:
    """Apply functions[i] to slice z[i] of a (variants, batch, units) tensor.

    unbind/stack (rather than slicing and torch.cat) keep the autograd graph small: their
    backward passes are a single stack and unbind instead of a zero-filled copy per slice.
    """
    return torch.stack([f(part) for f, part in zip(functions, z.unbind(0))])


class StackedDeepMLP(nn.Module):
    """One deep MLP per activation (64 -> width x depth -> 10), all evaluated together.

    Every weight has shape (variants, fan_in, fan_out) and the input (variants, batch, 64).
    All variants get a copy of the same initial weights, so they differ only in their
    activation. Biases start at 0, the usual choice, so the weight scale alone decides
    whether the signal grows or shrinks from layer to layer.
    """

    def __init__(self, functions: Sequence[Activation], depth: int, width: int, init: str,
                 generator: torch.Generator) -> None:
        super().__init__()
        self.functions = list(functions)
        variants = len(self.functions)
        sizes = [64] + [width] * depth + [10]
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for fan_in, fan_out in zip(sizes, sizes[1:]):
            w = torch.randn(fan_in, fan_out, generator=generator) * weight_std(init, fan_in, fan_out)
            self.weights.append(nn.Parameter(w.expand(variants, -1, -1).clone()))
            self.biases.append(nn.Parameter(torch.zeros(variants, 1, fan_out)))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor], list[torch.Tensor]]:
        """Logits, plus each hidden layer's pre-activations z and activations a = f(z)."""
        pre, post = [], []
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            x = torch.baddbmm(b, x, w)  # b + x @ w, for every variant at once
            if i < last:
                pre.append(x)
                x = apply_per_variant(x, self.functions)
                post.append(x)
        return x, pre, post


def derivative(function: Activation, z: torch.Tensor) -> torch.Tensor:
    """f'(z) element-wise, computed by autograd rather than by a hand-written formula.

    For an element-wise f, the gradient of sum(f(z)) with respect to z is exactly f'(z).
    """
    z = z.detach().requires_grad_(True)
    (slope,) = torch.autograd.grad(function(z).sum(), z)
    return slope


def dead_unit_share(pre_activations: Sequence[torch.Tensor], function: Activation) -> float:
    """Share of hidden units that pass no gradient back for any input.

    `pre_activations` holds one (examples, units) tensor per layer. A unit is dead when
    f'(z) == 0 on every example: no gradient reaches its incoming weights, so no update can
    revive it. For ReLU that means z <= 0 everywhere (PyTorch uses ReLU'(0) = 0); Leaky ReLU's
    small negative slope keeps such units learning. Fully saturated tanh units count too:
    in float32, 1 - tanh(z)^2 is exactly 0 once |z| is above about 9.
    """
    dead = [(derivative(function, z) == 0).all(dim=0) for z in pre_activations]
    return float(torch.cat(dead).float().mean())


def distinct_units(activations: torch.Tensor, tolerance: float = 1e-5) -> int:
    """How many units of an (examples, units) layer compute different functions on the data.

    After an all-zero initialization every unit of a layer receives the same gradient, so
    they remain copies of each other and this count stays 1. A unit counts as a copy when
    its outputs are within `tolerance` of an earlier unit's on every example.
    """
    columns = activations.T.float()
    gap = torch.cdist(columns, columns, p=float("inf"))  # largest difference between two units
    earlier = torch.ones_like(gap, dtype=torch.bool).tril(diagonal=-1)
    is_copy = ((gap <= tolerance) & earlier).any(dim=1)
    return int((~is_copy).sum())


def layer_histograms(post: Sequence[torch.Tensor], bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-layer histograms of one network's activations: (layers, bins) shares, bin edges.

    The range covers the central 99% of all values so that a few huge values do not
    squash everything else into one bin; values outside it land in the edge bins.
    """
    values = torch.stack([a.flatten() for a in post]).float()
    finite = values[torch.isfinite(values)]
    if finite.numel() == 0:
        finite = torch.zeros(1, device=values.device)
    sample = finite[:: max(1, finite.numel() // 200_000)]  # quantile() limits its input size
    lo, hi = torch.quantile(sample, torch.tensor([0.005, 0.995], device=sample.device)).tolist()
    if hi - lo < 1e-6:  # every value equal (all-zero weights): a small window around it
        lo, hi = lo - 0.5, hi + 0.5
    shares = torch.stack([torch.histc(v.clamp(lo, hi), bins=bins, min=lo, max=hi) / v.numel() for v in values])
    return shares.cpu().numpy(), np.linspace(lo, hi, bins + 1)


def per_variant_cross_entropy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy for each variant: logits (variants, N, 10), labels (N,) -> (variants,)."""
    variants, n, classes = logits.shape
    loss = F.cross_entropy(logits.reshape(-1, classes), y.repeat(variants), reduction="none")
    return loss.view(variants, n).mean(dim=1)


def split_digits(generator: torch.Generator, device: torch.device) -> tuple[torch.Tensor, ...]:
    """A fixed validation set and the remaining digits for training, all on `device`."""
    x_all, y_all = digits()
    order = torch.randperm(len(x_all), generator=generator)
    val, train = order[:VALIDATION_SIZE], order[VALIDATION_SIZE:]
    return x_all[train].to(device), y_all[train].to(device), x_all[val].to(device), y_all[val].to(device)


@dataclass
class Record:
    """What one run measured, per activation (in NAMES order); the fast path and the
    reference both fill one, and the same code turns it into metrics and figures."""

    train_loss: np.ndarray  # (steps, variants) mini-batch loss
    eval_steps: list[int]
    val_curve: np.ndarray  # (evaluations, 2, variants): validation loss and accuracy
    grad_init: np.ndarray  # (variants, layers): ‖∂L/∂W‖ at the first step
    val_loss: list[float]
    val_acc: list[float]
    dead: list[float]
    distinct: list[int]  # most distinct units found in any hidden layer
    histograms: list[tuple[np.ndarray, np.ndarray]]  # per variant: shares, bin edges


# ------------------------------------------------------------------ the demo
class ActivationsDemo:
    id = "activations"
    title = T("Activation functions and initialization", "활성화 함수와 가중치 초기화")
    description = T(
        "Five deep networks with the same starting weights learn handwritten digits; only "
        "their activation function differs. See how much gradient reaches each layer (with "
        "sigmoid it vanishes), how many ReLU units die, and how the weight initialization "
        "changes all of it.",
        "초기 가중치가 같은 깊은 신경망 다섯 개가 손글씨 숫자를 학습합니다. 서로 다른 것은 활성화 "
        "함수뿐입니다. 층마다 도달하는 기울기의 크기(시그모이드에서는 사라집니다), 죽은 ReLU 유닛의 "
        "비율, 그리고 가중치 초기화가 이 모든 것을 어떻게 바꾸는지 살펴보세요.",
    )
    params = (
        Param("init", T("Weight initialization", "가중치 초기화"), "xavier", choices=INITS, choice_labels=INIT_CHOICES,
              help=T("How the starting weights are drawn. Try zeros (the symmetry never breaks), "
                     "small normal (the signal fades), large normal (saturation and explosion) "
                     "and He (designed for ReLU).",
                     "초기 가중치를 뽑는 방법입니다. zeros(대칭이 끝내 깨지지 않음), small normal"
                     "(신호가 사라짐), large normal(포화와 폭발), He(ReLU용으로 설계됨)를 비교해 보세요.")),
        Param("depth", T("Hidden layers", "은닉층 수"), 10, min=1, max=30,
              help=T("Each layer adds one factor to the chain rule, so gradients vanish or "
                     "explode faster in deeper networks.",
                     "층마다 연쇄 법칙에 곱셈 항이 하나씩 늘어나므로, 깊을수록 기울기가 더 빨리 "
                     "소실되거나 폭발합니다.")),
        Param("width", T("Units per hidden layer", "은닉층당 유닛 수"), 64, min=4, max=512),
        Param("steps", T("Training steps", "학습 단계 수"), 200, min=10, max=5000, step=10),
        Param("batch_size", T("Batch size", "배치 크기"), 128, min=8, max=1024),
        Param("lr", T("Learning rate (SGD + momentum)", "학습률 (SGD + 모멘텀)"), 0.02, min=1e-4, max=2.0, log=True,
              help=T("Plain SGD on purpose: an adaptive optimizer such as Adam rescales tiny "
                     "gradients and would hide the vanishing gradient. Large rates kill ReLU units.",
                     "일부러 SGD를 씁니다. Adam 같은 적응형 옵티마이저는 작은 기울기를 키워서 기울기 "
                     "소실을 가려 버립니다. 학습률이 크면 ReLU 유닛이 많이 죽습니다.")),
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

        functions = list(ACTIVATIONS.values())
        variants = len(functions)
        model = StackedDeepMLP(functions, int(p["depth"]), int(p["width"]), str(p["init"]), generator).to(device)
        # SGD's update is element-wise, so one optimizer over the stacked weights trains
        # each variant exactly as if it had its own optimizer. foreach=True updates all 22
        # weight tensors in a few multi-tensor ops instead of a Python loop over them.
        optimizer = torch.optim.SGD(model.parameters(), lr=float(p["lr"]), momentum=MOMENTUM, foreach=True)

        # Every mini-batch is drawn up front and moved to the device once: no host work per step.
        batches = torch.randint(len(x_train), (steps, batch), generator=generator).to(device)
        x_val_v = x_val.expand(variants, -1, -1)  # a view: every variant sees the same images
        with torch.no_grad():
            _, _, post_init = model(x_val_v)
        histograms = [layer_histograms([a[v] for a in post_init], HISTOGRAM_BINS) for v in range(variants)]

        train_loss = torch.full((steps, variants), float("nan"), device=device)
        throttle = Throttle(steps, every=max(1, steps // 30))
        eval_steps: list[int] = []
        val_curve: list[torch.Tensor] = []
        grad_init = torch.zeros(variants, len(model.weights), device=device)

        for step in range(steps):
            idx = batches[step]
            logits, _, _ = model(x_train[idx].expand(variants, -1, -1))
            loss = per_variant_cross_entropy(logits, y_train[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.sum().backward()  # the variants share no weights, so their gradients stay separate
            if step == 0:  # the gradients the initialization itself produces, before any update
                grad_init = torch.stack([w.grad.pow(2).sum(dim=(1, 2)).sqrt() for w in model.weights], dim=1)
            optimizer.step()
            train_loss[step] = loss.detach()  # a diverged variant shows up here as inf/NaN

            if throttle.due(step + 1):
                val_curve.append(evaluate(model, x_val_v, y_val))
                eval_steps.append(step + 1)
                report(progress(step + 1, steps, eval_steps, val_curve))

        with torch.no_grad():
            _, pre, post = model(x_val_v)
        val_loss, val_acc = val_curve[-1].tolist()  # the last evaluation is at the final step
        record = Record(
            train_loss=train_loss.cpu().numpy(),
            eval_steps=eval_steps,
            val_curve=torch.stack(val_curve).cpu().numpy(),
            grad_init=grad_init.cpu().numpy(),
            val_loss=val_loss,
            val_acc=val_acc,
            dead=[dead_unit_share([z[v] for z in pre], functions[v]) for v in range(variants)],
            distinct=[max(distinct_units(a[v]) for a in post) for v in range(variants)],
            histograms=histograms,
        )
        return self._result(p, record)

    # ------------------------------------------------------------ reference
    def reference(self, params: Mapping[str, Value], *, device: torch.device, seed: int) -> Result:
        """The same experiment written the plain way: one nn.Sequential per activation,
        trained one after another with a DataLoader and its own torch.optim.SGD."""
        p = resolve_params(self.params, params)
        generator = seed_everything(seed)
        x_train, y_train, x_val, y_val = split_digits(generator, device)
        steps, depth, width = int(p["steps"]), int(p["depth"]), int(p["width"])
        loader = torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(x_train, y_train), batch_size=int(p["batch_size"]),
            shuffle=True, drop_last=True, generator=generator,
        )
        throttle = Throttle(steps, every=max(1, steps // 30))
        modules: dict[str, Callable[[], nn.Module]] = {
            "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU,
            "leaky_relu": lambda: nn.LeakyReLU(LEAKY_SLOPE), "gelu": nn.GELU,
        }
        measured: dict[str, list] = {key: [] for key in (
            "train_loss", "val_curve", "grad_init", "dead", "distinct", "histograms")}
        for name in NAMES:
            net = plain_mlp(modules[name], depth, width, str(p["init"])).to(device)
            linears = [m for m in net if isinstance(m, nn.Linear)]
            optimizer = torch.optim.SGD(net.parameters(), lr=float(p["lr"]), momentum=MOMENTUM)
            with torch.no_grad():
                measured["histograms"].append(layer_histograms(hidden_layers(net, x_val)[1], HISTOGRAM_BINS))
            losses, curve, eval_steps, step = [], [], [], 0
            while step < steps:
                for xb, yb in loader:
                    loss = F.cross_entropy(net(xb), yb)
                    optimizer.zero_grad()
                    loss.backward()
                    if step == 0:
                        measured["grad_init"].append([m.weight.grad.norm().item() for m in linears])
                    optimizer.step()
                    losses.append(loss.item())
                    step += 1
                    if throttle.due(step):
                        with torch.no_grad():
                            out = net(x_val)
                        accuracy = (out.argmax(-1) == y_val).float().mean()
                        curve.append([F.cross_entropy(out, y_val).item(), accuracy.item()])
                        eval_steps.append(step)
                    if step == steps:
                        break
            with torch.no_grad():
                pre, post = hidden_layers(net, x_val)
            measured["train_loss"].append(losses)
            measured["val_curve"].append(curve)
            measured["dead"].append(dead_unit_share(pre, ACTIVATIONS[name]))
            measured["distinct"].append(max(distinct_units(a) for a in post))

        val_curve = np.array(measured["val_curve"]).transpose(1, 2, 0)  # (evaluations, 2, variants)
        record = Record(
            train_loss=np.array(measured["train_loss"]).T,
            eval_steps=eval_steps,
            val_curve=val_curve,
            grad_init=np.array(measured["grad_init"]),
            val_loss=val_curve[-1, 0].tolist(),  # the last evaluation is at the final step
            val_acc=val_curve[-1, 1].tolist(),
            dead=measured["dead"],
            distinct=measured["distinct"],
            histograms=measured["histograms"],
        )
        return self._result(p, record)

    def agrees_with_reference(self, fast: Result, reference: Result) -> tuple[bool, str]:
        """Different random draws, same experiment, so the conclusions must match:

        * first-layer gradient norms at initialization within a factor of 3 for every activation;
        * the same activation receives the smallest first-layer gradient;
        * no activation clearly learns in one (validation accuracy above 40%) while it stays
          stuck near the 10% of guessing in the other (below 20%).

        Exact accuracies are not compared: a 10-layer ReLU network trained for a few hundred
        steps can land tens of points apart from one random draw to the next.
        """
        fm, rm = fast.metrics, reference.metrics
        problems = []
        for name in NAMES:
            f, r = fm[f"{name}_grad_first"], rm[f"{name}_grad_first"]
            both_zero = f == 0 and r == 0
            if not both_zero and not (f > 0 and r > 0 and abs(math.log(f / r)) <= math.log(3)):
                problems.append(f"{name}: first-layer gradient {f:.3g} vs {r:.3g}")
            accuracies = sorted((fm[f"{name}_val_acc"], rm[f"{name}_val_acc"]))
            if accuracies[0] < STUCK and accuracies[1] > LEARNED:
                problems.append(f"{name}: validation accuracy {fm[f'{name}_val_acc']:.2f} vs {rm[f'{name}_val_acc']:.2f}")
        smallest_fast = min(NAMES, key=lambda n: fm[f"{n}_grad_first"])
        smallest_ref = min(NAMES, key=lambda n: rm[f"{n}_grad_first"])
        if smallest_fast != smallest_ref:
            problems.append(f"smallest first-layer gradient: {smallest_fast} vs {smallest_ref}")
        if problems:
            return False, "; ".join(problems)
        return True, (f"first-layer gradients within 3x (smallest: {smallest_fast}); "
                      f"no activation learns (>{LEARNED:.0%}) in one and is stuck (<{STUCK:.0%}) in the other")

    # ------------------------------------------------------------ results
    def _result(self, p: Mapping[str, Value], r: Record) -> Result:
        """Metrics, figure data and summary, shared by the fast path and the reference."""
        metrics: dict[str, float] = {}
        for v, name in enumerate(NAMES):
            first, last = float(r.grad_init[v, 0]), float(r.grad_init[v, -1])
            bad = np.flatnonzero(~np.isfinite(r.train_loss[:, v]))
            metrics[f"{name}_grad_first"] = first
            # 0/0 (no gradient anywhere, e.g. all-zero weights) is reported as NaN.
            metrics[f"{name}_grad_last_over_first"] = last / first if first > 0 else (math.inf if last > 0 else math.nan)
            metrics[f"{name}_dead_share"] = r.dead[v]
            metrics[f"{name}_distinct_units"] = float(r.distinct[v])
            metrics[f"{name}_val_loss"] = float(r.val_loss[v])
            metrics[f"{name}_val_acc"] = float(r.val_acc[v])
            metrics[f"{name}_diverged_step"] = float(bad[0] + 1) if bad.size else -1.0
        z = torch.linspace(-5, 5, 401)
        shapes = {name: (f(z).numpy(), derivative(f, z).numpy()) for name, f in ACTIVATIONS.items()}
        return Result(
            metrics=metrics,
            data={
                "train_loss": r.train_loss, "eval_steps": np.asarray(r.eval_steps), "val_curve": r.val_curve,
                "grad_init": r.grad_init, "histograms": [h[0] for h in r.histograms],
                "histogram_edges": [h[1] for h in r.histograms], "z": z.numpy(), "shapes": shapes,
                "init": str(p["init"]),
            },
            summary=self._summary(metrics, str(p["init"])),
        )

    @staticmethod
    def _summary(m: Mapping[str, float], init: str) -> T:
        sig, relu = m["sigmoid_grad_first"], m["relu_grad_first"]
        if sig > 0 and relu > 0:
            grad = T(f"the first layer gets a {relu / sig:.3g}× smaller gradient with sigmoid than with ReLU",
                     f"첫 번째 층에 도달하는 기울기가 시그모이드에서 ReLU보다 {relu / sig:.3g}배 작고")
        else:
            grad = T(f"the first layer's gradient is {sig:.3g} with sigmoid and {relu:.3g} with ReLU",
                     f"첫 번째 층의 기울기는 시그모이드 {sig:.3g}, ReLU {relu:.3g}이고")
        diverged = [n for n in NAMES if m[f"{n}_diverged_step"] > 0]
        alive = [n for n in NAMES if n not in diverged] or list(NAMES)
        best = max(alive, key=lambda n: m[f"{n}_val_acc"])
        blowup = T("", "")
        if diverged:
            first = int(min(m[f"{n}_diverged_step"] for n in diverged))
            blowup = T(f" Diverged (loss became inf/NaN, first at step {first}): "
                       f"{', '.join(LABELS[n].en for n in diverged)}.",
                       f" 발산한 활성화 함수(손실이 inf/NaN이 됨, 처음은 {first}단계): "
                       f"{', '.join(LABELS[n].ko for n in diverged)}.")
        init_label = INIT_LABELS[init]
        return T(
            f"With {init_label.en} initialization, {grad.en}; {100 * m['relu_dead_share']:.1f}% of ReLU units "
            f"ended up dead, and {LABELS[best].en} reached the best validation accuracy "
            f"({100 * m[f'{best}_val_acc']:.1f}%; sigmoid {100 * m['sigmoid_val_acc']:.1f}%).{blowup.en}",
            f"{init_label.ko} 초기화에서 {grad.ko}, ReLU 유닛의 {100 * m['relu_dead_share']:.1f}%가 죽었으며, "
            f"검증 정확도는 {LABELS[best].ko}가 가장 높았습니다({100 * m[f'{best}_val_acc']:.1f}%, "
            f"시그모이드 {100 * m['sigmoid_val_acc']:.1f}%).{blowup.ko}",
        )

    def figures(self, result: Result, lang: str) -> list[go.Figure]:
        return [
            shapes_figure(result, lang),
            gradient_figure(result, lang),
            training_figure(result, lang),
            dead_figure(result, lang),
            histogram_figure(result, lang),
        ]


# ------------------------------------------------------------------ helpers for run/reference
@torch.no_grad()
def evaluate(model: StackedDeepMLP, x_val: torch.Tensor, y_val: torch.Tensor) -> torch.Tensor:
    """Validation loss and accuracy per variant, as a (2, variants) tensor left on the device."""
    logits, _, _ = model(x_val)
    accuracy = (logits.argmax(-1) == y_val).float().mean(dim=1)
    return torch.stack([per_variant_cross_entropy(logits, y_val), accuracy])


def progress(done: int, total: int, eval_steps: list[int], curve: list[torch.Tensor]) -> Progress:
    """The live chart: each activation's validation accuracy so far (one host copy per report)."""
    accuracy = torch.stack(curve)[:, 1].cpu()
    curves = {LABELS[name].en: accuracy[:, v].tolist() for v, name in enumerate(NAMES)}
    return Progress(done=done, total=total, x=tuple(eval_steps), curves=curves)


def plain_mlp(activation: Callable[[], nn.Module], depth: int, width: int, init: str) -> nn.Sequential:
    """The textbook way: nn.Linear layers with activation modules in between, initialized
    with torch.nn.init's own functions (they draw with the same standard deviations)."""
    sizes = [64] + [width] * depth + [10]
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        linear = nn.Linear(fan_in, fan_out)
        if init == "xavier":
            nn.init.xavier_normal_(linear.weight)
        elif init == "he":
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        elif init == "zeros":
            nn.init.zeros_(linear.weight)
        else:
            nn.init.normal_(linear.weight, 0.0, weight_std(init, fan_in, fan_out))
        nn.init.zeros_(linear.bias)
        layers.append(linear)
        if i < depth:
            layers.append(activation())
    return nn.Sequential(*layers)


def hidden_layers(net: nn.Sequential, x: torch.Tensor) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Pre-activations and activations of each hidden layer of a plain_mlp."""
    pre, post = [], []
    for module in net[:-1]:
        x = module(x)
        (pre if isinstance(module, nn.Linear) else post).append(x)
    return pre, post


# ------------------------------------------------------------------ figures
def shapes_figure(result: Result, lang: str) -> go.Figure:
    z, shapes = result.data["z"], result.data["shapes"]
    fig = make_subplots(rows=1, cols=len(NAMES), subplot_titles=[LABELS[n](lang) for n in NAMES],
                        shared_yaxes=True, horizontal_spacing=0.03)
    for col, name in enumerate(NAMES, start=1):
        value, slope = shapes[name]
        fig.add_trace(go.Scatter(x=z, y=value, name="f(z)", legendgroup="f", showlegend=col == 1,
                                 line={"color": COLORS[name]}), row=1, col=col)
        fig.add_trace(go.Scatter(x=z, y=slope, name=T("f′(z), by autograd", "f′(z), autograd로 계산")(lang),
                                 legendgroup="df", showlegend=col == 1,
                                 line={"color": COLORS[name], "dash": "dot"}), row=1, col=col)
    fig.update_xaxes(title_text="z")
    fig.update_yaxes(range=[-1.2, 2.5])
    fig.update_layout(
        title=T("Activation functions (solid) and their derivatives (dotted)",
                "활성화 함수(실선)와 그 도함수(점선)")(lang),
        height=320, margin={"t": 70, "b": 40}, legend={"orientation": "h", "y": -0.25},
    )
    return fig


def gradient_figure(result: Result, lang: str) -> go.Figure:
    grad = result.data["grad_init"]
    layers = np.arange(1, grad.shape[1] + 1)
    fig = go.Figure()
    for v, name in enumerate(NAMES):
        # A log axis cannot show 0 (all-zero weights give no gradient): such points are left out.
        y = np.where(grad[v] > 0, grad[v], np.nan)
        fig.add_trace(go.Scatter(x=layers, y=y, mode="lines+markers", name=LABELS[name](lang),
                                 line={"color": COLORS[name]}))
    fig.update_layout(
        title=T("Gradient norm ‖∂L/∂W‖ of each layer at initialization (log scale)",
                "초기화 직후 층별 기울기 크기 ‖∂L/∂W‖ (로그 스케일)")(lang),
        xaxis={"title": T("layer (1 = next to the input, last = output layer)",
                          "층 (1 = 입력 쪽, 마지막 = 출력층)")(lang), "dtick": 1},
        yaxis={"type": "log", "title": T("gradient norm", "기울기 노름")(lang), "exponentformat": "power"},
        height=380, margin={"t": 50, "b": 40},
    )
    return fig


def training_figure(result: Result, lang: str) -> go.Figure:
    d = result.data
    steps = np.arange(1, len(d["train_loss"]) + 1)
    fig = make_subplots(rows=1, cols=2, subplot_titles=(
        T("Training loss (mini-batch, log scale)", "훈련 손실 (미니배치, 로그 스케일)")(lang),
        T("Validation accuracy", "검증 정확도")(lang)))
    for v, name in enumerate(NAMES):
        label, accuracy = LABELS[name](lang), d["val_curve"][:, 1, v]
        diverged = int(result.metrics[f"{name}_diverged_step"])
        if diverged > 0:
            # A network full of NaN still "predicts" something; that is not a score worth drawing.
            label += T(f" (diverged at step {diverged})", f" ({diverged}단계에서 발산)")(lang)
            accuracy = np.where(d["eval_steps"] >= diverged, np.nan, accuracy)
        mode = "lines+markers" if diverged > 0 else "lines"  # a curve cut short may be a single point
        fig.add_trace(go.Scatter(x=steps, y=d["train_loss"][:, v], name=label, mode=mode, legendgroup=name,
                                 line={"color": COLORS[name], "width": 1}, marker={"size": 4}), row=1, col=1)
        fig.add_trace(go.Scatter(x=d["eval_steps"], y=accuracy, name=label, legendgroup=name,
                                 showlegend=False, line={"color": COLORS[name]}), row=1, col=2)
    fig.update_xaxes(title_text=T("step", "학습 단계")(lang))
    fig.update_yaxes(type="log", row=1, col=1)
    fig.update_yaxes(range=[0, 1], row=1, col=2)
    fig.update_layout(height=380, margin={"t": 40, "b": 40}, legend={"orientation": "h", "y": -0.25})
    return fig


def dead_figure(result: Result, lang: str) -> go.Figure:
    m = result.metrics
    shares = [100 * m[f"{n}_dead_share"] for n in NAMES]
    fig = go.Figure(go.Bar(
        x=[LABELS[n](lang) for n in NAMES], y=shares, marker_color=[COLORS[n] for n in NAMES],
        text=[f"{s:.1f}%" for s in shares], textposition="outside",
    ))
    fig.update_layout(
        title=T("Dead units after training: f′(z) = 0 on every validation image (%)",
                "학습 후 죽은 유닛: 모든 검증 이미지에서 f′(z) = 0 (%)")(lang),
        yaxis={"range": [0, max(10.0, 1.2 * max(shares))]}, height=320, margin={"t": 50, "b": 30},
    )
    return fig


def histogram_figure(result: Result, lang: str) -> go.Figure:
    hists, edges = result.data["histograms"], result.data["histogram_edges"]
    fig = make_subplots(rows=1, cols=len(NAMES), subplot_titles=[LABELS[n](lang) for n in NAMES],
                        horizontal_spacing=0.05)
    for col, (name, shares, edge) in enumerate(zip(NAMES, hists, edges), start=1):
        centers = (edge[:-1] + edge[1:]) / 2
        fig.add_trace(go.Heatmap(
            x=np.arange(1, shares.shape[0] + 1), y=centers, z=100 * shares.T, coloraxis="coloraxis",
            name=LABELS[name](lang),
            hovertemplate=T("layer %{x}<br>a ≈ %{y:.3g}<br>%{z:.1f}% of values",
                            "%{x}층<br>a ≈ %{y:.3g}<br>값의 %{z:.1f}%")(lang) + "<extra></extra>",
        ), row=1, col=col)
    fig.update_xaxes(title_text=T("layer", "층")(lang))
    fig.update_yaxes(title_text=T("activation value", "활성값")(lang), row=1, col=1)
    init = INIT_LABELS[result.data["init"]](lang)
    # One tall bin (ReLU's exact zeros) would make every other bin look empty on a 0-100%
    # scale, so the colours stop at the 99th percentile; the hover still shows exact shares.
    top = max(1.0, float(np.percentile(100 * np.concatenate([h.ravel() for h in hists]), 99)))
    fig.update_layout(
        title=T(f"Histogram of each hidden layer's activations at initialization ({init} weights)",
                f"초기화 직후 은닉층별 활성값 히스토그램 ({init} 가중치)")(lang),
        coloraxis={"colorscale": "Viridis", "cmin": 0, "cmax": top,
                   "colorbar": {"title": T("% of values", "값의 %")(lang)}},
        height=380, margin={"t": 80, "b": 40},
    )
    return fig


DEMO = ActivationsDemo()
