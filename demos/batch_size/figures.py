"""What the page draws and says for the batch-size demo, in English and Korean."""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.framework import (
    FINAL_LOSS, T, TEST_ACC, diverged_step, LiveChart, Metric, metric_table, Result, Value,
)
from demos.plots import PALETTE, flat, log_axis, style

PRESETS = ("8, 32, 128, full", "4, 16, 64, 256", "16, 64, 256, full")
N = 1437  # training images: 1797 digits less the 360 held out for testing
COLORS = (PALETTE[1], PALETTE[4], PALETTE[2], PALETTE[0])

# Series are named by their batch size ("B = 8"): the same in both languages.
LIVE = LiveChart(x_title=T("epoch", "에포크"), y_title=T("training-set loss (log scale)", "훈련 세트 손실 (로그 눈금)"),
                 log_y=True)

# What the page and the predictions call each measured number (every batch size of the presets).
_SIZES = {**{f"b{b}": T(f"B = {b}", f"B = {b}") for b in (4, 8, 16, 32, 64, 128, 256)},
          "full": T("full batch", "전체 배치")}
METRICS = {
    **metric_table(_SIZES, {
        "batch_size": Metric(T("batch size", "배치 크기"), "count"),
        "steps_per_epoch": Metric(T("steps per epoch", "에포크당 스텝 수"), "count"),
        "total_steps": Metric(T("steps in all", "전체 스텝 수"), "count"),
        "ms_per_epoch": Metric(T("time per epoch", "에포크당 시간"), "ms"),
        "diverged_step": diverged_step(-1), "final_loss": FINAL_LOSS, "test_acc": TEST_ACC,
        "noise": Metric(T("loss noise (spread of step-to-step changes)", "손실 잡음 (스텝 간 변화의 표준편차)")),
    }),
    "train_size": Metric(T("training images", "훈련 이미지 수"), "count"),
}


def sizes_of(preset: str) -> list[int]:
    return [N if part.strip() == "full" else int(part) for part in preset.split(",")]


def key(size: int, n: int) -> str:
    return "full" if size >= n else f"b{size}"


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    n, epochs = int(m["train_size"]), int(settings["epochs"])
    sizes = [min(s, n) for s in sizes_of(str(settings["batch_sizes"]))]
    small, big = key(sizes[0], n), key(sizes[-1], n)
    en = (f"In {epochs} epochs, batch size {sizes[0]} took {int(m[f'{small}_total_steps'])} steps and batch size "
          f"{sizes[-1]} took {int(m[f'{big}_total_steps'])}.")
    ko = (f"{epochs} 에포크 동안 밟은 스텝 수는 배치 크기 {sizes[0]}에서 {int(m[f'{small}_total_steps'])}번, "
          f"배치 크기 {sizes[-1]}에서 {int(m[f'{big}_total_steps'])}번입니다.")
    if f"{small}_noise" in m and f"{big}_noise" in m:
        jitter = f"{m[f'{small}_noise']:.2g}", f"{m[f'{big}_noise']:.2g}"
        en += f" Step-to-step jitter of the loss: {jitter[0]} against {jitter[1]}."
        ko += f" 스텝 사이 손실 흔들림은 {jitter[0]} 대 {jitter[1]}입니다."
    if f"{small}_ms_per_epoch" in m and f"{big}_ms_per_epoch" in m:
        ms = f"{m[f'{small}_ms_per_epoch']:.1f}", f"{m[f'{big}_ms_per_epoch']:.1f}"
        en += f" One epoch took {ms[0]} ms against {ms[1]} ms."
        ko += f" 한 에포크에 걸린 시간은 {ms[0]} ms 대 {ms[1]} ms입니다."
    accs = ", ".join(f"{s}: {100 * m[f'{key(s, n)}_test_acc']:.1f}%" for s in sizes if f"{key(s, n)}_test_acc" in m)
    if accs:
        en += f" Test accuracy by batch size: {accs}."
        ko += f" 배치 크기별 테스트 정확도는 {accs}입니다."
    for s in sizes:
        step = int(m[f"{key(s, n)}_diverged_step"])
        if step >= 0:
            en += f" Batch size {s} diverged at step {step}."
            ko += f" 배치 크기 {s}의 학습은 {step} 스텝에서 발산했습니다."
    return T(en, ko)


def _name(size: int, n: int, lang: str) -> str:
    return f"B = {min(size, n)}" + (T(" (full)", " (전체)")(lang) if size >= n else "")


def curves_figure(result: Result, lang: str) -> go.Figure:
    d, m = result.data, result.metrics
    n = d["n"]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12, subplot_titles=(
        T("Loss of each step's own batch", "각 스텝이 본 배치의 손실")(lang),
        T("Whole training set, after each epoch", "에포크마다 잰 훈련 세트 전체 손실")(lang)))
    for i, size in enumerate(d["sizes"]):
        losses = d["step_losses"][size]
        # x in epochs, so 180 steps per epoch and 1 step per epoch share an axis
        x = np.arange(1, len(losses) + 1) / m[f"{key(size, n)}_steps_per_epoch"]
        fig.add_trace(go.Scatter(x=x, y=losses, mode="lines+markers" if len(losses) < 60 else "lines",
                                 name=_name(size, n, lang), legendgroup=str(size),
                                 line={"color": COLORS[i % len(COLORS)], "width": 1.5}), row=1, col=1)
        fig.add_trace(go.Scatter(x=list(range(len(d["train_loss"][size]))), y=d["train_loss"][size],
                                 mode="lines+markers", name=_name(size, n, lang), legendgroup=str(size),
                                 showlegend=False, line={"color": COLORS[i % len(COLORS)], "width": 2.5}),
                      row=1, col=2)
    for col, values in ((1, flat(d["step_losses"].values())), (2, flat(d["train_loss"].values()))):
        log_axis(fig, [v for v in values if math.isfinite(v)], row=1, col=col)
    fig.update_xaxes(title_text=T("epoch", "에포크")(lang))
    fig.update_yaxes(title_text=T("cross-entropy (log scale)", "교차 엔트로피 (로그 눈금)")(lang), row=1, col=1)
    fig.update_yaxes(title_text=T("cross-entropy (log scale)", "교차 엔트로피 (로그 눈금)")(lang), row=1, col=2)
    return style(fig, height=480)


def bars_figure(result: Result, lang: str) -> go.Figure:
    d, m = result.data, result.metrics
    n = d["n"]
    keys = [key(s, n) for s in d["sizes"]]
    names = [str(min(s, n)) for s in d["sizes"]]
    fig = make_subplots(rows=1, cols=3, horizontal_spacing=0.1, subplot_titles=(
        T("Steps per epoch", "에포크당 스텝 수")(lang), T("Time per epoch", "에포크당 시간")(lang),
        T("Test accuracy", "테스트 정확도")(lang)))
    panels = (("steps_per_epoch", 1, "{:.0f}", T("steps", "스텝")), ("ms_per_epoch", 1, "{:.1f}", T("ms", "ms")),
              ("test_acc", 100, "{:.1f}", T("% correct", "정답률 (%)")))
    for col, (suffix, factor, text, unit) in enumerate(panels, start=1):
        values = [factor * m.get(f"{k}_{suffix}", math.nan) for k in keys]  # NaN: that run diverged
        fig.add_trace(go.Bar(x=names, y=values, marker_color=list(COLORS[: len(keys)]), showlegend=False,
                             text=["" if math.isnan(v) else text.format(v) for v in values],
                             textposition="outside", cliponaxis=False), row=1, col=col)
        top = max([v for v in values if not math.isnan(v)], default=1)
        fig.update_yaxes(title_text=unit(lang), range=[0, 1.2 * top], row=1, col=col)
    fig.update_xaxes(title_text=T("batch size", "배치 크기")(lang), type="category")
    return style(fig, height=400)


def figures(result: Result, lang: str) -> list[go.Figure]:
    return [curves_figure(result, lang), bars_figure(result, lang)]
