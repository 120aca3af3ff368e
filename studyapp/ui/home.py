"""Home: every topic with its summary and a link to its page."""

from __future__ import annotations

import streamlit as st

from studyapp.ui.content_cache import current_content
from studyapp.ui.i18n import lang, link_params, t


def render(topic_pages: dict) -> None:
    content = current_content()
    here = lang()
    st.title(t("app_title"))
    st.markdown(t("home_intro"))
    if not content.topics:
        st.warning(t("no_topics", folder=content.folder))
        return
    columns = st.columns(2)
    for i, topic in enumerate(content.topics):
        with columns[i % 2].container(border=True):
            st.markdown(f"### {topic.title.get(here)}")
            st.markdown(topic.summary.get(here))
            counts = [
                t(key, n=len(items), s="" if len(items) == 1 else "s")
                for key, items in (("n_cards", topic.cards), ("n_questions", topic.questions), ("n_demos", topic.demos))
                if items
            ]
            st.caption(" · ".join(counts))
            if topic.id in topic_pages:
                st.page_link(topic_pages[topic.id], label=t("open_topic", title=topic.title.get(here)), icon=":material/arrow_forward:",
                             query_params=link_params())
