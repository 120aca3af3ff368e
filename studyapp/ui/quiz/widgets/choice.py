"""single_choice and odd_one_out (a radio), multi_choice (a checkbox per choice)."""

from __future__ import annotations

import streamlit as st

from studyapp.ui.i18n import lang, t
from studyapp.ui.quiz.widgets.base import Widget, mark


def show_choices(item, response) -> None:
    """Every choice in the shown order, marked: picked or not, right or not."""
    here, q = lang(), item.question
    answer = response.answer if response else None
    picked = set(answer if isinstance(answer, list) else [answer])
    lines = [f"- {mark(q.choices[i].correct, i in picked)} {q.choices[i].text.get(here)}" for i in item.order]
    st.markdown("\n".join(lines))
    st.caption(t("choice_legend"))


class PickOne(Widget):
    kinds = ("single_choice", "odd_one_out")

    def ask(self, item, key):
        here, q = lang(), item.question
        choice = st.radio(t("your_answer"), options=list(item.order), index=None, key=key,
                          format_func=lambda i: q.choices[i].text.get(here))
        return choice, None if choice is not None else t("choose_answer_first")

    def show_answer(self, item, response):
        show_choices(item, response)


class PickAll(Widget):
    kinds = ("multi_choice",)

    def ask(self, item, key):
        here, q = lang(), item.question
        picked = [i for i in item.order if st.checkbox(q.choices[i].text.get(here), key=f"{key}-{i}")]
        return sorted(picked), None

    def show_answer(self, item, response):
        show_choices(item, response)
