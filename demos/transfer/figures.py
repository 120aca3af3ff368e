"""What the page draws and says for the transfer-learning demo, in English and Korean."""

from __future__ import annotations

from typing import Mapping

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.framework import LiveChart, Metric, Result, T, Value, accuracy, metric_table
from demos.plots import PALETTE, log_axis, style

METHODS = {
    "frozen": T("frozen features + new head", "고정한 특징 + 새 헤드"),
    "finetuned": T("fine-tuned", "미세 조정"),
    "scratch": T("from scratch", "처음부터 학습"),
}
# The live chart colours its series in the order they first arrive: pretraining, then these.
COLORS = {"pretrain": PALETTE[0], "frozen": PALETTE[1], "finetuned": PALETTE[2], "scratch": PALETTE[3]}
SHORT = {"frozen": T("frozen + head", "고정 + 헤드"), "finetuned": T("fine-tuned", "미세 조정"),
         "scratch": T("from scratch", "처음부터")}
SYMBOLS = {"frozen": "square", "finetuned": "diamond", "scratch": "circle"}
PRETRAIN = T("pretraining · digits 0–4", "사전 학습 · 숫자 0~4")
GAPS = {"none": T("", ""), "inverted": T(" (inverted)", " (반전)"), "rotated": T(" (rotated)", " (회전)")}

LIVE = LiveChart(
    x_title=T("step: pretraining, then 10, 50 and all labels per class",
              "스텝: 사전 학습, 이어서 클래스당 레이블 10개, 50개, 전부"),
    y_title=T("test accuracy", "테스트 정확도"),
    names={"pretrain": PRETRAIN,
           **{m: T(f"{t.en} · digits 5–9", f"{t.ko} · 숫자 5~9") for m, t in METHODS.items()}},
)

# What the page and the predictions call each measured number: "fine-tuned: test accuracy on
# digits 5–9 (10 labels per class)", and for the two pretrained ways the gain over from scratch.
_LABELS = {"10": T("10 labels per class", "클래스당 레이블 10개"), "50": T("50 labels per class", "클래스당 레이블 50개"),
           "all": T("all labels", "레이블 전부")}
_WAYS = {m: T(f"{t.en}:", f"{t.ko}:") for m, t in METHODS.items()}
METRICS = {
    "pretrain_acc": accuracy(T("pretraining: test accuracy on digits 0–4", "사전 학습: 숫자 0~4의 테스트 정확도")),
    "diverged_runs": Metric(T("runs that diverged", "발산한 실행 수"), "count"),
    **metric_table(_WAYS, {n: accuracy(T(f"test accuracy on digits 5–9 ({c.en})", f"숫자 5~9의 테스트 정확도 ({c.ko})"))
                           for n, c in _LABELS.items()}, key="{variant}_acc_{quantity}"),
    **metric_table({m: _WAYS[m] for m in ("frozen", "finetuned")},
                   {n: Metric(T(f"gain over from scratch ({c.en})", f"처음부터 학습 대비 이득 ({c.ko})"), "points")
                    for n, c in _LABELS.items()}, key="{variant}_gain_{quantity}"),
    **metric_table(_WAYS, {"trainable": Metric(T("trainable parameters", "학습되는 파라미터 수"), "count")}),
    "labels_all": Metric(T("labels per class with all labels", "레이블 전부일 때 클래스당 레이블 수"), "count"),
}


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def _counts(m: Mapping[str, float]) -> dict[str, float]:
    """Labels per class of each run: 10, 50 and however many 'all' turned out to be."""
    return {"10": 10, "50": 50, "all": m.get("labels_all", 0)}


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    if "scratch_acc_10" not in m:
        return T(f"Stopped during pretraining, at {_pct(m['pretrain_acc'])} on the digits 0–4.",
                 f"사전 학습 도중 멈췄습니다. 숫자 0~4의 정확도는 {_pct(m['pretrain_acc'])}입니다.")
    best = max(m["frozen_gain_10"], m["finetuned_gain_10"])
    ten = T(f"With 10 labels per class: frozen {_pct(m['frozen_acc_10'])}, fine-tuned "
            f"{_pct(m['finetuned_acc_10'])}, from scratch {_pct(m['scratch_acc_10'])}.",
            f"클래스당 레이블 10개일 때 고정한 특징 {_pct(m['frozen_acc_10'])}, 미세 조정 "
            f"{_pct(m['finetuned_acc_10'])}, 처음부터 학습 {_pct(m['scratch_acc_10'])}입니다.")
    if int(settings["pretrain_steps"]) == 0:
        verdict = T(" Without pretraining there is no head start: the frozen network reads random features.",
                    " 사전 학습이 없으니 앞선 출발도 없습니다. 고정한 신경망은 무작위 특징을 읽습니다.")
    elif best >= 0.03:
        verdict = T(f" Pretraining on 0–4 gave a head start of {100 * best:.0f} points.",
                    f" 0~4로 한 사전 학습이 {100 * best:.0f}%p 앞선 출발을 주었습니다.")
    elif best > -0.03:
        verdict = T(" Pretraining on 0–4 made little difference.",
                    " 0~4로 한 사전 학습은 별 차이를 만들지 못했습니다.")
    else:
        verdict = T(" Training from scratch did better: the pretrained features did not suit this task.",
                    " 처음부터 학습한 쪽이 더 나았습니다. 사전 학습한 특징이 이 과제에 맞지 않았습니다.")
    rest = T("", "")
    if "scratch_acc_all" in m:
        n = int(m["labels_all"])
        rest = T(f" With all the labels (about {n} per class): frozen {_pct(m['frozen_acc_all'])}, fine-tuned "
                 f"{_pct(m['finetuned_acc_all'])}, from scratch {_pct(m['scratch_acc_all'])}.",
                 f" 레이블을 모두(클래스당 약 {n}개) 쓰면 고정한 특징 {_pct(m['frozen_acc_all'])}, 미세 조정 "
                 f"{_pct(m['finetuned_acc_all'])}, 처음부터 학습 {_pct(m['scratch_acc_all'])}입니다.")
    if int(settings["pretrain_steps"]) and m["pretrain_acc"] < 0.5:
        rest = T(rest.en + f" Pretraining barely learned the digits 0–4 ({_pct(m['pretrain_acc'])}): try a "
                 "smaller learning rate or more steps.",
                 rest.ko + f" 사전 학습이 숫자 0~4를 거의 배우지 못했습니다({_pct(m['pretrain_acc'])}). 학습률을 "
                 "낮추거나 스텝을 늘려 보십시오.")
    broken = int(m.get("diverged_runs", 0))
    warn = (T(f" {broken} run(s) diverged (the loss became NaN): lower the learning rate.",
              f" {broken}개 실행이 발산했습니다(손실이 NaN). 학습률을 낮추십시오.") if broken else T("", ""))
    return T(ten.en + verdict.en + rest.en + warn.en, ten.ko + verdict.ko + rest.ko + warn.ko)


def figures(result: Result, lang: str) -> list[go.Figure]:
    out = []
    if "scratch_acc_10" in result.metrics:
        out += [_by_labels(result, lang), _curves(result, lang)]
    return out + [_pretraining(result, lang), _examples(result, lang)]


def _by_labels(result: Result, lang: str) -> go.Figure:
    m, counts = result.metrics, _counts(result.metrics)
    runs = [n for n in counts if f"scratch_acc_{n}" in m]
    fig = go.Figure()
    for method, name in METHODS.items():
        fig.add_trace(go.Scatter(
            x=[counts[n] for n in runs], y=[m[f"{method}_acc_{n}"] for n in runs], name=name(lang),
            mode="lines+markers", line={"color": COLORS[method], "width": 3},
            marker={"size": 12, "symbol": SYMBOLS[method]}))
    log_axis(fig, [counts[n] for n in runs] + [5, 200], axis="x")
    fig.update_xaxes(title_text=T("labelled images per class of the new task (log scale)",
                                  "새 과제의 클래스당 레이블 달린 이미지 수 (로그 눈금)")(lang))
    fig.update_yaxes(title_text=T("test accuracy on digits 5–9", "숫자 5~9의 테스트 정확도")(lang),
                     tickformat=".0%")
    return style(fig, height=440, title=T(
        f"10 labels per class: fine-tuned {_pct(m['finetuned_acc_10'])}, frozen {_pct(m['frozen_acc_10'])}, "
        f"scratch {_pct(m['scratch_acc_10'])}",
        f"클래스당 레이블 10개: 미세 조정 {_pct(m['finetuned_acc_10'])}, 고정한 특징 "
        f"{_pct(m['frozen_acc_10'])}, 처음부터 학습 {_pct(m['scratch_acc_10'])}")(lang))


def _curves(result: Result, lang: str) -> go.Figure:
    history, counts = result.data["history"], _counts(result.metrics)
    runs = [n for n in counts if f"scratch {n}" in history]
    titles = [T(f"{int(counts[n])} labels per class", f"클래스당 레이블 {int(counts[n])}개")(lang) if n != "all"
              else T(f"all labels (about {int(counts[n])} per class)", f"레이블 전부 (클래스당 약 {int(counts[n])}개)")(lang)
              for n in runs]
    fig = make_subplots(rows=1, cols=len(runs), shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=titles)
    for col, n in enumerate(runs, start=1):
        for method, name in METHODS.items():
            steps, accs = zip(*history[f"{method} {n}"])
            fig.add_trace(go.Scatter(x=steps, y=accs, name=name(lang), legendgroup=method,
                                     showlegend=col == 1, line={"color": COLORS[method], "width": 2.5}),
                          row=1, col=col)
        fig.update_xaxes(title_text=T("training step", "학습 스텝")(lang), row=1, col=col)
    fig.update_yaxes(title_text=T("test accuracy on digits 5–9", "숫자 5~9의 테스트 정확도")(lang),
                     tickformat=".0%", range=[0, 1.02], row=1, col=1)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return style(fig, height=440, title=T("While learning the new task", "새 과제를 배우는 동안")(lang))


def _pretraining(result: Result, lang: str) -> go.Figure:
    m, history = result.metrics, result.data["history"]
    fig = make_subplots(rows=1, cols=2, column_widths=[0.6, 0.4], horizontal_spacing=0.16,
                        subplot_titles=(T("Pretraining on digits 0–4", "숫자 0~4로 사전 학습")(lang),
                                        T("Parameters that learn the new task", "새 과제에서 학습하는 파라미터")(lang)))
    if history["pretrain"]:
        steps, accs = zip(*history["pretrain"])
        fig.add_trace(go.Scatter(x=steps, y=accs, name=PRETRAIN(lang), showlegend=False,
                                 line={"color": COLORS["pretrain"], "width": 3}), row=1, col=1)
    fig.update_xaxes(title_text=T("pretraining step", "사전 학습 스텝")(lang), row=1, col=1)
    fig.update_yaxes(title_text=T("test accuracy on digits 0–4", "숫자 0~4의 테스트 정확도")(lang),
                     tickformat=".0%", range=[0, 1.02], row=1, col=1)
    if "frozen_trainable" in m:
        sizes = [int(m[f"{method}_trainable"]) for method in METHODS]
        fig.add_trace(go.Bar(x=[name(lang) for name in SHORT.values()], y=sizes, showlegend=False,
                             marker_color=[COLORS[method] for method in METHODS],
                             text=[f"{s:,}" for s in sizes], textposition="outside", cliponaxis=False),
                      row=1, col=2)
        fig.update_yaxes(title_text=T("trainable parameters", "학습되는 파라미터 수")(lang),
                         range=[0, max(sizes) * 1.25], row=1, col=2)
    return style(fig, height=420, legend_below=False, title=T(
        f"Pretraining reached {_pct(m['pretrain_acc'])} on the digits 0–4",
        f"사전 학습은 숫자 0~4에서 {_pct(m['pretrain_acc'])}에 이르렀습니다")(lang))


def _examples(result: Result, lang: str) -> go.Figure:
    images, gap = result.data["examples"], result.data["gap"]
    titles = [T(f"old task: {d}", f"이전 과제: {d}")(lang) for d in range(5)]
    titles += [T(f"new task: {d}{GAPS[gap].en}", f"새 과제: {d}{GAPS[gap].ko}")(lang) for d in range(5, 10)]
    fig = make_subplots(rows=2, cols=5, subplot_titles=titles, horizontal_spacing=0.03, vertical_spacing=0.14)
    for i, image in enumerate(images):
        fig.add_trace(go.Heatmap(z=image, colorscale="gray_r", zmin=0, zmax=1, showscale=False,
                                 hoverinfo="skip"), row=i // 5 + 1, col=i % 5 + 1)
    frame = {"showline": True, "mirror": True, "linecolor": "#c8c8c8", "showticklabels": False,
             "showgrid": False, "zeroline": False, "constrain": "domain"}
    fig.update_xaxes(**frame)
    fig.update_yaxes(**frame, autorange="reversed")
    for axis in range(1, 11):  # square pixels
        suffix = "" if axis == 1 else str(axis)
        fig.layout[f"yaxis{suffix}"].scaleanchor = f"x{suffix}"
    side = images.shape[-1]
    return style(fig, height=430, legend_below=False, title=T(
        f"The digits as the networks see them ({side}×{side} pixels)",
        f"신경망이 보는 숫자 ({side}×{side} 픽셀)")(lang))
