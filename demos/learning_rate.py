"""The learning rate: too small crawls, too big bounces or blows up, and schedules.

Copies of one small network learn the handwritten digits with plain mini-batch SGD,
w ← w − lr · ∇L(w), from the same initial weights and on the same batches. Only the
learning rate differs, so any difference between the curves is the learning rate's doing:

* a sweep of learning rates, evenly spaced on a log scale from `lr_min` to `lr_max`;
* an LR range test: one more copy whose learning rate grows exponentially every step, from
  1e-4 to 100. Plotting its (smoothed) loss against the learning rate shows where learning
  starts, where it is fastest, and where it breaks down;
* a schedule: one copy at a constant `schedule_lr`, one starting there and decaying it
  (cosine, or a step down to a tenth halfway).

All copies train together: the weights carry a leading copy axis and every copy reads its own
learning rate for the current step from one table of shape (steps, copies).

A copy "diverges" at the first step whose loss is NaN or infinite or has grown past four
times its starting loss; it stops there and the summary says at which step. (The range test
uses its own stopping rule: smoothed loss above four times its best.)
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch.utils.data import DataLoader, RandomSampler, TensorDataset

from demos.framework import (
    Param, ParamError, Progress, Reporter, Result, T, Throttle, Value, resolve_params, seed_everything,
)
from demos.optim_common import (
    StackedMLP, evaluate, init_mlp, per_copy_accuracy, per_copy_loss, sequential_mlp, shuffled_batches,
    split_digits,
)

HIDDEN = 32
EVAL_EVERY = 20  # evaluate every copy on the whole training set this often: smooth curves
EARLY_STEPS = 100  # agrees_with_reference compares every copy step by step this far
DIVERGENCE_FACTOR = 4.0  # a step loss above 4x the first one: the run blew up
RANGE_START, RANGE_END = 1e-4, 100.0  # the range test's learning rates, spread exponentially
RANGE_SMOOTHING = 0.98  # the range test watches an exponential moving average of its loss...
RANGE_STOP_FACTOR = 4.0  # ...and stops once that is 4x its best so far
STEP_GAMMA = 0.1  # the step schedule multiplies the rate by this halfway through
SCHEDULES = ("cosine", "step")
COLORS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#c8b000", "#fd7f0e", "#d62728", "#8c564b")


def sweep_lrs(lr_min: float, lr_max: float, count: int) -> list[float]:
    """`count` learning rates evenly spaced on a log scale (1e-3, 1e-2, ..., 100 for the defaults)."""
    return [float(v) for v in np.geomspace(lr_min, lr_max, count)]


def range_test_lrs(steps: int) -> torch.Tensor:
    """Exponentially growing: each step multiplies the rate by the same factor."""
    return RANGE_START * (RANGE_END / RANGE_START) ** (torch.arange(steps, dtype=torch.float64) / max(1, steps - 1))


def scheduled_lrs(kind: str, base: float, steps: int) -> torch.Tensor:
    """The rate used at each step 0..steps-1, in closed form.

    cosine: CosineAnnealingLR(T_max=steps): half a cosine wave from `base` down towards 0.
    step:   StepLR(step_size=steps // 2, gamma=0.1): `base`, then a tenth of it from halfway on.
    """
    t = torch.arange(steps, dtype=torch.float64)
    if kind == "cosine":
        return base * (1 + torch.cos(math.pi * t / steps)) / 2
    if kind == "step":
        return base * STEP_GAMMA ** torch.div(t, max(1, steps // 2), rounding_mode="floor")
    raise ValueError(f"unknown schedule {kind!r}")


def lr_table(p: Mapping[str, Value]) -> tuple[torch.Tensor, list[str]]:
    """Every copy's learning rate at every step, shape (steps, copies), and the copies' roles."""
    steps = int(p["steps"])
    sweep = sweep_lrs(float(p["lr_min"]), float(p["lr_max"]), int(p["count"]))
    base = float(p["schedule_lr"])
    columns = [torch.full((steps,), lr, dtype=torch.float64) for lr in sweep]
    columns += [range_test_lrs(steps), torch.full((steps,), base, dtype=torch.float64),
                scheduled_lrs(str(p["schedule"]), base, steps)]
    roles = [f"lr{i + 1}" for i in range(len(sweep))] + ["range_test", "constant", "schedule"]
    return torch.stack(columns, dim=1), roles


class BlowUpWatch:
    """Notices, per copy, the step at which training blew up. Everything stays on the device
    (no .item() in the loop), so a GPU never has to wait for the host.

    Sweep and schedule copies blow up when a step's loss is NaN or infinite or above
    DIVERGENCE_FACTOR times their first loss. The range-test copy stops when its smoothed loss
    passes RANGE_STOP_FACTOR times the best smoothed loss so far: its raw loss is too noisy to
    judge from one step.
    """

    def __init__(self, is_range_test: torch.Tensor) -> None:
        copies, device = len(is_range_test), is_range_test.device
        self.is_range_test = is_range_test
        self.first = torch.full((copies,), float("nan"), device=device)
        self.smoothed = torch.zeros(copies, device=device)
        self.best = torch.full((copies,), float("inf"), device=device)
        self.diverged_at = torch.zeros(copies, dtype=torch.long, device=device)  # 0: not (yet)

    def update(self, step: int, loss: torch.Tensor) -> torch.Tensor:
        """Record step `step`'s losses (1-based); return which copies may keep training."""
        if step == 1:
            self.first = loss.clone()
        beta = RANGE_SMOOTHING
        self.smoothed = beta * self.smoothed + (1 - beta) * torch.nan_to_num(loss, nan=1e30, posinf=1e30)
        debiased = self.smoothed / (1 - beta**step)  # the average starts at 0: correct for it
        self.best = torch.minimum(self.best, debiased)
        too_high = torch.where(self.is_range_test, debiased > RANGE_STOP_FACTOR * self.best,
                               loss > DIVERGENCE_FACTOR * self.first)
        blew_up = ~torch.isfinite(loss) | too_high
        self.diverged_at = torch.where((self.diverged_at == 0) & blew_up, step, self.diverged_at)
        return self.diverged_at == 0


class LearningRateDemo:
    id = "learning-rate"
    title = T("The learning rate: too small, too big, just right", "학습률: 너무 작을 때, 너무 클 때, 알맞을 때")
    description = T(
        "Copies of one network learn the digits side by side, identical except for the learning "
        "rate. The smallest rates barely move, a middle one learns quickly, and the biggest "
        "bounce around or blow up. A range test sweeps the rate upward within one run, and a "
        "schedule shows what lowering the rate during training does.",
        "학습률만 다른 똑같은 신경망 여러 개가 나란히 숫자 데이터를 학습합니다. 가장 작은 학습률은 "
        "거의 움직이지 않고, 중간 학습률은 빠르게 배우며, 가장 큰 학습률은 요동치거나 발산합니다. "
        "범위 테스트는 한 번의 학습 안에서 학습률을 점점 키워 보고, 스케줄은 학습 도중 학습률을 "
        "낮추면 어떻게 되는지 보여 줍니다.",
    )
    params = (
        Param("lr_min", T("Smallest learning rate", "가장 작은 학습률"), 1e-3, min=1e-5, max=1.0, log=True),
        Param("lr_max", T("Largest learning rate", "가장 큰 학습률"), 100.0, min=1e-3, max=1000.0, log=True),
        Param("count", T("Learning rates in the sweep", "비교할 학습률 개수"), 6, min=2, max=8,
              help=T("Spread evenly on a log scale between the smallest and the largest.",
                     "가장 작은 값과 가장 큰 값 사이에 로그 눈금으로 고르게 배치합니다.")),
        Param("steps", T("Training steps", "학습 스텝 수"), 1000, min=50, max=5000, step=50),
        Param("batch_size", T("Batch size", "배치 크기"), 16, min=4, max=512,
              help=T("Images per step. Small batches make each step's gradient noisier.",
                     "한 스텝에 쓰는 이미지 수입니다. 배치가 작을수록 스텝마다의 기울기에 잡음이 많습니다.")),
        Param("schedule", T("Schedule", "스케줄"), "cosine", choices=SCHEDULES,
              choice_labels={"cosine": T("cosine", "cosine (코사인 감소)"), "step": T("step", "step (계단식 감소)")},
              help=T("cosine: glide down to 0 along half a cosine wave. step: drop to a tenth halfway.",
                     "cosine: 코사인 반 주기를 따라 0까지 서서히 낮춥니다. step: 절반 지점에서 10분의 1로 "
                     "떨어뜨립니다.")),
        Param("schedule_lr", T("Starting rate for the schedule", "스케줄의 시작 학습률"), 1.0,
              min=1e-3, max=10.0, log=True,
              help=T("Compared against the same rate held constant.", "같은 값을 계속 쓰는 경우와 비교합니다.")),
    )

    @staticmethod
    def _check(p: Mapping[str, Value]) -> None:
        if float(p["lr_max"]) <= float(p["lr_min"]):
            raise ParamError(f"lr_max: must be larger than lr_min ({p['lr_min']!r}); got {p['lr_max']!r}")

    # -- running --------------------------------------------------------------------------

    def run(self, params: Mapping[str, Value], *, device: torch.device, seed: int, report: Reporter) -> Result:
        p = resolve_params(self.params, params)
        self._check(p)
        seed_everything(seed)
        generator = torch.Generator().manual_seed(seed)
        x_train, y_train, x_test, y_test = split_digits(generator, device)
        init = init_mlp((64, HIDDEN, 10), generator)
        steps, batch_size = int(p["steps"]), int(p["batch_size"])
        batches = shuffled_batches(len(x_train), batch_size, steps, generator).to(device)
        table, roles = lr_table(p)
        lrs = table.to(device=device, dtype=torch.float32)
        copies = len(roles)
        is_range = torch.tensor([r == "range_test" for r in roles], device=device)

        model = StackedMLP(copies, init).to(device)
        weights = list(model.parameters())
        x_train_c = x_train.expand(copies, -1, -1)
        eval_steps = [s for s in range(steps + 1) if s % EVAL_EVERY == 0 or s == steps]
        evals = torch.full((len(eval_steps), copies), float("nan"), device=device)
        step_loss = torch.full((steps, copies), float("nan"), device=device)
        watch = BlowUpWatch(is_range)
        throttle = Throttle(steps, every=max(1, steps // 40))
        row = 0

        for step in range(steps + 1):
            if step == eval_steps[row]:
                with torch.no_grad():
                    evals[row] = per_copy_loss(model(x_train_c), y_train)
                row += 1
            if step == steps:
                break
            idx = batches[step]
            loss = per_copy_loss(model(x_train[idx].expand(copies, -1, -1)), y_train[idx])
            grads = torch.autograd.grad(loss.sum(), weights)  # copies share nothing: own gradients
            with torch.no_grad():
                step_loss[step] = loss
                alive = watch.update(step + 1, loss.detach()).view(-1, 1, 1)
                lr = lrs[step].view(-1, 1, 1)  # every copy's own rate for this step
                for w, g in zip(weights, grads):
                    w.sub_(torch.where(alive, lr * g, 0.0))  # SGD; where(), because 0 * NaN is NaN
            if throttle.due(step + 1):
                report(self._progress(step + 1, steps, eval_steps[:row], evals[:row], roles, table))

        with torch.no_grad():
            test_acc = per_copy_accuracy(model(x_test.expand(copies, -1, -1)), y_test)
        return self._result(p, roles, table, eval_steps, evals.cpu(), step_loss.cpu(),
                            test_acc.cpu(), watch.diverged_at.cpu())

    @staticmethod
    def _progress(done: int, total: int, at: list[int], evals: torch.Tensor, roles: list[str],
                  table: torch.Tensor) -> Progress:
        values = evals.cpu()  # the one host copy per report
        curves = {f"lr {float(table[0, i]):.3g}": values[:, i].tolist()
                  for i, role in enumerate(roles) if role.startswith("lr")}
        return Progress(done=done, total=total, x=tuple(at), curves=curves)

    def _result(
        self, p: Mapping[str, Value], roles: list[str], table: torch.Tensor, eval_steps: list[int],
        evals: torch.Tensor, step_loss: torch.Tensor, test_acc: torch.Tensor, diverged_at: torch.Tensor,
    ) -> Result:
        """Metrics and figure data from what a run computed (shared by run and reference).

        A copy that diverged at step N has no final loss: its curves stop before step N, its
        loss metric is left out, and `<copy>_diverged_step` is N (-1: it never diverged).
        """
        evals, step_loss = evals.clone(), step_loss.clone()
        at = torch.tensor(eval_steps)
        for i in range(len(roles)):
            if diverged_at[i] > 0:
                # Step N's loss (computed from the weights after N - 1 updates) blew up.
                evals[at >= int(diverged_at[i]) - 1, i] = float("nan")
                step_loss[int(diverged_at[i]) - 1 :, i] = float("nan")
        metrics: dict[str, float] = {"start_loss": float(evals[0, 0])}  # every copy starts from the same weights
        for i, role in enumerate(roles):
            if role == "range_test":
                continue
            if role.startswith("lr"):
                metrics[role] = float(table[0, i])
            metrics[f"{role}_diverged_step"] = float(diverged_at[i]) if diverged_at[i] > 0 else -1.0
            if diverged_at[i] == 0:
                metrics[f"{role}_final_loss"] = float(evals[-1, i])
            metrics[f"{role}_test_acc"] = float(test_acc[i])
        sweep = [r for r in roles if r.startswith("lr")]
        survivors = [r for r in sweep if f"{r}_final_loss" in metrics]
        if survivors:
            metrics["best_lr"] = metrics[min(survivors, key=lambda r: metrics[f"{r}_final_loss"])]
        metrics["schedule_final_lr"] = float(table[-1, roles.index("schedule")])

        # The range test: smoothed loss against the learning rate, up to where it blew up.
        r = roles.index("range_test")
        stop = int(diverged_at[r]) - 1 if diverged_at[r] > 0 else len(step_loss)
        range_lr = table[:stop, r].numpy()
        range_loss = smooth(step_loss[:stop, r].numpy())
        if stop > 0:
            lowest = int(np.argmin(range_loss))
            metrics["range_test_min_loss_lr"] = float(range_lr[lowest])
            # A common rule of thumb: a tenth of the rate where the loss bottoms out.
            metrics["range_test_suggested_lr"] = float(range_lr[lowest]) / 10
        metrics["range_test_stop_step"] = float(diverged_at[r]) if diverged_at[r] > 0 else -1.0
        if diverged_at[r] > 0:
            metrics["range_test_stop_lr"] = float(table[stop, r])

        data = {
            "roles": roles, "lrs": table.numpy(), "eval_steps": np.array(eval_steps), "evals": evals.numpy(),
            "step_loss": step_loss.numpy(), "range_lr": range_lr, "range_loss": range_loss,
            "schedule": str(p["schedule"]),
        }
        return Result(metrics=metrics, data=data, summary=self._summary(metrics, sweep, str(p["schedule"])))

    @staticmethod
    def _summary(m: Mapping[str, float], sweep: list[str], schedule: str) -> T:
        smallest = sweep[0]
        parts_en, parts_ko = [], []
        if f"{smallest}_final_loss" in m:
            parts_en.append(f"The smallest rate ({m[smallest]:.3g}) ended at loss {m[f'{smallest}_final_loss']:.3f}")
            parts_ko.append(f"가장 작은 학습률 {m[smallest]:.3g}에서는 최종 손실이 {m[f'{smallest}_final_loss']:.3f}에 그쳤고")
        if "best_lr" in m:
            best = next(r for r in sweep if m[r] == m["best_lr"])
            parts_en.append(f"the best was lr {m[best]:.3g} (loss {m[f'{best}_final_loss']:.3f})")
            parts_ko.append(f"가장 좋은 결과는 학습률 {m[best]:.3g}에서 나왔습니다(손실 {m[f'{best}_final_loss']:.3f})")
        en = ", ".join(parts_en) + "." if parts_en else ""
        ko = ", ".join(parts_ko) + "." if parts_ko else ""
        for r in sweep:
            if m[f"{r}_diverged_step"] > 0:
                en += f" Learning rate {m[r]:.3g} diverged at step {int(m[f'{r}_diverged_step'])}."
                ko += f" 학습률 {m[r]:.3g}의 학습은 {int(m[f'{r}_diverged_step'])} 스텝에서 발산했습니다."
            elif m[f"{r}_final_loss"] >= m["start_loss"]:  # bounced around and never got anywhere
                en += (f" Learning rate {m[r]:.3g} ended worse than it started "
                       f"({m[f'{r}_final_loss']:.3f} against {m['start_loss']:.3f}).")
                ko += (f" 학습률 {m[r]:.3g}의 학습은 시작할 때보다 나빠졌습니다"
                       f"(시작 {m['start_loss']:.3f}, 끝 {m[f'{r}_final_loss']:.3f}).")
        if "range_test_suggested_lr" in m:
            en += f" The range test suggests about {m['range_test_suggested_lr']:.2g}."
            ko += f" 범위 테스트가 제안하는 학습률은 약 {m['range_test_suggested_lr']:.2g}입니다."
        name = {"cosine": ("cosine", "코사인"), "step": ("step", "계단식")}[schedule]
        def outcome(role: str, lang: str) -> str:
            if f"{role}_final_loss" in m:
                return f"{m[f'{role}_final_loss']:.3f}"
            step = int(m[f"{role}_diverged_step"])
            return f"none (diverged at step {step})" if lang == "en" else f"없음({step} 스텝에서 발산)"
        en += (f" Final loss with the {name[0]} schedule: {outcome('schedule', 'en')}; "
               f"at a constant rate: {outcome('constant', 'en')}.")
        ko += (f" 최종 손실은 {name[1]} 스케줄이 {outcome('schedule', 'ko')}, "
               f"고정 학습률이 {outcome('constant', 'ko')}입니다.")
        return T(en.strip(), ko.strip())

    # -- the plain reference (for `studyapp bench`) ------------------------------------------

    def reference(self, params: Mapping[str, Value], *, device: torch.device, seed: int) -> Result:
        """The same experiment the obvious way: one nn.Sequential + torch.optim.SGD per copy,
        trained one after another from a DataLoader, the schedules from torch.optim.lr_scheduler."""
        p = resolve_params(self.params, params)
        self._check(p)
        seed_everything(seed)
        generator = torch.Generator().manual_seed(seed)
        x_train, y_train, x_test, y_test = split_digits(generator, device)
        init = init_mlp((64, HIDDEN, 10), generator)
        steps, batch_size = int(p["steps"]), int(p["batch_size"])
        table, roles = lr_table(p)
        eval_steps = [s for s in range(steps + 1) if s % EVAL_EVERY == 0 or s == steps]
        evals = torch.full((len(eval_steps), len(roles)), float("nan"))
        step_loss = torch.full((steps, len(roles)), float("nan"))
        test_acc = torch.empty(len(roles))
        diverged_at = torch.zeros(len(roles), dtype=torch.long)
        dataset = TensorDataset(x_train, y_train)
        shuffle_state = generator.get_state()

        for i, role in enumerate(roles):
            model = sequential_mlp(init).to(device)
            optimizer = torch.optim.SGD(model.parameters(), lr=float(table[0, i]))
            scheduler = None
            if role == "schedule" and p["schedule"] == "cosine":
                scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
            elif role == "schedule":
                scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=max(1, steps // 2), gamma=STEP_GAMMA)
            order = torch.Generator()
            order.set_state(shuffle_state)  # every copy sees the same batches
            loader = DataLoader(dataset, batch_size=batch_size, drop_last=True,
                                sampler=RandomSampler(dataset, generator=order))
            batches = iter(loader)
            smoothed, best, first = 0.0, math.inf, None
            for step in range(steps + 1):
                if step in eval_steps:
                    evals[eval_steps.index(step), i] = evaluate(model, x_train, y_train)[0]
                if step == steps:
                    break
                try:
                    xb, yb = next(batches)
                except StopIteration:  # start the next epoch
                    batches = iter(loader)
                    xb, yb = next(batches)
                if role == "range_test":
                    optimizer.param_groups[0]["lr"] = float(table[step, i])
                loss = F.cross_entropy(model(xb), yb)
                value = loss.item()
                step_loss[step, i] = value
                first = value if first is None else first
                if role == "range_test":
                    finite = value if math.isfinite(value) else 1e30
                    smoothed = RANGE_SMOOTHING * smoothed + (1 - RANGE_SMOOTHING) * finite
                    debiased = smoothed / (1 - RANGE_SMOOTHING ** (step + 1))
                    best = min(best, debiased)
                    too_high = debiased > RANGE_STOP_FACTOR * best
                else:
                    too_high = value > DIVERGENCE_FACTOR * first
                if not math.isfinite(value) or too_high:
                    diverged_at[i] = step + 1
                    break
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                if scheduler is not None:
                    scheduler.step()
            test_acc[i] = evaluate(model, x_test, y_test)[1]
        return self._result(p, roles, table, eval_steps, evals, step_loss, test_acc, diverged_at)

    def agrees_with_reference(self, fast: Result, reference: Result) -> tuple[bool, str]:
        """Both runs see identical batches from identical weights; only float32 rounding differs
        (batched matrix products add up in another order). So:

        * every copy's step losses agree within 1% for the first EARLY_STEPS steps (or up to
          the step where both blew up at the same point);
        * stable copies end the same: the same divergence, final losses within 5% or 0.1;
        * the range test stops within 5% of the same step.

        A copy whose whole-set loss ever climbs 30% above its best so far (a rate at the edge of
        stability) is chaotic: rounding differences grow until the two runs part ways, as two
        real runs would. For those only the first EARLY_STEPS steps are compared.
        """
        roles = fast.data["roles"]
        steps = len(fast.data["step_loss"])
        early = min(EARLY_STEPS, steps)
        problems, chaotic = [], []
        for i, role in enumerate(roles):
            a, b = fast.data["step_loss"][:early, i], reference.data["step_loss"][:early, i]
            if not np.array_equal(np.isfinite(a), np.isfinite(b)):
                problems.append(f"{role}: blew up at different steps within the first {early}")
                continue
            both = np.isfinite(a)
            if not np.allclose(a[both], b[both], rtol=0.01, atol=1e-6):
                problems.append(f"{role}: step losses differ by more than 1% within the first {early} steps")
                continue
            if role == "range_test":
                x, y = fast.metrics["range_test_stop_step"], reference.metrics["range_test_stop_step"]
                if (x > 0) != (y > 0) or abs(x - y) > 0.05 * steps:
                    problems.append(f"range test stopped at step {x:g} vs {y:g}")
                continue
            if is_chaotic(fast.data["evals"][:, i]) or is_chaotic(reference.data["evals"][:, i]):
                chaotic.append(f"lr {fast.metrics[role]:.3g}" if role.startswith("lr") else role)
                continue
            x, y = fast.metrics[f"{role}_diverged_step"], reference.metrics[f"{role}_diverged_step"]
            if (x > 0) != (y > 0) or abs(x - y) > 2:
                problems.append(f"{role}: diverged at step {x:g} vs {y:g}")
            elif x < 0:
                a_end, b_end = fast.metrics[f"{role}_final_loss"], reference.metrics[f"{role}_final_loss"]
                if not math.isclose(a_end, b_end, rel_tol=0.05, abs_tol=0.1):
                    problems.append(f"{role}: final loss {a_end:.4f} vs {b_end:.4f}")
        if problems:
            return False, "; ".join(problems)
        note = f"; chaotic, compared over the first {early} steps only: {', '.join(chaotic)}" if chaotic else ""
        return True, (f"all copies agree step by step for {early} steps; stable copies end within 5% "
                      f"with the same divergence; range test stops at the same point{note}")

    # -- figures --------------------------------------------------------------------------

    def figures(self, result: Result, lang: str) -> list[go.Figure]:
        return [
            self._sweep_figure(result, lang), self._range_figure(result, lang), self._schedule_figure(result, lang)
        ]

    def _sweep_figure(self, result: Result, lang: str) -> go.Figure:
        d, m = result.data, result.metrics
        fig = go.Figure()
        for i, role in enumerate(d["roles"]):
            if not role.startswith("lr"):
                continue
            name = f"lr {m[role]:.3g}"
            if m[f"{role}_diverged_step"] > 0:
                name += T(f" (diverged at step {int(m[f'{role}_diverged_step'])})",
                          f" ({int(m[f'{role}_diverged_step'])} 스텝에서 발산)")(lang)
            fig.add_trace(go.Scatter(x=d["eval_steps"], y=d["evals"][:, i], mode="lines+markers", name=name,
                                     marker={"size": 4}, line={"color": COLORS[i % len(COLORS)]}))
        fig.update_layout(
            title=T("Training-set loss for each learning rate", "학습률별 훈련 세트 손실")(lang),
            xaxis_title=T("step", "스텝")(lang),
            yaxis_title=T("cross-entropy loss (log scale)", "교차 엔트로피 손실 (로그 눈금)")(lang),
            yaxis_type="log", height=420, margin={"t": 50, "b": 40}, legend={"orientation": "h", "y": -0.25},
        )
        return fig

    def _range_figure(self, result: Result, lang: str) -> go.Figure:
        d, m = result.data, result.metrics
        fig = go.Figure(go.Scatter(x=d["range_lr"], y=d["range_loss"], mode="lines", line={"color": "#1f77b4"},
                                   name=T("smoothed mini-batch loss", "평활화한 미니배치 손실")(lang)))
        if "range_test_suggested_lr" in m and len(d["range_loss"]):
            low, high = float(np.min(d["range_loss"])), float(np.max(d["range_loss"]))
            marks = (
                ("range_test_min_loss_lr", T("lowest loss", "최저 손실"), "dot", "gray"),
                ("range_test_suggested_lr", T("suggested: a tenth of that", "제안값: 그 10분의 1"), "dash", "#2ca02c"),
            )
            for key, text, dash, color in marks:  # vertical lines, named in the legend
                fig.add_trace(go.Scatter(x=[m[key], m[key]], y=[low, high], mode="lines",
                                         name=f"{text(lang)} ({m[key]:.2g})", line={"dash": dash, "color": color}))
        fig.update_layout(
            title=T("LR range test: one run, the learning rate growing every step",
                    "학습률 범위 테스트: 한 번의 학습에서 스텝마다 학습률을 키움")(lang),
            xaxis={"title": T("learning rate (log scale)", "학습률 (로그 눈금)")(lang), "type": "log",
                   "exponentformat": "power"},
            yaxis_title=T("loss", "손실")(lang), height=400, margin={"t": 50, "b": 40},
            legend={"orientation": "h", "y": -0.25},
        )
        return fig

    def _schedule_figure(self, result: Result, lang: str) -> go.Figure:
        d = result.data
        roles = d["roles"]
        label = {"constant": T("constant", "고정")(lang),
                 "schedule": T(f"{d['schedule']} schedule",
                               "코사인 스케줄" if d["schedule"] == "cosine" else "계단식 스케줄")(lang)}
        colors = {"constant": "#7f7f7f", "schedule": "#d62728"}
        fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.35, 0.65], vertical_spacing=0.08,
                            subplot_titles=(T("learning rate", "학습률")(lang), T("training-set loss", "훈련 세트 손실")(lang)))
        steps = np.arange(len(d["lrs"]))
        for role in ("constant", "schedule"):
            i = roles.index(role)
            fig.add_trace(go.Scatter(x=steps, y=d["lrs"][:, i], mode="lines", name=label[role], legendgroup=role,
                                     line={"color": colors[role]}), row=1, col=1)
            fig.add_trace(go.Scatter(x=d["eval_steps"], y=d["evals"][:, i], mode="lines+markers", name=label[role],
                                     legendgroup=role, showlegend=False, marker={"size": 4},
                                     line={"color": colors[role]}), row=2, col=1)
        fig.update_yaxes(type="log", row=2, col=1)
        fig.update_xaxes(title_text=T("step", "스텝")(lang), row=2, col=1)
        fig.update_layout(title=T("A schedule against a constant rate", "스케줄과 고정 학습률 비교")(lang),
                          height=480, margin={"t": 70, "b": 40}, legend={"orientation": "h", "y": -0.15})
        return fig


def is_chaotic(curve: np.ndarray, factor: float = 1.3) -> bool:
    """True if a loss curve ever climbs `factor` times above its best value so far."""
    curve = curve[np.isfinite(curve)]
    return len(curve) > 1 and bool(np.any(curve[1:] > factor * np.minimum.accumulate(curve)[:-1]))


def smooth(values: np.ndarray, beta: float = RANGE_SMOOTHING) -> np.ndarray:
    """Bias-corrected exponential moving average, as the range test's stopping rule sees it."""
    out, average = np.empty(len(values)), 0.0
    for i, v in enumerate(values):
        average = beta * average + (1 - beta) * v
        out[i] = average / (1 - beta ** (i + 1))
    return out


DEMO = LearningRateDemo()
