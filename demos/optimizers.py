"""Five optimizers race: SGD, momentum, AdaGrad, RMSProp and Adam.

Part 1 drops all five on the same 2-D loss surface, at the same starting point, and lets
them walk downhill. You see their paths over a contour map:

* "saddle":     f(x, y) = x² − y² + y⁴/2. The start lies a hair (0.001) off the ridge y = 0
                that leads straight into the saddle point at (0, 0). Plain SGD slides down to
                the saddle and all but stops there, because the gradient vanishes; the others
                notice the tiny sideways slope and escape to a minimum at (0, ±1).
* "rosenbrock": the "banana" f = (1 − x)² + 100 (y − x²)², a long curved valley with its
                minimum at (1, 1). Finding the valley is easy; travelling along it is slow.
* "bowl":       f = (x²/100 + 2 y²) / 2, a valley whose curvature across (y) is 200 times
                its curvature along (x). SGD's learning rate must stay small enough for the
                steep direction, so it zig-zags across the valley and creeps along it; the
                adaptive methods scale each coordinate's step by its own gradient history.

Part 2 trains five copies of one small network on the digits, one copy per optimizer.

The update rules are written out by hand below, and all five advance *together*: their
positions (or network weights) are one tensor whose first axis is the optimizer, and the
five rules turn out to be one formula with five different settings (the table in `rules`). The tests
check every step against torch.optim.SGD, Adagrad, RMSprop and Adam.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, RandomSampler, TensorDataset

from demos.framework import (
    Param, Progress, Reporter, Result, T, Throttle, Value, resolve_params, seed_everything,
)
from demos.optim_common import (
    StackedMLP, evaluate, init_mlp, per_copy_accuracy, per_copy_loss, sequential_mlp, shuffled_batches,
    split_digits,
)

OPTIMIZERS = ("sgd", "momentum", "adagrad", "rmsprop", "adam")
NAMES = {"sgd": T("SGD", "SGD"), "momentum": T("Momentum", "모멘텀"), "adagrad": T("AdaGrad", "AdaGrad"),
         "rmsprop": T("RMSProp", "RMSProp"), "adam": T("Adam", "Adam")}
COLORS = {"sgd": "#d62728", "momentum": "#ff7f0e", "adagrad": "#2ca02c", "rmsprop": "#9467bd", "adam": "#1f77b4"}

# torch.optim's default settings (ε too, in the table below), so the hand-written rules
# can be checked against it.
RMSPROP_ALPHA = 0.99
ADAM_BETAS = (0.9, 0.999)

CPU = torch.device("cpu")
DIGITS_HIDDEN = 32
DIGITS_BATCH = 64
DIGITS_EVAL_EVERY = 10  # evaluate the whole training set every few steps: a smooth curve
# Sensible learning rates for the digits network (times lr_scale). Adaptive methods divide
# by the gradient's size, so their good learning rates are much smaller than SGD's.
DIGITS_LRS = {"sgd": 0.2, "momentum": 0.05, "adagrad": 0.05, "rmsprop": 0.002, "adam": 0.005}
ESCAPE_MARGIN = 0.5  # "escaped": the loss fell at least halfway from the saddle to a minimum
# A run "diverged" at the first step whose loss is NaN or infinite, or has blown past a limit:
# on a surface 1e6 (far above any starting loss there); on the digits four times the loss of
# its first step. It stops there, and the summary says at which step.
SURFACE_LOSS_LIMIT = 1e6
DIVERGENCE_FACTOR = 4.0


# --- the five update rules, as one formula ------------------------------------------------
#
#   m ← β₁·m + a·g                  velocity: a running (weighted) sum of gradients g
#   v ← β₂·v + b·g²                 a running sum or average of squared gradients
#   w ← w − lr · m̂ / (√v̂ + ε)       (adaptive rows)      or      w ← w − lr · m   (the others)
#
# m̂ and v̂ are m and v divided by (1 − β^t) for Adam only ("bias correction": both start at
# zero, so their early averages are too small). Each row of the table is one optimizer.
def rules(momentum: float) -> dict[str, tuple[float, float, float, float, float, bool, bool]]:
    b1, b2 = ADAM_BETAS
    alpha = RMSPROP_ALPHA
    return {  #    β₁        a        β₂     b          ε      adaptive  bias-corrected
        "sgd":      (0.0,      1.0,     0.0,   0.0,       0.0,   False,    False),  # w ← w − lr·g
        "momentum": (momentum, 1.0,     0.0,   0.0,       0.0,   False,    False),  # m remembers past steps
        "adagrad":  (0.0,      1.0,     1.0,   1.0,       1e-10, True,     False),  # v sums every g² ever seen
        "rmsprop":  (0.0,      1.0,     alpha, 1 - alpha, 1e-8,  True,     False),  # v slowly forgets old g²
        "adam":     (b1,       1 - b1,  b2,    1 - b2,    1e-8,  True,     True),   # momentum + RMSProp
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


def make_knobs(lrs: Mapping[str, float], momentum: float, *, dtype: torch.dtype, device: torch.device) -> Knobs:
    table = rules(momentum)

    def column(i: int, kind: torch.dtype = dtype) -> torch.Tensor:
        return torch.tensor([table[o][i] for o in OPTIMIZERS], dtype=kind, device=device)

    return Knobs(
        lr=torch.tensor([lrs[o] for o in OPTIMIZERS], dtype=dtype, device=device),
        beta1=column(0), grad_weight=column(1), beta2=column(2), square_weight=column(3), eps=column(4),
        adaptive=column(5, torch.bool), bias_corrected=column(6, torch.bool),
    )


def per_row(knob: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """Shape a (5,) knob as (5, 1, ..., 1) so it broadcasts over the rest of `like`."""
    return knob.view(-1, *[1] * (like.dim() - 1))


class FiveOptimizers:
    """SGD, momentum, AdaGrad, RMSProp and Adam, stepping tensors whose first axis (size 5)
    is the optimizer. Every operation is element-wise, so each optimizer only ever reads
    its own row: five independent optimizers, computed in one go."""

    def __init__(self, params: list[torch.Tensor], knobs: Knobs) -> None:
        self.params, self.knobs, self.t = params, knobs, 0
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    @torch.no_grad()
    def step(self, grads: list[torch.Tensor], active: torch.Tensor | None = None) -> None:
        """One step of every optimizer; rows where `active` (shape (5,)) is False stay put."""
        k = self.knobs
        self.t += 1
        one = torch.ones_like(k.lr)
        # Bias correction (Adam only); the other rows divide by 1.
        correction1 = torch.where(k.bias_corrected, 1 - k.beta1**self.t, one)
        correction2 = torch.where(k.bias_corrected, 1 - k.beta2**self.t, one)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m.mul_(per_row(k.beta1, p)).add_(per_row(k.grad_weight, p) * g)
            v.mul_(per_row(k.beta2, p)).add_(per_row(k.square_weight, p) * g * g)
            # Adaptive rows divide by the typical size of their own recent gradients, so every
            # coordinate moves at a similar pace however steep or flat its direction is.
            root = v.sqrt() / per_row(correction2, p).sqrt() + per_row(k.eps, p)
            scale = torch.where(per_row(k.adaptive, p), root, 1.0)
            update = per_row(k.lr / correction1, p) * m / scale
            if active is not None:  # a diverged run stays where it is (where(), because 0 * NaN is NaN)
                update = torch.where(per_row(active, p), update, 0.0)
            p.sub_(update)


def torch_optimizer(name: str, params, lr: float, momentum: float) -> torch.optim.Optimizer:
    """The library version of each optimizer, with the same settings (for references and tests)."""
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=momentum)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, eps=1e-10)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=RMSPROP_ALPHA, eps=1e-8)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=ADAM_BETAS, eps=1e-8)
    raise ValueError(f"unknown optimizer {name!r}")


# --- the surfaces -------------------------------------------------------------------------


def saddle(p: torch.Tensor) -> torch.Tensor:
    x, y = p[..., 0], p[..., 1]
    return x**2 - y**2 + 0.5 * y**4


def rosenbrock(p: torch.Tensor) -> torch.Tensor:
    x, y = p[..., 0], p[..., 1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def bowl(p: torch.Tensor) -> torch.Tensor:
    x, y = p[..., 0], p[..., 1]
    return 0.5 * (0.01 * x**2 + 2 * y**2)


@dataclass(frozen=True)
class Surface:
    label: T
    loss: Callable[[torch.Tensor], torch.Tensor]  # positions (..., 2) -> losses (...)
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    lrs: dict[str, float]  # a sensible learning rate per optimizer (times lr_scale)
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    saddle_point: tuple[float, float] | None = None


SURFACES = {
    "saddle": Surface(
        T("Saddle point", "안장점"), saddle, (1.5, 0.001), ((0.0, 1.0), (0.0, -1.0)),
        {"sgd": 0.01, "momentum": 0.01, "adagrad": 0.1, "rmsprop": 0.01, "adam": 0.05},
        (-2.0, 2.0), (-1.6, 1.6), saddle_point=(0.0, 0.0),
    ),
    "rosenbrock": Surface(
        T("Rosenbrock 'banana' valley", "로젠브록 '바나나' 골짜기"), rosenbrock, (-1.2, 1.0), ((1.0, 1.0),),
        {"sgd": 0.0015, "momentum": 0.001, "adagrad": 0.5, "rmsprop": 0.02, "adam": 0.2},
        (-2.0, 2.0), (-1.0, 3.0),
    ),
    "bowl": Surface(
        T("Ill-conditioned bowl", "악조건 그릇"), bowl, (-4.5, 1.5), ((0.0, 0.0),),
        {"sgd": 0.9, "momentum": 0.1, "adagrad": 0.5, "rmsprop": 0.05, "adam": 0.1},
        (-5.0, 5.0), (-2.0, 2.0),
    ),
}


def min_loss(surface: Surface) -> float:
    return float(surface.loss(torch.tensor(surface.minima[0], dtype=torch.float64)))


def surface_lrs(surface: Surface, lr_scale: float) -> dict[str, float]:
    return {o: surface.lrs[o] * lr_scale for o in OPTIMIZERS}


def diverged(loss: torch.Tensor, limit: float | torch.Tensor) -> torch.Tensor:
    """True where a loss blew up: NaN, infinite, or beyond `limit`."""
    return ~torch.isfinite(loss) | (loss > limit)


def race_on_surface(
    surface: Surface, start: tuple[float, float], lrs: Mapping[str, float], momentum: float,
    steps: int, device: torch.device, on_step: Callable[[int, torch.Tensor], None] | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """All five optimizers from the same start.

    Returns the positions (steps + 1, 5, 2) and, per optimizer, the step whose loss blew up
    (0: never). A run that blows up stops there. float64: these are tiny tensors, and double
    precision keeps the comparison with torch.optim exact to many digits.
    """
    dtype = torch.float64
    position = torch.tensor(start, dtype=dtype, device=device).repeat(len(OPTIMIZERS), 1)  # (5, 2)
    optimizer = FiveOptimizers([position], make_knobs(lrs, momentum, dtype=dtype, device=device))
    path = torch.empty(steps + 1, len(OPTIMIZERS), 2, dtype=dtype, device=device)
    path[0] = position
    diverged_at = torch.zeros(len(OPTIMIZERS), dtype=torch.long, device=device)
    for step in range(1, steps + 1):
        position.requires_grad_(True)
        loss = surface.loss(position)
        # Row i's loss depends only on row i, so the gradient of the sum is every row's own gradient.
        (grad,) = torch.autograd.grad(loss.sum(), position)
        position.requires_grad_(False)
        # Bookkeeping stays on the device (no .item()): a GPU never waits for the host.
        diverged_at = torch.where((diverged_at == 0) & diverged(loss.detach(), SURFACE_LOSS_LIMIT), step, diverged_at)
        optimizer.step([grad], active=diverged_at == 0)
        path[step] = position
        if on_step is not None:
            on_step(step, path)
    return path, diverged_at


def train_digits(
    lrs: Mapping[str, float], momentum: float, steps: int, device: torch.device, seed: int,
    on_eval: Callable[[int, torch.Tensor], None] | None = None,
) -> tuple[list[int], torch.Tensor, torch.Tensor, torch.Tensor]:
    """Five copies of one MLP, one per optimizer, trained together on the same mini-batches.

    Returns the evaluation steps, the training-set loss at each of them (evals, 5), the test
    accuracy (5,) and, per optimizer, the step whose mini-batch loss blew up (0: never).
    """
    generator = torch.Generator().manual_seed(seed)
    x_train, y_train, x_test, y_test = split_digits(generator, device)
    init = init_mlp((64, DIGITS_HIDDEN, 10), generator)
    batches = shuffled_batches(len(x_train), DIGITS_BATCH, steps, generator).to(device)
    copies = len(OPTIMIZERS)
    model = StackedMLP(copies, init).to(device)
    params = list(model.parameters())
    optimizer = FiveOptimizers(params, make_knobs(lrs, momentum, dtype=torch.float32, device=device))
    x_train_c, x_test_c = x_train.expand(copies, -1, -1), x_test.expand(copies, -1, -1)

    eval_steps = digits_eval_steps(steps)
    history = torch.empty(len(eval_steps), copies, device=device)
    diverged_at = torch.zeros(copies, dtype=torch.long, device=device)
    first_loss = torch.zeros(copies, device=device)
    row = 0
    for step in range(steps + 1):
        if step == eval_steps[row]:
            with torch.no_grad():
                history[row] = per_copy_loss(model(x_train_c), y_train)
            row += 1
            if on_eval is not None:
                on_eval(row, history)
        if step == steps:
            break
        idx = batches[step]
        loss = per_copy_loss(model(x_train[idx].expand(copies, -1, -1)), y_train[idx])
        grads = torch.autograd.grad(loss.sum(), params)  # the copies share nothing: own gradients
        if step == 0:
            first_loss = loss.detach()
        blew_up = diverged(loss.detach(), DIVERGENCE_FACTOR * first_loss)
        diverged_at = torch.where((diverged_at == 0) & blew_up, step + 1, diverged_at)
        optimizer.step(list(grads), active=diverged_at == 0)
    with torch.no_grad():
        test_acc = per_copy_accuracy(model(x_test_c), y_test)
    return eval_steps, history, test_acc, diverged_at


def digits_eval_steps(steps: int) -> list[int]:
    return [s for s in range(steps + 1) if s % DIGITS_EVAL_EVERY == 0 or s == steps]


# --- the demo -----------------------------------------------------------------------------


class OptimizersDemo:
    id = "optimizers"
    title = T("Optimizers race: SGD, momentum, AdaGrad, RMSProp, Adam",
              "옵티마이저 경주: SGD, 모멘텀, AdaGrad, RMSProp, Adam")
    description = T(
        "Five optimizers start at the same point of a 2-D loss surface and walk downhill. On the "
        "saddle, plain SGD slides into the saddle point and stalls where the gradient vanishes, "
        "while the others escape. Then the same five train one small network on handwritten digits.",
        "다섯 옵티마이저가 2차원 손실 곡면의 같은 지점에서 출발해 내리막을 따라 움직입니다. 안장점 "
        "곡면에서 일반 SGD는 기울기가 사라지는 안장점으로 미끄러져 들어가 멈춰 버리지만, 나머지는 "
        "빠져나옵니다. 이어서 같은 다섯 옵티마이저가 손글씨 숫자를 분류하는 작은 신경망을 학습합니다.",
    )
    params = (
        Param("surface", T("Loss surface", "손실 곡면"), "saddle", choices=tuple(SURFACES),
              choice_labels={name: surface.label for name, surface in SURFACES.items()},
              help=T("Saddle point: a saddle between two minima. Rosenbrock: a curved 'banana' "
                     "valley. Ill-conditioned bowl: a valley curved 200 times more sharply across (y) "
                     "than along (x).",
                     "안장점: 두 최솟값 사이의 안장. 로젠브록: 휘어진 '바나나' 골짜기. 악조건 그릇: "
                     "골짜기를 가로지르는 방향(y)의 곡률이 골짜기를 따라가는 방향(x)보다 200배 "
                     "큰 골짜기입니다.")),
        Param("steps", T("Steps on the surface", "곡면 위 스텝 수"), 200, min=10, max=2000, step=10),
        Param("lr_scale", T("Learning-rate multiplier", "학습률 배율"), 1.0, min=0.01, max=100.0, log=True,
              help=T("Every optimizer has its own sensible learning rate (shown in the legend); "
                     "this multiplies all of them.",
                     "옵티마이저마다 알맞은 학습률이 따로 있습니다(범례에 표시). 이 값을 모두에 곱합니다.")),
        Param("momentum", T("Momentum β", "모멘텀 β"), 0.9, min=0.0, max=0.99, step=0.01,
              help=T("How much of its previous velocity the momentum optimizer keeps each step.",
                     "모멘텀 옵티마이저가 매 스텝 이전 속도를 얼마나 유지할지 정합니다.")),
        Param("custom_start", T("Choose the starting point", "시작점 직접 정하기"), False,
              help=T("Off: each surface's own starting point. On: start at (start x, start y).",
                     "끄면 곡면마다 정해진 시작점을, 켜면 (시작 x, 시작 y)를 씁니다.")),
        Param("start_x", T("Start x", "시작 x"), 1.5, min=-5.0, max=5.0, step=0.1),
        Param("start_y", T("Start y", "시작 y"), 0.001, min=-3.0, max=3.0, step=0.001),
        Param("digits_steps", T("Training steps on the digits", "숫자 데이터 학습 스텝 수"), 200,
              min=10, max=3000, step=10),
    )

    # -- running --------------------------------------------------------------------------

    def _setup(
        self, p: Mapping[str, Value]
    ) -> tuple[Surface, tuple[float, float], dict[str, float], dict[str, float]]:
        surface = SURFACES[str(p["surface"])]
        start = (float(p["start_x"]), float(p["start_y"])) if p["custom_start"] else surface.start
        scale = float(p["lr_scale"])
        return surface, start, surface_lrs(surface, scale), {o: DIGITS_LRS[o] * scale for o in OPTIMIZERS}

    def run(self, params: Mapping[str, Value], *, device: torch.device, seed: int, report: Reporter) -> Result:
        p = resolve_params(self.params, params)
        seed_everything(seed)
        surface, start, lrs, digit_lrs = self._setup(p)
        steps, digits_steps, momentum = int(p["steps"]), int(p["digits_steps"]), float(p["momentum"])
        total = steps + digits_steps
        throttle = Throttle(total, every=max(1, total // 40))
        minimum = min_loss(surface)

        def on_surface_step(step: int, path: torch.Tensor) -> None:
            if throttle.due(step):
                gap = (surface.loss(path[: step + 1]) - minimum).cpu()  # one host copy per report
                curves = {NAMES[o].en: gap[:, i].tolist() for i, o in enumerate(OPTIMIZERS)}
                report(Progress(done=step, total=total, x=tuple(range(step + 1)), curves=curves, message="surface"))

        # The race moves ten numbers: it runs on the CPU in float64 whatever `device` is (a GPU
        # would only add launch overhead, and Apple's MPS has no float64). The digits use `device`.
        path, surface_diverged = race_on_surface(surface, start, lrs, momentum, steps, CPU, on_surface_step)

        eval_steps = digits_eval_steps(digits_steps)

        def on_digits_eval(rows: int, history: torch.Tensor) -> None:
            done = steps + eval_steps[rows - 1]
            if rows > 1 and (throttle.due(done) or rows == len(eval_steps)):
                values = history[:rows].cpu()
                curves = {f"digits · {NAMES[o].en}": values[:, i].tolist() for i, o in enumerate(OPTIMIZERS)}
                report(Progress(done=done, total=total, x=tuple(eval_steps[:rows]), curves=curves, message="digits"))

        _, history, test_acc, digits_diverged = train_digits(
            digit_lrs, momentum, digits_steps, device, seed, on_digits_eval
        )
        return self._result(
            p, surface, start, lrs, digit_lrs, path.cpu(), surface_diverged.cpu(),
            eval_steps, history.cpu(), test_acc.cpu(), digits_diverged.cpu(),
        )

    def _result(
        self, p: Mapping[str, Value], surface: Surface, start: tuple[float, float],
        lrs: Mapping[str, float], digit_lrs: Mapping[str, float], path: torch.Tensor,
        surface_diverged: torch.Tensor, eval_steps: list[int], history: torch.Tensor,
        test_acc: torch.Tensor, digits_diverged: torch.Tensor,
    ) -> Result:
        """Metrics and figure data from what a run computed (shared by run and reference).

        A run that diverged has no final loss: its loss metrics are left out, its curves end
        at the step where it blew up, and `*_diverged_step` says which step that was (-1: never).
        """
        path, history = path.clone(), history.clone()
        for i in range(len(OPTIMIZERS)):
            if surface_diverged[i] > 0:  # the position reached after step - 1 updates blew up
                path[int(surface_diverged[i]) - 1 :, i] = float("nan")
            if digits_diverged[i] > 0:
                history[torch.tensor(eval_steps) >= int(digits_diverged[i]) - 1, i] = float("nan")
        losses = surface.loss(path)  # (steps + 1, 5)
        minima = torch.tensor(surface.minima, dtype=path.dtype)
        distance = torch.cdist(path[-1], minima).min(dim=1).values  # to the nearest minimum
        metrics: dict[str, float] = {}
        for i, o in enumerate(OPTIMIZERS):
            metrics[f"{o}_diverged_step"] = float(surface_diverged[i]) if surface_diverged[i] > 0 else -1.0
            if surface_diverged[i] == 0:
                metrics[f"{o}_final_loss"] = float(losses[-1, i])
                metrics[f"{o}_distance_to_min"] = float(distance[i])
        if surface.saddle_point is not None:
            saddle_at = torch.tensor(surface.saddle_point, dtype=path.dtype)
            at_saddle = float(surface.loss(saddle_at))
            threshold = at_saddle - ESCAPE_MARGIN * (at_saddle - min_loss(surface))
            for i, o in enumerate(OPTIMIZERS):
                metrics[f"{o}_escaped_saddle"] = float(bool(losses[-1, i] < threshold))  # False for NaN
                if surface_diverged[i] == 0:
                    metrics[f"{o}_distance_to_saddle"] = float(torch.dist(path[-1, i], saddle_at))
        for i, o in enumerate(OPTIMIZERS):
            metrics[f"digits_{o}_diverged_step"] = float(digits_diverged[i]) if digits_diverged[i] > 0 else -1.0
            if digits_diverged[i] == 0:
                metrics[f"digits_{o}_train_loss"] = float(history[-1, i])
            metrics[f"digits_{o}_test_acc"] = float(test_acc[i])
        data = {
            "surface": str(p["surface"]), "start": start, "path": path.numpy(), "losses": losses.numpy(),
            "min_loss": min_loss(surface), "lrs": dict(lrs), "digit_lrs": dict(digit_lrs),
            "eval_steps": np.array(eval_steps), "digits_loss": history.numpy(),
        }
        return Result(metrics=metrics, data=data, summary=self._summary(metrics, surface, int(p["steps"])))

    @staticmethod
    def _summary(m: Mapping[str, float], surface: Surface, steps: int) -> T:
        en_name = {o: NAMES[o].en for o in OPTIMIZERS}
        ko_name = {o: NAMES[o].ko for o in OPTIMIZERS}
        blew_up = [o for o in OPTIMIZERS if m[f"{o}_diverged_step"] > 0]
        survivors = [o for o in OPTIMIZERS if o not in blew_up]
        if surface.saddle_point is not None:
            out = [o for o in survivors if m[f"{o}_escaped_saddle"]]
            stuck = [o for o in survivors if not m[f"{o}_escaped_saddle"]]
            escaped_en = ", ".join(en_name[o] for o in out) or "none"
            escaped_ko = ", ".join(ko_name[o] for o in out) or "없음"
            en = f"After {steps} steps, escaped the saddle to a minimum: {escaped_en}."
            ko = f"{steps} 스텝 뒤 안장점을 벗어나 최솟값에 도달한 옵티마이저: {escaped_ko}."
            if stuck:
                near_en = ", ".join(f"{en_name[o]} {m[f'{o}_distance_to_saddle']:.3f}" for o in stuck)
                near_ko = ", ".join(f"{ko_name[o]} {m[f'{o}_distance_to_saddle']:.3f}" for o in stuck)
                en += f" Still near the saddle point (distance from it): {near_en}."
                ko += f" 아직 안장점 근처에 있는 옵티마이저(안장점까지 거리): {near_ko}."
        elif survivors:
            ranked = sorted(survivors, key=lambda o: m[f"{o}_distance_to_min"])
            best, worst = ranked[0], ranked[-1]
            near, far = f"{m[f'{best}_distance_to_min']:.3g}", f"{m[f'{worst}_distance_to_min']:.3g}"
            en = (f"After {steps} steps, closest to the minimum: {en_name[best]} (distance {near}); "
                  f"furthest: {en_name[worst]} ({far}).")
            ko = (f"{steps} 스텝 뒤 최솟값에 가장 가까운 옵티마이저는 {ko_name[best]}(거리 {near}), "
                  f"가장 먼 옵티마이저는 {ko_name[worst]}({far})입니다.")
        else:
            en, ko = "", ""
        for o in blew_up:
            step = int(m[f"{o}_diverged_step"])
            en += f" {en_name[o]} diverged at step {step}."
            ko += f" 곡면에서 {ko_name[o]}의 경로는 {step} 스텝에서 발산했습니다."
        trained = [o for o in OPTIMIZERS if f"digits_{o}_train_loss" in m]
        if trained:
            best = min(trained, key=lambda o: m[f"digits_{o}_train_loss"])
            loss, acc = m[f"digits_{best}_train_loss"], 100 * m[f"digits_{best}_test_acc"]
            en += (f" On the digits, {en_name[best]} reached the lowest training loss "
                   f"({loss:.3f}; test accuracy {acc:.1f}%).")
            ko += f" 숫자 데이터에서는 {ko_name[best]}의 훈련 손실이 가장 낮았습니다({loss:.3f}, 테스트 정확도 {acc:.1f}%)."
        for o in OPTIMIZERS:
            if o not in trained:
                step = int(m[f"digits_{o}_diverged_step"])
                en += f" {en_name[o]} diverged on the digits at step {step}."
                ko += f" 숫자 데이터에서 {ko_name[o]}의 학습은 {step} 스텝에서 발산했습니다."
        return T(en.strip(), ko.strip())

    # -- the plain reference (for `studyapp bench`) ------------------------------------------

    def reference(self, params: Mapping[str, Value], *, device: torch.device, seed: int) -> Result:
        """The same experiment the obvious way: torch.optim, one optimizer after another,
        an nn.Sequential per optimizer and a DataLoader for the digits."""
        p = resolve_params(self.params, params)
        seed_everything(seed)
        surface, start, lrs, digit_lrs = self._setup(p)
        steps, digits_steps, momentum = int(p["steps"]), int(p["digits_steps"]), float(p["momentum"])

        paths, surface_diverged = [], []
        for o in OPTIMIZERS:
            point = torch.nn.Parameter(torch.tensor(start, dtype=torch.float64))  # CPU, as in run()
            optimizer = torch_optimizer(o, [point], lrs[o], momentum)
            trail, blew_up = [point.detach().clone()], 0
            for step in range(1, steps + 1):
                optimizer.zero_grad()
                loss = surface.loss(point)
                if blew_up == 0 and not (math.isfinite(loss.item()) and loss.item() <= SURFACE_LOSS_LIMIT):
                    blew_up = step
                if blew_up == 0:
                    loss.backward()
                    optimizer.step()
                trail.append(point.detach().clone())
            paths.append(torch.stack(trail))
            surface_diverged.append(blew_up)
        path = torch.stack(paths, dim=1).cpu()

        generator = torch.Generator().manual_seed(seed)
        x_train, y_train, x_test, y_test = split_digits(generator, device)
        init = init_mlp((64, DIGITS_HIDDEN, 10), generator)
        eval_steps = digits_eval_steps(digits_steps)
        history = torch.full((len(eval_steps), len(OPTIMIZERS)), float("nan"))
        test_acc = torch.empty(len(OPTIMIZERS))
        digits_diverged = []
        dataset = TensorDataset(x_train, y_train)
        for i, o in enumerate(OPTIMIZERS):
            model = sequential_mlp(init).to(device)
            optimizer = torch_optimizer(o, model.parameters(), digit_lrs[o], momentum)
            # Every optimizer sees the same shuffles: its own generator in the same state.
            order = torch.Generator()
            order.set_state(generator.get_state())
            loader = DataLoader(dataset, batch_size=DIGITS_BATCH, drop_last=True,
                                sampler=RandomSampler(dataset, generator=order))
            step, blew_up, first, batches = 0, 0, None, iter(loader)
            while step <= digits_steps and blew_up == 0:
                if step in eval_steps:
                    history[eval_steps.index(step), i] = evaluate(model, x_train, y_train)[0]
                if step == digits_steps:
                    break
                try:
                    xb, yb = next(batches)
                except StopIteration:  # next epoch
                    batches = iter(loader)
                    xb, yb = next(batches)
                step += 1
                loss = F.cross_entropy(model(xb), yb)
                first = loss.item() if first is None else first
                if not (math.isfinite(loss.item()) and loss.item() <= DIVERGENCE_FACTOR * first):
                    blew_up = step
                    break
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            test_acc[i] = evaluate(model, x_test, y_test)[1]
            digits_diverged.append(blew_up)
        return self._result(
            p, surface, start, lrs, digit_lrs, path, torch.tensor(surface_diverged),
            eval_steps, history, test_acc, torch.tensor(digits_diverged),
        )

    def agrees_with_reference(self, fast: Result, reference: Result) -> tuple[bool, str]:
        """Surface paths: equal to 1e-9 (the same float64 math). Digits (float32, batched vs one
        by one, so rounding differs, though both see the same batches): the same runs diverge,
        final training losses agree within 2% and test accuracies within 1 point."""
        a_path, b_path = fast.data["path"], reference.data["path"]
        same_nan = np.array_equal(np.isnan(a_path), np.isnan(b_path))
        path_gap = float(np.nanmax(np.abs(a_path - b_path))) if same_nan else float("inf")
        problems = [] if path_gap < 1e-9 else [f"surface paths differ by up to {path_gap:.2e}"]
        for o in OPTIMIZERS:
            a, b = fast.metrics[f"digits_{o}_diverged_step"], reference.metrics[f"digits_{o}_diverged_step"]
            if (a > 0) != (b > 0):
                problems.append(f"digits {o} diverged at step {a:g} vs {b:g}")
                continue
            key = f"digits_{o}_train_loss"
            if key in fast.metrics and not math.isclose(fast.metrics[key], reference.metrics[key], rel_tol=0.02):
                problems.append(f"digits {o} loss {fast.metrics[key]:.4f} vs {reference.metrics[key]:.4f}")
            a, b = fast.metrics[f"digits_{o}_test_acc"], reference.metrics[f"digits_{o}_test_acc"]
            if abs(a - b) > 0.01:
                problems.append(f"digits {o} test accuracy {a:.3f} vs {b:.3f}")
        if problems:
            return False, "; ".join(problems)
        return True, (f"surface paths agree to {path_gap:.1e}; on the digits the same runs diverge, losses "
                      "agree within 2% and accuracies within 1 point for all five optimizers")

    # -- figures --------------------------------------------------------------------------

    def figures(self, result: Result, lang: str) -> list[go.Figure]:
        return [self._race_figure(result, lang), self._loss_figure(result, lang), self._digits_figure(result, lang)]

    @staticmethod
    def _legend(o: str, lr: float, lang: str) -> str:
        return f"{NAMES[o](lang)} (lr {lr:g})"

    def _race_figure(self, result: Result, lang: str) -> go.Figure:
        d = result.data
        surface = SURFACES[d["surface"]]
        path: np.ndarray = d["path"]
        steps = len(path) - 1
        # A log-scaled contour map of the loss above its minimum shows valleys and ridges alike.
        xs = np.linspace(*surface.x_range, 120)
        ys = np.linspace(*surface.y_range, 120)
        grid = torch.tensor(np.stack(np.meshgrid(xs, ys), axis=-1))
        z = np.log10(surface.loss(grid).numpy() - d["min_loss"] + 1e-3).astype(np.float32)
        fig = go.Figure(go.Contour(
            x=xs, y=ys, z=z, colorscale="Greys", reversescale=True, showscale=False, ncontours=30,
            contours={"coloring": "heatmap"}, opacity=0.55, hoverinfo="skip",
        ))
        # Paths drawn in full; the animation frames below replay them step by step.
        # Clipped just outside the view (a wild jump would stretch the axes) and float32 (the
        # figure travels to the browser; single precision is plenty for drawing).
        low = [surface.x_range[0] - 1, surface.y_range[0] - 1]
        high = [surface.x_range[1] + 1, surface.y_range[1] + 1]
        shown = np.clip(path, low, high).astype(np.float32)
        # Drawn Adam first and SGD last, so SGD's short path is not hidden under momentum's.
        drawn = list(reversed(range(len(OPTIMIZERS))))
        for i in drawn:
            o = OPTIMIZERS[i]
            fig.add_trace(go.Scatter(x=shown[:, i, 0], y=shown[:, i, 1], mode="lines+markers",
                                     name=self._legend(o, d["lrs"][o], lang), line={"color": COLORS[o], "width": 2},
                                     marker={"size": 3}, legendgroup=o, legendrank=i + 1, opacity=0.85))
        for i in drawn:  # a big dot where each optimizer is now
            fig.add_trace(go.Scatter(x=[shown[-1, i, 0]], y=[shown[-1, i, 1]], mode="markers", showlegend=False,
                                     marker={"color": COLORS[OPTIMIZERS[i]], "size": 11,
                                             "line": {"color": "white", "width": 1}},
                                     legendgroup=OPTIMIZERS[i], hoverinfo="skip"))
        mx, my = zip(*surface.minima)
        fig.add_trace(go.Scatter(x=mx, y=my, mode="markers", name=T("minimum", "최솟값")(lang),
                                 marker={"symbol": "star", "size": 15, "color": "gold",
                                         "line": {"color": "black", "width": 1}}))
        fig.add_trace(go.Scatter(x=[d["start"][0]], y=[d["start"][1]], mode="markers", name=T("start", "시작점")(lang),
                                 marker={"symbol": "circle-open", "size": 13, "color": "black"}))
        if surface.saddle_point is not None:
            fig.add_trace(go.Scatter(x=[surface.saddle_point[0]], y=[surface.saddle_point[1]], mode="markers",
                                     name=T("saddle point", "안장점")(lang),
                                     marker={"symbol": "x", "size": 12, "color": "black"}))
        # Animation: at most ~30 frames, each showing the paths up to that step.
        frame_steps = sorted(set(np.linspace(0, steps, min(steps, 30) + 1).round().astype(int).tolist()))
        path_traces = list(range(1, 1 + 2 * len(OPTIMIZERS)))
        frames = []
        for s in frame_steps:
            data = [go.Scatter(x=shown[: s + 1, i, 0], y=shown[: s + 1, i, 1]) for i in drawn]
            data += [go.Scatter(x=[shown[s, i, 0]], y=[shown[s, i, 1]]) for i in drawn]
            frames.append(go.Frame(data=data, traces=path_traces, name=str(s)))
        fig.frames = frames
        still = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
        fig.update_layout(
            title=T(f"{surface.label.en}: {steps} steps", f"{surface.label.ko}: {steps} 스텝")(lang),
            # Equal scales on both axes, so the valleys keep their true shape.
            xaxis={"range": list(surface.x_range), "title": "x", "constrain": "domain"},
            yaxis={"range": list(surface.y_range), "title": "y", "scaleanchor": "x", "scaleratio": 1,
                   "constrain": "domain"},
            height=600, margin={"t": 50, "b": 120},
            updatemenus=[{
                "type": "buttons", "direction": "left", "x": 0.1, "y": 0, "xanchor": "right", "yanchor": "top",
                "pad": {"t": 80, "r": 10},
                "buttons": [
                    {"label": T("▶ Play", "▶ 재생")(lang), "method": "animate",
                     "args": [None, {"frame": {"duration": 80, "redraw": False}, "fromcurrent": False,
                                     "transition": {"duration": 0}, "mode": "immediate"}]},
                    {"label": T("❚❚ Pause", "❚❚ 일시정지")(lang), "method": "animate", "args": [[None], still]},
                ],
            }],
            sliders=[{
                "active": len(frame_steps) - 1, "x": 0.1, "y": 0, "len": 0.9, "pad": {"t": 50, "b": 10},
                "currentvalue": {"prefix": T("step ", "스텝 ")(lang), "xanchor": "right"},
                "steps": [{"label": str(s), "method": "animate", "args": [[str(s)], still]} for s in frame_steps],
            }],
        )
        return fig

    def _loss_figure(self, result: Result, lang: str) -> go.Figure:
        d = result.data
        gap = np.maximum(d["losses"] - d["min_loss"], 1e-16)  # a log axis cannot show 0
        fig = go.Figure()
        for i, o in enumerate(OPTIMIZERS):
            fig.add_trace(go.Scatter(y=gap[:, i], mode="lines", name=self._legend(o, d["lrs"][o], lang),
                                     line={"color": COLORS[o]}))
        fig.update_layout(
            title=T("Loss above the minimum, per step", "스텝별 손실 (최솟값과의 차이)")(lang),
            xaxis_title=T("step", "스텝")(lang), yaxis_title=T("loss − minimum (log scale)", "손실 − 최솟값 (로그 눈금)")(lang),
            yaxis={"type": "log", "exponentformat": "power"}, height=380, margin={"t": 50, "b": 40},
            legend={"orientation": "h", "y": -0.25},
        )
        return fig

    def _digits_figure(self, result: Result, lang: str) -> go.Figure:
        d, m = result.data, result.metrics
        fig = go.Figure()
        for i, o in enumerate(OPTIMIZERS):
            acc = 100 * m[f"digits_{o}_test_acc"]
            fig.add_trace(go.Scatter(
                x=d["eval_steps"], y=d["digits_loss"][:, i], mode="lines", line={"color": COLORS[o]},
                name=f"{self._legend(o, d['digit_lrs'][o], lang)} · {T('test acc.', '테스트 정확도')(lang)} {acc:.1f}%",
            ))
        fig.update_layout(
            title=T("Digits network: training-set loss per step", "숫자 분류 신경망: 스텝별 훈련 세트 손실")(lang),
            xaxis_title=T("step (mini-batches of 64)", "스텝 (미니배치 64개)")(lang),
            yaxis_title=T("cross-entropy loss (log scale)", "교차 엔트로피 손실 (로그 눈금)")(lang),
            yaxis_type="log", height=400, margin={"t": 50, "b": 40}, legend={"orientation": "h", "y": -0.3},
        )
        return fig


DEMO = OptimizersDemo()
