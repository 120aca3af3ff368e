"""numeric: a number input (whole numbers when the answer is whole and exact), with the
values drawn for this attempt shown above it."""

from __future__ import annotations

import streamlit as st

from demos.generators import param_name

from studyapp.content.questions import fmt
from studyapp.ui.i18n import lang, t
from studyapp.ui.quiz.widgets.base import Widget


def drawn(value) -> str:
    """A drawn value as the learner reads it: yes/no for a switch, else the number."""
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    return fmt(value)


class Number(Widget):
    kinds = ("numeric",)

    def ask(self, item, key):
        q = item.question
        if item.values:
            here = lang()
            shown = ", ".join(f"{param_name(name, q.generator)(here)} = {drawn(value)}"
                              for name, value in item.values.items() if name in q.varying())
            st.caption(t("drawn_for_this_attempt", shown=shown))
        whole = q.tolerance == 0 and q.rel_tolerance == 0 and float(item.right_answer()).is_integer()
        label = t("your_answer") + (f" ({q.unit.get(lang())})" if q.unit else "")
        if whole:
            number = st.number_input(label, value=None, step=1, format="%d", key=key)
        else:
            number = st.number_input(label, value=None, step=0.01, format="%g", key=key)
        return number, None if number is not None else t("enter_a_number_first")

    def show_answer(self, item, response):
        q = item.question
        answer = response.answer if response else None
        unit = f" {q.unit.get(lang())}" if q.unit else ""
        mine = fmt(answer) if isinstance(answer, (int, float)) else "—"
        st.markdown(t("answer_and_right_answer", mine=mine, right=fmt(item.right_answer()), unit=unit))
