"""The teacher's controls (one row of buttons with keys) and the class's demo run: queued
first in line, recorded when it ends by a thread of the server (whoever watches or not),
watched live on the projector."""

from __future__ import annotations

import logging
import threading

import streamlit as st

from studyapp import classroom
from studyapp.classroom import machine
from studyapp.ui.classroom.common import attempt, content_index, now, store
from studyapp.ui.i18n import t

log = logging.getLogger(__name__)
KEYS = {"open": "V", "close": "V", "run": "Enter", "reveal": "A", "next": "N"}  # "R" and "C" are Streamlit's own


def _act(session, key: str, action: str) -> None:
    attempt(lambda: classroom.act(store(), session, key, action, now=now(), index=content_index()))


def _next(session, key: str) -> None:
    attempt(lambda: classroom.show(store(), session, key, None, now=now(), index=content_index()))


def _record(store_, session_id: int, position: int, job) -> None:
    """Record how `job` ended (idempotent: a page that sees it end may call this too)."""
    run = job.run
    if job.status == "done" and run is not None and not run.result.stopped:
        classroom.run_ended(store_, session_id, position, job.id, metrics=run.result.metrics)
    else:
        note = "stopped" if run is not None or job.status == "cancelled" else (job.error or job.status)
        classroom.run_ended(store_, session_id, position, job.id, metrics=None, note=note)


def _wait_and_record(store_, session_id: int, position: int, job) -> None:
    job.wait()
    try:
        _record(store_, session_id, position, job)
    except Exception:
        log.exception("could not record the class run")


def start_run(session, key: str, entry) -> None:
    """Queue the question's demo first in line and mark the question running."""
    from studyapp.runner import TEACHER, queue

    q = entry.item.question
    try:
        job = queue().submit(q.demo, q.params, seed=q.seed, priority=TEACHER)
    except Exception as exc:  # bad settings in the topic file: `studyapp quiz check` names them
        st.session_state["class-message"] = t("demo_could_not_run", error=exc)
        return
    done = attempt(lambda: classroom.act(store(), session, key, machine.RUN, now=now(), index=content_index(),
                                         job=job.id))
    if done is None:
        queue().cancel(job)
        return
    threading.Thread(target=_wait_and_record, args=(store(), session.id, entry.position, job), daemon=True,
                     name=f"class-run-{session.code}-{entry.position}").start()


def job_of(entry):
    from studyapp.runner import queue

    return queue().job(entry.row.run_job)


def follow_run(session, entry, *, can_stop: bool) -> None:
    """The run on the projector: its place in line, then the live chart; recorded at its end."""
    from studyapp.ui.demo_view import load_demo, watch

    job = job_of(entry)
    if job is None:  # the server restarted while it ran
        st.warning(t("class_run_lost"))
        return
    demo = load_demo(entry.item.question.demo)
    if demo is None:
        return
    if not job.finished:
        watch(job, demo, stop_key=f"class-stop-{entry.position}", can_stop=can_stop)
    if job.finished:
        _record(store(), session.id, entry.position, job)
        st.rerun()


def run_figures(entry, *, summary: bool) -> None:
    """The finished run's figures (remembered by the server; gone after a restart)."""
    from studyapp.runner import cached_run
    from studyapp.ui.demo_view import load_demo, render_result

    q = entry.item.question
    try:
        run = cached_run(q.demo, q.params, seed=q.seed)
    except Exception:
        run = None
    demo = load_demo(q.demo) if run is not None else None
    if demo is not None:
        render_result(demo, run, summary=summary)


def control_row(session, key: str, entry, *, prefix: str) -> None:
    """Open or close voting (V), run the demo (Enter), reveal (A), next question (N)."""
    step = entry.step if entry is not None and entry.item is not None else None
    allowed = machine.allowed(step) if step else ()
    is_open = step is not None and step.phase == machine.OPEN
    columns = st.columns(4)
    if is_open:
        columns[0].button(t("class_close_vote"), key=f"{prefix}-close", shortcut=KEYS["close"], width="stretch",
                          on_click=_act, args=(session, key, machine.CLOSE_VOTE), icon=":material/lock:")
    else:
        label = t("class_vote_again") if step is not None and step.second_vote_next else t("class_open_vote")
        columns[0].button(label, key=f"{prefix}-open", shortcut=KEYS["open"], width="stretch",
                          disabled=machine.OPEN_VOTE not in allowed, on_click=_act,
                          args=(session, key, machine.OPEN_VOTE), icon=":material/how_to_vote:")
    columns[1].button(t("class_run"), key=f"{prefix}-run", shortcut=KEYS["run"], width="stretch",
                      disabled=machine.RUN not in allowed, on_click=start_run, args=(session, key, entry),
                      icon=":material/play_arrow:")
    columns[2].button(t("class_reveal"), key=f"{prefix}-reveal", shortcut=KEYS["reveal"], width="stretch",
                      disabled=machine.REVEAL not in allowed, on_click=_act, args=(session, key, machine.REVEAL),
                      icon=":material/visibility:")
    columns[3].button(t("class_next"), key=f"{prefix}-next", shortcut=KEYS["next"], width="stretch",
                      type="primary", on_click=_next, args=(session, key), icon=":material/arrow_forward:")
