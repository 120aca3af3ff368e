"""What the page draws and says for the activations demo, in English and Korean."""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.framework import (
    T, VAL_ACC, VAL_LOSS, accuracy, diverged_step, LiveChart, Metric, metric_table, Result, Value,
)
from demos.plots import PALETTE, flat, log_axis, style

# In the lesson's order, which is also the order of the live chart's series (and its colours).
NAMES = {
    "sigmoid": T("sigmoid", "시그모이드"),
    "tanh": T("tanh", "tanh"),
    "relu": T("ReLU", "ReLU"),
    "leaky_relu": T("Leaky ReLU", "Leaky ReLU"),
    "gelu": T("GELU", "GELU"),
}
COLORS = {name: PALETTE[i] for i, name in enumerate(NAMES)}
# Leaky ReLU often lies right on top of ReLU: dashed, so that both stay visible.
DASH = {name: "dash" if name == "leaky_relu" else "solid" for name in NAMES}
# Bounded activations and the ReLU family: two histogram figures of a readable size each.
HISTOGRAM_GROUPS = (("sigmoid", "tanh"), ("relu", "leaky_relu", "gelu"))
HISTOGRAM_BINS = 40

INIT_LABELS = {
    "zeros": T("all-zero", "모두 0인"),
    "small normal": T("small normal (σ = 0.01)", "작은 정규분포(σ = 0.01)"),
    "large normal": T("large normal (σ = 1)", "큰 정규분포(σ = 1)"),
    "xavier": T("Xavier (Glorot)", "Xavier(Glorot)"),
    "he": T("He (Kaiming)", "He(Kaiming)"),
}
STEP = T("training step", "학습 단계")

LIVE = LiveChart(x_title=STEP, y_title=T("validation accuracy", "검증 정확도"), names=NAMES)


LEARNED = 0.2  # a validation accuracy clearly above the 10% of guessing

# What the page and the predictions call each measured number.
METRICS = metric_table(NAMES, {
    "grad_first": Metric(T("gradient at the first layer", "첫 번째 층의 기울기")),
    "grad_last_over_first": Metric(T("gradient, last layer over first", "기울기 비 (마지막 층 / 첫 번째 층)")),
    "dead_share": accuracy(T("share of dead units", "죽은 유닛 비율")),
    "distinct_units": Metric(T("distinct units in a layer", "층 안의 서로 다른 유닛 수"), "count"),
    "val_loss": VAL_LOSS, "val_acc": VAL_ACC, "diverged_step": diverged_step(-1),
})


def times(ratio: float) -> str:
    """30,300 or 1.1e+08: a ratio a learner can read."""
    return f"{ratio:,.0f}" if ratio < 1e6 else f"{ratio:.1e}"


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    sig, relu = m["sigmoid_grad_first"], m["relu_grad_first"]
    if 0 < sig < math.inf and 0 < relu < math.inf:
        grad = T(f"the first layer gets a {times(relu / sig)}× smaller gradient with sigmoid than with ReLU",
                 f"첫 번째 층에 도달하는 기울기가 시그모이드에서 ReLU보다 {times(relu / sig)}배 작고")
    else:
        grad = T(f"the first layer's gradient is {sig:.3g} with sigmoid and {relu:.3g} with ReLU",
                 f"첫 번째 층의 기울기는 시그모이드 {sig:.3g}, ReLU {relu:.3g}이고")
    diverged = [n for n in NAMES if m[f"{n}_diverged_step"] > 0]
    # Dead units of a network full of inf and NaN say nothing, so they go unmentioned then.
    dead = T("", "") if "relu" in diverged else T(
        f"{100 * m['relu_dead_share']:.1f}% of ReLU units ended up dead, and ",
        f"ReLU 유닛의 {100 * m['relu_dead_share']:.1f}%가 죽었으며, ")
    best = max([n for n in NAMES if n not in diverged] or list(NAMES), key=lambda n: m[f"{n}_val_acc"])
    top, sigmoid = 100 * m[f"{best}_val_acc"], 100 * m["sigmoid_val_acc"]
    if top >= 100 * LEARNED:
        accuracy = T(f"{NAMES[best].en} reached the best validation accuracy ({top:.1f}%; sigmoid {sigmoid:.1f}%).",
                     f"검증 정확도는 {NAMES[best].ko}가 가장 높았습니다({top:.1f}%, 시그모이드 {sigmoid:.1f}%).")
    else:
        accuracy = T(f"none of the five got far beyond guessing (best validation accuracy {top:.1f}%; "
                     "guessing gets 10%).",
                     f"다섯 신경망 모두 무작위로 찍는 수준(10%)을 크게 넘지 못했습니다(최고 검증 정확도 {top:.1f}%).")
    blowup = T("", "")
    if diverged:
        first = int(min(m[f"{n}_diverged_step"] for n in diverged))
        blowup = T(f" Diverged (the loss became inf or NaN, first at step {first}): "
                   f"{', '.join(NAMES[n].en for n in diverged)}.",
                   f" 발산한 활성화 함수(손실이 inf나 NaN이 됨, 처음은 {first}단계): "
                   f"{', '.join(NAMES[n].ko for n in diverged)}.")
    init = INIT_LABELS[str(settings["init"])]
    return T(f"With {init.en} initialization, {grad.en}; {dead.en}{accuracy.en}{blowup.en}",
             f"{init.ko} 초기화에서 {grad.ko}, {dead.ko}{accuracy.ko}{blowup.ko}")


def figures(result: Result, lang: str) -> list[go.Figure]:
    return [shapes_figure(result, lang), gradient_figure(result, lang), training_figure(result, lang),
            dead_figure(result, lang),
            *(histogram_figure(result, group, lang) for group in HISTOGRAM_GROUPS)]


def activation_shapes() -> tuple[np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """z, and each activation's f(z) and f'(z), the slope by autograd as the lesson takes it."""
    import torch  # loaded with the lesson by now; a page that only shows the knobs does not need it

    from demos.activations.lesson import ACTIVATIONS, slope

    z = torch.linspace(-5, 5, 201)
    return z.numpy(), {name: (act()(z).numpy(), slope(act(), z).numpy()) for name, act in ACTIVATIONS.items()}


def shapes_figure(result: Result, lang: str) -> go.Figure:
    z, shapes = activation_shapes()
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1, subplot_titles=(
        T("Activation function f(z)", "활성화 함수 f(z)")(lang),
        T("Its slope f′(z), by autograd", "기울기 f′(z) (autograd로 계산)")(lang)))
    for name, label in NAMES.items():
        for col, values in ((1, shapes[name][0]), (2, shapes[name][1])):
            fig.add_trace(go.Scatter(x=z, y=values, name=label(lang), legendgroup=name, showlegend=col == 1,
                                     line={"color": COLORS[name], "dash": DASH[name], "width": 2.5}),
                          row=1, col=col)
    fig.update_xaxes(title_text=T("input z", "입력 z")(lang))
    fig.update_yaxes(title_text="f(z)", range=[-1.2, 2.2], row=1, col=1)
    fig.update_yaxes(title_text="f′(z)", range=[-0.2, 1.2], row=1, col=2)
    return style(fig, height=420)


def gradient_figure(result: Result, lang: str) -> go.Figure:
    grads = result.data["grads"]
    fig = go.Figure()
    for name, label in NAMES.items():
        values = np.asarray(grads[name], dtype=float)
        # A log axis cannot show 0 (all-zero weights send no gradient back): those points are left out.
        shown = np.where(np.isfinite(values) & (values > 0), values, np.nan)
        note = T(" (all 0)", " (모두 0)")(lang) if not np.any(values > 0) else ""
        fig.add_trace(go.Scatter(x=np.arange(1, len(values) + 1), y=shown, mode="lines+markers",
                                 name=label(lang) + note,
                                 line={"color": COLORS[name], "dash": DASH[name], "width": 2.5}))
    log_axis(fig, flat(grads[name] for name in NAMES))
    fig.update_xaxes(title_text=T("layer (1 = next to the input, last = output layer)",
                                  "층 (1 = 입력 쪽, 마지막 = 출력층)")(lang),
                     dtick=1 if len(grads["sigmoid"]) <= 16 else None)
    fig.update_yaxes(title_text=T("‖∂L/∂W‖ (log scale)", "‖∂L/∂W‖ (로그 눈금)")(lang))
    return style(fig, height=460, title=T("Gradient reaching each layer at the first step",
                                          "첫 단계에서 각 층에 도달한 기울기의 크기")(lang))


def training_figure(result: Result, lang: str) -> go.Figure:
    losses, val_acc, diverged = result.data["losses"], result.data["val_acc"], result.data["diverged"]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12, subplot_titles=(
        T("Training loss (mini-batch, log scale)", "훈련 손실 (미니배치, 로그 눈금)")(lang),
        T("Validation accuracy", "검증 정확도")(lang)))
    checked = np.asarray(val_acc["step"])
    for name, label in NAMES.items():
        name_on_screen, accuracy = label(lang), np.asarray(val_acc[name], dtype=float)
        if name in diverged:
            # A network full of NaN still "predicts" a class; that is no score worth drawing.
            name_on_screen += T(f" (diverged at step {diverged[name]})", f" ({diverged[name]}단계에서 발산)")(lang)
            accuracy = np.where(checked >= diverged[name], np.nan, accuracy)
        steps = np.arange(1, len(losses[name]) + 1)
        fig.add_trace(go.Scatter(x=steps, y=losses[name], name=name_on_screen, legendgroup=name,
                                 mode="lines+markers" if len(steps) < 3 else "lines",
                                 line={"color": COLORS[name], "dash": DASH[name], "width": 1.5}), row=1, col=1)
        fig.add_trace(go.Scatter(x=checked, y=accuracy, name=name_on_screen, legendgroup=name, showlegend=False,
                                 line={"color": COLORS[name], "dash": DASH[name], "width": 2.5}), row=1, col=2)
    log_axis(fig, flat(losses[name] for name in NAMES), row=1, col=1)
    fig.update_xaxes(title_text=STEP(lang))
    fig.update_yaxes(title_text=T("cross-entropy", "교차 엔트로피")(lang), row=1, col=1)
    fig.update_yaxes(title_text=T("share correct", "정답 비율")(lang), tickformat=".0%", range=[0, 1.02],
                     row=1, col=2)
    return style(fig, height=460)


def dead_figure(result: Result, lang: str) -> go.Figure:
    diverged = result.data["diverged"]
    # A diverged network is full of inf and NaN: its units are neither dead nor alive.
    shares = [0.0 if name in diverged else 100 * result.metrics[f"{name}_dead_share"] for name in NAMES]
    texts = [T("diverged", "발산")(lang) if name in diverged else f"{share:.1f}%"
             for name, share in zip(NAMES, shares)]
    fig = go.Figure(go.Bar(
        x=[label(lang) for label in NAMES.values()], y=shares, marker_color=list(COLORS.values()),
        text=texts, textposition="outside", cliponaxis=False,
    ))
    fig.update_xaxes(title_text=T("activation function", "활성화 함수")(lang))
    fig.update_yaxes(title_text=T("% of hidden units", "은닉 유닛의 %")(lang),
                     range=[0, max(10.0, 1.2 * max(shares))])
    return style(fig, height=380, legend_below=False,
                 title=T("Dead units after training: f′(z) = 0 on every validation image",
                         "학습 후 죽은 유닛: 모든 검증 이미지에서 f′(z) = 0")(lang))


def layer_histograms(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-layer histograms of one network's activations (layers, values): % per bin, bin centres.

    The bins span the central 99% of all values, so a few huge values do not squash the rest
    into one bin; values outside land in the edge bins.
    """
    finite = values[np.isfinite(values)]
    lo, hi = np.quantile(finite, [0.005, 0.995]) if finite.size else (0.0, 0.0)
    if hi - lo < 1e-6:  # every value equal (all-zero weights): a small window around it
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, HISTOGRAM_BINS + 1)
    shares = np.stack([np.histogram(np.clip(layer, lo, hi), bins=edges)[0] / layer.size for layer in values])
    return 100 * shares, (edges[:-1] + edges[1:]) / 2


def histogram_figure(result: Result, group: tuple[str, ...], lang: str) -> go.Figure:
    hists = {name: layer_histograms(result.data["at_start"][name]) for name in group}
    fig = make_subplots(rows=1, cols=len(group), horizontal_spacing=0.1 if len(group) > 2 else 0.12,
                        subplot_titles=[NAMES[name](lang) for name in group])
    for col, name in enumerate(group, start=1):
        shares, centres = hists[name]
        fig.add_trace(go.Heatmap(
            x=np.arange(1, shares.shape[0] + 1), y=centres, z=shares.T, coloraxis="coloraxis",
            name=NAMES[name](lang),
            hovertemplate=T("layer %{x}<br>f(z) ≈ %{y:.3g}<br>%{z:.1f}% of values",
                            "%{x}층<br>f(z) ≈ %{y:.3g}<br>값의 %{z:.1f}%")(lang) + "<extra></extra>",
        ), row=1, col=col)
    fig.update_xaxes(title_text=T("hidden layer", "은닉층")(lang))
    fig.update_yaxes(title_text=T("activation f(z)", "활성값 f(z)")(lang), row=1, col=1)
    # One tall bin (ReLU's exact zeros) would make every other bin look empty on a 0-100% scale,
    # so the colours stop at the 99th percentile; hovering still shows the exact share.
    top = max(1.0, float(np.percentile(np.concatenate([h.ravel() for h, _ in hists.values()]), 99)))
    fig.update_layout(coloraxis={"colorscale": "Viridis", "cmin": 0, "cmax": top,
                                 "colorbar": {"title": {"text": T("% of values", "값의 %")(lang), "side": "right"},
                                              "thickness": 16}})
    init = INIT_LABELS[result.data["init"]](lang)
    return style(fig, height=440, legend_below=False,
                 title=T(f"Activations of each hidden layer before training ({init} weights)",
                         f"학습 전 은닉층별 활성값 분포 ({init} 가중치)")(lang))
