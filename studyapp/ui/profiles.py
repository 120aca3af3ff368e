"""The sidebar's profile picker: choose a profile, unlock it with its PIN, create a new one,
set a PIN. The PIN policy (how many wrong PINs before a wait) is srs.PinGuard's."""

from __future__ import annotations

import streamlit as st

from studyapp import srs
from studyapp.ui.i18n import t
from studyapp.ui.session import PROFILE_KEY, current_profile, get_store, unlocked

PICKER_KEY = "profile-picker"


@st.cache_resource(show_spinner=False)
def pin_guard() -> srs.PinGuard:
    """One guard for the whole server: a new browser tab does not reset the wrong-PIN count."""
    return srs.PinGuard()


def _on_pick() -> None:
    st.session_state[PROFILE_KEY] = st.session_state.get(PICKER_KEY)


def _try_unlock(store, profile: srs.Profile, pin: str) -> None:
    result = pin_guard().unlock(store, profile.id, pin)
    if result.opened:
        unlocked().add(profile.id)
    elif result.wait is not None:
        st.sidebar.error(t("too_many_wrong_pins", wait=result.wait))
    else:
        st.sidebar.error(t("wrong_pin"))


def _create_profile_form(store) -> None:
    with st.form("new-profile", clear_on_submit=True, border=False):
        name = st.text_input(t("name"), key="new-profile-name", max_chars=40)
        pin = st.text_input(t("pin_optional"), type="password", key="new-profile-pin")
        if not st.form_submit_button(t("create_profile")):
            return
    try:
        profile = srs.create_profile(store, name, pin=pin or None)
    except ValueError as exc:
        st.error(t("cannot_create_profile", error=exc))
        return
    st.session_state[PROFILE_KEY] = profile.id
    unlocked().add(profile.id)  # whoever just chose the PIN knows it
    st.rerun()


def _set_pin_form(store, profile: srs.Profile) -> None:
    with st.form("set-pin", clear_on_submit=True, border=False):
        pin = st.text_input(t("new_pin_for", name=profile.name), type="password", key="set-pin-value")
        if not st.form_submit_button(t("set_pin")):
            return
    try:
        srs.set_pin(store, profile.id, pin)
    except ValueError as exc:
        st.error(str(exc))
        return
    unlocked().add(profile.id)
    st.success(t("pin_saved"))


def profile_picker() -> None:
    """Sidebar: choose a profile, unlock it with its PIN, create a new one."""
    try:
        store = get_store()
        profiles = srs.ensure_default_profile(store)
    except srs.StoreError as exc:
        st.sidebar.error(t("not_saved_because", error=exc))
        return
    by_id = {p.id: p for p in profiles}
    chosen = st.session_state.get(PROFILE_KEY)
    if chosen not in by_id:
        # One learner on one machine: open the only profile without asking.
        only = profiles[0] if len(profiles) == 1 and not profiles[0].protected else None
        chosen = only.id if only else None
        st.session_state[PROFILE_KEY] = chosen
    if st.session_state.get(PICKER_KEY) != chosen:
        st.session_state[PICKER_KEY] = chosen
    sidebar = st.sidebar
    sidebar.selectbox(t("profile"), options=list(by_id), key=PICKER_KEY, on_change=_on_pick,
                      format_func=lambda i: ("🔒 " if by_id[i].protected else "") + by_id[i].name,
                      placeholder=t("choose_your_profile"))
    profile = by_id.get(chosen)
    if profile is not None and profile.protected:
        if profile.id in unlocked():
            if sidebar.button(t("lock_profile"), key="lock-profile", icon=":material/lock:"):
                unlocked().discard(profile.id)
                st.rerun()
        else:
            with sidebar.form("unlock-profile", clear_on_submit=True, border=False):
                pin = st.text_input(t("pin_for", name=profile.name), type="password", key="unlock-pin")
                if st.form_submit_button(t("unlock"), icon=":material/lock_open:"):
                    _try_unlock(store, profile, pin)
    with sidebar.expander(t("profiles")):
        _create_profile_form(store)
        open_profile = current_profile()
        if open_profile is not None:
            st.divider()
            _set_pin_form(store, open_profile)
