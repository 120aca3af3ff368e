"""The app's own words (not content) in the current language, and the language switch.

The words live in one catalogue per language (studyapp/ui/strings/); content brings its own
`Text` in both languages.

The language is the sidebar switch's value, kept in the URL as `?lang=ko`: a link with it
opens in Korean, a reload keeps the language, and every page the learner moves to gets it
back. English, the default, leaves the URL clean.
"""

from __future__ import annotations

import streamlit as st

from studyapp.ui.strings import CATALOGUES, PLOTLY_LOCALES

LANG_KEY = "lang"  # the language: a plain session-state value, and the URL's query parameter
SWITCH_KEY = "lang-switch"  # the sidebar switch's own state
CHANGED_KEY = "lang-changed"  # set by the switch for the one run that follows a change
LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}

# Korean wraps between words, never inside one. `keep-all` changes only how CJK text breaks
# (English is unaffected), so the rule holds on every page in both languages (the English pages
# show Korean terms too); a single very long unbroken string still wraps rather than overflow.
# Streamlit gives its paragraphs, list items and headings `word-break: break-word` (which breaks
# Korean between any two syllables) in rules more specific than ours: hence every element, and
# !important.
LINE_BREAK_CSS = ("<style>.stApp, .stApp * { word-break: keep-all !important; } "
                  ".stApp { overflow-wrap: break-word; }</style>")


def lang() -> str:
    """The language chosen in the sidebar for this browser session ('en' or 'ko')."""
    value = st.session_state.get(LANG_KEY, "en")
    return value if value in LANGUAGE_NAMES else "en"


def t(key: str, **values: object) -> str:
    """The catalogue's words for `key` in the current language, with `{name}` fields filled in."""
    text = CATALOGUES.get(lang(), CATALOGUES["en"])[key]
    return text.format(**values) if values else text


def chart_config(**options: object) -> dict:
    """Plotly's config for a chart: `options`, and Plotly's own words (its toolbar's tips, month
    and day names) in the learner's language, handed over with the chart since Streamlit's
    Plotly knows no locale but English."""
    here = lang()
    if here not in PLOTLY_LOCALES:
        return dict(options)
    return {**options, "locale": here, "locales": {here: PLOTLY_LOCALES[here]}}


def link_params() -> dict[str, str]:
    """Query parameters every link inside the app carries, so the page it opens keeps the
    language ({} in English, the default)."""
    here = lang()
    return {} if here == "en" else {LANG_KEY: here}


def _changed() -> None:
    st.session_state[LANG_KEY] = st.session_state[SWITCH_KEY]
    st.session_state[CHANGED_KEY] = True


def language_changed() -> bool:
    """True once, in the run right after the learner switched the language."""
    return bool(st.session_state.pop(CHANGED_KEY, False))


def language_switch() -> None:
    """The sidebar switch. Its value lives in session state; the URL's `?lang=` follows it.

    A session starts in the language its URL names (a deep link, a reload); after that the
    switch decides, and every run writes it back to the URL, since moving to another page
    drops the query string.

    The language is kept apart from the switch's widget state: Streamlit drops every widget's
    state when a page is switched to from code (see navigation.stay_on_page), and the
    language must survive that.
    """
    if LANG_KEY not in st.session_state:  # the session's first run
        asked = st.query_params.get(LANG_KEY)
        st.session_state[LANG_KEY] = asked if asked in LANGUAGE_NAMES else "en"
    st.session_state[SWITCH_KEY] = lang()
    st.sidebar.radio(
        "Language / 언어",
        options=list(LANGUAGE_NAMES),
        format_func=LANGUAGE_NAMES.__getitem__,
        key=SWITCH_KEY,
        horizontal=True,
        on_change=_changed,
    )
    sync_url()
    st.html(LINE_BREAK_CSS)  # a style-only block: it takes no room on the page


def sync_url() -> None:
    """`?lang=ko` in the address bar while the app speaks Korean; no parameter in English."""
    wanted = link_params().get(LANG_KEY)
    if st.query_params.get(LANG_KEY) != wanted:
        if wanted is None:
            del st.query_params[LANG_KEY]
        else:
            st.query_params[LANG_KEY] = wanted
