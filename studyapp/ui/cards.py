"""How one content card looks on a topic page and in the glossary."""

from __future__ import annotations

import streamlit as st

from studyapp.content import Card, Content
from studyapp.ui.i18n import lang, t


def other_language(text) -> str:
    return text.en if lang() == "ko" else text.ko


def render_card(card: Card, content: Content) -> None:
    here = lang()
    with st.container(border=True):
        st.markdown(f"#### {card.term.get(here)}")
        caption = other_language(card.term)
        if card.field:
            caption += f" · {t('field')}: {card.field.get(here)}"
        st.caption(caption)
        st.markdown(card.definition.get(here))
        if card.formula:
            st.latex(card.formula)
        if card.example:
            st.markdown(f"**{t('example')}:** {card.example.get(here)}")
        if card.pitfalls:
            st.markdown(f"**{t('pitfalls')}**")
            st.markdown("\n".join(f"- :warning: {p.get(here)}" for p in card.pitfalls))
        if card.confused_with:
            terms = {c.id: c for c in content.cards()}
            st.markdown(f"**{t('confused_with')}**")
            lines = []
            for confusion in card.confused_with:
                other = terms.get(confusion.card)
                name = other.term.get(here) if other else confusion.card
                lines.append(f"- **{name}**: {confusion.difference.get(here)}")
            st.markdown("\n".join(lines))
