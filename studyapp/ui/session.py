"""Who is studying: the progress store for the pages, and the profile they study as.

A profile with a PIN stays locked for a browser session until its PIN is entered (in the
sidebar: studyapp/ui/profiles.py); `current_profile()` returns None until then, so no page
can read or change its progress.
"""

from __future__ import annotations

import streamlit as st

from studyapp import srs
from studyapp.ui.i18n import t

PROFILE_KEY = "profile_id"
UNLOCKED_KEY = "unlocked_profiles"


@st.cache_resource(show_spinner=False)
def _open_store(path: str):
    return srs.open_progress(path)


def get_store():
    """The progress store for this server process ($STUDYAPP_DB or the user's data directory)."""
    return _open_store(str(srs.default_db_path().expanduser().resolve()))


def unlocked() -> set[int]:
    """The protected profiles this browser session has opened with their PIN."""
    return st.session_state.setdefault(UNLOCKED_KEY, set())


def current_profile() -> srs.Profile | None:
    """The profile chosen in the sidebar, or None when none is chosen or it is still locked."""
    profile_id = st.session_state.get(PROFILE_KEY)
    if profile_id is None:
        return None
    try:
        store = get_store()
    except srs.StoreError:
        return None
    profile = srs.find_profile(store, profile_id)
    if profile is None or (profile.protected and profile_id not in st.session_state.get(UNLOCKED_KEY, set())):
        return None
    return profile


def require_profile() -> srs.Profile | None:
    """For pages: the current profile, or a note saying how to choose one (and None)."""
    try:
        get_store()
    except srs.StoreError as exc:
        st.error(t("database_cannot_open", error=exc))
        return None
    profile = current_profile()
    if profile is None:
        st.info(t("choose_profile_to_study"))
    return profile
