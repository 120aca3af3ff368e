"""What the page draws and says for the attention demo, in English and Korean: the attention
maps (live while training, and at the end), accuracy by output position, the training curves."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.framework import (
    TEST_ACC, TEST_LOSS, LiveChart, Progress, Result, T, Value, accuracy, diverged_step,
)
from demos.plots import PALETTE, log_axis, style

LENGTH = 8  # digits per sequence: the lesson's LENGTH, written out so the page loads no torch
HALVES = {"first half": T("output positions 0–3", "출력 위치 0–3"),
          "second half": T("output positions 4–7", "출력 위치 4–7")}
HALF_COLORS = {"first half": PALETTE[1], "second half": PALETTE[0]}
TASKS = {"reverse": T("reverse", "뒤집기"), "copy": T("copy", "복사"), "sort": T("sort", "정렬")}
POSITIONS = {"sinusoidal": T("sinusoidal", "사인파"), "learned": T("learned", "학습"),
             "none": T("none", "없음")}
CHANCE = 0.1  # ten digits

LIVE = LiveChart(
    x_title=T("training step", "학습 스텝"),
    y_title=T("share of digits right (this batch)", "맞힌 숫자 비율 (이번 배치)"),
    names=HALVES,
)

# What the page and the predictions call each measured number.
METRICS = {
    "test_acc": TEST_ACC,
    "first_half_acc": accuracy(T("test accuracy, output positions 0–3", "출력 위치 0–3의 테스트 정확도")),
    "second_half_acc": accuracy(T("test accuracy, output positions 4–7", "출력 위치 4–7의 테스트 정확도")),
    "test_loss": TEST_LOSS,
    "sequence_acc": accuracy(T("sequences entirely right", "전체를 맞힌 시퀀스 비율")),
    "mirror_attention": accuracy(T("attention on the mirror input", "거울 위치의 입력에 둔 어텐션 비율")),
    "diverged_step": diverged_step(0),
}


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    diverged = int(m["diverged_step"])
    if diverged:
        return T(f"Training diverged at step {diverged}: the loss became infinite or NaN. Try a learning "
                 f"rate smaller than {settings['lr']:g}.",
                 f"{diverged} 스텝에서 학습이 발산했습니다. 손실이 무한대나 NaN이 되었습니다. 학습률을 "
                 f"{settings['lr']:g}보다 작게 해 보십시오.")
    acc, seq = _pct(m["test_acc"]), _pct(m["sequence_acc"])
    first, second = _pct(m["first_half_acc"]), _pct(m["second_half_acc"])
    task = TASKS[str(settings["task"])]
    text = T(
        f"Task “{task.en}”: {acc} of the output digits right on 1000 new sequences, {seq} of the "
        f"sequences entirely right; output positions 0–3 {first}, positions 4–7 {second} "
        f"(guessing: 10%).",
        f"과제 “{task.ko}”: 새 시퀀스 1000개에서 출력 숫자의 {acc}를 맞혔고, 시퀀스 전체를 맞힌 "
        f"비율은 {seq}입니다. 출력 위치 0–3은 {first}, 위치 4–7은 {second}입니다 (찍으면 10%).",
    )
    if settings["task"] == "reverse":
        mirror = _pct(m["mirror_attention"])
        text = T(f"{text.en} Each output position puts {mirror} of its attention on its mirror input "
                 f"(spread evenly: 12.5%).",
                 f"{text.ko} 각 출력 위치는 어텐션의 {mirror}를 거울 위치의 입력에 둡니다 (고르게 "
                 f"나누면 12.5%).")
    return text


def attention_figure(maps: Sequence[Any], tokens: Sequence[int], lang: str, title: str,
                     answers: Sequence[int] | None = None) -> go.Figure:
    """One heatmap per layer (rows) and head (columns): row i = output position i (the query),
    column j = input position j (the key), colour = the weight softmax gave it."""
    maps = [np.asarray(layer, dtype=float) for layer in maps]  # each (heads, query, key)
    layers, heads = len(maps), maps[0].shape[0]
    names = [T(f"layer {l + 1} · head {h + 1}", f"층 {l + 1} · 헤드 {h + 1}")(lang)
             for l in range(layers) for h in range(heads)]
    fig = make_subplots(rows=layers, cols=heads, subplot_titles=names,
                        horizontal_spacing=0.06, vertical_spacing=0.16 if layers > 1 else 0.1)
    keys = [f"{d}" for d in tokens]
    rows = [f"{i} → {answers[i]}" for i in range(LENGTH)] if answers is not None else [str(i) for i in range(LENGTH)]
    for l, layer in enumerate(maps):
        for h in range(heads):
            fig.add_trace(go.Heatmap(
                z=layer[h], x=list(range(LENGTH)), y=list(range(LENGTH)), zmin=0, zmax=1,
                colorscale="Blues", showscale=l == 0 and h == 0,
                colorbar={"title": {"text": T("weight", "가중치")(lang), "side": "right"}, "len": 0.9},
                hovertemplate=T("output %{y} → input %{x}: %{z:.2f}<extra></extra>",
                                "출력 %{y} → 입력 %{x}: %{z:.2f}<extra></extra>")(lang),
            ), row=l + 1, col=h + 1)
    index = 0
    for l in range(layers):
        for h in range(heads):
            index += 1
            suffix = "" if index == 1 else str(index)
            fig.layout[f"yaxis{suffix}"].scaleanchor = f"x{suffix}"
    fig.update_xaxes(tickmode="array", tickvals=list(range(LENGTH)), ticktext=keys, constrain="domain",
                     showgrid=False)
    fig.update_yaxes(tickmode="array", tickvals=list(range(LENGTH)), ticktext=rows, autorange="reversed",
                     constrain="domain", showgrid=False)
    fig.update_xaxes(title_text=T("input digit (key)", "입력 숫자 (키)")(lang), row=layers)
    fig.update_yaxes(title_text=(T("output position → digit it wrote", "출력 위치 → 내놓은 숫자")
                                 if answers is not None else T("output position (query)", "출력 위치 (쿼리)"))(lang),
                     col=1)
    return style(fig, height=120 + 300 * layers, title=title, legend_below=False)


def live_picture(progress: Progress, lang: str) -> go.Figure | None:
    """The attention of one test example at the latest report (None before the first)."""
    maps, tokens = progress.live.get("attention"), progress.live.get("tokens")
    if maps is None or tokens is None:
        return None
    title = T(f"Where each output position looks, step {progress.done}: one test example",
              f"각 출력 위치가 보는 곳 ({progress.done} 스텝): 테스트 예제 하나")(lang)
    fig = attention_figure(maps, tokens, lang, title)
    fig.update_layout(uirevision="live")  # keep the learner's zoom between redraws
    return fig


def figures(result: Result, lang: str) -> list[go.Figure]:
    d = result.data
    title = T(f"Attention after training, one test example: input {' '.join(map(str, d['tokens']))}, "
              f"output {' '.join(map(str, d['predicted']))}",
              f"학습 후 테스트 예제 하나의 어텐션: 입력 {' '.join(map(str, d['tokens']))}, "
              f"출력 {' '.join(map(str, d['predicted']))}")(lang)
    return [attention_figure(d["attention"], d["tokens"], lang, title, answers=d["predicted"]),
            _by_position(result, lang), _curves(result, lang)]


def _by_position(result: Result, lang: str) -> go.Figure:
    acc = [100 * a for a in result.data["position_acc"]]
    colors = [HALF_COLORS["first half" if i < LENGTH // 2 else "second half"] for i in range(LENGTH)]
    fig = go.Figure(go.Bar(x=list(range(LENGTH)), y=acc, marker_color=colors, showlegend=False,
                           text=[f"{a:.0f}%" for a in acc], textposition="outside", cliponaxis=False))
    # Guessing, as a dotted line named in the legend (a label on the plot would cover bars).
    fig.add_hline(y=100 * CHANCE, line_dash="dot", line_color="gray")
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line={"color": "gray", "dash": "dot"},
                             name=T("guessing (10%)", "찍기 (10%)")(lang)))
    fig.update_xaxes(title_text=T("output position", "출력 위치")(lang), tickmode="array",
                     tickvals=list(range(LENGTH)))
    fig.update_yaxes(title_text=T("test accuracy (%)", "테스트 정확도 (%)")(lang), range=[0, 115])
    return style(fig, height=400, title=T("Test accuracy by output position (1000 new sequences)",
                                          "출력 위치별 테스트 정확도 (새 시퀀스 1000개)")(lang))


def _curves(result: Result, lang: str) -> go.Figure:
    history = result.data["history"]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                        subplot_titles=(T("Training loss (log scale)", "훈련 손실 (로그 눈금)")(lang),
                                        T("Digits right in each batch", "배치마다 맞힌 숫자 비율")(lang)))
    fig.add_trace(go.Scatter(x=history["step"], y=history["loss"], mode="lines", showlegend=False,
                             line={"color": PALETTE[6], "width": 2.5}), row=1, col=1)
    for name, label in HALVES.items():
        fig.add_trace(go.Scatter(x=history["step"], y=history[name], mode="lines", name=label(lang),
                                 line={"color": HALF_COLORS[name], "width": 2.5}), row=1, col=2)
    log_axis(fig, history["loss"], row=1, col=1)
    fig.update_xaxes(title_text=T("training step", "학습 스텝")(lang))
    fig.update_yaxes(title_text=T("cross-entropy", "교차 엔트로피")(lang), row=1, col=1)
    fig.update_yaxes(title_text=T("share right", "정답 비율")(lang), tickformat=".0%", range=[0, 1.05],
                     row=1, col=2)
    return style(fig, height=420)
