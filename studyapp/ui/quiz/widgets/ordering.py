"""ordering: one select box per position, first to last."""

from __future__ import annotations

import streamlit as st

from studyapp.ui.i18n import lang, t
from studyapp.ui.quiz.widgets.base import Widget, mark


class Steps(Widget):
    kinds = ("ordering",)

    def ask(self, item, key):
        here, q = lang(), item.question
        ids = [q.items[i].id for i in item.order]
        text = {it.id: it.text.get(here) for it in q.items}
        chosen = [
            st.selectbox(f"{position + 1}.", options=ids, index=position, key=f"{key}-{position}", format_func=text.get)
            for position in range(len(ids))
        ]
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
        lines = []
        for n, want in enumerate(q.answer):
            if n < len(mine) and mine[n] == want:
                lines.append(f"{n + 1}. {mark(True, True)} {text[want]}")
            else:
                put = text.get(mine[n], "—") if n < len(mine) else "—"
                lines.append(f"{n + 1}. :red[✘] {text[want]} — {t('you_put')}: *{put}*")
        st.markdown(t("the_right_order") + "\n\n" + "\n".join(lines))
