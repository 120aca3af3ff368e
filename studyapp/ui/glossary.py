"""Glossary: every term of every topic, found as you type in English or Korean (by its
aliases too), best match first; each hit opens its card on its topic's page."""

from __future__ import annotations

import streamlit as st

from studyapp.content.search import search
from studyapp.ui.cards import render_card
from studyapp.ui.content_cache import current_content
from studyapp.ui.i18n import lang, link_params, t
from studyapp.ui.plain import plain

MAX_SHOWN = 40  # hits drawn at once; the count says how many more there are
CARD_PARAM = "card"  # ?card=<id> on a topic page: the card the learner came for


def render(topic_pages: dict | None = None) -> None:
    st.title(t("glossary"))
    results(topic_pages or {})


@st.fragment  # typing reruns the results only, not the whole app
def results(topic_pages: dict) -> None:
    content = current_content()
    here = lang()
    query = st.text_input(t("search"), key="glossary-query", placeholder="dropout, 드롭아웃, Xavier, …",
                          type="search", icon=":material/search:", live=True)
    hits = search(content, query or "", here)
    if not hits:
        st.warning(t("no_match", query=plain(query)))  # typed text, never Markdown
        return
    shown = hits[:MAX_SHOWN]
    st.caption(t("n_terms", n=len(hits)) + ("" if len(hits) == len(shown) else " · " + t("first_n", n=len(shown))))
    titles = {topic.id: topic.title.get(here) for topic in content.topics}
    for hit in shown:
        card = hit.card
        name, other = card.term.get(here), card.term.other(here)
        if other and other not in name:  # '합성곱층 (Convolution layer)' names its English already
            name = f"{name} — {other}"
        with st.expander(f"{name}  ·  {titles[hit.topic_id]}",
                         expanded=bool(query) and hit is hits[0]):
            if hit.topic_id in topic_pages:
                st.page_link(topic_pages[hit.topic_id], label=t("open_card_in_topic", title=titles[hit.topic_id]),
                             icon=":material/arrow_forward:",
                             query_params={CARD_PARAM: card.id, **link_params()})
            render_card(card, content)
