"""Profiles: choosing one by name (command line), opening one by id (the app), and the PIN
policy that keeps a protected profile closed to whoever does not know its PIN, without
ever locking out the one who does."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from typing import Callable, Sequence

from studyapp.store import Profile, Store, StoreError, default_db_path
# Re-exported for the pages, which may not import the store:
from studyapp.store.pins import MAX_LENGTH as MAX_PIN_LENGTH  # noqa: F401
from studyapp.store.pins import MIN_LENGTH as MIN_PIN_LENGTH  # noqa: F401
from studyapp.store.pins import check_pin_rules

DEFAULT_PROFILE = "default"
MAX_FAILURES = 5  # wrong PINs in a row before that guesser waits
LOCKOUT_SECONDS = 30.0  # the first wait; each further lockout doubles it
MAX_LOCKOUT_SECONDS = 3600.0
ADDRESS_FACTOR = 4  # an address (maybe a shared one) gets 4 times as many tries as a session
ADDRESS_PREFIX = "address:"


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
    """Set, change or remove a PIN without asking for the old one: for the command line,
    whose user holds the database file anyway. Browsers go through `change_pin`."""
    store.set_pin(profile_id, pin)


@dataclass(frozen=True)
class Unlock:
    opened: bool
    wait: float | None = None  # seconds until this guesser's PIN is checked again; None: not locked out


class PinNotYours(PermissionError):
    """A browser session tried to give a PIN to an unprotected profile it did not create."""


@dataclass
class _Tries:
    wrong: int = 0  # wrong PINs in a row
    lockouts: int = 0  # lockouts so far (each one doubles the next wait)
    until: float = 0.0  # locked until (clock time)
    seen: float = 0.0  # last wrong PIN (for forgetting old entries)


class PinGuard:
    """Slows PIN guessing down for the one who guesses, never for the profile's owner.

    Wrong PINs are counted per *guesser* and profile. A guesser is named by one or more keys
    (the app passes its browser session, and the client's address when it has one, so a
    new tab from the same machine does not start afresh). After `max_failures` wrong PINs in
    a row from a key, that key's next PINs for that profile are not even checked for
    `lockout_seconds`; every further lockout doubles the wait, up to `max_lockout_seconds`.
    An address key gets `address_factor` times as many tries, as a classroom may share one.
    Anyone else, such as the owner at their own browser, unlocks with the right PIN at once.

    The app keeps one guard per server; the clock is passed in for tests.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, *, max_failures: int = MAX_FAILURES,
                 lockout_seconds: float = LOCKOUT_SECONDS, max_lockout_seconds: float = MAX_LOCKOUT_SECONDS,
                 address_factor: int = ADDRESS_FACTOR, max_entries: int = 10_000) -> None:
        self.clock = clock
        self.max_failures = max_failures
        self.lockout_seconds = lockout_seconds
        self.max_lockout_seconds = max_lockout_seconds
        self.address_factor = address_factor
        self.max_entries = max_entries
        self._tries: dict[tuple[str, str, int], _Tries] = {}  # (database, guesser key, profile) -> tries
        self._lock = threading.Lock()

    def _limit(self, key: str) -> int:
        return self.max_failures * (self.address_factor if key.startswith(ADDRESS_PREFIX) else 1)

    def wait(self, store: Store, profile_id: int, *, guesser: Sequence[str]) -> float | None:
        """Seconds until this guesser's next PIN for this profile is checked; None: now."""
        now = self.clock()
        with self._lock:
            waits = [t.until - now for key in guesser
                     if (t := self._tries.get((str(store.path), key, profile_id))) and t.until > now]
        return max(waits) if waits else None

    def unlock(self, store: Store, profile_id: int, pin: str, *, guesser: Sequence[str]) -> Unlock:
        """Check `pin` for `profile_id`, unless this guesser is waiting out a lockout."""
        if not guesser:
            raise ValueError("name the guesser (a browser session, an address)")
        wait = self.wait(store, profile_id, guesser=guesser)
        if wait is not None:
            return Unlock(False, wait)
        if store.check_pin(profile_id, pin):
            with self._lock:
                for key in guesser:
                    self._tries.pop((str(store.path), key, profile_id), None)
            return Unlock(True)
        now = self.clock()
        with self._lock:
            self._forget_old(now)
            for key in guesser:
                tries = self._tries.setdefault((str(store.path), key, profile_id), _Tries())
                tries.wrong += 1
                tries.seen = now
                if tries.wrong >= self._limit(key):
                    tries.wrong = 0
                    tries.lockouts += 1
                    pause = self.lockout_seconds * 2 ** min(tries.lockouts - 1, 30)
                    tries.until = now + min(pause, self.max_lockout_seconds)
        return Unlock(False)

    def _forget_old(self, now: float) -> None:
        """Keep memory bounded: drop guessers quiet for longer than the longest lockout."""
        if len(self._tries) < self.max_entries:
            return
        quiet = [key for key, t in self._tries.items() if now - max(t.seen, t.until) > self.max_lockout_seconds]
        for key in quiet:
            del self._tries[key]
        if len(self._tries) >= self.max_entries:  # all recent: drop the oldest half
            for key, _ in sorted(self._tries.items(), key=lambda item: item[1].seen)[: len(self._tries) // 2]:
                del self._tries[key]


def change_pin(store: Store, profile_id: int, new_pin: str | None, *, current_pin: str | None, guard: PinGuard,
               guesser: Sequence[str], created_here: bool) -> Unlock:
    """Set or change a profile's PIN from a browser.

    A protected profile's PIN changes only with its current PIN (checked by `guard`, so
    it counts as a guess); an unprotected profile gets a PIN only from the session that
    created it (`created_here`), so no visitor can lock an owner out of their own profile.
    The session that created a profile may change its PIN without the old one.
    Raises ValueError for a new PIN against the rules and `PinNotYours`.
    """
    if new_pin is not None:
        check_pin_rules(new_pin)
    profile = store.profile(profile_id)
    if profile is None:
        raise ValueError(f"no profile with id {profile_id}")
    if not created_here:
        if not profile.protected:
            raise PinNotYours(f"profile {profile.name!r} has no PIN, and only the session that created it can give it one")
        result = guard.unlock(store, profile_id, current_pin or "", guesser=guesser)
        if not result.opened:
            return result
    store.set_pin(profile_id, new_pin)
    return Unlock(True)
