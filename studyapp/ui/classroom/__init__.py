"""The classroom's pages: the teacher's page (/teach), the students' page (/join) and the
projector (/present: a live session's screen with ?room=CODE, else the presenter view of a
topic). The logic is studyapp.classroom's; these pages draw it and pass on button presses."""

from __future__ import annotations

import streamlit as st

from studyapp.ui.i18n import LANG_KEY, LANGUAGE_NAMES


def language_from_address() -> None:
    """A fresh browser tab opened at an address with `?lang=ko` (a projector's link) starts in
    that language; the sidebar switch decides after that. Call before the switch is drawn."""
    wanted = st.query_params.get("lang")
    if LANG_KEY not in st.session_state and wanted in LANGUAGE_NAMES:
        st.session_state[LANG_KEY] = wanted


def teach_page() -> None:
    from studyapp.ui.classroom import teach as page

    page.render()


def join_page() -> None:
    from studyapp.ui.classroom import join as page

    page.render()


def present_page() -> None:
    from studyapp.ui.classroom import common, presenter, projector

    code = common.param("room")
    if code is not None:
        projector.render(code)
    else:
        presenter.render()
