"""The sidebar's profile picker: choose a profile, unlock it with its PIN, create a new one,
set or change a PIN. The PIN policy is srs.PinGuard's and srs.change_pin's: wrong PINs slow
down the browser session (and address) that typed them, never the owner, and a PIN is set
only with the current one or by the session that created the profile."""

from __future__ import annotations

import secrets

import streamlit as st

from studyapp import srs
from studyapp.ui.i18n import t
from studyapp.ui.plain import plain
from studyapp.ui.session import PROFILE_KEY, current_profile, get_store, unlocked

PICKER_KEY = "profile-picker"
MAX_PIN = srs.profiles.MAX_PIN_LENGTH
GUESSER_KEY = "pin-guesser"
CREATED_KEY = "created_profiles"


@st.cache_resource(show_spinner=False)
def pin_guard() -> srs.PinGuard:
    """One guard for the whole server: it remembers each session's and address's wrong PINs."""
    return srs.PinGuard()


def guesser() -> tuple[str, ...]:
    """Who is typing PINs: this browser session, and its address when the server sees one
    (None on localhost), so a new tab on the same machine does not get fresh tries."""
    token = st.session_state.setdefault(GUESSER_KEY, secrets.token_hex(16))
    keys = [f"session:{token}"]
    try:
        address = st.context.ip_address
    except Exception:  # no client context (e.g. AppTest)
        address = None
    if address:
        keys.append(f"{srs.profiles.ADDRESS_PREFIX}{address}")
    return tuple(keys)


def created_here() -> set[int]:
    """The profiles this browser session created: it may give them a PIN without asking."""
    return st.session_state.setdefault(CREATED_KEY, set())


def _on_pick() -> None:
    st.session_state[PROFILE_KEY] = st.session_state.get(PICKER_KEY)


def _refusal(result: srs.Unlock) -> None:
    if result.wait is not None:
        st.error(t("too_many_wrong_pins", wait=result.wait))
    else:
        st.error(t("wrong_pin"))


def _try_unlock(store, profile: srs.Profile, pin: str) -> None:
    result = pin_guard().unlock(store, profile.id, pin, guesser=guesser())
    if result.opened:
        unlocked().add(profile.id)
    else:
        _refusal(result)


def _create_profile_form(store) -> None:
    with st.form("new-profile", clear_on_submit=True, border=False):
        name = st.text_input(t("name"), key="new-profile-name", max_chars=40)
        pin = st.text_input(t("pin_optional"), type="password", key="new-profile-pin", max_chars=MAX_PIN)
        if not st.form_submit_button(t("create_profile")):
            return
    try:
        profile = srs.create_profile(store, name, pin=pin or None)
    except ValueError as exc:
        st.error(t("cannot_create_profile", error=plain(exc)))
        return
    st.session_state[PROFILE_KEY] = profile.id
    created_here().add(profile.id)
    unlocked().add(profile.id)  # whoever just chose the PIN knows it
    st.rerun()


def _set_pin_form(store, profile: srs.Profile) -> None:
    """Change a PIN with the current one; give one only to a profile this session created."""
    mine = profile.id in created_here()
    if not profile.protected and not mine:
        st.caption(t("pin_only_by_creator", name=plain(profile.name)))
        return
    with st.form("set-pin", clear_on_submit=True, border=False):
        current = None
        if profile.protected and not mine:
            current = st.text_input(t("current_pin"), type="password", key="set-pin-current", max_chars=MAX_PIN)
        pin = st.text_input(t("new_pin_for", name=plain(profile.name)), type="password", key="set-pin-value",
                            max_chars=MAX_PIN)
        if not st.form_submit_button(t("set_pin")):
            return
    try:
        result = srs.change_pin(store, profile.id, pin, current_pin=current, guard=pin_guard(), guesser=guesser(),
                                created_here=mine)
    except srs.PinNotYours:
        st.error(t("pin_only_by_creator", name=plain(profile.name)))
        return
    except ValueError:
        st.error(t("pin_rules", low=srs.profiles.MIN_PIN_LENGTH, high=MAX_PIN))
        return
    if not result.opened:
        _refusal(result)
        return
    unlocked().add(profile.id)
    st.success(t("pin_saved"))


def profile_picker() -> None:
    """Sidebar: choose a profile, unlock it with its PIN, create a new one."""
    try:
        store = get_store()
        profiles = srs.ensure_default_profile(store)
    except srs.StoreError as exc:
        st.sidebar.error(t("not_saved_because", error=plain(exc)))
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
    # index=None: with no profile chosen the box shows its placeholder, not the first name,
    # so choosing the first profile is a change like any other.
    sidebar.selectbox(t("profile"), options=list(by_id), key=PICKER_KEY, on_change=_on_pick, index=None,
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
                pin = st.text_input(t("pin_for", name=plain(profile.name)), type="password", key="unlock-pin",
                                    max_chars=MAX_PIN)
                if st.form_submit_button(t("unlock"), icon=":material/lock_open:"):
                    with sidebar:
                        _try_unlock(store, profile, pin)
    with sidebar.expander(t("profiles")):
        _create_profile_form(store)
        open_profile = current_profile()
        if open_profile is not None:
            st.divider()
            _set_pin_form(store, open_profile)
