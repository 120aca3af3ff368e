"""One look for every demo figure: readable on a projector at 1280x720, in both languages.

Figure modules build their plotly figures and pass them through `style`; log axes get ticks
at 1, 2 and 5 per decade from `log_axis`. Keeping these rules in one place is what keeps
titles from being clipped and labels from being drawn over curves.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import plotly.graph_objects as go

FONT_SIZE = 15
TITLE_SIZE = 18
# Colour-blind-safe (Okabe-Ito), in the order demos use them for their variants.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
FONT_FAMILY = "Noto Sans, Noto Sans CJK KR, Malgun Gothic, Apple SD Gothic Neo, sans-serif"


def style(fig: go.Figure, *, height: int = 420, title: str | None = None, legend_below: bool = True) -> go.Figure:
    """The common layout: large type, room for titles and axis titles, legend under the plot."""
    fig.update_layout(
        template="plotly_white",
        height=height,
        font={"size": FONT_SIZE, "family": FONT_FAMILY},
        margin={"t": 70 if title or _has_subplot_titles(fig) else 30, "b": 20, "l": 20, "r": 20},
        hoverlabel={"font_size": FONT_SIZE},
    )
    if title is not None:
        fig.update_layout(title={"text": title, "font": {"size": TITLE_SIZE}, "x": 0, "xanchor": "left",
                                 "automargin": True, "yref": "container", "y": 0.97})
    if legend_below:
        fig.update_layout(legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.18, "yanchor": "top"})
    fig.update_xaxes(automargin=True, title_standoff=8)
    fig.update_yaxes(automargin=True, title_standoff=8)
    fig.update_annotations(font_size=FONT_SIZE + 1)  # subplot titles are annotations
    return fig


def _has_subplot_titles(fig: go.Figure) -> bool:
    return any(getattr(a, "yref", "") == "paper" for a in fig.layout.annotations or ())


def decade_ticks(low: float, high: float) -> list[float]:
    """Tick values 1, 2, 5 x 10^k covering [low, high] (both > 0); just 1 x 10^k over wide ranges."""
    if not (low > 0 and high > 0 and math.isfinite(low) and math.isfinite(high)):
        return []
    low, high = min(low, high), max(low, high)
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    mantissas = (1, 2, 5) if last - first <= 4 else (1,)
    ticks = [m * 10.0**e for e in range(first, last + 1) for m in mantissas]
    inside = [t for t in ticks if low / 1.0001 <= t <= high * 1.0001]
    if len(inside) < 2:  # a narrow range: the neighbours on either side, so the axis has labels
        below = [t for t in ticks if t < low][-1:]
        above = [t for t in ticks if t > high][:1]
        inside = below + inside + above
    return inside


def tick_text(value: float) -> str:
    """0.001, 0.02, 5, 200, 1e+05: short and never in scientific notation for everyday sizes."""
    if 1e-4 <= abs(value) < 1e5:
        return f"{value:g}" if abs(value) >= 1e-3 else f"{value:.4f}".rstrip("0")
    return f"{value:.0e}"


def log_axis(fig: go.Figure, values: Iterable[float], *, axis: str = "y", row: int | None = None,
             col: int | None = None) -> go.Figure:
    """Make an axis logarithmic with 1-2-5 ticks that cover the positive finite `values`."""
    finite = [v for v in values if v is not None and math.isfinite(v) and v > 0]
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    settings: dict = {"type": "log"}
    if finite:
        low, high = min(finite), max(finite)
        ticks = decade_ticks(low, high)
        settings.update(tickmode="array", tickvals=ticks, ticktext=[tick_text(t) for t in ticks])
        if ticks:
            # Over a narrow range (a loss stuck near 2.3) the nearest ticks lie outside the data:
            # the axis reaches out to them, or it would show no label at all.
            low, high = min(low, ticks[0]), max(high, ticks[-1])
            settings["range"] = [math.log10(low) - 0.02, math.log10(high) + 0.02]
    update(**settings, row=row, col=col)
    return fig


def flat(series: Iterable[Sequence[float]]) -> list[float]:
    """Every value of several series, for `log_axis`."""
    return [v for values in series for v in values]
