"""The page list: Home, one page per topic (from content), and the tools.

A page's identity is its url path (Streamlit derives a page's hash from it), never its title:
the titles change with the language, the paths do not.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from studyapp.content import Content
from studyapp.ui import classroom, glossary, home, quiz, review, stats, topic
from studyapp.ui.i18n import lang, language_changed, link_params, t

PAGE_KEY = "page"  # session state: the url path of the page this session last opened


def topic_path(topic_id: str) -> str:
    return f"topic-{topic_id}"


def build_pages(content: Content) -> dict[str, list]:
    topic_pages = {
        tp.id: st.Page(partial(topic.render, tp.id), title=tp.title.get(lang()), url_path=topic_path(tp.id),
                       icon=":material/menu_book:")
        for tp in content.topics
    }
    home_page = st.Page(partial(home.render, topic_pages), title=t("home"), url_path="home", icon=":material/home:", default=True)
    glossary_page = st.Page(partial(glossary.render, topic_pages), title=t("glossary"), url_path="glossary",
                            icon=":material/search:")
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


def stay_on_page(page, pages: dict[str, list]) -> None:
    """Keep the learner on their page when they switch the language.

    The browser names the page to run in every rerun request, and until a page it was asked
    for has started drawing, it still names the page before it. A switch pressed in that
    moment (a second after clicking a topic in the sidebar, while the topic loads) would run
    the old page, Home, and lose the topic. So each run remembers the page it opened, and the
    run after a language switch goes back to that page if the browser named another one.
    """
    last = st.session_state.get(PAGE_KEY)
    if language_changed() and last is not None and last != page.url_path:
        by_path = {p.url_path: p for section in pages.values() for p in section}
        if last in by_path:
            st.session_state[PAGE_KEY] = last
            st.switch_page(by_path[last], query_params=link_params())
    st.session_state[PAGE_KEY] = page.url_path
