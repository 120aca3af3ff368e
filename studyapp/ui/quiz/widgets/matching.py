"""matching: one select box per left item, over the right options in a shuffled order."""

from __future__ import annotations

import streamlit as st

from studyapp.ui.i18n import lang, t
from studyapp.ui.quiz.widgets.base import Widget, mark


class Pairs(Widget):
    kinds = ("matching",)

    def ask(self, item, key):
        here, q = lang(), item.question
        rights = q.rights()
        if q.left_label or q.right_label:
            st.caption(" → ".join(label.get(here) for label in (q.left_label, q.right_label) if label))
        chosen = [
            st.selectbox(pair.left.get(here), options=list(item.order), index=None, key=f"{key}-{i}",
                         format_func=lambda r: rights[r].get(here), placeholder=t("choose_a_match"))
            for i, pair in enumerate(q.pairs)
        ]
        if any(c is None for c in chosen):
            return chosen, t("choose_every_match")
        return chosen, None

    def show_answer(self, item, response):
        here, q = lang(), item.question
        rights = q.rights()
        mine = (response.answer if response else None) or [None] * len(q.pairs)
        rows = []
        for i, pair in enumerate(q.pairs):
            got = mine[i]
            ok = got == i
            chosen = rights[got].get(here) if got is not None else "—"
            rows.append(f"- {mark(True, True) if ok else ':red[✘]'} **{pair.left.get(here)}** → {pair.right.get(here)}"
                        + ("" if ok else f" ({t('you_chose')}: *{chosen}*)"))
        st.markdown("\n".join(rows))
