"""Who is studying: the progress store for the pages, the sidebar profile picker, PIN unlock.

A profile with a PIN stays locked for a browser session until its PIN is entered here;
`current_profile()` returns None until then, so no page can read or change its progress.
"""

from __future__ import annotations

import threading
import time

import streamlit as st

from studyapp.srs import ensure_default_profile
from studyapp.store import Profile, Store, StoreError, default_db_path
from studyapp.ui.i18n import tr

PROFILE_KEY = "profile_id"
UNLOCKED_KEY = "unlocked_profiles"
PICKER_KEY = "profile-picker"
MAX_FAILURES = 5  # wrong PINs in a row before that profile waits
LOCKOUT_SECONDS = 30.0

# Wrong-PIN counts are shared by every browser session of this server (a module global),
# so opening a new tab does not reset them.
_failures: dict[tuple[str, int], tuple[int, float]] = {}
_failures_lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    return Store(path)


def get_store() -> Store:
    """The store for this server process ($STUDYAPP_DB or the user's data directory)."""
    return _open_store(str(default_db_path().expanduser().resolve()))


def current_profile() -> Profile | None:
    """The profile chosen in the sidebar, or None when none is chosen or it is still locked."""
    profile_id = st.session_state.get(PROFILE_KEY)
    if profile_id is None:
        return None
    try:
        profile = get_store().profile(profile_id)
    except StoreError:
        return None
    if profile is None or (profile.protected and profile_id not in st.session_state.get(UNLOCKED_KEY, set())):
        return None
    return profile


def require_profile() -> Profile | None:
    """For pages: the current profile, or a note saying how to choose one (and None)."""
    try:
        get_store()
    except StoreError as exc:
        st.error(tr(f"The progress database cannot be opened: {exc}", f"진도 데이터베이스를 열 수 없습니다: {exc}"))
        return None
    profile = current_profile()
    if profile is None:
        st.info(tr("Choose your profile in the sidebar (and enter its PIN if it has one) to study.",
                   "학습하려면 사이드바에서 프로필을 고르세요 (PIN이 있으면 PIN도 입력하세요)."))
    return profile


def _unlocked() -> set[int]:
    return st.session_state.setdefault(UNLOCKED_KEY, set())


def _on_pick() -> None:
    st.session_state[PROFILE_KEY] = st.session_state.get(PICKER_KEY)


def _try_unlock(store: Store, profile: Profile, pin: str) -> None:
    key = (str(store.path), profile.id)
    with _failures_lock:
        count, until = _failures.get(key, (0, 0.0))
    wait = until - time.monotonic()
    if wait > 0:
        st.sidebar.error(tr(f"Too many wrong PINs. Try again in {wait:.0f} s.",
                            f"PIN을 여러 번 틀렸습니다. {wait:.0f}초 뒤에 다시 시도하세요."))
        return
    if store.check_pin(profile.id, pin):
        with _failures_lock:
            _failures.pop(key, None)
        _unlocked().add(profile.id)
        return
    count += 1
    with _failures_lock:
        _failures[key] = (0, time.monotonic() + LOCKOUT_SECONDS) if count >= MAX_FAILURES else (count, 0.0)
    st.sidebar.error(tr("Wrong PIN.", "PIN이 틀렸습니다."))


def _create_profile_form(store: Store) -> None:
    with st.form("new-profile", clear_on_submit=True, border=False):
        name = st.text_input(tr("Name", "이름"), key="new-profile-name", max_chars=40)
        pin = st.text_input(tr("PIN (optional, 4+ characters)", "PIN (선택, 4자 이상)"), type="password",
                            key="new-profile-pin")
        if not st.form_submit_button(tr("Create profile", "프로필 만들기")):
            return
    try:
        profile = store.create_profile(name, pin=pin or None)
    except ValueError as exc:
        st.error(tr(f"Cannot create the profile: {exc}", f"프로필을 만들 수 없습니다: {exc}"))
        return
    st.session_state[PROFILE_KEY] = profile.id
    _unlocked().add(profile.id)  # whoever just chose the PIN knows it
    st.rerun()


def _set_pin_form(store: Store, profile: Profile) -> None:
    with st.form("set-pin", clear_on_submit=True, border=False):
        label = tr("New PIN for", "새 PIN:") + f" {profile.name}"
        pin = st.text_input(label, type="password", key="set-pin-value")
        if not st.form_submit_button(tr("Set PIN", "PIN 설정")):
            return
    try:
        store.set_pin(profile.id, pin)
    except ValueError as exc:
        st.error(str(exc))
        return
    _unlocked().add(profile.id)
    st.success(tr("PIN saved.", "PIN을 저장했습니다."))


def profile_picker() -> None:
    """Sidebar: choose a profile, unlock it with its PIN, create a new one."""
    try:
        store = get_store()
        profiles = ensure_default_profile(store)
    except StoreError as exc:
        st.sidebar.error(tr(f"Progress is not saved: {exc}", f"진도가 저장되지 않습니다: {exc}"))
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
    sidebar.selectbox(
        tr("Profile", "프로필"),
        options=list(by_id),
        format_func=lambda i: ("🔒 " if by_id[i].protected else "") + by_id[i].name,
        key=PICKER_KEY,
        on_change=_on_pick,
        placeholder=tr("Choose your profile", "프로필을 고르세요"),
    )
    profile = by_id.get(chosen)
    if profile is not None and profile.protected:
        if profile.id in _unlocked():
            if sidebar.button(tr("Lock this profile", "이 프로필 잠그기"), key="lock-profile", icon=":material/lock:"):
                _unlocked().discard(profile.id)
                st.rerun()
        else:
            with sidebar.form("unlock-profile", clear_on_submit=True, border=False):
                pin = st.text_input(tr(f"PIN for {profile.name}", f"{profile.name}의 PIN"), type="password",
                                    key="unlock-pin")
                if st.form_submit_button(tr("Unlock", "잠금 해제"), icon=":material/lock_open:"):
                    _try_unlock(store, profile, pin)
    with sidebar.expander(tr("Profiles", "프로필 관리")):
        _create_profile_form(store)
        open_profile = current_profile()
        if open_profile is not None:
            st.divider()
            _set_pin_form(store, open_profile)
