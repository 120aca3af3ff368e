"""What the page draws and says for the tensors demo, in English and Korean: the storage with
the cells a view reads (in order) and its strides as arrows, the layout numbers as a table,
the autograd graph walked from grad_fn, and autograd's gradients against finite differences."""

from __future__ import annotations

import textwrap
from typing import Any, Mapping

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.framework import T, LiveChart, Metric, Result, Value
from demos.plots import PALETTE, log_axis, style

READ, UNREAD, LEAF, OP, ROOT = PALETTE[0], "#E6E6E6", PALETTE[1], PALETTE[5], PALETTE[2]
BOX = 0.22  # half a node box's height, in steps of the graph picture

# What each operation is, as the lesson writes it, and whether it is a view, a copy or an error.
OPERATIONS = {
    "none": T("x itself", "x 그대로"),
    "transpose": T("x.transpose(-2, -1): transpose (view)", "x.transpose(-2, -1): 전치 (뷰)"),
    "permute": T("x.permute(...): all dimensions reversed (view)",
                 "x.permute(...): 모든 차원을 거꾸로 (뷰)"),
    "drop-first-row": T("x[..., 1:, :]: drop the first row (view)",
                        "x[..., 1:, :]: 첫 행 빼기 (뷰)"),
    "every-2nd-column": T("x[..., ::2]: every second column (view)",
                          "x[..., ::2]: 한 열 걸러 하나씩 (뷰)"),
    "view": T("x.view(last, -1): another shape (view)", "x.view(마지막 크기, -1): 다른 모양 (뷰)"),
    "expand": T("x.unsqueeze(0).expand(2, ...): repeated twice (view)",
                "x.unsqueeze(0).expand(2, ...): 두 번 반복 (뷰)"),
    "transpose-view": T("x.transpose(-2, -1).view(-1): flatten a transpose with view (error)",
                        "x.transpose(-2, -1).view(-1): 전치를 view로 펼치기 (오류)"),
    "transpose-reshape": T("x.transpose(-2, -1).reshape(-1): flatten with reshape (copy)",
                           "x.transpose(-2, -1).reshape(-1): reshape로 펼치기 (복사)"),
    "contiguous": T("x.transpose(-2, -1).contiguous(): lay the transpose out (copy)",
                    "x.transpose(-2, -1).contiguous(): 전치를 새 메모리에 늘어놓기 (복사)"),
    "to-float32": T("x.to(torch.float32): another dtype (copy)",
                    "x.to(torch.float32): 다른 자료형 (복사)"),
}
EXPRESSIONS = {
    "sin(x)*y + x**2": T("sum(sin(x)·y + x²): x is used twice", "sum(sin(x)·y + x²): x를 두 번 사용"),
    "log(1+exp(w·x))": T("log(1 + exp(w·x)): x is data, w is learned",
                         "log(1 + exp(w·x)): x는 데이터, w는 학습 대상"),
    "relu(W x + b)": T("sum(relu(W x + b)) over a batch of two: b is broadcast",
                       "입력 두 개의 배치에 대한 sum(relu(W x + b)): b가 브로드캐스트됨"),
}

LIVE = LiveChart(
    x_title=T("probe (one input element nudged up and down)", "탐침 (입력 원소 하나를 위아래로 살짝 움직임)"),
    y_title=T("|autograd − finite difference| (log scale)", "|autograd − 유한 차분| (로그 눈금)"),
    log_y=True,
    names={"error": T("|autograd − finite difference|", "|autograd − 유한 차분|")},
)

# What the page and the predictions call each measured number.
METRICS = {
    "view_error": Metric(T("view() raised an error", "view()가 오류를 냄"), "flag"),
    "shares_storage": Metric(T("result shares x's storage", "결과가 x의 스토리지를 공유함"), "flag"),
    "graph_nodes": Metric(T("nodes in the graph", "그래프의 노드 수"), "count"),
    "graph_edges": Metric(T("edges in the graph", "그래프의 간선 수"), "count"),
    "leaf_nodes": Metric(T("leaf tensors", "리프 텐서 수"), "count"),
    "max_abs_error": Metric(T("largest absolute error", "가장 큰 절대 오차")),
    "max_rel_error": Metric(T("largest relative error", "가장 큰 상대 오차")),
    "gradcheck_passed": Metric(T("gradcheck passed", "gradcheck 통과"), "flag"),
    "probes": Metric(T("finite-difference probes", "탐침 수"), "count"),
    "accumulated_ratio": Metric(T(".grad after two backward calls, over one", "backward 두 번 뒤 .grad / 한 번 뒤")),
    "no_grad_requires_grad": Metric(T("result under no_grad requires grad", "no_grad 아래 결과의 requires_grad"), "flag"),
    "is_contiguous": Metric(T("result is contiguous", "결과가 연속 텐서임"), "flag"),
    "storage_offset": Metric(T("storage offset", "스토리지 오프셋"), "count"),
    "elements": Metric(T("elements of the result", "결과의 원소 수"), "count"),
    "storage_elements": Metric(T("elements of its storage", "스토리지의 원소 수"), "count"),
    **{f"stride_{d}": Metric(T(f"stride of dimension {d}", f"{d}번 차원의 stride"), "count") for d in range(4)},
}


def _tuple(values: list) -> str:
    return "(" + ", ".join(map(str, values)) + ("," if len(values) == 1 else "") + ")"


def summary(m: Mapping[str, float], settings: Mapping[str, Value]) -> T:
    check = T(
        f" Autograd's graph has {int(m['graph_nodes'])} nodes ({int(m['leaf_nodes'])} leaves); its "
        f"gradients agree with central finite differences to a relative error of "
        f"{m['max_rel_error']:.1e} (torch.autograd.gradcheck in float64: "
        f"{'passed' if m['gradcheck_passed'] else 'failed'}).",
        f" autograd의 그래프에는 노드가 {int(m['graph_nodes'])}개(리프 {int(m['leaf_nodes'])}개) 있고, 그 "
        f"기울기는 중앙 유한 차분과 상대 오차 {m['max_rel_error']:.1e} 안에서 일치합니다(float64로 돌린 "
        f"torch.autograd.gradcheck: {'통과' if m['gradcheck_passed'] else '실패'}).")
    if m["view_error"]:
        return T("PyTorch refused the operation: view() cannot read a transposed tensor as one flat "
                 "row without copying; reshape() copies instead." + check.en,
                 "PyTorch가 연산을 거부했습니다. view()는 전치한 텐서를 복사 없이 한 줄로 읽을 수 없고, "
                 "reshape()는 대신 복사합니다." + check.ko)
    strides = _tuple([int(m[f"stride_{d}"]) for d in range(len(m)) if f"stride_{d}" in m])
    offset, contiguous = int(m["storage_offset"]), bool(m["is_contiguous"])
    kind = (T("a view: it shares x's storage", "뷰입니다. x의 스토리지를 공유합니다") if m["shares_storage"]
            else T("a copy in new storage", "새 스토리지에 만든 복사본입니다"))
    return T(
        f"The result has stride {strides} and offset {offset}, is "
        f"{'' if contiguous else 'not '}contiguous, and is {kind.en}.{check.en}",
        f"결과의 stride는 {strides}, offset은 {offset}이고, {'연속적이' if contiguous else '연속적이지 않'}"
        f"으며, {kind.ko}.{check.ko}",
    )


def figures(result: Result, lang: str) -> list[go.Figure]:
    return [_storage(result, lang), _table(result, lang), _graph(result, lang), _gradients(result, lang)]


def _row(fig: go.Figure, y0: float, layout: dict, read: dict[int, list[int]], lang: str) -> None:
    """One storage as a row of cells: the value in each, the reading order under it."""
    for i, value in enumerate(layout["storage"]):
        fig.add_shape(type="rect", x0=i - 0.45, x1=i + 0.45, y0=y0 - 0.4, y1=y0 + 0.4,
                      fillcolor=READ if i in read else UNREAD, opacity=0.85 if i in read else 1,
                      line={"color": "#FFFFFF", "width": 1}, layer="below")
    values = [f"{v:g}" if isinstance(v, float) else str(v) for v in layout["storage"]]
    fig.add_trace(go.Scatter(x=list(range(len(values))), y=[y0] * len(values), mode="text", text=values,
                             showlegend=False, hoverinfo="skip",
                             textfont={"size": 16, "color": ["#FFFFFF" if i in read else "#000000"
                                                             for i in range(len(values))]}))
    cells = sorted(read)  # under each cell read: which element(s) of the result read it, from 1
    fig.add_trace(go.Scatter(x=cells, y=[y0 - 0.65] * len(cells), mode="text", showlegend=False,
                             text=[",".join(map(str, read[c])) for c in cells], hoverinfo="skip",
                             textfont={"size": 14, "color": READ}))


def _storage(result: Result, lang: str) -> go.Figure:
    explored = result.data["explored"]
    x, y = explored["x"], explored["y"]
    fig = go.Figure()
    read: dict[int, list[int]] = {}
    for order, cell in enumerate((y or {"cells": []})["cells"], 1):
        read.setdefault(cell, []).append(order)
    order = T("read as element no.", "결과의 몇 번째 원소")(lang)
    rows = [(0.0, T("storage of x", "x의 스토리지")(lang))]
    shared = explored["shares"]
    _row(fig, 0.0, x, read if shared else {}, lang)
    if shared:
        rows.append((-0.65, order))
    top = 0.0
    if y is not None and not shared:
        rows.append((-3.0, T("new storage (copy)", "새 스토리지 (복사)")(lang)))
        rows.append((-3.65, order))
        _row(fig, -3.0, y, read, lang)
        top = -3.0
    if y is not None:  # the strides as arrows: one step along each dimension, from element 0
        start, level = y["offset"], top + 0.75
        for d, (size, stride) in enumerate(zip(y["shape"], y["stride"])):
            if size < 2:
                continue
            fig.add_annotation(x=start + stride, y=level, ax=start, ay=level, xref="x", yref="y",
                               axref="x", ayref="y", showarrow=True, arrowhead=3, arrowwidth=2,
                               arrowcolor=PALETTE[d % 4 + 1], text="")
            fig.add_annotation(x=start + stride / 2, y=level, yshift=11, showarrow=False,
                               text=T(f"dim {d}: +{stride}", f"차원 {d}: +{stride}")(lang),
                               font={"size": 13, "color": PALETTE[d % 4 + 1]})
            level += 0.55
        rows_top = max(level, 0.6)  # a copy: x's own row stays in the picture above
    else:  # PyTorch's message, above the storage it could not read as asked
        rows_top = 1.9
        message = "<br>".join(textwrap.wrap(f"RuntimeError: {explored['error']}", 90))
        fig.add_annotation(x=0.5, xref="paper", y=1.2, text=message, showarrow=False, align="left",
                           font={"size": 15, "color": PALETTE[1]}, bordercolor=PALETTE[1], borderpad=8)
    cells = max(len(x["storage"]), len(y["storage"]) if y else 0)
    fig.update_xaxes(range=[-0.6, cells - 0.4], title_text=T("storage cell (index)", "스토리지 칸 (인덱스)")(lang),
                     tickmode="linear", dtick=1 if cells <= 24 else 2, zeroline=False, showgrid=False)
    fig.update_yaxes(range=[min(r for r, _ in rows) - 0.5, rows_top + 0.1], tickvals=[r for r, _ in rows],
                     ticktext=[label for _, label in rows], zeroline=False, showgrid=False,
                     title_text=T("memory", "메모리")(lang))
    if explored["error"]:
        title = T("The operation raised an error: x and its storage are unchanged",
                  "연산이 오류를 냈습니다. x와 그 스토리지는 그대로입니다")
    else:
        title = T("Storage: the cells the result reads (blue), numbered in reading order; arrows: strides",
                  "스토리지: 결과가 읽는 칸(파란색)과 읽는 순서, 화살표는 stride")
    return style(fig, height=260 + 50 * (len(rows) - 1) + 30 * len(x["shape"]), legend_below=False,
                 title=title(lang))


def _table(result: Result, lang: str) -> go.Figure:
    explored = result.data["explored"]
    x, y = explored["x"], explored["y"]
    yes, no = T("yes", "예")(lang), T("no", "아니요")(lang)

    def column(t: dict | None, shares: bool | None) -> list[str]:
        if t is None:
            return ["—"] * 5 + [T("error", "오류")(lang)]
        return [_tuple(t["shape"]), _tuple(t["stride"]), str(t["offset"]),
                yes if t["contiguous"] else no, t["dtype"],
                "—" if shares is None else (yes if shares else no)]

    names = [T("shape", "shape (모양)"), T("stride", "stride (스트라이드)"), T("offset", "offset (오프셋)"),
             T("is_contiguous()", "is_contiguous() (연속)"), T("dtype", "dtype (자료형)"),
             T("shares x's storage", "x의 스토리지 공유")]
    fig = go.Figure(go.Table(
        columnwidth=[2.2, 1.5, 1.5],
        header={"values": ["", "x", T("result", "결과")(lang)], "align": "left", "font": {"size": 15},
                "height": 32},
        cells={"values": [[n(lang) for n in names], column(x, None), column(y, explored["shares"])],
               "align": "left", "font": {"size": 15}, "height": 30}))
    label = OPERATIONS.get(str(result.data.get("operation", "")), T("", ""))
    return style(fig, height=110 + 30 * 7, legend_below=False,
                 title=T(f"Layout computed by torch: {label.en}", f"torch가 계산한 메모리 레이아웃: {label.ko}")(lang))


def _positions(nodes: dict, edges: list) -> dict[Any, tuple[float, float]]:
    """x by the mean x of a node's parents (fewer crossings), y = -depth."""
    parents: dict[Any, list] = {}
    for a, b in edges:
        parents.setdefault(b, []).append(a)
    place: dict[Any, tuple[float, float]] = {}
    for depth in range(max(n["depth"] for n in nodes.values()) + 1):
        level = [k for k, n in nodes.items() if n["depth"] == depth]
        level.sort(key=lambda k: sum(place[p][0] for p in parents.get(k, []) if p in place)
                   / max(1, len([p for p in parents.get(k, []) if p in place])))
        for i, k in enumerate(level):
            place[k] = (i - (len(level) - 1) / 2, -depth)
    return place


def _graph(result: Result, lang: str) -> go.Figure:
    nodes, edges = result.data["nodes"], result.data["edges"]
    place = _positions(nodes, edges)
    fig = go.Figure()
    for a, b in edges:  # arrows first, so the node boxes sit on top of them
        (x0, y0), (x1, y1) = place[a], place[b]
        # from the bottom of one box to the top of the next: the arrowhead stays in sight
        fig.add_annotation(x=x1, y=y1 + BOX, ax=x0, ay=y0 - BOX, xref="x", yref="y", axref="x",
                           ayref="y", text="", showarrow=True, arrowhead=3, arrowwidth=2,
                           arrowcolor="#666666")
    root = max(nodes, key=lambda k: -nodes[k]["depth"])
    for k, n in nodes.items():
        leaf = n["leaf"]
        name = n["name"].split("::")[-1]  # torch::autograd::AccumulateGrad -> AccumulateGrad
        text = f"{name} → {leaf}.grad" if leaf else name
        color = LEAF if leaf else (ROOT if k == root else OP)
        fig.add_annotation(x=place[k][0], y=place[k][1], text=text, showarrow=False, bgcolor=color,
                           bordercolor="#333333", borderpad=6, font={"size": 14, "color": "#FFFFFF"
                                                                      if color != OP else "#000000"})
    for color, name in ((ROOT, T("the output's grad_fn (where backward() starts)",
                                 "출력의 grad_fn (backward()가 시작하는 곳)")),
                        (OP, T("operation node (grad_fn)", "연산 노드 (grad_fn)")),
                        (LEAF, T("leaf tensor: AccumulateGrad adds into its .grad",
                                 "리프 텐서: AccumulateGrad가 .grad에 더함"))):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name(lang),
                                 marker={"symbol": "square", "size": 16, "color": color}))
    xs = [p[0] for p in place.values()]
    depth = max(n["depth"] for n in nodes.values())
    fig.update_xaxes(visible=False, range=[min(xs) - 1.2, max(xs) + 1.2])
    fig.update_yaxes(range=[-depth - 0.6, 0.6], tickvals=[-d for d in range(depth + 1)],
                     ticktext=[str(d) for d in range(depth + 1)], zeroline=False,
                     title_text=T("steps from the output", "출력에서 떨어진 단계")(lang))
    m = result.metrics
    return style(fig, height=220 + 85 * depth, title=T(
        f"The autograd graph, walked through grad_fn.next_functions: {int(m['graph_nodes'])} nodes, "
        f"{int(m['graph_edges'])} edges",
        f"grad_fn.next_functions로 따라간 autograd 그래프: 노드 {int(m['graph_nodes'])}개, "
        f"간선 {int(m['graph_edges'])}개")(lang))


def _gradients(result: Result, lang: str) -> go.Figure:
    checks = result.data["checks"]
    names = [c["name"] for c in checks]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.16,
                        subplot_titles=(T("Gradient of each input element", "입력 원소별 기울기")(lang),
                                        T("Their difference (log scale)", "두 값의 차이 (로그 눈금)")(lang)))
    for key, label, color in (("autograd", T("autograd (backward())", "autograd (backward())"), PALETTE[0]),
                              ("numeric", T("central finite difference", "중앙 유한 차분"), PALETTE[1])):
        fig.add_trace(go.Bar(x=names, y=[c[key] for c in checks], name=label(lang), marker_color=color),
                      row=1, col=1)
    errors = [c["error"] for c in checks]
    shown = [e if e > 0 else None for e in errors]  # an exact match has no place on a log axis
    fig.add_trace(go.Scatter(x=names, y=shown, mode="markers", marker={"size": 11, "color": PALETTE[6]},
                             name=T("|autograd − finite difference|", "|autograd − 유한 차분|")(lang)),
                  row=2, col=1)
    if any(e > 0 for e in errors):
        log_axis(fig, errors, row=2, col=1)
    fig.update_yaxes(title_text=T("∂f/∂element", "∂f/∂원소")(lang), row=1, col=1)
    fig.update_yaxes(title_text=T("difference", "차이")(lang), row=2, col=1)
    fig.update_xaxes(title_text=T("input element", "입력 원소")(lang), type="category", row=2, col=1)
    m = result.metrics
    return style(fig, height=560, title=T(
        f"Autograd against finite differences: largest relative error {m['max_rel_error']:.1e}",
        f"autograd와 유한 차분 비교: 최대 상대 오차 {m['max_rel_error']:.1e}")(lang))
