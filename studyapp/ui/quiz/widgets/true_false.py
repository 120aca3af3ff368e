"""true_false: a horizontal radio of True / False."""

from __future__ import annotations

import streamlit as st

from studyapp.ui.i18n import t
from studyapp.ui.quiz.widgets.base import Widget


def label(value: bool) -> str:
    return t("true") if value else t("false")


class TrueOrFalse(Widget):
    kinds = ("true_false",)

    def ask(self, item, key):
        labels = {True: label(True), False: label(False)}  # in this run's language
        choice = st.radio(t("your_answer"), options=[True, False], index=None, key=key, horizontal=True,
                          format_func=labels.get)
        return choice, None if choice is not None else t("choose_true_or_false_first")

    def show_answer(self, item, response):
        answer = response.answer if response else None
        mine = label(answer) if isinstance(answer, bool) else "—"
        st.markdown(t("answer_and_right_answer", mine=mine, right=label(item.question.answer), unit=""))
