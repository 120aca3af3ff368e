"""What the page draws and says for the overfitting demo, in English and Korean."""

from __future__ import annotations

from typing import Mapping

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.framework import LiveChart, Result, T, Value
from demos.plots import PALETTE, flat, log_axis, style

MODELS = {"plain": T("no regularization", "규제 없음"), "regularized": T("regularized", "규제 적용")}
KINDS = {"train": T("train", "훈련"), "val": T("validation", "검증")}
COLORS = {"plain": PALETTE[1], "regularized": PALETTE[0]}

LIVE = LiveChart(
    x_title=T("epoch", "에포크"),
    y_title=T("loss (log scale)", "손실 (로그 눈금)"),
    log_y=True,
    names={f"{model} {kind} loss": T(f"{m.en} · {k.en}", f"{m.ko} · {k.ko}")
           for model, m in MODELS.items() for kind, k in KINDS.items()},
)


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    plain, reg = 100 * m["plain_acc_gap"], 100 * m["regularized_acc_gap"]
    stopped = int(m["regularized_stopped_epoch"])
    stop = (T(f" Early stopping ended it at epoch {stopped} and kept its best weights.",
              f" 조기 종료가 {stopped} 에포크에서 학습을 멈추고 가장 좋았던 가중치를 되돌렸습니다.")
            if stopped else T("", ""))
    return T(
        f"Train-minus-validation accuracy gap: {plain:.1f} points without regularization, "
        f"{reg:.1f} points with it (validation accuracy {100 * m['plain_val_acc']:.1f}% vs "
        f"{100 * m['regularized_val_acc']:.1f}%).{stop.en}",
        f"훈련-검증 정확도 차이: 규제 없이 {plain:.1f}%p, 규제를 쓰면 {reg:.1f}%p "
        f"(검증 정확도 {100 * m['plain_val_acc']:.1f}% 대 {100 * m['regularized_val_acc']:.1f}%).{stop.ko}",
    )


def figures(result: Result, lang: str) -> list[go.Figure]:
    history, m = result.data["history"], result.metrics
    curves = make_subplots(rows=1, cols=2, horizontal_spacing=0.1,
                           subplot_titles=(T("Loss (log scale)", "손실 (로그 눈금)")(lang),
                                           T("Accuracy", "정확도")(lang)))
    for model, label in MODELS.items():
        for kind, dash in (("train", "dot"), ("val", "solid")):
            for col, metric in ((1, "loss"), (2, "acc")):
                curves.add_trace(go.Scatter(
                    x=history[model]["epoch"], y=history[model][f"{kind} {metric}"],
                    name=f"{label(lang)} · {KINDS[kind](lang)}", legendgroup=f"{model}-{kind}",
                    showlegend=col == 1, line={"color": COLORS[model], "dash": dash, "width": 2.5},
                ), row=1, col=col)
    stopped = int(m["regularized_stopped_epoch"])
    if stopped:
        # Dashed lines with their name in the legend: a label on the plot would cover curves.
        for col in (1, 2):
            curves.add_vline(x=stopped, line_dash="dash", line_color=COLORS["regularized"], line_width=1.5,
                             row=1, col=col)
        curves.add_trace(go.Scatter(
            x=[None], y=[None], mode="lines", line={"color": COLORS["regularized"], "dash": "dash"},
            name=T(f"early stop (epoch {stopped})", f"조기 종료 ({stopped} 에포크)")(lang),
        ), row=1, col=1)
    losses = flat(history[model][f"{kind} loss"] for model in MODELS for kind in KINDS)
    log_axis(curves, losses, row=1, col=1)
    curves.update_xaxes(title_text=T("epoch", "에포크")(lang))
    curves.update_yaxes(title_text=T("cross-entropy", "교차 엔트로피")(lang), row=1, col=1)
    curves.update_yaxes(title_text=T("share correct", "정답 비율")(lang), tickformat=".0%", row=1, col=2)
    style(curves, height=460)

    gaps = [100 * m[f"{model}_acc_gap"] for model in MODELS]
    gap = go.Figure(go.Bar(
        x=[label(lang) for label in MODELS.values()], y=gaps,
        marker_color=[COLORS[model] for model in MODELS],
        text=[f"{g:.1f}" for g in gaps], textposition="outside", cliponaxis=False,
    ))
    gap.update_yaxes(title_text=T("points", "%p")(lang), range=[min(0, *gaps) * 1.2, max(1, *gaps) * 1.25])
    style(gap, height=340, legend_below=False,
          title=T("Generalization gap: train − validation accuracy",
                  "일반화 격차: 훈련 정확도 − 검증 정확도")(lang))
    return [curves, gap]
