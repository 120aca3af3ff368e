"""A live demo on a page: widgets from the demo's Params, a live chart while it trains,
the result's figures, and the demo's own source code."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from studyapp.ui.i18n import lang, t

log = logging.getLogger(__name__)
LIVE_REDRAW_SECONDS = 0.25  # redrawing faster than this only costs the browser time


def log_options(low: float, high: float, default: float) -> list[float]:
    """1-2-5 steps per decade between low and high (plus 0 and the default when needed)."""
    options = {default}
    if low <= 0:
        options.add(0.0)
    start = math.floor(math.log10(max(low, 1e-12) if low > 0 else max(high, 1e-12) * 1e-6))
    for exponent in range(start, math.ceil(math.log10(high)) + 1):
        for mantissa in (1, 2, 5):
            value = float(f"{mantissa}e{exponent}")
            if max(low, 0) <= value <= high:
                options.add(value)
    return sorted(options)


def param_widget(param, key: str) -> Any:
    here = lang()
    label = param.label(here)
    help_text = param.help(here) if param.help else None
    kind = param.kind
    if kind is bool:
        return st.toggle(label, value=param.default, help=help_text, key=key)
    if param.choices:
        return st.selectbox(label, param.choices, index=param.choices.index(param.default), help=help_text, key=key,
                            format_func=lambda choice: param.choice_label(choice, here))
    if kind is int and param.min is not None and param.max is not None:
        return st.slider(label, int(param.min), int(param.max), int(param.default),
                         step=int(param.step or 1), help=help_text, key=key)
    if kind is float and param.log and param.max is not None:
        options = log_options(float(param.min or 0.0), float(param.max), float(param.default))
        return st.select_slider(label, options=options, value=float(param.default),
                                format_func=lambda v: f"{v:g}", help=help_text, key=key)
    if kind is float and param.min is not None and param.max is not None:
        step = float(param.step) if param.step else (float(param.max) - float(param.min)) / 100
        return st.slider(label, float(param.min), float(param.max), float(param.default),
                         step=step, help=help_text, key=key)
    if kind in (int, float):
        return st.number_input(label, value=param.default, help=help_text, key=key)
    return st.text_input(label, value=str(param.default), help=help_text, key=key)


def live_figure(progress) -> go.Figure:
    fig = go.Figure()
    for name, values in progress.curves.items():
        fig.add_trace(go.Scatter(x=list(progress.x[: len(values)]), y=list(values), name=name, mode="lines"))
    fig.update_layout(height=320, margin={"t": 20, "b": 30, "l": 40, "r": 10},
                      legend={"orientation": "h", "y": -0.2}, uirevision="live")
    return fig


class LiveView:
    """Turns a demo's Progress reports into a progress bar and a redrawn chart."""

    def __init__(self, demo) -> None:
        self.demo_id = demo.id
        # A demo may draw its own live picture (the playground's decision boundary).
        self.demo_figure = getattr(demo, "live_figure", None)
        self.bar = st.progress(0.0, text=t("training", done=0, total="…"))
        self.picture = st.empty()
        self.chart = st.empty()
        self.last_draw = 0.0
        self.draws = 0

    def __call__(self, progress) -> None:
        self.bar.progress(progress.fraction, text=t("training", done=progress.done, total=progress.total))
        now = time.monotonic()
        if now - self.last_draw < LIVE_REDRAW_SECONDS and progress.done < progress.total:
            return
        self.draws += 1
        picture = self.demo_figure(progress, lang()) if self.demo_figure else None
        if picture is not None:
            self.picture.plotly_chart(picture, key=f"live-picture-{self.demo_id}-{self.draws}", width="stretch")
        if progress.curves:
            self.chart.plotly_chart(live_figure(progress), key=f"live-{self.demo_id}-{self.draws}",
                                    width="stretch")
        self.last_draw = now

    def clear(self) -> None:
        self.bar.empty()
        self.picture.empty()
        self.chart.empty()


def render_result(demo, run) -> None:
    here = lang()
    st.success(run.result.summary(here))
    caption = t("trained_on", device=run.device, seconds=run.seconds)
    if run.cached:
        caption += " " + t("from_cache")
    st.caption(caption)
    for i, fig in enumerate(demo.figures(run.result, here)):
        st.plotly_chart(fig, key=f"fig-{demo.id}-{i}", width="stretch")
    with st.expander(t("metrics")):
        st.dataframe({"metric": list(run.result.metrics), "value": list(run.result.metrics.values())},
                     hide_index=True, width="stretch")


def render_demo(demo_id: str) -> None:
    from demos import demo_sources, get_demo
    from demos.framework import ParamError

    from studyapp.runner import run_demo

    try:
        demo = get_demo(demo_id)
    except Exception as exc:  # a missing or broken demo module must not take the page down
        log.exception("cannot load demo %s", demo_id)
        st.error(t("demo_missing", demo=demo_id, error=exc))
        return
    here = lang()
    st.subheader(demo.title(here))
    st.markdown(demo.description(here))

    settings, output = st.columns([1, 2], gap="large")
    with settings:
        with st.form(f"demo-form-{demo_id}"):
            st.markdown(f"**{t('demo_settings')}**")
            values = {p.name: param_widget(p, key=f"demo-{demo_id}-{p.name}") for p in demo.params}
            seed = st.number_input(t("seed"), min_value=0, max_value=2**31 - 1, value=0, step=1,
                                   key=f"demo-{demo_id}-seed")
            submitted = st.form_submit_button(t("run_demo"), type="primary", width="stretch")

    result_key = f"demo-run-{demo_id}"
    with output:
        if submitted:
            live = LiveView(demo)
            try:
                st.session_state[result_key] = run_demo(demo_id, values, seed=int(seed), report=live)
            except ParamError as exc:
                live.clear()
                st.error(t("bad_param", error=exc))
                return
            except Exception as exc:  # show the message, keep the traceback in the server log
                log.exception("demo %s failed", demo_id)
                live.clear()
                st.error(t("demo_failed", error=exc))
                return
            live.clear()
        run = st.session_state.get(result_key)
        if run is None:
            st.info(t("press_run"))
        else:
            render_result(demo, run)

    with st.expander(t("show_code")):
        sources = demo_sources(demo_id)
        for tab, code in zip(st.tabs(list(sources)), sources.values()):
            with tab:
                st.code(code, language="python", line_numbers=True)
