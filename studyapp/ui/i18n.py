"""The app's own words (not content) in the current language, and the language switch.

The words live in one catalogue per language (studyapp/ui/strings/); content brings its own
`Text` in both languages.
"""

from __future__ import annotations

import streamlit as st

from studyapp.ui.strings import CATALOGUES

LANG_KEY = "lang"
LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}


def lang() -> str:
    """The language chosen in the sidebar for this browser session ('en' or 'ko')."""
    return st.session_state.get(LANG_KEY, "en")


def t(key: str, **values: object) -> str:
    """The catalogue's words for `key` in the current language, with `{name}` fields filled in."""
    text = CATALOGUES.get(lang(), CATALOGUES["en"])[key]
    return text.format(**values) if values else text


def language_switch() -> None:
    """A sidebar switch; its value lives in session state, so it holds across pages."""
    st.sidebar.radio(
        "Language / 언어",
        options=list(LANGUAGE_NAMES),
        format_func=LANGUAGE_NAMES.__getitem__,
        key=LANG_KEY,
        horizontal=True,
    )
