"""One topic: its cards, then its live demos."""

from __future__ import annotations

import streamlit as st

from studyapp.ui.cards import render_card
from studyapp.ui.content_cache import current_content
from studyapp.ui.demo_view import render_demo
from studyapp.ui.i18n import lang, t


def topic_card(topic):
    """The card a link asked for (`?card=<id>`), if this topic has it."""
    wanted = st.query_params.get("card")
    return next((card for card in topic.cards if card.id == wanted), None)


def render(topic_id: str) -> None:
    content = current_content()
    topic = content.topic(topic_id)
    if topic is None:  # the file broke after the page list was built
        st.error(t("no_topics", folder=content.folder))
        return
    here = lang()
    st.title(topic.title.get(here))
    st.markdown(topic.summary.get(here))
    cards_tab, demo_tab = st.tabs([f":material/style: {t('cards_tab')} ({len(topic.cards)})", f":material/science: {t('demo_tab')}"])
    with cards_tab:
        wanted = topic_card(topic)
        if wanted is not None:  # opened from the glossary: that card first
            st.markdown(f"**:material/search: {t('searched_card')}**")
            render_card(wanted, content)
            st.divider()
        columns = st.columns(2)
        for i, card in enumerate(topic.cards):
            with columns[i % 2]:
                render_card(card, content)
    with demo_tab:
        if not topic.demos:
            st.info(t("no_demo"))
        for demo_id in topic.demos:
            render_demo(demo_id)
