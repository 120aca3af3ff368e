"""A live demo on a page: widgets from the demo's Params, a live chart while it trains (with a
Stop button), the result's figures, and the demo's lesson: the PyTorch code it runs."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from studyapp.ui.i18n import chart_config, lang, t

log = logging.getLogger(__name__)
LIVE_REDRAW_SECONDS = 0.3  # redrawing faster than this only costs the browser time
POLL_SECONDS = 0.05  # how often the page looks for a new report
LIVE_POINTS = 300  # points per live series sent to the browser; the final figures have them all
SETTINGS_HEIGHT = 340  # pixels of knobs shown at once; more scroll inside their box


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


def _thin(xs, ys, most: int = LIVE_POINTS) -> tuple[list, list]:
    """At most `most` evenly spaced points, always keeping the newest."""
    if len(xs) <= most:
        return list(xs), list(ys)
    step = math.ceil(len(xs) / most)
    keep = list(range(0, len(xs) - 1, step)) + [len(xs) - 1]
    return [xs[i] for i in keep], [ys[i] for i in keep]


def live_figure(progress, demo, here: str) -> go.Figure:
    """The lesson's reported series so far, labelled in the page's language."""
    from demos.plots import PALETTE, flat, log_axis, style

    fig = go.Figure()
    chart = demo.live
    for i, (name, (xs, ys)) in enumerate(progress.series.items()):
        xs, ys = _thin(xs, ys)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=chart.name(name, here),
                                 line={"color": PALETTE[i % len(PALETTE)], "width": 2.5}))
    fig.update_xaxes(title_text=chart.x_title(here))
    fig.update_yaxes(title_text=chart.y_title(here))
    if chart.log_y:
        log_axis(fig, flat(ys for _, ys in progress.series.values()))
    style(fig, height=340)
    fig.update_layout(uirevision="live")
    return fig


class LiveView:
    """Draws Progress reports: a bar, the demo's own live picture, and a redrawn chart."""

    def __init__(self, demo) -> None:
        self.demo = demo
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
        here = lang()
        picture = self.demo.live_picture(progress, here) if self.demo.live_picture else None
        if picture is not None:
            self.picture.plotly_chart(picture, key=f"live-picture-{self.demo.id}-{self.draws}", width="stretch",
                                      config=chart_config())
        if progress.series:
            self.chart.plotly_chart(live_figure(progress, self.demo, here), key=f"live-{self.demo.id}-{self.draws}",
                                    width="stretch", config=chart_config())
        self.last_draw = now

    def waiting(self, position: int) -> None:
        self.bar.progress(0.0, text=t("queued", n=position))

    def clear(self) -> None:
        self.bar.empty()
        self.picture.empty()
        self.chart.empty()


def watch(job, demo, *, stop_key: str, can_stop: bool = True) -> None:
    """Follow a queued or running job until it finishes: the live view and a Stop button.

    Pressing Stop reruns the page; the rerun finds the same job, sees the button pressed and
    withdraws this page's request (`RunQueue.cancel`): a queued run nobody else waits for
    leaves the line at once, a running one stops at its next report (this page keeps watching
    until it has, and shows what was trained so far). When others wait for the same run, it
    goes on for them and this page stops watching. `can_stop=False`: a viewer without a say
    (a projector that only follows the teacher).
    """
    from studyapp.runner import queue

    stop_slot = st.empty()
    if can_stop and stop_slot.button(t("stop"), key=stop_key, icon=":material/stop_circle:"):
        queue().cancel(job)
        if not job.finished and job.requests > 0:  # shared: it goes on for the others
            stop_slot.empty()
            return
    live = LiveView(demo)
    drawn = None
    while not job.wait(POLL_SECONDS):
        if job.status == "queued":
            live.waiting(queue().position(job))
        elif job.progress is not None and job.progress is not drawn:
            drawn = job.progress
            live(drawn)
    stop_slot.empty()
    live.clear()


def render_result(demo, run, *, summary: bool = True) -> None:
    """The run's figures (and, with `summary`, its one-sentence summary: a projector holds it
    back until the class has voted, because it names what happened)."""
    here = lang()
    if run.result.stopped:
        st.warning(t("stopped_result") + (" " + run.result.summary(here) if summary else ""))
    elif summary:
        st.success(run.result.summary(here))
    caption = t("trained_on", device=run.device, seconds=run.seconds)
    if run.cached:
        caption += " " + t("from_cache")
    st.caption(caption)
    for i, fig in enumerate(demo.figures(run.result, here)):
        st.plotly_chart(fig, key=f"fig-{demo.id}-{i}", width="stretch", config=chart_config())
    with st.expander(t("metrics")):
        metrics = run.result.metrics
        st.dataframe({t("metric_name"): [demo.metric(key).name(here) for key in metrics],
                      t("metric_value"): [demo.metric(key).value(value, here) for key, value in metrics.items()],
                      t("metric_key"): list(metrics)},
                     hide_index=True, width="stretch")


def render_code(demo) -> None:
    """The lesson, numbered, with a download button."""
    from demos import lesson_source

    file_name, source = lesson_source(demo.id)
    engine = t("code_engine") if demo.engine is not None else ""
    st.caption(t("code_caption", lines=source.count("\n"), file=file_name) + engine)
    st.code(source, language="python", line_numbers=True)
    st.download_button(t("download_lesson"), data=source, file_name=file_name, mime="text/x-python",
                       key=f"download-{demo.id}", icon=":material/download:")


def settings_row(demo, key_prefix: str, per_row: int = 5) -> tuple[dict[str, Any], int]:
    """The demo's knobs side by side, `per_row` to a row (a projector's one compact row), and
    the seed; (values, seed)."""
    widgets = list(demo.params) + [None]  # None: the seed
    values: dict[str, Any] = {}
    seed = 0
    for start in range(0, len(widgets), per_row):
        for column, param in zip(st.columns(per_row), widgets[start:start + per_row]):
            with column:
                if param is None:
                    seed = st.number_input(t("seed"), min_value=0, max_value=2**31 - 1, value=0, step=1,
                                           key=f"{key_prefix}-seed")
                else:
                    values[param.name] = param_widget(param, key=f"{key_prefix}-{param.name}")
    return values, int(seed)


def submit_run(demo_id: str, values: dict[str, Any], seed: int, *, job_key: str, priority: int | None = None) -> bool:
    """Queue a run and remember its job for `show_run`; False (with the message shown) for bad settings."""
    from demos.framework import ParamError

    from studyapp.runner import STUDENT, queue

    try:
        job = queue().submit(demo_id, values, seed=int(seed), priority=STUDENT if priority is None else priority)
    except ParamError as exc:
        st.error(t("bad_param", error=exc))
        return False
    st.session_state[job_key] = job.id
    return True


def show_run(demo, *, job_key: str, result_key: str, stop_key: str, summary: bool = True) -> bool:
    """Watch the job remembered under `job_key` until it ends, then draw the last run of this
    page (kept under `result_key`); False when there is none yet."""
    from studyapp.runner import queue

    job = queue().job(st.session_state.get(job_key))
    if job is not None:
        if not job.finished:
            watch(job, demo, stop_key=stop_key)
        del st.session_state[job_key]
        if job.status == "failed":
            st.error(t("demo_failed", error=job.error))
        elif job.status == "cancelled" or (not job.finished and job.run is None):
            st.info(t("run_cancelled"))
        elif job.run is not None:
            st.session_state[result_key] = job.run
    run = st.session_state.get(result_key)
    if run is None:
        return False
    render_result(demo, run, summary=summary)
    return True


def load_demo(demo_id: str):
    """The demo, or None with the reason shown (a missing or broken demo module must not take
    the page down)."""
    from demos import get_demo

    try:
        return get_demo(demo_id)
    except Exception as exc:
        log.exception("cannot load demo %s", demo_id)
        st.error(t("demo_missing", demo=demo_id, error=exc))
        return None


def render_demo(demo_id: str) -> None:
    demo = load_demo(demo_id)
    if demo is None:
        return
    here = lang()
    st.subheader(demo.title(here))
    st.markdown(demo.description(here))

    settings, output = st.columns([1, 2], gap="large")
    with settings.container(key=f"demo-settings-{demo_id}"):  # keyed: a topic can hold several demos
        with st.form(f"demo-form-{demo_id}"):
            st.markdown(f"**{t('demo_settings')}**")
            # The knobs scroll inside a box of their own, so the Run button stays on the first
            # screen (a projector shows 1280x720) beside the top of the live chart.
            with st.container(height=SETTINGS_HEIGHT, border=False):
                values = {p.name: param_widget(p, key=f"demo-{demo_id}-{p.name}") for p in demo.params}
                seed = st.number_input(t("seed"), min_value=0, max_value=2**31 - 1, value=0, step=1,
                                       key=f"demo-{demo_id}-seed")
            submitted = st.form_submit_button(t("run_demo"), type="primary", width="stretch")

    job_key, result_key = f"demo-job-{demo_id}", f"demo-run-{demo_id}"
    with output.container(key=f"demo-output-{demo_id}"):
        if submitted and not submit_run(demo_id, values, seed, job_key=job_key):
            return
        if not show_run(demo, job_key=job_key, result_key=result_key, stop_key=f"demo-stop-{demo_id}"):
            st.info(t("press_run"))

    with st.expander(t("show_code")):
        render_code(demo)
