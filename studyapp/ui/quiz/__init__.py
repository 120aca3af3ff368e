"""The quiz page: choose topics, types and a mode; answer one question at a time; see a
summary with the score per topic and a review of every missed question.

Practice mode explains each answer at once; exam mode keeps feedback for the end and may
run against a timer; the confusables drill serves easily confused concepts together. The
session (questions, shuffles, generated numbers) lives in st.session_state and is built
from a seed, so reruns never reshuffle it. The page's parts get the clock (`now`) passed in.
"""

from __future__ import annotations

import time

import streamlit as st

from studyapp.quiz import QuizSession
from studyapp.ui.content_cache import current_content
from studyapp.ui.i18n import t
from studyapp.ui.quiz import answer, setup, summary
from studyapp.ui.quiz.state import SESSION_KEY, save_status


def now() -> float:
    return time.time()


def render() -> None:
    clock = now  # read here, so a test's replacement clock reaches every part of the page
    st.title(t("quiz"))
    content = current_content()
    session: QuizSession | None = st.session_state.get(SESSION_KEY)
    if session is None:
        setup.render(content, clock)
        return
    if not session.items:
        st.warning(t("no_questions_match"))
        st.session_state.pop(SESSION_KEY, None)
        setup.render(content, clock)
        return
    if not session.finished and session.out_of_time(clock()):
        session.finish(clock())
        st.warning(t("time_is_up"))
    if session.finished:
        summary.render(session, content, clock)
        return
    answer.progress(session, clock)
    if session.position in session.responses:
        answer.feedback(session, clock)
    else:
        answer.ask(session, clock)
    save_status()
    if st.button(t("end_quiz_now"), key=f"quiz-{session.id}-end", icon=":material/stop:"):
        session.finish(clock())
        st.rerun()
