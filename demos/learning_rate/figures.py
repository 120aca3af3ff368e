"""What the page draws and says for the learning-rate demo, in English and Korean."""

from __future__ import annotations

import math
from typing import Mapping

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.framework import (
    FINAL_LOSS, T, TEST_ACC, diverged_step, LiveChart, Metric, metric_table, Result, Value,
)
from demos.plots import PALETTE, flat, log_axis, style

SCHEDULES = {"cosine": T("cosine", "코사인"), "step": T("step", "계단식")}
ROLE_COLORS = {"constant": PALETTE[6], "schedule": PALETTE[1]}

# The sweep's series are named by their rate ("lr = 0.001"): the same in both languages.
LIVE = LiveChart(x_title=T("step", "스텝"), y_title=T("training-set loss (log scale)", "훈련 세트 손실 (로그 눈금)"),
                 log_y=True)

# What the page and the predictions call each measured number: lr1 ... lr8 are the sweep's
# rates from the smallest up.
_SWEEP = {f"lr{i}": T(f"rate #{i}", f"{i}번째 학습률") for i in range(1, 9)}
METRICS = {
    **{key: Metric(T(f"{name.en} of the sweep", f"스윕의 {name.ko}")) for key, name in _SWEEP.items()},
    **metric_table({**_SWEEP, **{role: T(f"{role} rate", name) for role, name in
                                 (("constant", "고정 학습률"), ("schedule", "스케줄 학습률"))}},
                   {"diverged_step": diverged_step(-1), "final_loss": FINAL_LOSS, "test_acc": TEST_ACC}),
    "start_loss": Metric(T("loss before training", "학습 전 손실")),
    "best_lr": Metric(T("best rate of the sweep", "스윕에서 가장 좋은 학습률")),
    "schedule_final_lr": Metric(T("schedule's last rate", "스케줄의 마지막 학습률")),
    "range_test_min_loss_lr": Metric(T("range test: rate at the lowest loss", "범위 테스트: 손실이 가장 낮은 학습률")),
    "range_test_suggested_lr": Metric(T("range test: suggested rate", "범위 테스트: 추천 학습률")),
    "range_test_stop_step": Metric(T("range test: stopped at step", "범위 테스트: 멈춘 스텝"), "step", never=-1),
    "range_test_stop_lr": Metric(T("range test: rate when it stopped", "범위 테스트: 멈췄을 때의 학습률")),
}


def _finite(values) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    sweep = [f"lr{i + 1}" for i in range(int(settings["count"]))]
    smallest = sweep[0]
    parts_en, parts_ko = [], []
    if f"{smallest}_final_loss" in m:
        loss = m[f"{smallest}_final_loss"]
        parts_en.append(f"The smallest rate ({m[smallest]:.3g}) ended at loss {loss:.3f}")
        parts_ko.append(f"가장 작은 학습률 {m[smallest]:.3g}에서는 최종 손실이 {loss:.3f}에 그쳤고")
    if "best_lr" in m:
        best = next(r for r in sweep if m[r] == m["best_lr"])
        loss = m[f"{best}_final_loss"]
        parts_en.append(f"the best was lr {m[best]:.3g} (loss {loss:.3f})")
        parts_ko.append(f"가장 좋은 결과는 학습률 {m[best]:.3g}에서 나왔습니다(손실 {loss:.3f})")
    en = ", ".join(parts_en) + "." if parts_en else ""
    ko = ", ".join(parts_ko) + "." if parts_ko else ""
    if ko and "best_lr" not in m:
        ko = ko.removesuffix("고.") + "습니다."
    for r in sweep:
        step = int(m[f"{r}_diverged_step"])
        if step >= 0:
            en += f" Learning rate {m[r]:.3g} diverged at step {step}."
            ko += f" 학습률 {m[r]:.3g}의 학습은 {step} 스텝에서 발산했습니다."
        elif m[f"{r}_final_loss"] >= m["start_loss"]:  # bounced around and never got anywhere
            en += (f" Learning rate {m[r]:.3g} ended worse than it started "
                   f"({m[f'{r}_final_loss']:.3f} against {m['start_loss']:.3f}).")
            ko += (f" 학습률 {m[r]:.3g}의 학습은 시작할 때보다 나빠졌습니다"
                   f"(시작 {m['start_loss']:.3f}, 끝 {m[f'{r}_final_loss']:.3f}).")
    if "range_test_suggested_lr" in m:
        en += f" The range test suggests about {m['range_test_suggested_lr']:.2g}."
        ko += f" 범위 테스트가 제안하는 학습률은 약 {m['range_test_suggested_lr']:.2g}입니다."
    name = SCHEDULES[str(settings["schedule"])]

    def outcome(role: str, lang: str) -> str:
        if f"{role}_final_loss" in m:
            return f"{m[f'{role}_final_loss']:.3f}"
        step = int(m[f"{role}_diverged_step"])
        return f"none (diverged at step {step})" if lang == "en" else f"없음({step} 스텝에서 발산)"

    en += (f" Final loss with the {name.en} schedule: {outcome('schedule', 'en')}; "
           f"at a constant rate: {outcome('constant', 'en')}.")
    ko += (f" 최종 손실은 {name.ko} 스케줄이 {outcome('schedule', 'ko')}, "
           f"고정 학습률이 {outcome('constant', 'ko')}입니다.")
    return T(en.strip(), ko.strip())


def sweep_figure(result: Result, lang: str) -> go.Figure:
    d, m = result.data, result.metrics
    history = d["history"]
    fig = go.Figure()
    for i, lr in enumerate(d["sweep"]):
        role = f"lr{i + 1}"
        name = f"lr {lr:.3g}"
        step = int(m[f"{role}_diverged_step"])
        if step >= 0:
            name += T(f" (diverged at step {step})", f" ({step} 스텝에서 발산)")(lang)
        fig.add_trace(go.Scatter(x=history["step"], y=history[role], mode="lines+markers", name=name,
                                 marker={"size": 5}, line={"color": PALETTE[i % len(PALETTE)], "width": 2.5}))
    log_axis(fig, _finite(flat(history[f"lr{i + 1}"] for i in range(len(d["sweep"])))))
    fig.update_xaxes(title_text=T("step", "스텝")(lang))
    fig.update_yaxes(title_text=T("training-set loss (log scale)", "훈련 세트 손실 (로그 눈금)")(lang))
    return style(fig, height=500, title=T("Training-set loss for each learning rate", "학습률별 훈련 세트 손실")(lang))


def range_figure(result: Result, lang: str) -> go.Figure:
    d, m = result.data, result.metrics
    rates, losses = d["range_test"]["lr"], d["range_test"]["loss"]
    fig = go.Figure(go.Scatter(x=rates, y=losses, mode="lines", line={"color": PALETTE[0], "width": 2.5},
                               name=T("smoothed mini-batch loss", "평활화한 미니배치 손실")(lang)))
    if "range_test_suggested_lr" in m and losses:
        low, high = min(losses), max(losses)
        marks = (("range_test_min_loss_lr", T("lowest loss", "최저 손실"), "dot", PALETTE[6]),
                 ("range_test_suggested_lr", T("suggested: a tenth of that", "제안값: 그 10분의 1"), "dash",
                  PALETTE[2]))
        for key, text, dash, color in marks:  # vertical lines, named in the legend
            fig.add_trace(go.Scatter(x=[m[key], m[key]], y=[low, high], mode="lines",
                                     name=f"{text(lang)} ({m[key]:.2g})",
                                     line={"dash": dash, "color": color, "width": 2.5}))
    log_axis(fig, rates, axis="x")
    fig.update_xaxes(title_text=T("learning rate (log scale)", "학습률 (로그 눈금)")(lang))
    fig.update_yaxes(title_text=T("smoothed loss", "평활화한 손실")(lang))
    return style(fig, height=460, title=T("LR range test: one run, its learning rate growing every step",
                                         "학습률 범위 테스트: 한 번의 학습에서 스텝마다 학습률을 키움")(lang))


def schedule_figure(result: Result, lang: str) -> go.Figure:
    d = result.data
    history = d["history"]
    label = {"constant": T("constant rate", "고정 학습률")(lang),
             "schedule": T(f"{SCHEDULES[d['schedule']].en} schedule", f"{SCHEDULES[d['schedule']].ko} 스케줄")(lang)}
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.35, 0.65], vertical_spacing=0.14,
                        subplot_titles=(T("Learning rate", "학습률")(lang),
                                        T("Training-set loss (log scale)", "훈련 세트 손실 (로그 눈금)")(lang)))
    # The constant copy's rate, for as many steps as it trained.
    stop = int(result.metrics["constant_diverged_step"])
    rates = {"constant": [d["schedule_lr"]] * (stop if stop >= 0 else history["step"][-1]),
             "schedule": d["schedule_lrs"]}
    for role in ("constant", "schedule"):
        fig.add_trace(go.Scatter(x=list(range(len(rates[role]))), y=rates[role], mode="lines", name=label[role],
                                 legendgroup=role, line={"color": ROLE_COLORS[role], "width": 2.5}), row=1, col=1)
        fig.add_trace(go.Scatter(x=history["step"], y=history[role], mode="lines+markers", name=label[role],
                                 legendgroup=role, showlegend=False, marker={"size": 5},
                                 line={"color": ROLE_COLORS[role], "width": 2.5}), row=2, col=1)
    log_axis(fig, _finite(history["constant"] + history["schedule"]), row=2, col=1)
    fig.update_xaxes(title_text=T("step", "스텝")(lang), row=2, col=1)
    fig.update_yaxes(title_text=T("rate", "학습률")(lang), rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text=T("loss", "손실")(lang), row=2, col=1)
    return style(fig, height=560, title=T("A schedule against a constant rate", "스케줄과 고정 학습률 비교")(lang))


def figures(result: Result, lang: str) -> list[go.Figure]:
    return [sweep_figure(result, lang), range_figure(result, lang), schedule_figure(result, lang)]
