"""What the page draws and says for the heads demo, in English and Korean."""

from __future__ import annotations

from typing import Mapping

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.framework import T, accuracy, diverged_step, LiveChart, Metric, metric_table, Result, Value
from demos.plots import PALETTE, flat, log_axis, style

TASKS = {
    "binary": T("Is it even? (binary)", "짝수인가? (이진 분류)"),
    "multiclass": T("Which digit? (multiclass)", "어떤 숫자인가? (다중 클래스 분류)"),
    "multilabel": T("Which tags? (multi-label)", "어떤 태그인가? (다중 레이블 분류)"),
}
# setup -> (task, correct?, its head and loss)
SETUPS = {
    "binary": ("binary", True, T("sigmoid + BCE", "시그모이드 + BCE")),
    "multiclass": ("multiclass", True, T("softmax + cross-entropy", "소프트맥스 + 교차 엔트로피")),
    "multilabel": ("multilabel", True, T("sigmoid per tag + BCE", "태그별 시그모이드 + BCE")),
    "double_softmax": ("multiclass", False, T("double softmax", "이중 소프트맥스")),
    "multilabel_softmax": ("multilabel", False, T("softmax over tags + BCE", "태그 전체 소프트맥스 + BCE")),
    "mse": ("multiclass", False, T("softmax + MSE", "소프트맥스 + MSE")),
}
TAGS = (T("even", "짝수"), T("≥ 5", "5 이상"), T("round", "둥근 숫자"))
ROUND_DIGITS = (0, 6, 8, 9)
COLORS = {"binary": PALETTE[2], "multiclass": PALETTE[0], "multilabel": PALETTE[5],
          "double_softmax": PALETTE[1], "multilabel_softmax": PALETTE[3], "mse": PALETTE[4]}
MISTAKE_PATTERN = "/"  # mistakes: hatched bars, dashed lines


def setup_label(name: str) -> T:
    """'digit · softmax + MSE (mistake)': the task's short name, the head, and whether it is wrong."""
    task, correct, head = SETUPS[name]
    short = {"binary": T("even?", "짝수?"), "multiclass": T("digit", "숫자"), "multilabel": T("tags", "태그")}[task]
    mistake = T("", "") if correct else T(" (mistake)", " (실수)")
    return T(f"{short.en} · {head.en}{mistake.en}", f"{short.ko} · {head.ko}{mistake.ko}")


LIVE = LiveChart(
    x_title=T("step", "학습 단계"),
    y_title=T("validation accuracy", "검증 정확도"),
    names={name: setup_label(name) for name in SETUPS},
)

# What the page and the predictions call each measured number.
METRICS = {
    **metric_table({name: head for name, (_, _, head) in SETUPS.items()}, {
        "acc": accuracy(T("accuracy", "정확도")),
        "grad_start": Metric(T("gradient norm at the start", "처음 기울기 노름")),
        "diverged_step": diverged_step(0),
        "row_sum": Metric(T("mean sum of a row's outputs", "한 행 출력 합의 평균")),
    }),
    "multilabel_rows_not_one": accuracy(T("multi-label: share of rows not summing to 1",
                                          "다중 레이블: 합이 1이 아닌 행의 비율")),
}


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    ce, double, mse = (100 * m[f"{n}_acc"] for n in ("multiclass", "double_softmax", "mse"))
    sig, soft = 100 * m["multilabel_acc"], 100 * m["multilabel_softmax_acc"]
    start = m["multiclass_grad_start"]
    shrink = {n: start / m[f"{n}_grad_start"] if m[f"{n}_grad_start"] > 0 else float("inf")
              for n in ("double_softmax", "mse")}
    text = T(
        f"Which digit: cross-entropy on logits {ce:.1f}%, double softmax {double:.1f}%, MSE {mse:.1f}% "
        f"(their first gradients were {shrink['double_softmax']:.0f}× and {shrink['mse']:.0f}× smaller). "
        f"All three tags right: sigmoids {sig:.1f}%, softmax {soft:.1f}%; the sigmoid tag probabilities "
        f"summed to {m['multilabel_row_sum']:.2f} on average, the softmax ones always to 1.",
        f"숫자 맞히기: 로짓에 교차 엔트로피 {ce:.1f}%, 이중 소프트맥스 {double:.1f}%, MSE {mse:.1f}% "
        f"(처음 기울기가 각각 {shrink['double_softmax']:.0f}배, {shrink['mse']:.0f}배 작았습니다). "
        f"태그 세 개 모두 맞히기: 시그모이드 {sig:.1f}%, 소프트맥스 {soft:.1f}%. 시그모이드 태그 확률의 "
        f"합은 평균 {m['multilabel_row_sum']:.2f}, 소프트맥스 확률의 합은 언제나 1이었습니다.",
    )
    diverged = [(name, int(m[f"{name}_diverged_step"])) for name in SETUPS if m[f"{name}_diverged_step"]]
    if diverged:
        en = ", ".join(f"{setup_label(n).en} at step {s}" for n, s in diverged)
        ko = ", ".join(f"{setup_label(n).ko} {s}단계" for n, s in diverged)
        text = T(f"{text.en} Diverged (the loss stopped being a number; lower the learning rate): {en}.",
                 f"{text.ko} 발산(손실이 더 이상 수가 아님, 학습률을 낮추십시오): {ko}.")
    return text


def figures(result: Result, lang: str) -> list[go.Figure]:
    return [accuracy_figure(result, lang), examples_figure(result, lang),
            curves_figure(result, lang), gradients_figure(result, lang)]


def accuracy_figure(result: Result, lang: str) -> go.Figure:
    m = result.metrics
    fig = make_subplots(rows=1, cols=3, subplot_titles=[t(lang) for t in TASKS.values()],
                        column_widths=[0.2, 0.45, 0.35], shared_yaxes=True, horizontal_spacing=0.05)
    for col, task in enumerate(TASKS, start=1):
        members = [name for name, (t, _, _) in SETUPS.items() if t == task]
        acc = [100 * m[f"{name}_acc"] for name in members]
        fig.add_trace(go.Bar(
            x=[SETUPS[name][2](lang) for name in members], y=acc, showlegend=False,
            marker_color=[COLORS[name] for name in members],
            marker_pattern_shape=["" if SETUPS[name][1] else MISTAKE_PATTERN for name in members],
            text=[f"{a:.1f}%" for a in acc], textposition="outside", cliponaxis=False,
        ), row=1, col=col)
    fig.add_trace(go.Bar(x=[None], y=[None], name=T("hatched: a classic mistake", "빗금: 흔한 실수")(lang),
                         marker={"color": "white", "pattern_shape": MISTAKE_PATTERN,
                                 "line": {"color": "grey", "width": 1}}), row=1, col=1)
    fig.update_yaxes(range=[0, 112], title_text=T("validation accuracy (%)", "검증 정확도 (%)")(lang), row=1, col=1)
    fig.update_xaxes(title_text=T("output layer + loss", "출력층 + 손실")(lang))
    return style(fig, height=460, title=T("Validation accuracy; tags count only when all three are right",
                                          "검증 정확도 (태그는 세 개 모두 맞아야 정답)")(lang))


def examples_figure(result: Result, lang: str) -> go.Figure:
    d = result.data
    probs, images, labels = d["example_probs"], d["example_images"], d["example_labels"]
    tag_names = [t(lang) for t in TAGS]
    titles = []
    for label in labels:
        count = int(label % 2 == 0) + int(label >= 5) + int(label in ROUND_DIGITS)
        titles.append(T(f"digit {label}: {count} tag{'s' if count != 1 else ''}",
                        f"숫자 {label}: 태그 {count}개")(lang))
    fig = make_subplots(rows=3, cols=len(labels), row_heights=[0.24, 0.38, 0.38], vertical_spacing=0.11,
                        horizontal_spacing=0.05, subplot_titles=titles + [""] * (2 * len(labels)))
    for col, label in enumerate(labels, start=1):
        i, first = col - 1, col == 1
        fig.add_trace(go.Heatmap(z=images[i].reshape(8, 8), colorscale="Greys", showscale=False,
                                 hoverinfo="skip"), row=1, col=col)
        fig.update_xaxes(visible=False, row=1, col=col)
        fig.update_yaxes(visible=False, autorange="reversed", scaleanchor=f"x{col}", row=1, col=col)

        fig.add_trace(go.Bar(x=list(range(10)), y=probs["multiclass"][i], marker_color=COLORS["multiclass"],
                             name=setup_label("multiclass")(lang), legendgroup="softmax10", showlegend=first,
                             hovertemplate="%{x}: %{y:.3f}<extra></extra>"), row=2, col=col)
        fig.update_xaxes(dtick=1, title_text=T("digit", "숫자")(lang), row=2, col=col)

        truth = [float(label % 2 == 0), float(label >= 5), float(label in ROUND_DIGITS)]
        for name, pattern in (("multilabel", ""), ("multilabel_softmax", MISTAKE_PATTERN)):
            fig.add_trace(go.Bar(x=tag_names, y=probs[name][i], name=setup_label(name)(lang),
                                 marker={"color": COLORS[name], "pattern_shape": pattern},
                                 legendgroup=name, showlegend=first,
                                 hovertemplate="%{x}: %{y:.3f}<extra></extra>"), row=3, col=col)
        fig.add_trace(go.Scatter(x=tag_names, y=truth, mode="markers", name=T("true tags (1 = yes)",
                                 "정답 태그 (1 = 예)")(lang), legendgroup="truth", showlegend=first,
                                 marker={"symbol": "diamond-open", "size": 13, "color": PALETTE[6],
                                         "line": {"width": 2}}), row=3, col=col)
        fig.add_hline(y=0.5, line_dash="dot", line_color="grey", row=3, col=col)
        sums = (T("sum: sigmoids {:.2f}, softmax {:.2f}", "합: 시그모이드 {:.2f}, 소프트맥스 {:.2f}")(lang)
                .format(probs["multilabel"][i].sum(), probs["multilabel_softmax"][i].sum()))
        fig.update_xaxes(title_text=sums, row=3, col=col)
        for row in (2, 3):  # probabilities: the same 0-1 scale everywhere
            fig.update_yaxes(range=[0, 1.08], showticklabels=first, row=row, col=col)
    fig.update_yaxes(title_text=T("P(digit)", "P(숫자)")(lang), row=2, col=1)
    fig.update_yaxes(title_text=T("P(tag)", "P(태그)")(lang), row=3, col=1)
    fig.update_layout(barmode="group")
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line={"color": "grey", "dash": "dot"},
                             name=T("0.5: the tag is predicted above it", "0.5: 이보다 크면 태그를 붙임")(lang)),
                  row=3, col=1)
    style(fig, height=840, title=T("What the heads output for four validation images",
                                   "검증 이미지 네 장에 대해 각 헤드가 내놓는 확률")(lang))
    fig.update_layout(margin_t=110)  # room between the title and the digits' titles
    return fig


def _lines(result: Result, key: str, lang: str) -> go.Figure:
    fig = go.Figure()
    for name, (_, correct, _) in SETUPS.items():
        h = result.data["history"][name]
        fig.add_trace(go.Scatter(x=h["step"][:len(h[key])], y=h[key], name=setup_label(name)(lang),
                                 line={"color": COLORS[name], "dash": "solid" if correct else "dash", "width": 2.5}))
    fig.update_xaxes(title_text=T("step", "학습 단계")(lang))
    return fig


def curves_figure(result: Result, lang: str) -> go.Figure:
    fig = _lines(result, "val acc", lang)
    fig.update_yaxes(title_text=T("validation accuracy", "검증 정확도")(lang), tickformat=".0%", range=[0, 1.02])
    return style(fig, height=480, title=T("Validation accuracy while training (dashed: mistakes)",
                                          "학습 중 검증 정확도 (점선: 실수)")(lang))


def gradients_figure(result: Result, lang: str) -> go.Figure:
    fig = _lines(result, "grad norm", lang)
    history = result.data["history"]
    log_axis(fig, flat(history[name]["grad norm"] for name in SETUPS))
    fig.update_yaxes(title_text=T("gradient norm ‖∂L/∂θ‖ (log scale)", "기울기 크기 ‖∂L/∂θ‖ (로그 눈금)")(lang))
    return style(fig, height=480, title=T("How hard each loss pushes the weights (dashed: mistakes)",
                                          "각 손실이 가중치를 얼마나 세게 미는가 (점선: 실수)")(lang))
