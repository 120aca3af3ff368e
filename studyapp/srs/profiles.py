"""Profiles: choosing one by name (command line), opening one by id (the app), and the PIN
policy that keeps a protected profile closed to whoever does not know its PIN."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from typing import Callable

from studyapp.store import Profile, Store, StoreError, default_db_path

DEFAULT_PROFILE = "default"
MAX_FAILURES = 5  # wrong PINs in a row before that profile waits
LOCKOUT_SECONDS = 30.0


class ProfileChoiceError(LookupError):
    """No profile, an unknown name, or several profiles and no name given."""


def open_progress(path: str | os.PathLike | None = None) -> Store:
    """The progress database: `path`, else $STUDYAPP_DB, else the user's data directory."""
    return Store(default_db_path(path).expanduser().resolve())


def ensure_default_profile(store: Store) -> list[Profile]:
    """A fresh database gets one profile without a PIN, so one learner can start at once."""
    profiles = store.profiles()
    if profiles:
        return profiles
    try:
        store.create_profile(DEFAULT_PROFILE)
    except ValueError:  # another process created it a moment ago
        pass
    return store.profiles()


def resolve_profile(store: Store, name: str | None) -> Profile:
    """The profile called `name`; without a name, the only profile or the one called 'default'."""
    profiles = store.profiles()
    if name:
        found = store.profile_by_name(name)
        if found is None:
            known = ", ".join(p.name for p in profiles) or "none yet"
            raise ProfileChoiceError(f"no profile named {name!r} (profiles: {known})")
        return found
    if not profiles:
        raise ProfileChoiceError("no profiles yet; create one with `studyapp profile create NAME`")
    if len(profiles) == 1:
        return profiles[0]
    default = next((p for p in profiles if p.name.casefold() == DEFAULT_PROFILE), None)
    if default is not None:
        return default
    raise ProfileChoiceError(f"several profiles ({', '.join(p.name for p in profiles)}); choose one with --profile")


def find_profile(store: Store, profile_id: int) -> Profile | None:
    """The profile with this id, or None (gone, or the database cannot be read)."""
    try:
        return store.profile(profile_id)
    except StoreError:
        return None


def create_profile(store: Store, name: str, pin: str | None = None) -> Profile:
    """A new profile (ValueError: a bad or taken name, a PIN too short or too long)."""
    return store.create_profile(name, pin=pin)


def set_pin(store: Store, profile_id: int, pin: str | None) -> None:
    store.set_pin(profile_id, pin)


@dataclass(frozen=True)
class Unlock:
    opened: bool
    wait: float | None = None  # seconds until the PIN is checked again; None: not locked out


class PinGuard:
    """Slows PIN guessing down: after `max_failures` wrong PINs in a row, a profile's PIN is
    not even checked for `lockout_seconds`; then it gets a fresh run of tries.

    Counts are kept per (database, profile) by whoever holds the guard (the app keeps one per
    server, so a new browser tab does not reset them); the clock is passed in for tests.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, *, max_failures: int = MAX_FAILURES,
                 lockout_seconds: float = LOCKOUT_SECONDS) -> None:
        self.clock = clock
        self.max_failures = max_failures
        self.lockout_seconds = lockout_seconds
        self._failures: dict[tuple[str, int], tuple[int, float]] = {}  # key -> (wrong PINs in a row, locked until)
        self._lock = threading.Lock()

    def unlock(self, store: Store, profile_id: int, pin: str) -> Unlock:
        key = (str(store.path), profile_id)
        with self._lock:
            count, until = self._failures.get(key, (0, 0.0))
        wait = until - self.clock()
        if wait > 0:
            return Unlock(False, wait)
        if store.check_pin(profile_id, pin):
            with self._lock:
                self._failures.pop(key, None)
            return Unlock(True)
        count += 1
        with self._lock:
            locked = count >= self.max_failures
            self._failures[key] = (0, self.clock() + self.lockout_seconds) if locked else (count, 0.0)
        return Unlock(False)
