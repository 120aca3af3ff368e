"""What the page draws and says for the residual demo, in English and Korean.

The last figure compares the landmark architectures from torchvision's own definitions
(demos/architectures.py): the first time it is drawn in a process it imports torchvision and
measures eleven models, a second or two; after that it is cached.
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.framework import (
    T, TEST_ACC, TRAIN_ACC, TRAIN_LOSS, diverged_step, LiveChart, Metric, metric_table, Result, Value,
)
from demos.plots import PALETTE, decade_ticks, flat, log_axis, style, tick_text

NETS = ("shallow", "plain", "residual")  # the lesson's names for the three networks
NAMES = {"shallow": T("shallow plain", "얕은 평범한 신경망"),
         "plain": T("deep plain", "깊은 평범한 신경망"),
         "residual": T("deep residual", "깊은 잔차 신경망")}
COLORS = {"shallow": PALETTE[2], "plain": PALETTE[1], "residual": PALETTE[0]}
SMOOTHING = 10  # batches in the moving average of the training curves (as in the live chart)

LIVE = LiveChart(
    x_title=T("training step", "학습 스텝"),
    y_title=T(f"training loss (last {SMOOTHING} batches, log scale)",
              f"훈련 손실 (최근 {SMOOTHING}개 배치, 로그 눈금)"),
    log_y=True,
    names=NAMES,
)

# What the page and the predictions call each measured number.
METRICS = {
    **metric_table(NAMES, {
        "train_loss": TRAIN_LOSS, "train_acc": TRAIN_ACC, "test_acc": TEST_ACC,
        "grad_ratio": Metric(T("gradient, first layer over last", "기울기 비 (첫 번째 층 / 마지막 층)")),
        "diverged_step": diverged_step(0),
    }),
    "degradation": Metric(T("degradation (deep minus shallow training loss)", "성능 저하 (깊은 − 얕은 훈련 손실)")),
    "shortcut_gain": Metric(T("shortcut gain (plain minus residual training loss)",
                              "지름길 이득 (평범한 − 잔차 훈련 손실)")),
}


def label(name: str, depths: Mapping[str, int], lang: str, sep: str = " ") -> str:
    layers = int(depths[name])
    return T(f"{NAMES[name].en}{sep}({layers} layers)", f"{NAMES[name].ko}{sep}({layers}층)")(lang)


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    deep, shallow = int(settings["depth"]) // 2 * 2, int(settings["shallow_depth"]) // 2 * 2
    loss = {name: m[f"{name}_train_loss"] for name in NETS}
    ratio = m["plain_grad_ratio"]
    return T(
        f"Training loss at the end: {loss['shallow']:.3f} for the {shallow}-layer plain network, "
        f"{loss['plain']:.3f} for the {deep}-layer plain one and {loss['residual']:.3f} for the "
        f"{deep}-layer residual one. Before training, the deep plain network's first layer got "
        f"{ratio:.2g} times the gradient of its last layer.",
        f"학습을 마친 뒤 훈련 손실은 {shallow}층 평범한 신경망이 {loss['shallow']:.3f}, {deep}층 평범한 "
        f"신경망이 {loss['plain']:.3f}, {deep}층 잔차 신경망이 {loss['residual']:.3f}입니다. 학습 전에 "
        f"깊은 평범한 신경망의 첫 층은 마지막 층 기울기의 {ratio:.2g}배를 받았습니다.",
    )


def figures(result: Result, lang: str) -> list[go.Figure]:
    return [loss_figure(result, lang), gradient_figure(result, lang), final_figure(result, lang),
            architectures_figure(lang)]


def moving_average(values: list[float], window: int) -> np.ndarray:
    """The mean of the last `window` values at every point (fewer at the start)."""
    cumulative = np.cumsum(np.asarray(values, dtype=float))
    out = cumulative.copy()
    out[window:] -= cumulative[:-window]
    return out / np.minimum(np.arange(1, len(out) + 1), window)


def loss_figure(result: Result, lang: str) -> go.Figure:
    data = result.data
    fig = go.Figure()
    curves = {}
    for name in NETS:
        curves[name] = moving_average(data["losses"][name], SMOOTHING) if data["losses"][name] else np.array([])
        fig.add_trace(go.Scatter(x=np.arange(1, len(curves[name]) + 1), y=curves[name],
                                 name=label(name, data["depths"], lang),
                                 line={"color": COLORS[name], "width": 2.5}))
    for name, step in data["diverged"].items():  # a dashed line, named in the legend
        fig.add_vline(x=step, line_dash="dash", line_color=COLORS[name], line_width=1.5)
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line={"color": COLORS[name], "dash": "dash"},
                                 name=T(f"{NAMES[name].en} diverged (step {step})",
                                        f"{NAMES[name].ko} 발산 ({step} 스텝)")(lang)))
    log_axis(fig, flat(curves.values()))
    fig.update_xaxes(title_text=T("training step", "학습 스텝")(lang))
    fig.update_yaxes(title_text=T("cross-entropy (log scale)", "교차 엔트로피 (로그 눈금)")(lang))
    return style(fig, height=460, title=T(
        f"Training loss of the three networks on the same batches (mean of the last {SMOOTHING})",
        f"같은 배치로 학습한 세 신경망의 훈련 손실 (최근 {SMOOTHING}개 배치의 평균)")(lang))


def gradient_figure(result: Result, lang: str) -> go.Figure:
    data = result.data
    fig = go.Figure()
    for name in NETS:
        grads = [g if g > 0 else None for g in data["grad_start"][name]]  # 0 has no place on a log axis
        fig.add_trace(go.Scatter(x=np.arange(1, len(grads) + 1), y=grads, mode="lines+markers",
                                 name=label(name, data["depths"], lang),
                                 line={"color": COLORS[name], "width": 2.5}, marker={"size": 7}))
    values = [g for g in flat(data["grad_start"].values()) if g > 0 and math.isfinite(g)]
    log_axis(fig, values)
    ticks = decade_ticks(min(values), max(values)) if values else []
    if len(ticks) > 10:  # many decades (BatchNorm off): a label every few, so they stay readable
        ticks = ticks[::-(-len(ticks) // 8)]
        fig.update_yaxes(tickvals=ticks, ticktext=[tick_text(t) for t in ticks])
    fig.update_xaxes(title_text=T("weight layer (1 = next to the input)", "가중치 층 (1 = 입력 쪽)")(lang))
    fig.update_yaxes(title_text=T("‖∂loss/∂W‖ (log scale)", "‖∂loss/∂W‖ (로그 눈금)")(lang))
    return style(fig, height=460, title=T("Gradient reaching each layer before training",
                                          "학습 전에 각 층에 닿는 기울기")(lang))


def final_figure(result: Result, lang: str) -> go.Figure:
    data, m = result.data, result.metrics
    names = [label(name, data["depths"], lang, sep="<br>") for name in NETS]  # two lines: room
    colors = [COLORS[name] for name in NETS]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.14, subplot_titles=(
        T("Training loss at the end", "마지막 훈련 손실")(lang),
        T("Test accuracy (digits never trained on)", "테스트 정확도 (학습에 쓰지 않은 숫자)")(lang)))
    losses = [m[f"{name}_train_loss"] for name in NETS]
    accuracies = [100 * m[f"{name}_test_acc"] for name in NETS]
    fig.add_trace(go.Bar(x=names, y=[v if math.isfinite(v) else None for v in losses], marker_color=colors,
                         text=[f"{v:.3f}" if math.isfinite(v) else "NaN" for v in losses],
                         textposition="outside", cliponaxis=False, showlegend=False), row=1, col=1)
    fig.add_trace(go.Bar(x=names, y=accuracies, marker_color=colors, text=[f"{a:.1f}%" for a in accuracies],
                         textposition="outside", cliponaxis=False, showlegend=False), row=1, col=2)
    top = max([v for v in losses if math.isfinite(v)], default=1.0)
    fig.update_yaxes(title_text=T("cross-entropy", "교차 엔트로피")(lang), range=[0, 1.2 * top], row=1, col=1)
    fig.update_yaxes(title_text=T("accuracy (%)", "정확도 (%)")(lang), range=[0, 112], row=1, col=2)
    fig.update_xaxes(tickangle=0, title_text=T("network", "신경망")(lang))
    return style(fig, height=440, legend_below=False,
                 title=T("After training: the same data, the same steps", "학습 후: 같은 데이터, 같은 스텝 수")(lang))


FAMILY_COLORS = {"LeNet": PALETTE[6], "AlexNet": PALETTE[4], "VGG": PALETTE[1], "GoogLeNet": PALETTE[3],
                 "ResNet": PALETTE[0], "MobileNet": PALETTE[2]}


def architectures_figure(lang: str) -> go.Figure:
    from demos.architectures import comparison

    rows = comparison()
    names = [f"{r.name} ({r.year})" for r in rows]
    colors = [next(c for family, c in FAMILY_COLORS.items() if r.name.startswith(family)) for r in rows]
    params = [r.params / 1e6 for r in rows]
    macs = [r.macs / 1e9 for r in rows]
    depth = [r.depth for r in rows]
    fig = make_subplots(rows=1, cols=3, shared_yaxes=True, horizontal_spacing=0.05, subplot_titles=(
        T("parameters (millions)", "파라미터 (백만 개)")(lang),
        T("multiply-adds per image (billions)", "이미지당 곱셈-누산 (십억 번)")(lang),
        T("depth (weight layers)", "깊이 (가중치 층 수)")(lang)))
    for col, (values, text) in enumerate(((params, [f"{v:.3g}" for v in params]),
                                          (macs, [f"{v:.3g}" for v in macs]),
                                          (depth, [str(d) for d in depth])), start=1):
        fig.add_trace(go.Bar(y=names, x=values, orientation="h", marker_color=colors, text=text,
                             textposition="outside", cliponaxis=False, showlegend=False), row=1, col=col)
    for col, values in ((1, params), (2, macs)):
        log_axis(fig, values, axis="x", row=1, col=col)
        low, high = math.log10(min(values)), math.log10(max(values))
        fig.update_xaxes(range=[low - 0.3, high + 0.9], row=1, col=col)  # room for the numbers
    fig.update_xaxes(range=[0, 1.25 * max(depth)], row=1, col=3)
    fig.update_xaxes(title_text=T("log scale", "로그 눈금")(lang), row=1, col=1)
    fig.update_xaxes(title_text=T("log scale", "로그 눈금")(lang), row=1, col=2)
    fig.update_xaxes(title_text=T("longest path", "가장 긴 경로")(lang), row=1, col=3)
    fig.update_yaxes(autorange="reversed", title_text=T("architecture (year)", "구조 (연도)")(lang), row=1, col=1)
    return style(fig, height=560, legend_below=False, title=T(
        "Landmark CNNs, measured from torchvision's definitions (LeNet-5 on 32×32, the rest on 224×224)",
        "대표 CNN 구조를 torchvision의 정의로 잰 값 (LeNet-5는 32×32, 나머지는 224×224 입력)")(lang))
