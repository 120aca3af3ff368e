"""What the page draws and says for the normalization demo, in English and Korean."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.framework import (
    TEST_ACC, LiveChart, Metric, Result, T, Value, accuracy, diverged_step, metric_table,
)
from demos.plots import PALETTE, flat, log_axis, style

NORMS = ("none", "batch", "layer")  # the lesson's names for the three networks
NAMES = {"none": T("no normalization", "정규화 없음"), "batch": T("batch norm", "배치 정규화"),
         "layer": T("layer norm", "층 정규화")}
NETWORKS = {"none": T("network without normalization", "정규화 없는 신경망"),
            "batch": T("batch-norm network", "배치 정규화 신경망"), "layer": T("layer-norm network", "층 정규화 신경망")}
COLORS = {"none": PALETTE[1], "batch": PALETTE[0], "layer": PALETTE[2]}
INITS = {"small": T("half of He (too small)", "He의 절반 (너무 작음)"),
         "xavier": T("Xavier", "Xavier"), "he": T("He", "He"),
         "large": T("twice He (too large)", "He의 두 배 (너무 큼)")}
SMOOTHING = 10  # batches in the moving average of the loss curves (as in the live chart)

LIVE = LiveChart(
    x_title=T("training step", "학습 스텝"),
    y_title=T(f"training loss (last {SMOOTHING} batches, log scale)",
              f"훈련 손실 (최근 {SMOOTHING}개 배치, 로그 눈금)"),
    names=NAMES,
    log_y=True,
)

# What the page and the predictions call each measured number: "batch norm: test accuracy".
TRAIN_MODE_BN = T("batch norm in train mode", "학습 모드의 배치 정규화")
METRICS = {
    **metric_table({norm: T(f"{name.en}:", f"{name.ko}:") for norm, name in NAMES.items()}, {
        "test_acc": TEST_ACC,
        "diverged_step": diverged_step(0),
        "activation_ratio": Metric(T("activation spread, last hidden layer over first (before training)",
                                     "활성값 퍼짐의 비 (마지막 은닉층 / 첫 번째 은닉층, 학습 전)")),
        "gradient_ratio": Metric(T("gradient spread, first hidden layer over last (before training)",
                                   "기울기 퍼짐의 비 (첫 번째 은닉층 / 마지막 은닉층, 학습 전)")),
        "similarity": Metric(T("mean cosine similarity of two different images at the last hidden layer "
                               "(before training)",
                               "마지막 은닉층에서 서로 다른 두 이미지의 평균 코사인 유사도 (학습 전)")),
    }),
    "bn_batch1_refused": Metric(T(f"{TRAIN_MODE_BN.en} refused a single image",
                                  f"{TRAIN_MODE_BN.ko}가 이미지 한 장을 거부함"), "flag"),
    "bn_alone_acc": accuracy(T(f"{TRAIN_MODE_BN.en}: accuracy on images sent alone (two copies each)",
                               f"{TRAIN_MODE_BN.ko}: 이미지를 따로(두 장씩 복사해) 넣었을 때의 정확도")),
    "bn_alone_classes": Metric(T(f"{TRAIN_MODE_BN.en}: distinct classes predicted for images sent alone",
                                 f"{TRAIN_MODE_BN.ko}: 이미지를 따로 넣었을 때 나온 서로 다른 클래스 수"), "count"),
    "bn_whole_acc": accuracy(T(f"{TRAIN_MODE_BN.en}: accuracy on the whole test set as one batch",
                               f"{TRAIN_MODE_BN.ko}: 테스트 세트 전체를 한 배치로 넣었을 때의 정확도")),
}


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    init, depth = INITS[str(settings["init"])], int(settings["depth"])
    ratio = {norm: m[f"{norm}_activation_ratio"] for norm in NORMS}
    acc = {norm: 100 * m[f"{norm}_test_acc"] for norm in NORMS}
    blew = [(NETWORKS[n], int(m[f"{n}_diverged_step"])) for n in NORMS if m[f"{n}_diverged_step"]]
    diverged = T("".join(f" The {name.en}'s loss became inf or NaN at step {step}." for name, step in blew),
                 "".join(f" {name.ko}의 손실은 {step}스텝에서 inf나 NaN이 되었습니다." for name, step in blew))
    refused = (T("refused a single image (ValueError); ", "이미지 한 장을 거부했고(ValueError), ")
               if m["bn_batch1_refused"] else T("", ""))
    alone, classes = 100 * m["bn_alone_acc"], int(m["bn_alone_classes"])
    return T(
        f"With {init.en} initialization, the spread of the activations at hidden layer {depth} was "
        f"{ratio['none']:.2g} times that at layer 1 without normalization, {ratio['batch']:.2g} times "
        f"with batch norm and {ratio['layer']:.2g} times with layer norm. Test accuracy: "
        f"{acc['none']:.0f}% without normalization, {acc['batch']:.0f}% with batch norm, "
        f"{acc['layer']:.0f}% with layer norm.{diverged.en} In train mode, batch norm "
        f"{refused.en}two copies of each image, sent alone, all got the same answer ({classes} "
        f"class{'es' if classes != 1 else ''}, {alone:.0f}% right).",
        f"{init.ko} 초기화에서 {depth}번째 은닉층의 활성값 퍼짐은 1번째 층의 퍼짐과 비교해 정규화 없이 "
        f"{ratio['none']:.2g}배, 배치 정규화로 {ratio['batch']:.2g}배, 층 정규화로 {ratio['layer']:.2g}배"
        f"였습니다. 테스트 정확도는 정규화 없이 {acc['none']:.0f}%, 배치 정규화 {acc['batch']:.0f}%, 층 "
        f"정규화 {acc['layer']:.0f}%입니다.{diverged.ko} 학습 모드의 배치 정규화는 {refused.ko}이미지마다 "
        f"두 장씩 복사해 따로 넣자 모두 같은 답을 냈습니다(클래스 {classes}개, 정답률 {alone:.0f}%).",
    )


def figures(result: Result, lang: str) -> list[go.Figure]:
    return [spread_figure(result, lang), similarity_figure(result, lang), training_figure(result, lang),
            batch_of_one_figure(result, lang)]


def _layers(values: list[float]) -> np.ndarray:
    return np.arange(1, len(values) + 1)


def spread_figure(result: Result, lang: str) -> go.Figure:
    spread = result.data["spread"]
    panels = (("activation", T("Activations: std of each layer's output",
                               "활성값: 각 층 출력의 표준편차")),
              ("gradient", T("Gradients: std of ∂loss/∂(layer output)", "기울기: ∂loss/∂(층 출력)의 표준편차")))
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12, subplot_titles=[t(lang) for _, t in panels])
    for col, (key, _) in enumerate(panels, start=1):
        for norm in NORMS:
            values = [v if v > 0 else None for v in spread[norm][key]]  # 0 has no place on a log axis
            fig.add_trace(go.Scatter(x=_layers(values), y=values, name=NAMES[norm](lang), showlegend=col == 1,
                                     mode="lines+markers", line={"color": COLORS[norm], "width": 2.5}),
                          row=1, col=col)
        log_axis(fig, flat(spread[norm][key] for norm in NORMS), row=1, col=col)
        fig.update_xaxes(title_text=T("hidden layer (1 = next to the input)", "은닉층 (1 = 입력 쪽)")(lang),
                         row=1, col=col)
    fig.update_yaxes(title_text=T("standard deviation (log scale)", "표준편차 (로그 눈금)")(lang), row=1, col=1)
    fig.update_yaxes(title_text=T("standard deviation (log scale)", "표준편차 (로그 눈금)")(lang), row=1, col=2)
    return style(fig, height=500, title=T("Before training: how the signal's size changes from layer to layer",
                                          "학습 전: 층을 지날 때마다 신호의 크기가 어떻게 변하는가")(lang))


def similarity_figure(result: Result, lang: str) -> go.Figure:
    spread = result.data["spread"]
    fig = go.Figure()
    for norm in NORMS:
        values = spread[norm]["similarity"]
        fig.add_trace(go.Scatter(x=_layers(values), y=values, name=NAMES[norm](lang), mode="lines+markers",
                                 line={"color": COLORS[norm], "width": 2.5}))
    fig.update_xaxes(title_text=T("hidden layer (1 = next to the input)", "은닉층 (1 = 입력 쪽)")(lang))
    fig.update_yaxes(title_text=T("mean cosine similarity", "평균 코사인 유사도")(lang), range=[0, 1.05])
    return style(fig, height=440, title=T("Before training: how alike two different images look at each layer "
                                          "(1 = the same)",
                                          "학습 전: 층마다 서로 다른 두 이미지가 얼마나 닮았는가 (1 = 똑같음)")(lang))


def moving_average(values: list[float], window: int) -> np.ndarray:
    """The mean of the last `window` values at every point (fewer at the start)."""
    cumulative = np.cumsum(np.asarray(values, dtype=float))
    out = cumulative.copy()
    out[window:] -= cumulative[:-window]
    return out / np.minimum(np.arange(1, len(out) + 1), window)


def training_figure(result: Result, lang: str) -> go.Figure:
    data, m = result.data, result.metrics
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12, subplot_titles=(
        T(f"Training loss (last {SMOOTHING} batches)", f"훈련 손실 (최근 {SMOOTHING}개 배치)")(lang),
        T("Test accuracy (eval mode)", "테스트 정확도 (평가 모드)")(lang)))
    curves = {}
    for norm in NORMS:
        curves[norm] = moving_average(data["losses"][norm], SMOOTHING) if data["losses"][norm] else np.array([])
        fig.add_trace(go.Scatter(x=_layers(curves[norm]), y=curves[norm], name=NAMES[norm](lang),
                                 line={"color": COLORS[norm], "width": 2.5}), row=1, col=1)
        steps, acc = zip(*data["tests"][norm]) if data["tests"][norm] else ((), ())
        fig.add_trace(go.Scatter(x=steps, y=[100 * a for a in acc], name=NAMES[norm](lang), showlegend=False,
                                 mode="lines+markers", line={"color": COLORS[norm], "width": 2.5}), row=1, col=2)
        step = int(m[f"{norm}_diverged_step"])
        if step:  # named in the legend: a label on the plot would cover the curves
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", marker={"color": COLORS[norm],
                                     "symbol": "x", "size": 12},
                                     name=T(f"{NAMES[norm].en}: loss inf/NaN at step {step}, stopped",
                                            f"{NAMES[norm].ko}: {step}스텝에서 손실 inf/NaN, 중단")(lang)),
                          row=1, col=1)
    # Scaled to the networks still training: one that blew up would flatten the others' curves.
    kept = [curves[n] for n in NORMS if not m[f"{n}_diverged_step"] and len(curves[n])] or list(curves.values())
    shown = [v for v in flat(kept) if np.isfinite(v) and v > 0]
    log_axis(fig, shown, row=1, col=1)
    if shown:
        low = min(min(shown) / 1.2, 0.9)  # down to 1 at least: a narrow range would show a single tick
        fig.update_yaxes(range=[np.log10(low), np.log10(max(shown) * 1.2)], row=1, col=1)
    fig.add_hline(y=10, line_dash="dot", line_color="gray", row=1, col=2)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line={"color": "gray", "dash": "dot"},
                             name=T("guessing (10%)", "찍기 (10%)")(lang)), row=1, col=2)
    fig.update_xaxes(title_text=T("training step", "학습 스텝")(lang))
    fig.update_yaxes(title_text=T("cross-entropy (log scale)", "교차 엔트로피 (로그 눈금)")(lang), row=1, col=1)
    fig.update_yaxes(title_text=T("accuracy (%)", "정확도 (%)")(lang), range=[0, 105], row=1, col=2)
    return style(fig, height=480, title=T("Training: which networks learn?", "학습: 어느 신경망이 배우는가")(lang))


def batch_of_one_figure(result: Result, lang: str) -> go.Figure:
    m, error = result.metrics, result.data["bn_error"]
    bars = (
        (T("eval mode<br>(running averages)", "평가 모드<br>(이동 평균)"), m["batch_test_acc"]),
        (T("train mode,<br>all test images as one batch", "학습 모드,<br>테스트 이미지 전체를 한 배치로"),
         m["bn_whole_acc"]),
        (T("train mode, one image<br>(sent as two copies)", "학습 모드, 이미지 한 장<br>(두 장으로 복사해 입력)"),
         m["bn_alone_acc"]),
    )
    values = [100 * value for _, value in bars]
    fig = go.Figure(go.Bar(x=[label(lang) for label, _ in bars], y=values, marker_color=PALETTE[0],
                           text=[f"{v:.0f}%" for v in values], textposition="outside", cliponaxis=False,
                           showlegend=False))
    fig.add_hline(y=10, line_dash="dot", line_color="gray")
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line={"color": "gray", "dash": "dot"},
                             name=T("guessing (10%)", "찍기 (10%)")(lang)))
    if error:  # PyTorch's own words, in the legend
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", marker={"color": PALETTE[1], "symbol": "x"},
                                 name=T(f"one image alone in train mode: ValueError “{error.split(',')[0]}”",
                                        f"학습 모드에 이미지 한 장만: ValueError “{error.split(',')[0]}”")(lang)))
    fig.update_xaxes(title_text=T("the trained batch-norm network, on the test images",
                                  "학습된 배치 정규화 신경망, 테스트 이미지")(lang))
    fig.update_yaxes(title_text=T("accuracy (%)", "정확도 (%)")(lang), range=[0, 112])
    style(fig, height=500, title=T("Batch norm in train mode and in eval mode",
                                   "학습 모드와 평가 모드의 배치 정규화")(lang))
    return fig.update_layout(legend_y=-0.3)  # below the two-line labels and the axis title
