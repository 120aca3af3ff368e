"""What the page draws and says for the hyperparameter-search demo, in English and Korean:
every trial as a point (learning rate against the second hyperparameter), the trials seen
along the learning rate alone, and each search's best-so-far curve against the budget."""

from __future__ import annotations

import math
from typing import Any, Mapping

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.framework import T, TEST_ACC, accuracy, LiveChart, Metric, metric_table, Result, Value
from demos.plots import PALETTE, decade_ticks, log_axis, style, tick_text

METHODS = {"grid": T("grid search", "그리드 서치"), "random": T("random search", "랜덤 서치"),
           "halving": T("successive halving", "연속 반감법")}
COLORS = {"grid": PALETTE[0], "random": PALETTE[1], "halving": PALETTE[2]}
SYMBOLS = {"grid": "square", "random": "circle", "halving": "diamond"}
SECOND = {"weight_decay": T("weight decay (L2)", "가중치 감쇠 (L2)"),
          "hidden": T("hidden units", "은닉 유닛 수")}
LR = T("learning rate (log scale)", "학습률 (로그 눈금)")
VAL = T("validation accuracy", "검증 정확도")
# Accuracy from chance (0.1) to perfect, dark to bright: readable for colour-blind viewers.
SCALE = "Viridis"

LIVE = LiveChart(
    x_title=T("epochs of training spent", "사용한 학습 에포크 수"),
    y_title=T("best validation accuracy so far", "지금까지 최고 검증 정확도"),
    names=dict(METHODS),
)

# What the page and the predictions call each measured number.
METRICS = {
    **metric_table(METHODS, {
        "val_acc": accuracy(T("best validation accuracy", "최고 검증 정확도")), "test_acc": TEST_ACC,
        "epochs_spent": Metric(T("epochs spent", "사용한 에포크 수"), "count"),
        "trials": Metric(T("trials", "시도 수"), "count"),
        "learning_rates": Metric(T("learning rates tried", "시도한 학습률 수"), "count"),
    }),
    "random_minus_grid": Metric(T("random minus grid (validation)", "랜덤 − 그리드 (검증)"), "points"),
    "halving_minus_random": Metric(T("halving minus random (validation)", "반감법 − 랜덤 (검증)"), "points"),
}


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    k, epochs = int(settings["grid_points"]), int(settings["epochs"])
    budget = k * k * epochs
    if not m["halving_trials"]:
        return T(f"Stopped before every search had spent its budget of {budget} epochs. Best "
                 f"validation accuracy so far: grid {_percent(m['grid_val_acc'])}, random "
                 f"{_percent(m['random_val_acc'])}.",
                 f"모든 탐색이 예산 {budget} 에포크를 다 쓰기 전에 멈췄습니다. 지금까지 최고 검증 "
                 f"정확도: 그리드 {_percent(m['grid_val_acc'])}, 랜덤 {_percent(m['random_val_acc'])}.")
    return T(
        f"Each search spent at most {budget} epochs of training. Best validation accuracy: grid "
        f"{_percent(m['grid_val_acc'])} ({int(m['grid_learning_rates'])} learning rates tried), "
        f"random {_percent(m['random_val_acc'])} ({int(m['random_learning_rates'])}), successive "
        f"halving {_percent(m['halving_val_acc'])} ({int(m['halving_learning_rates'])}, "
        f"{int(m['halving_trials'])} trials). On the test digits the three winners score "
        f"{_percent(m['grid_test_acc'])}, {_percent(m['random_test_acc'])} and "
        f"{_percent(m['halving_test_acc'])}.",
        f"각 탐색은 학습 에포크를 최대 {budget}번 썼습니다. 최고 검증 정확도: 그리드 "
        f"{_percent(m['grid_val_acc'])} (시도한 학습률 {int(m['grid_learning_rates'])}개), 랜덤 "
        f"{_percent(m['random_val_acc'])} ({int(m['random_learning_rates'])}개), 연속 반감법 "
        f"{_percent(m['halving_val_acc'])} ({int(m['halving_learning_rates'])}개, 시행 "
        f"{int(m['halving_trials'])}번). 테스트 숫자에서 세 우승자의 정확도는 "
        f"{_percent(m['grid_test_acc'])}, {_percent(m['random_test_acc'])}, "
        f"{_percent(m['halving_test_acc'])}입니다.",
    )


def _trials(result: Result, method: str) -> list[dict[str, Any]]:
    return [t for t in result.data["trials"] if t["method"] == method]


def _best(trials: list[dict[str, Any]]) -> dict[str, Any] | None:
    return max(trials, key=lambda t: t["val acc"]) if trials else None


def _log_range(low: float, high: float) -> list[float]:
    """A log axis over [low, high] with a little room on either side (plotly wants log10)."""
    pad = 0.06 * (math.log10(high) - math.log10(low))
    return [math.log10(low) - pad, math.log10(high) + pad]


def _decades(fig: go.Figure, values: tuple[float, float], axis: str, col: int) -> None:
    """A log axis for a narrow panel: ticks at powers of ten only, so the labels never crowd."""
    log_axis(fig, values, axis=axis, row=1, col=col)
    ticks = [t for t in decade_ticks(*values) if f"{t:e}".startswith("1.")] or decade_ticks(*values)
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    update(tickvals=ticks, ticktext=[tick_text(t) for t in ticks], range=_log_range(*values), row=1, col=col)


def every_trial(result: Result, lang: str) -> go.Figure:
    """One panel per search: each trial at (learning rate, second hyperparameter), its colour
    the validation accuracy; successive halving's longer trials drawn larger."""
    second, space, m = result.data["second"], result.data["space"], result.metrics
    titles = {method: T(f"{label.en.capitalize()}: {int(m[f'{method}_learning_rates'])} rates, "
                        f"{int(m[f'{method}_trials'])} trials",
                        f"{label.ko}: 학습률 {int(m[f'{method}_learning_rates'])}개, "
                        f"시행 {int(m[f'{method}_trials'])}번")
              for method, label in METHODS.items()}
    fig = make_subplots(rows=1, cols=3, horizontal_spacing=0.03, shared_yaxes=True,
                        subplot_titles=[titles[method](lang) for method in METHODS])
    lengths = sorted({t["epochs"] for t in result.data["trials"]})
    size = {epochs: 8 + 10 * math.sqrt(epochs / lengths[-1]) for epochs in lengths}
    for col, method in enumerate(METHODS, start=1):
        trials = _trials(result, method)
        fig.add_trace(go.Scatter(
            x=[t["lr"] for t in trials], y=[t[second] for t in trials], mode="markers", showlegend=False,
            marker={"color": [t["val acc"] for t in trials], "coloraxis": "coloraxis",
                    "size": [size[t["epochs"]] for t in trials],
                    "symbol": ["x" if t["diverged"] else SYMBOLS[method] for t in trials],
                    "line": {"color": "#333333", "width": 1}},
            customdata=[[t["epochs"], 100 * t["val acc"]] for t in trials],
            hovertemplate=(f"{T('learning rate', '학습률')(lang)} %{{x:.3g}}<br>{SECOND[second](lang)} "
                           f"%{{y:.3g}}<br>%{{customdata[0]}} {T('epochs', '에포크')(lang)}<br>"
                           f"{VAL(lang)} %{{customdata[1]:.1f}}%<extra></extra>"),
        ), row=1, col=col)
        winner = _best(trials)
        if winner:  # a ring around each search's winner, named once in the legend
            fig.add_trace(go.Scatter(
                x=[winner["lr"]], y=[winner[second]], mode="markers", name=T("winner", "우승자")(lang),
                legendgroup="winner", showlegend=col == 1, hoverinfo="skip",
                marker={"size": 30, "symbol": "circle-open", "color": PALETTE[6], "line": {"width": 3}},
            ), row=1, col=col)
        _decades(fig, space["lr"], "x", col)
        _decades(fig, space[second], "y", col)
        if second == "hidden":  # widths read best as powers of two
            widths = [w for w in (8, 16, 32, 64, 128) if space[second][0] <= w <= space[second][1]]
            fig.update_yaxes(tickvals=widths, ticktext=[str(w) for w in widths], row=1, col=col)
    if len(lengths) > 1:  # what the marker sizes mean (successive halving's rungs)
        for epochs in lengths:
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers",
                                     name=T(f"{epochs} epoch{'s' if epochs > 1 else ''}", f"{epochs} 에포크")(lang),
                                     marker={"symbol": "diamond", "size": size[epochs], "color": "#999999"}),
                          row=1, col=3)
    if any(t["diverged"] for t in result.data["trials"]):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=T("diverged", "발산")(lang),
                                 marker={"symbol": "x", "size": 12, "color": "#888888"}), row=1, col=1)
    fig.update_xaxes(title_text=T("learning rate", "학습률")(lang))
    fig.update_yaxes(title_text=SECOND[second](lang) + T(" (log scale)", " (로그 눈금)")(lang), row=1, col=1)
    fig.update_layout(coloraxis={"colorscale": SCALE, "cmin": 0.1, "cmax": 1.0,
                                 "colorbar": {"title": {"text": VAL(lang), "side": "right"},
                                              "tickformat": ".0%", "len": 0.9}})
    style(fig, height=500, title=T("Every trial: learning rate (log scale) against "
                                   f"{SECOND[second].en}, coloured by validation accuracy",
                                   f"모든 시행: 학습률(로그 눈금)과 {SECOND[second].ko}, 색은 검증 정확도")(lang))
    fig.update_layout(legend={"y": -0.22})
    return fig


def along_learning_rate(result: Result, lang: str) -> go.Figure:
    """Every trial that trained for all the epochs, by learning rate alone: the grid's trials
    pile up on a few rates."""
    epochs = max((t["epochs"] for t in result.data["trials"]), default=1)
    fig = go.Figure()
    for method, label in METHODS.items():
        trials = [t for t in _trials(result, method) if t["epochs"] == epochs]
        fig.add_trace(go.Scatter(
            x=[t["lr"] for t in trials], y=[t["val acc"] for t in trials], mode="markers",
            name=T(f"{label.en}: {len({t['lr'] for t in trials})} learning rates",
                   f"{label.ko}: 학습률 {len({t['lr'] for t in trials})}개")(lang),
            marker={"color": COLORS[method], "symbol": SYMBOLS[method], "size": 13,
                    "line": {"color": "#ffffff", "width": 1}, "opacity": 0.85},
        ))
        piles: dict[float, list[float]] = {}
        for t in trials:
            piles.setdefault(t["lr"], []).append(t["val acc"])
        for lr, accs in piles.items():  # how many trials sit on top of each other at one rate
            if len(accs) > 1:
                fig.add_annotation(x=math.log10(lr), y=max(accs), yshift=20, showarrow=False,
                                   text=T(f"{len(accs)} trials", f"시행 {len(accs)}번")(lang),
                                   font={"color": COLORS[method]})
    log_axis(fig, result.data["space"]["lr"], axis="x")
    fig.update_xaxes(title_text=LR(lang), range=_log_range(*result.data["space"]["lr"]))
    fig.update_yaxes(title_text=VAL(lang), tickformat=".0%", range=[0, 1.08])
    title = T(f"Accuracy against the learning rate alone (trials trained for all {epochs} epochs)",
              f"학습률 하나로만 본 정확도 ({epochs} 에포크를 모두 학습한 시행)")
    return style(fig, height=440, title=title(lang))


def best_so_far(result: Result, lang: str) -> go.Figure:
    """Each search's best validation accuracy against the epochs it has spent."""
    m, budget = result.metrics, result.data["budget"]
    fig = go.Figure()
    for method, label in METHODS.items():
        trials = _trials(result, method)
        if not trials:
            continue
        test = T(f"test {_percent(m[f'{method}_test_acc'])}", f"테스트 {_percent(m[f'{method}_test_acc'])}")
        fig.add_trace(go.Scatter(
            x=[t["spent"] for t in trials], y=[t["best so far"] for t in trials],
            mode="lines+markers", line_shape="hv", name=f"{label(lang)} · {test(lang)}",
            line={"color": COLORS[method], "width": 3}, marker={"symbol": SYMBOLS[method], "size": 8},
        ))
    fig.update_xaxes(title_text=T(f"epochs of training spent (budget {budget} each)",
                                  f"사용한 학습 에포크 수 (탐색마다 예산 {budget})")(lang), range=[0, budget * 1.02])
    fig.update_yaxes(title_text=T("best validation accuracy so far", "지금까지 최고 검증 정확도")(lang),
                     tickformat=".0%")
    title = T("Best so far: the same budget, spent three ways", "지금까지의 최고: 같은 예산, 세 가지 쓰는 법")
    return style(fig, height=440, title=title(lang))


def figures(result: Result, lang: str) -> list[go.Figure]:
    return [best_so_far(result, lang), every_trial(result, lang), along_learning_rate(result, lang)]
