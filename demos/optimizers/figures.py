"""What the page draws and says for the optimizers demo, in English and Korean."""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import plotly.graph_objects as go

from demos.framework import (
    T, TEST_ACC, TRAIN_LOSS, diverged_step, LiveChart, Metric, metric_table, Result, Value,
)
from demos.plots import PALETTE, flat, log_axis, style

NAMES = {"sgd": T("SGD", "SGD"), "momentum": T("Momentum", "모멘텀"), "adagrad": T("AdaGrad", "AdaGrad"),
         "rmsprop": T("RMSProp", "RMSProp"), "adam": T("Adam", "Adam")}
COLORS = {"sgd": PALETTE[1], "momentum": PALETTE[4], "adagrad": PALETTE[2], "rmsprop": PALETTE[3],
          "adam": PALETTE[0]}
SURFACE_NAMES = {"saddle": T("Saddle point", "안장점"),
                 "rosenbrock": T("Rosenbrock 'banana' valley", "로젠브록 '바나나' 골짜기"),
                 "bowl": T("Ill-conditioned bowl", "악조건 그릇")}
# The part of each surface the race figure shows: (x range, y range).
VIEWS = {"saddle": ((-2.0, 2.0), (-1.6, 1.6)), "rosenbrock": ((-2.0, 2.0), (-1.0, 3.0)),
         "bowl": ((-5.0, 5.0), (-2.0, 2.0))}
SADDLE_POINT = (0.0, 0.0)
FLOOR = 1e-12  # a log axis cannot show 0: gaps below this are drawn at it
MAX_FRAMES = 30

LIVE = LiveChart(
    x_title=T("step (the surface race, then the digits)", "스텝 (곡면 경주, 이어서 숫자 데이터)"),
    y_title=T("loss (surface: above its minimum), log scale", "손실 (곡면: 최솟값과의 차이), 로그 눈금"),
    log_y=True,
    names={**{f"surface {o}": T(f"{n.en} · surface", f"{n.ko} · 곡면") for o, n in NAMES.items()},
           **{f"digits {o}": T(f"{n.en} · digits", f"{n.ko} · 숫자 데이터") for o, n in NAMES.items()}},
)

# What the page and the predictions call each measured number.
METRICS = {
    **metric_table(NAMES, {
        "diverged_step": diverged_step(-1),
        "final_loss": Metric(T("final loss on the surface", "곡면에서의 최종 손실")),
        "distance_to_min": Metric(T("distance to the nearest minimum", "가장 가까운 최솟값까지의 거리")),
        "escaped_saddle": Metric(T("escaped the saddle", "안장점 탈출"), "flag"),
        "distance_to_saddle": Metric(T("distance from the saddle point", "안장점에서의 거리")),
    }),
    **metric_table({f"digits_{o}": T(f"digits · {n.en}", f"숫자 데이터 · {n.ko}") for o, n in NAMES.items()}, {
        "diverged_step": diverged_step(-1), "train_loss": TRAIN_LOSS, "test_acc": TEST_ACC,
    }),
}


def _listing(names: list[str], lang: str, none: T) -> str:
    return ", ".join(NAMES[o](lang) for o in names) or none(lang)


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    steps = int(settings["steps"])
    blew_up = [o for o in NAMES if m[f"{o}_diverged_step"] >= 0]
    survivors = [o for o in NAMES if o not in blew_up]
    if settings["surface"] == "saddle":
        out = [o for o in survivors if m[f"{o}_escaped_saddle"]]
        stuck = [o for o in survivors if not m[f"{o}_escaped_saddle"]]
        none = T("none", "없음")
        en = f"After {steps} steps, escaped the saddle to a minimum: {_listing(out, 'en', none)}."
        ko = f"{steps} 스텝 뒤 안장점을 벗어나 최솟값에 도달한 옵티마이저: {_listing(out, 'ko', none)}."
        if stuck:
            near = {lang: ", ".join(f"{NAMES[o](lang)} {m[f'{o}_distance_to_saddle']:.3f}" for o in stuck)
                    for lang in ("en", "ko")}
            en += f" Still near the saddle point (distance from it): {near['en']}."
            ko += f" 아직 안장점 근처에 있는 옵티마이저(안장점까지 거리): {near['ko']}."
    elif survivors:
        ranked = sorted(survivors, key=lambda o: m[f"{o}_distance_to_min"])
        best, worst = ranked[0], ranked[-1]
        near, far = f"{m[f'{best}_distance_to_min']:.3g}", f"{m[f'{worst}_distance_to_min']:.3g}"
        en = (f"After {steps} steps, closest to the minimum: {NAMES[best].en} (distance {near}); "
              f"furthest: {NAMES[worst].en} ({far}).")
        ko = (f"{steps} 스텝 뒤 최솟값에 가장 가까운 옵티마이저는 {NAMES[best].ko}(거리 {near}), "
              f"가장 먼 옵티마이저는 {NAMES[worst].ko}({far})입니다.")
    else:
        en = ko = ""
    for o in blew_up:
        step = int(m[f"{o}_diverged_step"])
        en += f" On the surface {NAMES[o].en} diverged at step {step}."
        ko += f" 곡면에서 {NAMES[o].ko}의 경로는 {step} 스텝에서 발산했습니다."
    trained = [o for o in NAMES if f"digits_{o}_train_loss" in m]
    if trained:
        best = min(trained, key=lambda o: m[f"digits_{o}_train_loss"])
        loss, acc = m[f"digits_{best}_train_loss"], 100 * m[f"digits_{best}_test_acc"]
        en += (f" On the digits, {NAMES[best].en} reached the lowest training loss "
               f"({loss:.3f}; test accuracy {acc:.1f}%).")
        ko += (f" 숫자 데이터에서는 {NAMES[best].ko}의 훈련 손실이 가장 낮았습니다"
               f"({loss:.3f}, 테스트 정확도 {acc:.1f}%).")
    for o in NAMES:
        if m[f"digits_{o}_diverged_step"] >= 0:
            step = int(m[f"digits_{o}_diverged_step"])
            en += f" On the digits {NAMES[o].en} diverged at step {step}."
            ko += f" 숫자 데이터에서 {NAMES[o].ko}의 학습은 {step} 스텝에서 발산했습니다."
    return T(en.strip(), ko.strip())


def _legend(o: str, lr: float, lang: str) -> str:
    return f"{NAMES[o](lang)} (lr {lr:g})"


def _surface(name: str):
    from demos.optimizers.lesson import SURFACES  # PyTorch: loaded by the run that came first

    return SURFACES[name]


def race_figure(result: Result, lang: str) -> go.Figure:
    d = result.data
    surface = _surface(d["surface"])
    (x0, x1), (y0, y1) = VIEWS[d["surface"]]
    # A log-scaled contour map of the loss above its minimum shows valleys and ridges alike.
    xs, ys = np.linspace(x0, x1, 120), np.linspace(y0, y1, 120)
    gx, gy = np.meshgrid(xs, ys)
    low = surface["f"](*surface["minima"][0])
    z = np.log10(surface["f"](gx, gy) - low + 1e-3)
    fig = go.Figure(go.Contour(x=xs, y=ys, z=z, colorscale="Greys", reversescale=True, showscale=False,
                               ncontours=30, contours={"coloring": "heatmap"}, opacity=0.8,
                               hoverinfo="skip", showlegend=False))
    # Clipped just outside the view: one wild jump would otherwise stretch the axes.
    paths = {o: np.clip(np.array(d["paths"][o], dtype=float).reshape(-1, 2), [x0 - 1, y0 - 1], [x1 + 1, y1 + 1])
             for o in NAMES}
    drawn = list(reversed(NAMES))  # Adam first, SGD last: SGD's short path stays on top
    for o in drawn:
        fig.add_trace(go.Scatter(x=paths[o][:, 0], y=paths[o][:, 1], mode="lines+markers",
                                 name=_legend(o, d["lrs"][o], lang), legendgroup=o, legendrank=list(NAMES).index(o),
                                 line={"color": COLORS[o], "width": 2.5}, marker={"size": 4}, opacity=0.9))
    for o in drawn:  # a big dot where each one is now
        fig.add_trace(go.Scatter(x=paths[o][-1:, 0], y=paths[o][-1:, 1], mode="markers", showlegend=False,
                                 legendgroup=o, hoverinfo="skip",
                                 marker={"color": COLORS[o], "size": 13, "line": {"color": "white", "width": 1.5}}))
    mx, my = zip(*surface["minima"])
    fig.add_trace(go.Scatter(x=mx, y=my, mode="markers", name=T("minimum", "최솟값")(lang), legendrank=10,
                             marker={"symbol": "star", "size": 17, "color": PALETTE[7],
                                     "line": {"color": "black", "width": 1}}))
    fig.add_trace(go.Scatter(x=[d["start"][0]], y=[d["start"][1]], mode="markers", legendrank=11,
                             name=T("start", "시작점")(lang),
                             marker={"symbol": "circle-open", "size": 15, "color": "black", "line": {"width": 2}}))
    if d["surface"] == "saddle":
        fig.add_trace(go.Scatter(x=[SADDLE_POINT[0]], y=[SADDLE_POINT[1]], mode="markers", legendrank=12,
                                 name=T("saddle point", "안장점")(lang),
                                 marker={"symbol": "x", "size": 14, "color": "black"}))
    _animate(fig, paths, drawn, lang)
    steps = max(len(p) for p in paths.values()) - 1
    style(fig, height=680, legend_below=False,
          title=T(f"{SURFACE_NAMES[d['surface']].en}: the paths of {steps} steps",
                  f"{SURFACE_NAMES[d['surface']].ko}: {steps} 스텝의 경로")(lang))
    fig.update_layout(legend={"x": 1.02, "y": 1, "yanchor": "top"}, margin={"b": 110})
    # Equal scales on both axes, so the valleys keep their true shape.
    fig.update_xaxes(range=[x0, x1], title_text="x", constrain="domain")
    fig.update_yaxes(range=[y0, y1], title_text="y", scaleanchor="x", scaleratio=1, constrain="domain")
    return fig


def _animate(fig: go.Figure, paths: dict[str, np.ndarray], drawn: list[str], lang: str) -> None:
    """Frames that replay the race: at most MAX_FRAMES, each showing the paths up to a step."""
    steps = max(len(p) for p in paths.values()) - 1
    frame_steps = sorted(set(np.linspace(0, steps, min(steps, MAX_FRAMES) + 1).round().astype(int).tolist()))
    traces = list(range(1, 1 + 2 * len(drawn)))  # the paths and their dots, after the contour map
    frames = []
    for s in frame_steps:
        data = [go.Scatter(x=paths[o][: s + 1, 0], y=paths[o][: s + 1, 1]) for o in drawn]
        data += [go.Scatter(x=paths[o][min(s, len(paths[o]) - 1):][:1, 0],
                            y=paths[o][min(s, len(paths[o]) - 1):][:1, 1]) for o in drawn]
        frames.append(go.Frame(data=data, traces=traces, name=str(s)))
    fig.frames = frames
    still = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    fig.update_layout(
        updatemenus=[{
            "type": "buttons", "direction": "left", "x": 0, "y": -0.12, "xanchor": "left", "yanchor": "top",
            "buttons": [
                {"label": T("▶ Play", "▶ 재생")(lang), "method": "animate",
                 "args": [None, {"frame": {"duration": 80, "redraw": False}, "fromcurrent": False,
                                 "transition": {"duration": 0}, "mode": "immediate"}]},
                {"label": T("❚❚ Pause", "❚❚ 일시정지")(lang), "method": "animate", "args": [[None], still]},
            ],
        }],
        sliders=[{
            "active": len(frame_steps) - 1, "x": 0.3, "y": -0.08, "len": 0.7, "yanchor": "top",
            "pad": {"t": 0, "b": 0},
            "currentvalue": {"prefix": T("step ", "스텝 ")(lang), "xanchor": "right"},
            "steps": [{"label": str(s), "method": "animate", "args": [[str(s)], still]} for s in frame_steps],
        }],
    )


def loss_figure(result: Result, lang: str) -> go.Figure:
    d = result.data
    surface = _surface(d["surface"])
    low = surface["f"](*surface["minima"][0])
    fig = go.Figure()
    gaps = {}
    for o in NAMES:
        path = np.array(d["paths"][o], dtype=float).reshape(-1, 2)
        gaps[o] = np.maximum(surface["f"](path[:, 0], path[:, 1]) - low, FLOOR)
        fig.add_trace(go.Scatter(x=np.arange(len(path)), y=gaps[o], mode="lines", name=_legend(o, d["lrs"][o], lang),
                                 line={"color": COLORS[o], "width": 2.5}))
    log_axis(fig, flat(gaps.values()))
    fig.update_xaxes(title_text=T("step", "스텝")(lang))
    fig.update_yaxes(title_text=T("loss − minimum (log scale)", "손실 − 최솟값 (로그 눈금)")(lang))
    return style(fig, height=500, title=T("Loss above the minimum, step by step",
                                         "스텝별 손실 (최솟값과의 차이)")(lang))


def digits_figure(result: Result, lang: str) -> go.Figure:
    d, m = result.data, result.metrics
    history = d["digits"]
    fig = go.Figure()
    for o in NAMES:
        acc = 100 * m[f"digits_{o}_test_acc"]
        fig.add_trace(go.Scatter(
            x=history["step"], y=history[o], mode="lines", line={"color": COLORS[o], "width": 2.5},
            name=f"{_legend(o, d['digit_lrs'][o], lang)} · {T('test accuracy', '테스트 정확도')(lang)} {acc:.1f}%",
        ))
    log_axis(fig, [v for o in NAMES for v in history[o] if not math.isnan(v)])
    fig.update_xaxes(title_text=T("step (mini-batches of 64 images)", "스텝 (이미지 64장짜리 미니배치)")(lang))
    fig.update_yaxes(title_text=T("training-set loss (log scale)", "훈련 세트 손실 (로그 눈금)")(lang))
    return style(fig, height=520, title=T("Digits network: loss on the whole training set",
                                         "숫자 분류 신경망: 훈련 세트 전체의 손실")(lang))


def figures(result: Result, lang: str) -> list[go.Figure]:
    return [race_figure(result, lang), loss_figure(result, lang), digits_figure(result, lang)]
