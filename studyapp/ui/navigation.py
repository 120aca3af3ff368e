"""The page list: Home, one page per topic (from content), and the tools."""

from __future__ import annotations

from functools import partial

import streamlit as st

from studyapp.content import Content
from studyapp.ui import classroom, glossary, home, quiz, review, stats, topic
from studyapp.ui.i18n import lang, t


def build_pages(content: Content) -> dict[str, list]:
    topic_pages = {
        tp.id: st.Page(partial(topic.render, tp.id), title=tp.title.get(lang()), url_path=f"topic-{tp.id}", icon=":material/menu_book:")
        for tp in content.topics
    }
    home_page = st.Page(partial(home.render, topic_pages), title=t("home"), url_path="home", icon=":material/home:", default=True)
    glossary_page = st.Page(glossary.render, title=t("glossary"), url_path="glossary", icon=":material/search:")
    return {
        "": [home_page],
        t("topics"): list(topic_pages.values()),
        t("study"): [
            st.Page(review.render, title=t("flashcards"), url_path="review", icon=":material/style:"),
            st.Page(stats.render, title=t("statistics"), url_path="stats", icon=":material/insights:"),
            st.Page(quiz.render, title=t("quiz"), url_path="quiz", icon=":material/quiz:"),
        ],
        t("tools"): [glossary_page],
        t("class_section"): [
            st.Page(classroom.teach_page, title=t("class_teach"), url_path="teach", icon=":material/co_present:"),
            st.Page(classroom.join_page, title=t("class_join_title"), url_path="join", icon=":material/login:"),
            st.Page(classroom.present_page, title=t("class_present"), url_path="present", icon=":material/tv:"),
        ],
    }
