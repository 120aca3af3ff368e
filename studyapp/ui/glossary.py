"""Glossary: every term of every topic, searchable in English and Korean."""

from __future__ import annotations

import streamlit as st

from studyapp.content import Content
from studyapp.ui.cards import render_card
from studyapp.ui.content_cache import current_content
from studyapp.ui.i18n import lang, t


def matching_cards(content: Content, query: str) -> list[tuple[str, object]]:
    """(topic id, card) pairs whose term or definition contains `query` in either language."""
    needle = query.strip().casefold()
    found = []
    for topic in content.topics:
        for card in topic.cards:
            haystack = " ".join([card.id, card.term.en, card.term.ko, card.definition.en, card.definition.ko])
            if needle in haystack.casefold():
                found.append((topic.id, card))
    return sorted(found, key=lambda pair: pair[1].term.get(lang()).casefold())


def render(topic_pages: dict | None = None) -> None:
    content = current_content()
    here = lang()
    st.title(t("glossary"))
    query = st.text_input(t("search"), key="glossary-query", placeholder="overfitting, 과적합, ...")
    found = matching_cards(content, query)
    if not found:
        st.warning(t("no_match", query=query))
        return
    st.caption(t("n_terms", n=len(found)))
    titles = {topic.id: topic.title.get(here) for topic in content.topics}
    for topic_id, card in found:
        with st.expander(f"{card.term.get(here)} — {card.term.other(here)}  ·  {titles[topic_id]}"):
            render_card(card, content)
