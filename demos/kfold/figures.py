"""What the page draws and says for the K-fold demo, in English and Korean."""

from __future__ import annotations

from typing import Mapping

import plotly.graph_objects as go

from demos.framework import T, accuracy, LiveChart, Metric, Result, Value
from demos.plots import PALETTE, style

MAX_FOLDS = 10  # the largest K the demo offers; every fold's series has a name on screen
MEAN_COLOR, TEST_COLOR = PALETTE[6], PALETTE[1]
LEAKS = {
    "none": T("no leak", "누수 없음"),
    "normalize": T("scaling statistics from all the data", "전체 데이터로 구한 표준화 통계"),
    "duplicates": T("near-copies split apart", "갈라진 거의 같은 사본"),
    "grouped": T("near-copies kept in one fold", "한 폴드에 모은 거의 같은 사본"),
}


def fold_name(k: int) -> T:
    return T(f"fold {k}", f"폴드 {k}")


LIVE = LiveChart(
    x_title=T("epoch", "에포크"),
    y_title=T("validation accuracy", "검증 정확도"),
    names={f"fold {k}": fold_name(k) for k in range(1, MAX_FOLDS + 1)},
)

# What the page and the predictions call each measured number.
METRICS = {
    "cv_mean": accuracy(T("cross-validation score (mean)", "교차 검증 점수 (평균)")),
    "cv_std": Metric(T("spread of the fold scores (std)", "폴드 점수의 표준편차"), "points"),
    "cv_min": accuracy(T("lowest fold score", "가장 낮은 폴드 점수")),
    "cv_max": accuracy(T("highest fold score", "가장 높은 폴드 점수")),
    "test_mean": accuracy(T("test accuracy (mean of the models)", "테스트 정확도 (모델 평균)")),
    "optimism": Metric(T("optimism (CV score minus test)", "낙관 편향 (CV 점수 − 테스트)"), "points"),
    "class_share_gap": Metric(T("largest class-share gap in a fold", "폴드 안 클래스 비율의 최대 차이"), "points"),
    "train_rows_per_fold": Metric(T("training rows per model", "모델당 훈련 행 수"), "count"),
    "models_trained": Metric(T("models trained", "학습한 모델 수"), "count"),
}


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    k = int(m["models_trained"])
    mean, std, test, gap = _pct(m["cv_mean"]), 100 * m["cv_std"], _pct(m["test_mean"]), 100 * m["optimism"]
    span = f"{_pct(m['cv_min'])}–{_pct(m['cv_max'])}"
    leak = LEAKS.get(str(settings.get("leak", "none")), LEAKS["none"])
    return T(
        f"{k}-fold cross-validation: mean {mean}, standard deviation {std:.1f} points (folds {span}). "
        f"The same {k} models score {test} on the untouched test set: the cross-validation score is "
        f"{gap:+.1f} points off ({leak.en}).",
        f"{k}-폴드 교차 검증: 평균 {mean}, 표준편차 {std:.1f}%p (폴드별 {span}). 같은 모델 {k}개가 손대지 "
        f"않은 테스트 세트에서는 {test}를 기록했으므로, 교차 검증 점수와의 차이는 {gap:+.1f}%p입니다 "
        f"({leak.ko}).",
    )


def figures(result: Result, lang: str) -> list[go.Figure]:
    return [_curves(result, lang), _scores(result, lang), _classes(result, lang)]


def _curves(result: Result, lang: str) -> go.Figure:
    """Every fold's validation accuracy per epoch, and their mean."""
    history = result.data["history"]
    epochs, curves = history["epoch"], history["val acc"]
    fig = go.Figure()
    for k, ys in enumerate(curves):
        fig.add_trace(go.Scatter(x=epochs, y=ys, mode="lines", name=fold_name(k + 1)(lang),
                                 line={"color": PALETTE[k % 6], "width": 1.5, "dash": "solid" if k < 6 else "dash"},
                                 opacity=0.8))
    mean = [sum(values) / len(values) for values in zip(*curves)]
    fig.add_trace(go.Scatter(x=epochs, y=mean, mode="lines", name=T("mean of the folds", "폴드 평균")(lang),
                             line={"color": MEAN_COLOR, "width": 4}))
    fig.update_xaxes(title_text=T("epoch", "에포크")(lang))
    fig.update_yaxes(title_text=T("validation accuracy", "검증 정확도")(lang), tickformat=".0%")
    return style(fig, height=440, title=T("Each fold's model, scored on the fold it never trained on",
                                          "각 폴드의 모델을 학습에 쓰지 않은 그 폴드로 평가합니다")(lang))


def _scores(result: Result, lang: str) -> go.Figure:
    """Final fold scores with their mean and ±1 standard deviation, beside the test scores."""
    m, scores, tests = result.metrics, result.data["fold_scores"], result.data["test_scores"]
    folds = [fold_name(k + 1)(lang) for k in range(len(scores))]
    mean, std = m["cv_mean"], m["cv_std"]
    fig = go.Figure()
    # The band and the lines carry their names in the legend; labels on the plot would cover dots.
    fig.add_hrect(y0=mean - std, y1=mean + std, fillcolor=PALETTE[0], opacity=0.12, line_width=0)
    fig.add_hline(y=mean, line_color=PALETTE[0], line_width=2.5)
    fig.add_hline(y=m["test_mean"], line_color=TEST_COLOR, line_width=2, line_dash="dash")
    fig.add_trace(go.Scatter(x=folds, y=scores, mode="markers", marker={"size": 16, "color": PALETTE[0]},
                             name=T("validation fold score", "검증 폴드 점수")(lang)))
    fig.add_trace(go.Scatter(x=folds, y=tests, mode="markers", name=T("same model on the test set",
                                                                        "같은 모델의 테스트 세트 점수")(lang),
                             marker={"size": 13, "color": TEST_COLOR, "symbol": "diamond"}))
    for name, color, dash in ((T(f"mean {_pct(mean)} ± std {100 * std:.1f} points",
                                 f"평균 {_pct(mean)} ± 표준편차 {100 * std:.1f}%p"), PALETTE[0], "solid"),
                              (T(f"test-set mean {_pct(m['test_mean'])}",
                                 f"테스트 세트 평균 {_pct(m['test_mean'])}"), TEST_COLOR, "dash")):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=name(lang),
                                 line={"color": color, "dash": dash, "width": 2.5}))
    low = min(*scores, *tests, mean - std)
    fig.update_yaxes(title_text=T("accuracy", "정확도")(lang), tickformat=".0%",
                     range=[max(0.0, low - 0.03), 1.005])
    fig.update_xaxes(title_text=T("fold held out for validation", "검증에 쓴 폴드")(lang))
    return style(fig, height=460, title=T("Cross-validation score: the mean and spread of the fold scores",
                                          "교차 검증 점수: 폴드 점수의 평균과 퍼짐")(lang))


def _classes(result: Result, lang: str) -> go.Figure:
    """How many images of each digit every validation fold holds; the colour says how far the
    digit's share in that fold is from its share in all the data (white: the same mix)."""
    counts = result.data["class_counts"]
    total = [sum(column) for column in zip(*counts)]
    overall = [n / sum(total) for n in total]
    off = [[100 * (n / sum(row) - share) for n, share in zip(row, overall)] for row in counts]
    reach = max(3.0, *(abs(v) for row in off for v in row))
    fig = go.Figure(go.Heatmap(
        z=off, x=[str(d) for d in range(10)], y=[fold_name(k + 1)(lang) for k in range(len(counts))],
        text=counts, texttemplate="%{text}", zmid=0, zmin=-reach, zmax=reach,
        colorscale=[[0, PALETTE[1]], [0.5, "#FFFFFF"], [1, PALETTE[0]]],
        colorbar={"title": {"text": T("share off (points)", "비율 차이 (%p)")(lang), "side": "right"}},
        hovertemplate="%{y} · %{x}: %{text} (%{z:+.1f})<extra></extra>",
    ))
    fig.update_xaxes(title_text=T("digit", "숫자")(lang), type="category")
    fig.update_yaxes(title_text=T("validation fold", "검증 폴드")(lang), autorange="reversed")
    gap = 100 * result.metrics["class_share_gap"]
    return style(fig, height=max(340, 140 + 40 * len(counts)), legend_below=False,
                 title=T(f"Images of each digit per fold (a class share off by up to {gap:.1f} points)",
                         f"폴드별 숫자 이미지 수 (클래스 비율 차이 최대 {gap:.1f}%p)")(lang))
