"""What the page draws and says for the CNN demo, in English and Korean.

Shapes are predicted here with the formulas of demos/conv_shapes.py and set beside the shapes
the lesson's real forward pass produced; the lesson itself only runs PyTorch.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos import conv_shapes
from demos.framework import T, TEST_ACC, accuracy, LiveChart, Metric, metric_table, Result, Value
from demos.plots import PALETTE, style

MODELS = {"cnn": "CNN", "mlp": "MLP"}
COLORS = {"cnn": PALETTE[0], "mlp": PALETTE[1]}
KINDS = {"test": T("centred digits", "가운데 정렬된 숫자"), "moved": T("moved digits", "이동한 숫자")}
DASH = {"test": "solid", "moved": "dash"}
MAX_CHANNELS = 8  # feature maps drawn per layer: more would make each too small to read
WRONG = PALETTE[1]

LIVE = LiveChart(
    x_title=T("training step", "학습 스텝"),
    y_title=T("test accuracy", "테스트 정확도"),
    names={f"{model} {kind}": T(f"{name} · {k.en}", f"{name} · {k.ko}")
           for model, name in MODELS.items() for kind, k in KINDS.items()},
)

# What the page and the predictions call each measured number.
METRICS = {
    **metric_table({m: T(n, n) for m, n in MODELS.items()}, {
        "test_acc": TEST_ACC,
        "shifted_acc": accuracy(T("accuracy on moved digits", "이동한 숫자 정확도")),
        "params": Metric(T("parameters", "파라미터 수"), "count"),
    }),
    "cnn_digit_correct": Metric(T("CNN got the followed digit right", "따라간 숫자를 CNN이 맞힘"), "flag"),
    "photo_in_h": Metric(T("photo height", "사진 높이"), "count"),
    "photo_in_w": Metric(T("photo width", "사진 너비"), "count"),
    "kernel_size": Metric(T("kernel size", "커널 크기"), "count"),
    "torch_out_h": Metric(T("output height (PyTorch)", "출력 높이 (PyTorch)"), "count"),
    "torch_out_w": Metric(T("output width (PyTorch)", "출력 너비 (PyTorch)"), "count"),
}


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def photo_formula(m: Mapping[str, float], stride: int, padding: int) -> tuple[str, bool]:
    """The output-size formula for the photo written out, and whether it matches PyTorch."""
    h, w, k = int(m["photo_in_h"]), int(m["photo_in_w"]), int(m["kernel_size"])
    out_h, out_w = (conv_shapes.output_size(n, k, stride, padding) for n in (h, w))
    text = (f"⌊({h} + 2·{padding} − {k})/{stride}⌋ + 1 = {out_h}, "
            f"⌊({w} + 2·{padding} − {k})/{stride}⌋ + 1 = {out_w}")
    return text, (out_h, out_w) == (int(m["torch_out_h"]), int(m["torch_out_w"]))


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    shift = int(settings["shift"])
    cnn, mlp = _pct(m["cnn_test_acc"]), _pct(m["mlp_test_acc"])
    cnn_moved, mlp_moved = _pct(m["cnn_shifted_acc"]), _pct(m["mlp_shifted_acc"])
    cnn_n, mlp_n = int(m["cnn_params"]), int(m["mlp_params"])
    if m["cnn_shifted_acc"] >= m["mlp_shifted_acc"] + 0.03:
        moved = T(f"the CNN keeps {cnn_moved} and the MLP falls to {mlp_moved}",
                  f"CNN은 {cnn_moved}를 유지하고 MLP는 {mlp_moved}로 떨어집니다")
    else:
        moved = T(f"the CNN gets {cnn_moved} and the MLP {mlp_moved}",
                  f"CNN은 {cnn_moved}, MLP는 {mlp_moved}를 맞힙니다")
    # A model that stays near 10% (guessing) has not learned: say so rather than compare it.
    stuck = [name for key, name in MODELS.items() if m[f"{key}_test_acc"] < 0.5]
    hint = (T(f" The {' and the '.join(stuck)} barely learned: try a smaller learning rate or more steps.",
              f" {' 및 '.join(stuck)}은 거의 학습하지 못했습니다. 학습률을 낮추거나 스텝을 늘려 보십시오.")
            if stuck else T("", ""))
    _, ok = photo_formula(m, int(settings["stride"]), int(settings["padding"]))
    out = f"{int(m['torch_out_h'])}×{int(m['torch_out_w'])}"
    return T(
        f"On centred test digits the CNN ({cnn_n:,} parameters) reaches {cnn} and the MLP "
        f"({mlp_n:,}) {mlp}. Moved {shift} px, which neither saw in training, {moved.en}.{hint.en} "
        f"On the photo the output-size formula {'matches' if ok else 'does NOT match'} PyTorch's {out}.",
        f"가운데 정렬된 테스트 숫자에서 CNN(파라미터 {cnn_n:,}개)은 {cnn}, MLP({mlp_n:,}개)는 {mlp}를 "
        f"맞힙니다. 두 모델 모두 학습 때 본 적 없는 {shift}픽셀 이동한 숫자에서는 {moved.ko}.{hint.ko} "
        f"사진에서 출력 크기 공식은 PyTorch가 낸 {out} 크기와 {'일치합니다' if ok else '일치하지 않습니다'}.",
    )


def figures(result: Result, lang: str) -> list[go.Figure]:
    return [_accuracy(result, lang), _gallery(result, lang), _shapes(result, lang),
            _filters(result, lang), _feature_maps(result, lang), _photo(result, lang)]


def _accuracy(result: Result, lang: str) -> go.Figure:
    history, by_shift, m = result.data["history"], result.data["by_shift"], result.metrics
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12, subplot_titles=(
        T("While training", "학습하는 동안")(lang),
        T("After training: test digits moved", "학습 후: 이동한 테스트 숫자")(lang)))
    for model, name in MODELS.items():
        label = T(f"{name} ({int(m[f'{model}_params']):,} parameters)",
                  f"{name} (파라미터 {int(m[f'{model}_params']):,}개)")(lang)
        for kind, words in KINDS.items():
            fig.add_trace(go.Scatter(
                x=history["step"], y=history[f"{model} {kind}"], name=f"{name} · {words(lang)}",
                line={"color": COLORS[model], "dash": DASH[kind], "width": 2.5}), row=1, col=1)
        fig.add_trace(go.Scatter(
            x=list(range(len(by_shift[model]))), y=by_shift[model], name=label, mode="lines+markers",
            line={"color": COLORS[model], "width": 3}, marker={"size": 10}), row=1, col=2)
    fig.update_xaxes(title_text=T("training step", "학습 스텝")(lang), row=1, col=1)
    fig.update_xaxes(title_text=T("pixels moved (left, right, up, down)", "이동한 픽셀 수 (좌, 우, 상, 하)")(lang),
                     dtick=1, row=1, col=2)
    fig.update_yaxes(title_text=T("test accuracy", "테스트 정확도")(lang), tickformat=".0%", range=[0, 1.02])
    shift = result.data["shift"]
    return style(fig, height=500, title=T(
        f"Moved {shift} px: CNN {_pct(m['cnn_shifted_acc'])} vs MLP {_pct(m['mlp_shifted_acc'])} "
        f"(centred: {_pct(m['cnn_test_acc'])} vs {_pct(m['mlp_test_acc'])})",
        f"{shift}픽셀 이동: CNN {_pct(m['cnn_shifted_acc'])} 대 MLP {_pct(m['mlp_shifted_acc'])} "
        f"(가운데 정렬: {_pct(m['cnn_test_acc'])} 대 {_pct(m['mlp_test_acc'])})")(lang))


def _square_pixels(fig: go.Figure, count: int) -> None:
    """Every heatmap with square pixels, no ticks and row 0 at the top."""
    # A thin frame: a map that is all 0 (white) still shows where it is.
    frame = {"showline": True, "mirror": True, "linecolor": "#c8c8c8", "showticklabels": False,
             "showgrid": False, "zeroline": False, "constrain": "domain"}
    fig.update_xaxes(**frame)
    fig.update_yaxes(**frame, autorange="reversed")
    for axis in range(1, count + 1):
        suffix = "" if axis == 1 else str(axis)
        fig.layout[f"yaxis{suffix}"].scaleanchor = f"x{suffix}"


def _gallery(result: Result, lang: str) -> go.Figure:
    gallery, guesses, shift = result.data["gallery"], result.data["guesses"], result.data["shift"]
    titles = []
    for kind in ("centred", "moved"):
        for digit in range(10):
            parts = []
            for model, name in MODELS.items():
                guess = guesses[f"{model} {kind}"][digit]
                parts.append(f"{name} {guess}" if guess == digit
                             else f"<span style='color:{WRONG}'><b>{name} {guess} ✗</b></span>")
            titles.append("<br>".join(parts))
    fig = make_subplots(rows=2, cols=10, subplot_titles=titles, horizontal_spacing=0.015,
                        vertical_spacing=0.22)
    for r, kind in enumerate(("centred", "moved"), start=1):
        for digit in range(10):
            fig.add_trace(go.Heatmap(z=gallery[kind][digit], colorscale="gray_r", zmin=0, zmax=1,
                                     showscale=False, hoverinfo="skip"), row=r, col=digit + 1)
    _square_pixels(fig, 20)
    fig.update_yaxes(title_text=T("centred", "가운데")(lang), row=1, col=1)
    fig.update_yaxes(title_text=T(f"moved {shift} px →", f"{shift}픽셀 이동 →")(lang), row=2, col=1)
    style(fig, height=460, legend_below=False, title=T(
        "One test digit of each class (0 to 9), and what each model calls it",
        "클래스마다 테스트 숫자 하나(0~9)와 각 모델의 예측")(lang))
    fig.update_annotations(font_size=14)  # two models' answers must fit above each digit
    return fig.update_layout(margin={"t": 100})


def _shapes(result: Result, lang: str) -> go.Figure:
    layers = result.data["layers"]
    predicted = conv_shapes.predicted_shapes([layer for layer, *_ in layers], (1, 8, 8))
    cells: list[list[Any]] = [[], [], [], [], []]
    ok = True
    for (layer, shape, parameters, _), row in zip(layers, predicted):
        same = row.shape == shape and row.parameters == parameters
        ok &= same
        for column, value in enumerate((_code(layer), "×".join(map(str, row.shape)), "×".join(map(str, shape)),
                                        f"{parameters:,}", "✓" if same else "✗")):
            cells[column].append(value)
    header = [T("layer", "층")(lang), T("formula predicts", "공식의 예측")(lang),
              T("forward pass gives", "순전파 결과")(lang), T("parameters", "파라미터 수")(lang),
              T("match", "일치")(lang)]
    fig = go.Figure(go.Table(
        columnwidth=[3.6, 1.6, 1.6, 1.2, 0.6],
        header={"values": header, "align": "left", "font": {"size": 15}, "height": 32},
        cells={"values": cells, "align": "left", "font": {"size": 15}, "height": 30}))
    total = sum(parameters for _, _, parameters, _ in layers)
    check = T("every shape matches", "모든 모양이 일치") if ok else T("MISMATCH", "불일치")
    return style(fig, height=130 + 30 * (len(layers) + 1), legend_below=False, title=T(
        f"The CNN layer by layer, out = ⌊(H + 2P − K)/S⌋ + 1: {check.en} ({total:,} parameters)",
        f"층별 CNN, out = ⌊(H + 2P − K)/S⌋ + 1: {check.ko} (파라미터 {total:,}개)")(lang))


def _code(layer: Any) -> str:
    """A layer as the lesson builds it: nn.Conv2d(1, 6, kernel_size=3, padding=1)."""
    kind = type(layer).__name__
    if kind == "Conv2d":
        stride = f", stride={layer.stride[0]}" if layer.stride[0] != 1 else ""
        return (f"nn.Conv2d({layer.in_channels}, {layer.out_channels}, kernel_size={layer.kernel_size[0]}"
                f"{stride}, padding={layer.padding[0]})")
    if kind == "MaxPool2d":
        return f"nn.MaxPool2d({layer.kernel_size})"
    if kind == "Linear":
        return f"nn.Linear({layer.in_features}, {layer.out_features})"
    return f"nn.{kind}()"


def _filters(result: Result, lang: str) -> go.Figure:
    filters = result.data["filters"]
    cols = min(len(filters), 8)
    rows = -(-len(filters) // cols)
    fig = make_subplots(rows=rows, cols=cols, horizontal_spacing=0.02, vertical_spacing=0.3 / rows,
                        subplot_titles=[f"#{i + 1}" for i in range(len(filters))])
    limit = float(np.abs(filters).max()) or 1.0  # one symmetric scale: white is 0
    for i, kernel in enumerate(filters):
        fig.add_trace(go.Heatmap(z=kernel, zmin=-limit, zmax=limit, colorscale="RdBu_r", showscale=False,
                                 texttemplate="%{z:.1f}", textfont={"size": 12}),
                      row=i // cols + 1, col=i % cols + 1)
    _square_pixels(fig, len(filters))
    return style(fig, height=120 + 160 * rows, legend_below=False, title=T(
        "The 3×3 filters the first convolution layer learned (red +, blue −)",
        "첫 번째 합성곱층이 학습한 3×3 필터 (빨강 +, 파랑 −)")(lang))


def _feature_maps(result: Result, lang: str) -> go.Figure:
    layers, digit = result.data["layers"], result.data["digit"]
    stages = [(T("input", "입력"), result.data["gallery"]["centred"][digit][None])]
    names = {"ReLU": "+ ReLU", "MaxPool2d": T("max-pool", "최대 풀링")(lang)}
    conv = 0
    for layer, _, _, maps in layers:
        kind = type(layer).__name__
        conv += kind == "Conv2d"
        if kind in names and maps is not None:
            name = f"conv{conv} {names[kind]}" if kind == "ReLU" else f"{names[kind]} {conv}"
            stages.append((T(name, name), maps))
    cols = max(min(len(maps), MAX_CHANNELS) for _, maps in stages)
    fig = make_subplots(rows=len(stages), cols=cols, horizontal_spacing=0.012, vertical_spacing=0.06)
    for r, (_, maps) in enumerate(stages, start=1):
        for c, channel in enumerate(maps[:MAX_CHANNELS], start=1):
            # White is 0 (after ReLU nothing is negative), black this map's own maximum: a map
            # that stays white is a filter this digit does not excite.
            fig.add_trace(go.Heatmap(z=channel, zmin=0, zmax=max(float(channel.max()), 1e-6),
                                     colorscale="gray_r", showscale=False), row=r, col=c)
    _square_pixels(fig, len(stages) * cols)
    for r, (label, maps) in enumerate(stages, start=1):
        shape = "×".join(map(str, maps.shape))
        shown = (T(f" (first {MAX_CHANNELS})", f" (앞의 {MAX_CHANNELS}장)") if len(maps) > MAX_CHANNELS
                 else T("", ""))
        top = fig.layout[f"yaxis{'' if r == 1 else (r - 1) * cols + 1}"].domain[1]
        fig.add_annotation(x=0, y=top, xref="paper", yref="paper", xanchor="left", yanchor="bottom",
                           showarrow=False, text=f"<b>{label(lang)}</b>: {shape}{shown(lang)}")
    guess = result.data["guesses"]["cnn centred"][digit]
    verdict = T("right", "정답") if guess == digit else T("wrong", "오답")
    return style(fig, height=170 + 150 * len(stages), legend_below=False, title=T(
        f"Inside the CNN: a test {digit} after each layer (the CNN says {guess}: {verdict.en})",
        f"CNN의 내부: 숫자 {digit}의 테스트 이미지가 각 층을 지난 모습 (CNN의 예측 {guess}: {verdict.ko})")(lang))


def _photo(result: Result, lang: str) -> go.Figure:
    photo, m = result.data["photo"], result.metrics
    s, pad, k = photo["stride"], photo["padding"], int(m["kernel_size"])
    formula, ok = photo_formula(m, s, pad)
    h, w = int(m["photo_in_h"]), int(m["photo_in_w"])
    fig = make_subplots(rows=1, cols=3, column_widths=[0.14, 0.43, 0.43], horizontal_spacing=0.04)
    limit = float(np.abs(photo["kernel"]).max()) or 1.0
    # The weights written in the cells of a 3×3 kernel; a 5×5 one has no room: its colours show it.
    fig.add_trace(go.Heatmap(z=photo["kernel"], zmin=-limit, zmax=limit, colorscale="RdBu_r", showscale=False,
                             texttemplate="%{z:.2g}" if k <= 3 else "", textfont={"size": 14}), row=1, col=1)
    fig.add_trace(go.Heatmap(z=photo["input"], colorscale="gray", showscale=False), row=1, col=2)
    fig.add_trace(go.Heatmap(z=photo["output"], colorscale="gray", showscale=False), row=1, col=3)
    _square_pixels(fig, 3)
    # Axis titles under each picture: they stay with the picture however wide the page is.
    out = f"{int(m['torch_out_h'])}×{int(m['torch_out_w'])}"
    for col, text in enumerate((T(f"kernel {k}×{k}", f"커널 {k}×{k}"), T(f"input {h}×{w}", f"입력 {h}×{w}"),
                                T(f"output {out}", f"출력 {out}")), start=1):
        fig.update_xaxes(title_text=text(lang), row=1, col=col)
    return style(fig, height=400, legend_below=False, title=T(
        f"Stride {s}, padding {pad}: {formula} {'✓' if ok else '✗'} PyTorch",
        f"스트라이드 {s}, 패딩 {pad}: {formula} {'✓' if ok else '✗'} PyTorch")(lang))
