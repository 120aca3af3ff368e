"""What the page draws and says for the RNN demo, in English and Korean."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.framework import T, TEST_ACC, TEST_LOSS, LiveChart, Metric, metric_table, Result, Value
from demos.plots import PALETTE, decade_ticks, flat, log_axis, style, tick_text

KINDS = ("RNN", "LSTM", "GRU")  # the lesson's names for the three networks
NAMES = {"RNN": T("vanilla RNN", "기본 RNN"), "LSTM": T("LSTM", "LSTM"), "GRU": T("GRU", "GRU")}
COLORS = {"RNN": PALETTE[1], "LSTM": PALETTE[0], "GRU": PALETTE[2]}
SMOOTHING = 10  # batches in the moving average of the training curves (as in the live chart)
LETTERS = "ABCD"
GATES = {"forget": T("forget gate f", "망각 게이트 f"), "input": T("input gate i", "입력 게이트 i"),
         "output": T("output gate o", "출력 게이트 o")}

LIVE = LiveChart(
    x_title=T("training step", "학습 스텝"),
    y_title=T(f"batch accuracy (last {SMOOTHING} batches)", f"배치 정확도 (최근 {SMOOTHING}개 배치)"),
    names=NAMES,
)

# What the page and the predictions call each measured number.
METRICS = metric_table({kind.lower(): NAMES[kind] for kind in KINDS}, {
    "test_acc": TEST_ACC, "test_loss": TEST_LOSS,
    "grad_ratio": Metric(T("gradient reaching the first step (share, trained)",
                           "첫 스텝까지 닿는 기울기 비율 (학습 후)")),
    "grad_ratio_at_start": Metric(T("gradient reaching the first step (share, untrained)",
                                    "첫 스텝까지 닿는 기울기 비율 (학습 전)")),
})


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    acc = {kind: 100 * m[f"{kind.lower()}_test_acc"] for kind in KINDS}
    share = {kind: m[f"{kind.lower()}_grad_ratio_at_start"] for kind in KINDS}
    delay = int(settings["delay"])
    return T(
        f"After {delay} distractors the first symbol was recalled {acc['RNN']:.0f}% of the time by "
        f"the vanilla RNN, {acc['LSTM']:.0f}% by the LSTM and {acc['GRU']:.0f}% by the GRU "
        f"(guessing: 25%). Before training, the gradient reaching the first step was "
        f"{share['RNN']:.1e} of its size at the last step for the RNN, {share['LSTM']:.1e} for "
        f"the LSTM and {share['GRU']:.1e} for the GRU.",
        f"방해 기호 {delay}개 뒤에 첫 기호를 맞힌 비율은 기본 RNN {acc['RNN']:.0f}%, "
        f"LSTM {acc['LSTM']:.0f}%, GRU {acc['GRU']:.0f}%입니다(찍으면 25%). 학습 전에 첫 스텝까지 "
        f"전달된 기울기는 마지막 스텝 기울기의 RNN {share['RNN']:.1e}배, LSTM {share['LSTM']:.1e}배, "
        f"GRU {share['GRU']:.1e}배였습니다.",
    )


def figures(result: Result, lang: str) -> list[go.Figure]:
    return [accuracy_figure(result, lang), gradient_figure(result, lang), gates_figure(result, lang)]


def moving_average(values: list[float], window: int) -> np.ndarray:
    """The mean of the last `window` values at every point (fewer at the start)."""
    cumulative = np.cumsum(np.asarray(values, dtype=float))
    out = cumulative.copy()
    out[window:] -= cumulative[:-window]
    return out / np.minimum(np.arange(1, len(out) + 1), window)


def accuracy_figure(result: Result, lang: str) -> go.Figure:
    data, m = result.data, result.metrics
    fig = make_subplots(rows=1, cols=2, column_widths=[0.62, 0.38], horizontal_spacing=0.12,
                        subplot_titles=(T(f"Training (batch accuracy, last {SMOOTHING} batches)",
                                          f"학습 중 (배치 정확도, 최근 {SMOOTHING}개 배치)")(lang),
                                        T("Test accuracy (1000 new sequences)",
                                          "테스트 정확도 (새 시퀀스 1000개)")(lang)))
    for kind in KINDS:
        curve = moving_average(data["accuracy"][kind], SMOOTHING)
        fig.add_trace(go.Scatter(x=np.arange(1, len(curve) + 1), y=100 * curve, name=NAMES[kind](lang),
                                 line={"color": COLORS[kind], "width": 2.5}), row=1, col=1)
    test = [100 * m[f"{kind.lower()}_test_acc"] for kind in KINDS]
    fig.add_trace(go.Bar(x=[NAMES[kind](lang) for kind in KINDS], y=test, showlegend=False,
                         marker_color=[COLORS[kind] for kind in KINDS], text=[f"{a:.0f}%" for a in test],
                         textposition="outside", cliponaxis=False), row=1, col=2)
    # Guessing, as a dotted line named in the legend (a label on the plot would cover curves).
    chance = 100 * data["chance"]
    for col in (1, 2):
        fig.add_hline(y=chance, line_dash="dot", line_color="gray", row=1, col=col)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line={"color": "gray", "dash": "dot"},
                             name=T(f"guessing ({chance:.0f}%)", f"찍기 ({chance:.0f}%)")(lang)), row=1, col=1)
    fig.update_xaxes(title_text=T("training step", "학습 스텝")(lang), row=1, col=1)
    fig.update_xaxes(title_text=T("network", "신경망")(lang), row=1, col=2)
    fig.update_yaxes(title_text=T("accuracy (%)", "정확도 (%)")(lang), range=[0, 112])
    return style(fig, height=480, title=T(f"Recall the first symbol after {data['delay']} distractors",
                                          f"방해 기호 {data['delay']}개 뒤에 첫 기호 떠올리기")(lang))


def gradient_figure(result: Result, lang: str) -> go.Figure:
    data = result.data
    fig = go.Figure()
    moments = (("grad_start", "dot", T("before training", "학습 전")),
               ("grad_end", "solid", T("after training", "학습 후")))
    for kind in KINDS:  # the legend lists each network's two curves together
        for key, dash, moment in moments:
            # A gradient that underflowed to 0 has no place on a log axis: leave a gap.
            grads = [g if g > 0 else None for g in data[key][kind]]
            fig.add_trace(go.Scatter(x=np.arange(len(grads)), y=grads, name=f"{NAMES[kind](lang)} · {moment(lang)}",
                                     line={"color": COLORS[kind], "dash": dash, "width": 2.5}))
    values = [v for v in flat(data[key][kind] for key, _, _ in moments for kind in KINDS) if v > 0]
    log_axis(fig, values)
    ticks = decade_ticks(min(values), max(values)) if values else []
    if len(ticks) > 10:  # many decades (long delays): a label every few, so they stay readable
        ticks = ticks[::-(-len(ticks) // 8)]
        fig.update_yaxes(tickvals=ticks, ticktext=[tick_text(t) for t in ticks])
    fig.update_yaxes(title_text=T("‖∂loss/∂hₜ‖ (log scale)", "‖∂loss/∂hₜ‖ (로그 눈금)")(lang))
    fig.update_xaxes(title_text=T("time step t (0 = the symbol to remember)",
                                  "시간 스텝 t (0 = 기억해야 할 기호)")(lang))
    return style(fig, height=500, title=T("Gradient back through time: how much of the loss at the end "
                                          "reaches each step",
                                          "시간을 거슬러 가는 기울기: 끝의 손실이 각 스텝에 얼마나 닿는가")(lang))


def gates_figure(result: Result, lang: str) -> go.Figure:
    data = result.data
    symbols = [LETTERS[s] for s in data["example"]]
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.1,
                        subplot_titles=[gate(lang) for gate in GATES.values()])
    for row, gate in enumerate(GATES, start=1):
        fig.add_trace(go.Heatmap(
            z=np.asarray(data["gates"][gate]).T, zmin=0, zmax=1, colorscale="Viridis", showscale=row == 1,
            colorbar={"title": {"text": T("gate value", "게이트 값")(lang), "side": "right"}, "len": 1.0,
                      "y": 0.5, "yanchor": "middle"}), row=row, col=1)
        fig.update_yaxes(title_text=T("unit", "유닛")(lang), row=row, col=1)
    every = max(1, len(symbols) // 40)  # at most ~40 letters fit under the plot
    ticks = list(range(0, len(symbols), every))
    fig.update_xaxes(tickmode="array", tickvals=ticks, ticktext=[symbols[t] for t in ticks], row=3, col=1,
                     title_text=T("input symbol at each step", "각 스텝의 입력 기호")(lang))
    answer = LETTERS[data["lstm_answer"]]
    return style(fig, height=720, legend_below=False, title=T(
        f"LSTM gates, step by step, for one test sequence (first symbol {symbols[0]}, LSTM answers {answer})",
        f"테스트 시퀀스 하나에 대한 LSTM 게이트 값 (첫 기호 {symbols[0]}, LSTM의 답 {answer})")(lang))
