"""Choosing a quiz: mode, topics, question types, how many, and an exam's time limit."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from studyapp.content.questions import QUESTION_TYPES
from studyapp.quiz import QuizSettings
from studyapp.ui.i18n import lang, t
from studyapp.ui.quiz.review import type_name
from studyapp.ui.quiz.state import start

MODES = ("practice", "exam", "drill")


def render(content, clock: Callable[[], float]) -> None:
    here = lang()
    st.markdown(t("quiz_intro"))
    if not content.topics:
        st.warning(t("quiz_no_topics"))
        return
    mode_names = {"practice": t("practice"), "exam": t("exam"), "drill": t("confusables_drill")}
    mode = st.radio(t("mode"), MODES, format_func=mode_names.get, horizontal=True, key="quiz-mode")
    titles = {tp.id: tp.title.get(here) for tp in content.topics}
    topics = st.multiselect(t("topics"), list(titles), default=list(titles), format_func=titles.get,
                            key="quiz-topics", placeholder=t("choose_one_or_more"))
    present = [kind for kind in QUESTION_TYPES if any(q.type == kind for q in content.questions())]
    type_names = {kind: type_name(kind) for kind in present}  # in this run's language: format_func runs later too
    types = st.multiselect(t("question_types"), present, default=present, format_func=type_names.get,
                           key="quiz-types", placeholder=t("choose_one_or_more"))
    available = sum(q.type in types for tp in content.topics if tp.id in topics for q in tp.questions)
    left, right = st.columns(2)
    count = left.number_input(t("number_of_questions"), min_value=1, max_value=100, value=10, step=1,
                              key="quiz-count")
    minutes = right.number_input(t("time_limit_minutes"), min_value=0, max_value=180, value=0, step=1,
                                 key="quiz-minutes", disabled=mode != "exam")
    if mode != "drill":
        st.caption(t("questions_match", n=available))
    if st.button(t("start_quiz"), type="primary", key="quiz-start", icon=":material/play_arrow:"):
        if not topics or (not types and mode != "drill") or (available == 0 and mode != "drill"):
            st.warning(t("choose_topic_and_type"))
            return
        settings = QuizSettings(
            topics=tuple(topics), types=tuple(types), count=int(count),
            mode="exam" if mode == "exam" else "practice", drill=mode == "drill",
            time_limit_s=60.0 * minutes if mode == "exam" and minutes else None,
        )
        start(content, settings, clock)
        st.rerun()
