"""typed: a text input."""

from __future__ import annotations

import streamlit as st

from studyapp.ui.i18n import lang, t
from studyapp.ui.quiz.widgets.base import Widget


class TypedAnswer(Widget):
    kinds = ("typed",)

    def ask(self, item, key):
        typed = st.text_input(t("your_answer"), key=key)
        return typed, None if typed.strip() else t("type_an_answer_first")

    def show_answer(self, item, response):
        q = item.question
        answer = response.answer if response else None
        accepted = ", ".join(dict.fromkeys([q.answer.get(lang()), *q.accepted()]))
        st.markdown(t("typed_answer_and_accepted", mine=answer or "—", accepted=accepted))
