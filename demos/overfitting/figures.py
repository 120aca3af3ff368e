"""What the page draws and says for the overfitting demo, in English and Korean."""

from __future__ import annotations

from typing import Mapping

import plotly.graph_objects as go

from demos.framework import (
    T, TRAIN_ACC, TRAIN_LOSS, VAL_ACC, VAL_LOSS, LiveChart, Metric, metric_table, Result, Value,
)
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

# What the page and the predictions call each measured number.
METRICS = {
    **metric_table(MODELS, {
        "train_loss": TRAIN_LOSS, "val_loss": VAL_LOSS, "train_acc": TRAIN_ACC, "val_acc": VAL_ACC,
        "acc_gap": Metric(T("train-validation accuracy gap", "훈련-검증 정확도 차이"), "points"),
        "loss_gap": Metric(T("validation-train loss gap", "검증-훈련 손실 차이")),
    }),
    "regularized_stopped_epoch": Metric(T("regularized: epoch early stopping kept", "규제 적용: 조기 종료가 고른 에포크"),
                                        "step"),
}


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
    stopped = int(m["regularized_stopped_epoch"])
    loss = _curves(history, "loss", stopped, lang)
    log_axis(loss, flat(history[model][f"{kind} loss"] for model in MODELS for kind in KINDS))
    loss.update_yaxes(title_text=T("cross-entropy (log scale)", "교차 엔트로피 (로그 눈금)")(lang))
    style(loss, height=420, title=T("Loss: training keeps falling, validation turns",
                                    "손실: 훈련 손실은 계속 내려가고 검증 손실은 돌아섭니다")(lang))
    accuracy = _curves(history, "acc", stopped, lang)
    accuracy.update_yaxes(title_text=T("share correct", "정답 비율")(lang), tickformat=".0%")
    style(accuracy, height=420, title=T("Accuracy", "정확도")(lang))

    gaps = [100 * m[f"{model}_acc_gap"] for model in MODELS]
    gap = go.Figure(go.Bar(
        x=[label(lang) for label in MODELS.values()], y=gaps,
        marker_color=[COLORS[model] for model in MODELS],
        text=[f"{g:.1f}" for g in gaps], textposition="outside", cliponaxis=False,
    ))
    gap.update_yaxes(title_text=T("points", "%p")(lang), range=[min(0, *gaps) * 1.3, max(1, *gaps) * 1.3])
    style(gap, height=340, legend_below=False,
          title=T("Generalization gap: train − validation accuracy",
                  "일반화 격차: 훈련 정확도 − 검증 정확도")(lang))
    return [loss, accuracy, gap]


def _curves(history: dict, metric: str, stopped: int, lang: str) -> go.Figure:
    """Train (dotted) and validation (solid) curves of both models, and where training stopped."""
    fig = go.Figure()
    for model, label in MODELS.items():
        for kind, dash in (("train", "dot"), ("val", "solid")):
            fig.add_trace(go.Scatter(
                x=history[model]["epoch"], y=history[model][f"{kind} {metric}"],
                name=f"{label(lang)} · {KINDS[kind](lang)}",
                line={"color": COLORS[model], "dash": dash, "width": 2.5},
            ))
    if stopped:
        # A dashed line named in the legend: a label on the plot would cover the curves.
        fig.add_vline(x=stopped, line_dash="dash", line_color=COLORS["regularized"], line_width=1.5)
        fig.add_trace(go.Scatter(
            x=[None], y=[None], mode="lines", line={"color": COLORS["regularized"], "dash": "dash"},
            name=T(f"early stop (epoch {stopped})", f"조기 종료 ({stopped} 에포크)")(lang),
        ))
    fig.update_xaxes(title_text=T("epoch", "에포크")(lang))
    return fig
