"""Asking one question, the feedback after it (practice mode), and the progress line."""

from __future__ import annotations

import logging
from typing import Callable

import streamlit as st

from studyapp.quiz import QuizSession, grade
from studyapp.ui.i18n import lang, t
from studyapp.ui.quiz.review import lessons, prompt, verdict
from studyapp.ui.quiz.state import runs, save
from studyapp.ui.quiz.widgets import widget_for

log = logging.getLogger(__name__)


def ask(session: QuizSession, clock: Callable[[], float]) -> None:
    index = session.position
    item = session.items[index]
    widget = widget_for(item.type)
    session.show(clock())
    prompt(item, index + 1, len(session.items))
    widget.before(item)
    key = f"quiz-{session.id}-{index}"
    with st.form(key=f"{key}-form"):
        st.caption(item.question.hint.get(lang()))
        answer, problem = widget.ask(item, key)
        submitted = st.form_submit_button(t(widget.submit), type="primary")
    if not submitted:
        return
    if problem:
        st.warning(problem)
        return
    try:
        run = widget.run(item, live=session.settings.mode == "practice")
    except Exception as exc:  # the demo failed: say so, and let the learner skip the question
        log.exception("prediction demo failed")
        st.error(t("demo_could_not_run", error=exc))
        return
    metrics = None
    if run is not None:
        runs()[index] = run
        metrics = run.result.metrics
    session.submit(answer, grade(item, answer, metrics=metrics), clock(), metrics=metrics)
    save(session, index)
    if session.settings.mode == "exam":
        session.advance(clock())
    st.rerun()


def feedback(session: QuizSession, clock: Callable[[], float]) -> None:
    """Practice mode, after answering: what was right, why, and on to the next question."""
    index = session.position
    item, response = session.items[index], session.responses[index]
    prompt(item, index + 1, len(session.items))
    verdict(response)
    widget_for(item.type).show_answer(item, response)
    lessons(item, response)
    run = runs().get(index)
    if run is not None:
        from demos import get_demo

        from studyapp.ui.demo_view import render_result

        render_result(get_demo(run.demo), run)
    last = index + 1 >= len(session.items)
    st.button(t("see_the_results") if last else t("next_question"), type="primary",
              key=f"quiz-{session.id}-{index}-next", on_click=lambda: session.advance(clock()),
              icon=":material/arrow_forward:")


def progress(session: QuizSession, clock: Callable[[], float]) -> None:
    answered, total = len(session.responses), len(session.items)
    st.progress(answered / total if total else 1.0)
    parts = [t("answered_of", answered=answered, total=total)]
    if session.settings.mode == "practice" and answered:
        parts.append(t("right_so_far", n=sum(r.grade.correct for r in session.responses.values())))
    if session.settings.drill:
        parts.append(t("confusables_drill_lower"))
    elif session.settings.mode == "exam":
        parts.append(t("exam_feedback_at_end"))
    st.caption(" · ".join(parts))
    if session.time_left(clock()) is not None:
        timer(session, clock)


@st.fragment(run_every=1.0)
def timer(session: QuizSession, clock: Callable[[], float]) -> None:
    left = session.time_left(clock())
    if left is None:
        return
    minutes, seconds = divmod(int(left), 60)
    st.markdown(f":material/timer: **{minutes:02d}:{seconds:02d}** " + t("left"))
    if left <= 0 and not session.finished:
        st.rerun(scope="app")  # the page finishes the exam
