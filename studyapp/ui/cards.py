"""How one content card looks on a topic page and in the glossary (and its details on the
back of a flashcard)."""

from __future__ import annotations

from typing import Mapping

import streamlit as st

from studyapp.content import Card, Content
from studyapp.text import Text
from studyapp.ui.i18n import lang, t


def render_card(card: Card, content: Content) -> None:
    here = lang()
    with st.container(border=True):
        st.markdown(f"#### {card.term.get(here)}")
        caption = card.term.other(here)
        if card.field:
            caption += f" · {t('field')}: {card.field.get(here)}"
        if card.aliases:
            caption += f" · {t('also_called')}: {', '.join(card.alias_texts())}"
        st.caption(caption)
        st.markdown(card.definition.get(here))
        details(card, {c.id: c.term for c in content.cards()} if card.confused_with else {})


def details(card: Card, terms: Mapping[str, Text], *, pitfalls: bool = True) -> None:
    """What a card says beyond its term and definition: its formula, example, pitfalls and
    the terms it is often confused with (`terms`: card id -> term)."""
    here = lang()
    if card.formula:
        st.latex(card.formula_in(here))
    if card.example:
        st.markdown(f"**{t('example')}:** {card.example.get(here)}")
    if pitfalls and card.pitfalls:
        st.markdown(f"**{t('pitfalls')}**")
        st.markdown("\n".join(f"- :warning: {p.get(here)}" for p in card.pitfalls))
    if card.confused_with:
        lines = [f"- **{terms[c.card].get(here) if c.card in terms else c.card}**: {c.difference.get(here)}"
                 for c in card.confused_with]
        st.markdown(f"**{t('confused_with')}**")
        st.markdown("\n".join(lines))
