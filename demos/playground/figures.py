"""What the page draws and says for the playground, in English and Korean: the decision
boundary (live while training, and at the end) and the loss and accuracy curves."""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.framework import (
    T, TEST_ACC, TEST_LOSS, TRAIN_ACC, TRAIN_LOSS, LiveChart, Metric, Progress, Result, Value,
)
from demos.plots import PALETTE, log_axis, style

EXTENT = 6.0  # the picture covers [-EXTENT, EXTENT] on both axes: the lesson's EXTENT
CLASS_COLORS = (PALETTE[1], PALETTE[0], PALETTE[2])  # class 0 orange-red, 1 blue, 2 green
SPLITS = {"train": T("train", "훈련"), "test": T("test", "테스트")}
SPLIT_COLORS = {"train": PALETTE[0], "test": PALETTE[1]}

LIVE = LiveChart(
    x_title=T("epoch", "에포크"),
    y_title=T("loss (log scale)", "손실 (로그 눈금)"),
    log_y=True,
    names={f"{split} loss": T(f"{label.en} loss", f"{label.ko} 손실") for split, label in SPLITS.items()},
)

ACTIVATION_NAMES = {"tanh": T("tanh", "tanh"), "relu": T("ReLU", "ReLU"), "sigmoid": T("sigmoid", "시그모이드"),
                    "linear": T("linear (identity)", "linear(항등 함수)")}

# What the page and the predictions call each measured number.
METRICS = {
    "train_loss": TRAIN_LOSS, "test_loss": TEST_LOSS, "train_acc": TRAIN_ACC, "test_acc": TEST_ACC,
    "epochs_run": Metric(T("epochs trained", "학습한 에포크 수"), "count"),
    "diverged_epoch": Metric(T("diverged at epoch", "발산한 에포크"), "step", never=0),
}


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    diverged = int(m["diverged_epoch"])
    if diverged:
        return T(
            f"Training diverged at epoch {diverged}: the loss became infinite or NaN. "
            f"Try a learning rate smaller than {settings['lr']:g}.",
            f"{diverged} 에포크에서 학습이 발산했습니다. 손실이 무한대나 NaN이 되었습니다. "
            f"학습률을 {settings['lr']:g}보다 작게 해 보십시오.",
        )
    layers, width = int(settings["hidden_layers"]), int(settings["width"])
    act = ACTIVATION_NAMES[str(settings["activation"])]
    if layers == 0:
        shape = T("no hidden layer (a linear model)", "은닉층이 없는 선형 모델")
    else:
        shape = T(f"{layers} hidden layer{'s' if layers != 1 else ''} of {width} {act.en} units",
                  f"{act.ko} 유닛 {width}개짜리 은닉층 {layers}개")
    epochs, test, train = int(m["epochs_run"]), 100 * m["test_acc"], 100 * m["train_acc"]
    return T(
        f"With {shape.en}, after {epochs} epochs the network classifies {test:.1f}% of the test "
        f"points and {train:.1f}% of the training points correctly.",
        f"{shape.ko}로 {epochs} 에포크 학습한 결과, 테스트 점의 {test:.1f}%와 훈련 점의 "
        f"{train:.1f}%를 맞게 분류했습니다.",
    )


def _heatmap(boundary: np.ndarray, classes: int, lang: str) -> go.Heatmap:
    axis = np.linspace(-EXTENT, EXTENT, boundary.shape[0])
    if classes == 2:
        # Class 0's colour where the network believes in class 0, white where it is unsure.
        scale = [[0.0, CLASS_COLORS[0]], [0.5, "#ffffff"], [1.0, CLASS_COLORS[1]]]
        return go.Heatmap(x=axis, y=axis, z=boundary, zmin=0, zmax=1, colorscale=scale, opacity=0.6,
                          hoverinfo="skip",
                          colorbar={"title": {"text": T("belief in class 1", "클래스 1일 확신")(lang),
                                              "side": "right"}, "len": 0.8})
    # One flat colour per predicted class: a stepped colour scale over 0 .. classes - 1.
    scale: list[list[Any]] = []
    for k in range(classes):
        scale += [[k / classes, CLASS_COLORS[k]], [(k + 1) / classes, CLASS_COLORS[k]]]
    return go.Heatmap(x=axis, y=axis, z=boundary, zmin=-0.5, zmax=classes - 0.5, colorscale=scale,
                      opacity=0.45, showscale=False, hoverinfo="skip")


def _points(fig: go.Figure, x: np.ndarray, y: np.ndarray, split: str, lang: str) -> None:
    for k in np.unique(y):
        chosen = y == k
        fig.add_trace(go.Scatter(
            x=x[chosen, 0], y=x[chosen, 1], mode="markers",
            name=f"{SPLITS[split](lang)} · {T('class', '클래스')(lang)} {int(k)}",
            marker={"color": CLASS_COLORS[int(k)], "size": 8,
                    "symbol": "circle" if split == "train" else "circle-open",
                    "line": {"color": "#ffffff" if split == "train" else CLASS_COLORS[int(k)],
                             "width": 1 if split == "train" else 2}},
        ))


def boundary_figure(boundary: Any, classes: int, lang: str, title: str,
                    train: tuple[Any, Any], test: tuple[Any, Any] | None = None) -> go.Figure:
    """The class the network predicts over the plane, with the data points on top."""
    fig = go.Figure(_heatmap(np.asarray(boundary, dtype=float), classes, lang))
    for split, part in (("train", train), ("test", test)):
        if part is not None:
            _points(fig, np.asarray(part[0]), np.asarray(part[1]), split, lang)
    fig.update_xaxes(title_text="x₁", range=[-EXTENT, EXTENT], constrain="domain")
    fig.update_yaxes(title_text="x₂", range=[-EXTENT, EXTENT], scaleanchor="x", constrain="domain")
    return style(fig, height=600, title=title)


def live_picture(progress: Progress, lang: str) -> go.Figure | None:
    """The boundary the lesson reported with its latest losses (None before the first)."""
    boundary, points = progress.live.get("boundary"), progress.live.get("points")
    if boundary is None or points is None:
        return None
    x, y = points
    classes = int(np.asarray(y).max()) + 1
    title = T(f"Decision boundary at epoch {progress.done}", f"{progress.done} 에포크의 결정 경계")(lang)
    fig = boundary_figure(boundary, classes, lang, title, (x, y))
    fig.update_layout(uirevision="live")  # keep the learner's zoom between redraws
    return fig


def figures(result: Result, lang: str) -> list[go.Figure]:
    d, m = result.data, result.metrics
    title = T(f"Decision boundary after {int(m['epochs_run'])} epochs "
              f"(test accuracy {100 * m['test_acc']:.1f}%)",
              f"{int(m['epochs_run'])} 에포크 뒤의 결정 경계 (테스트 정확도 {100 * m['test_acc']:.1f}%)")(lang)
    boundary = boundary_figure(d["boundary"], d["classes"], lang, title,
                               (d["x_train"], d["y_train"]), (d["x_test"], d["y_test"]))

    history = d["history"]
    curves = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                           subplot_titles=(T("Loss (log scale)", "손실 (로그 눈금)")(lang),
                                           T("Accuracy", "정확도")(lang)))
    for split, label in SPLITS.items():
        for col, metric in ((1, "loss"), (2, "acc")):
            curves.add_trace(go.Scatter(
                x=history["epoch"], y=history[f"{split} {metric}"], name=label(lang), legendgroup=split,
                showlegend=col == 1, mode="lines", line={"color": SPLIT_COLORS[split], "width": 2.5},
            ), row=1, col=col)
    diverged = int(m["diverged_epoch"])
    if diverged:
        # A dashed line named in the legend: a label on the plot would cover the curves.
        for col in (1, 2):
            curves.add_vline(x=diverged, line_dash="dash", line_color=PALETTE[6], line_width=1.5,
                             row=1, col=col)
        curves.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line={"color": PALETTE[6], "dash": "dash"},
                                    name=T(f"diverged (epoch {diverged})", f"발산 ({diverged} 에포크)")(lang)),
                         row=1, col=1)
    losses = [v for split in SPLITS for v in history[f"{split} loss"] if math.isfinite(v)]
    if losses:  # a run that diverged in its first epoch has none: keep a plain axis then
        log_axis(curves, losses, row=1, col=1)
    curves.update_xaxes(title_text=T("epoch", "에포크")(lang))
    curves.update_yaxes(title_text=T("loss", "손실")(lang), row=1, col=1)
    curves.update_yaxes(title_text=T("share correct", "정답 비율")(lang), tickformat=".0%", range=[0, 1.02],
                        row=1, col=2)
    style(curves, height=440)
    return [boundary, curves]
