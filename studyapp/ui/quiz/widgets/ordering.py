"""ordering: one select box per position, first to last, each empty until the learner picks
(a shuffled start would let an untouched answer earn credit)."""

from __future__ import annotations

import streamlit as st

from studyapp.content.questions.ordering import out_of_order
from studyapp.ui.i18n import lang, t
from studyapp.ui.quiz.widgets.base import Widget, mark


class Steps(Widget):
    kinds = ("ordering",)

    def ask(self, item, key):
        here, q = lang(), item.question
        ids = [q.items[i].id for i in item.order]
        text = {it.id: it.text.get(here) for it in q.items}
        chosen = [
            st.selectbox(f"{position + 1}.", options=ids, index=None, placeholder=t("choose_step"),
                         key=f"{key}-{position}", format_func=text.get)
            for position in range(len(ids))
        ]
        if None in chosen:
            return chosen, t("step_missing")
        if len(set(chosen)) != len(chosen):
            return chosen, t("step_used_twice")
        return chosen, None

    def present(self, item):
        here, q = lang(), item.question
        st.markdown("\n".join(f"- {q.items[i].text.get(here)}" for i in item.order))

    def show_answer(self, item, response):
        here, q = lang(), item.question
        text = {it.id: it.text.get(here) for it in q.items}
        mine = (response.answer if response else None) or []
        if mine:  # the learner's order, with the steps to move marked: what the score counts
            move = set(out_of_order(q.answer, mine))
            place = {ident: n + 1 for n, ident in enumerate(q.answer)}
            rows = [f"{n + 1}. {mark(True, True)} {text[ident]}" if ident not in move
                    else f"{n + 1}. :red[✘] {text[ident]} — {t('belongs_at', n=place[ident])}"
                    for n, ident in enumerate(mine)]
            st.markdown(t("your_order", moved=len(move), total=len(mine)) + "\n\n" + "\n".join(rows))
        st.markdown(t("the_right_order") + "\n\n" + "\n".join(f"{n + 1}. {text[ident]}"
                                                             for n, ident in enumerate(q.answer)))
