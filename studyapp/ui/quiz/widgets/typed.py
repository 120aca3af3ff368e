"""typed: a text input."""

from __future__ import annotations

import streamlit as st

from studyapp.ui.i18n import lang, t
from studyapp.ui.plain import plain
from studyapp.ui.quiz.widgets.base import Widget

MAX_TYPED = 200  # characters: longer than any answer, short enough to grade at once


class TypedAnswer(Widget):
    kinds = ("typed",)

    def ask(self, item, key):
        # max_chars stops the browser; the slice holds against a client that ignores it.
        typed = st.text_input(t("your_answer"), key=key, max_chars=MAX_TYPED)[:MAX_TYPED]
        return typed, None if typed.strip() else t("type_an_answer_first")

    def show_answer(self, item, response):
        q = item.question
        answer = response.answer if response else None
        accepted = ", ".join(dict.fromkeys([q.answer.get(lang()), *q.accepted()]))
        mine = plain(answer) if answer else "—"  # what the learner typed is shown as typed, never as Markdown
        st.markdown(t("typed_answer_and_accepted", mine=mine, accepted=accepted))
