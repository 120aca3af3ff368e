"""The progress database: one SQLite file in WAL mode, one transaction per review.

Why it is safe to kill or share:

- WAL mode plus `synchronous=FULL`: a committed review survives a killed process (and a
  power cut); an uncommitted one leaves no trace.
- Writes open with `BEGIN IMMEDIATE`, so the write lock is taken before anything is read:
  a review reads the card's state and writes the new state in one transaction, and two
  processes rating the same card can never both build on the same old state.
- Other writers are waited for (`busy_timeout`), and if SQLite still answers "locked" or
  "busy", the whole transaction is retried with a short random back-off until a deadline;
  only then does `StoreBusy` (with a clear message) reach the caller.
- The connection is shared by the threads of one process (Streamlit runs each session in
  its own thread) behind a lock; processes coordinate through SQLite's file locks.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, TypeVar

from studyapp.store import pins
from studyapp.store.classroom import ClassroomStore
from studyapp.store.migrations import LATEST, MIGRATIONS
from studyapp.store.models import (
    NEW,
    CardState,
    Profile,
    QuizAttempt,
    Review,
    parse_optional,
    parse_utc,
    utc_text,
)

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5_000  # how long SQLite itself waits for another writer, per attempt
RETRY_SECONDS = 30.0  # how long we keep retrying a transaction that still meets a lock
MAX_NAME = 40


class StoreError(Exception):
    """The database cannot be used (not a database, written by a newer version, ...)."""


class StoreBusy(StoreError):
    """Another process held the database for longer than we are willing to wait."""


class NotUndoable(StoreError):
    """The review is not the card's latest, or its previous state is unknown."""


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def check_profile_name(name: str) -> str:
    cleaned = " ".join(str(name).split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise ValueError(f"a profile name has 1 to {MAX_NAME} characters")
    if any(not ch.isprintable() for ch in cleaned):
        raise ValueError("a profile name cannot contain control characters")
    return cleaned


def _state_row(profile_id: int, s: CardState) -> tuple:
    return (profile_id, s.card_key, s.state, s.step, s.stability, s.difficulty, utc_text(s.due),
            utc_text(s.last_review) if s.last_review else None, s.reps, s.lapses)


_STATE_COLUMNS = "card_key, state, step, stability, difficulty, due, last_review, reps, lapses"
_REVIEW_COLUMNS = "id, profile_id, card_key, rating, reviewed_at, duration_ms, state_before, source"
_ATTEMPT_COLUMNS = ("id, profile_id, question_id, topic_id, correct, score, answer_json, seconds, mode, "
                    "session_id, at")


def _card_state(row: Sequence) -> CardState:
    return CardState(row[0], row[1], row[2], row[3], row[4], parse_utc(row[5]), parse_optional(row[6]), row[7], row[8])


def _review(row: Sequence) -> Review:
    return Review(row[0], row[1], row[2], row[3], parse_utc(row[4]), row[5], row[6], row[7])


def _attempt(row: Sequence) -> QuizAttempt:
    return QuizAttempt(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6], row[7], row[8], row[9],
                       parse_utc(row[10]))


def _profile(row: Sequence) -> Profile:
    return Profile(id=row[0], name=row[1], created_at=parse_utc(row[2]), protected=row[3] is not None)


class Store(ClassroomStore):
    """All progress of all profiles in one SQLite file. Safe across threads and processes."""

    def __init__(self, path: str | os.PathLike, *, retry_seconds: float = RETRY_SECONDS) -> None:
        self.path = Path(path)
        self.retry_seconds = retry_seconds
        self._lock = threading.RLock()
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(
                str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the progress database {self.path}: {exc}") from None
        try:
            self._configure()
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise StoreError(f"{self.path} is not a usable progress database: {exc}") from None
        except StoreError:
            self._conn.close()
            raise

    # --- connection, transactions, migrations ------------------------------------------------

    def _configure(self) -> None:
        conn = self._conn
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Switching to WAL needs a moment of exclusive access; another process may be
        # doing the same right now, so retry like any other write.
        mode = self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        if str(mode).lower() != "wal" and str(self.path) != ":memory:":
            raise StoreError(f"{self.path}: cannot switch to WAL mode (got {mode!r})")
        conn.execute("PRAGMA synchronous = FULL")  # a commit is on disk before it returns

    def _migrate(self) -> None:
        def upgrade(conn: sqlite3.Connection) -> None:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > LATEST:
                raise StoreError(
                    f"{self.path} was written by a newer studyapp (schema version {version}; "
                    f"this version knows up to {LATEST}). Upgrade studyapp to open it."
                )
            for number in range(version, LATEST):
                for statement in MIGRATIONS[number]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number + 1}")

        self.transaction(upgrade)

    def _retry(self, attempt: Callable[[], T]) -> T:
        deadline = time.monotonic() + self.retry_seconds
        pause = 0.005
        while True:
            try:
                return attempt()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"the progress database {self.path} stayed locked by another process for "
                        f"{self.retry_seconds:.0f} s; try again"
                    ) from None
            # Random back-off so that waiting processes do not retry in lock step.
            time.sleep(pause * (0.5 + random.random()))
            pause = min(pause * 2, 0.25)

    def transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work(conn)` in one write transaction (BEGIN IMMEDIATE ... COMMIT), retried
        from the start if the database is busy. `work` must only touch the database."""

        def attempt() -> T:
            with self._lock:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    result = work(self._conn)
                    self._conn.execute("COMMIT")
                    return result
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise

        return self._retry(attempt)

    def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run reads in one snapshot (a deferred transaction), so they agree with each other."""

        def attempt() -> T:
            with self._lock:
                self._conn.execute("BEGIN")
                try:
                    return work(self._conn)
                finally:
                    self._conn.execute("COMMIT")

        return self._retry(attempt)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- health ------------------------------------------------------------------------------

    def schema_version(self) -> int:
        return self._read(lambda c: c.execute("PRAGMA user_version").fetchone()[0])

    def journal_mode(self) -> str:
        return self._read(lambda c: c.execute("PRAGMA journal_mode").fetchone()[0])

    def integrity_check(self) -> str:
        """'ok', or SQLite's description of what is broken (foreign keys included)."""

        def check(conn: sqlite3.Connection) -> str:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            problems += [f"foreign key: {row}" for row in conn.execute("PRAGMA foreign_key_check")]
            return "ok" if problems == ["ok"] else "; ".join(problems)

        return self._read(check)

    # --- profiles ----------------------------------------------------------------------------

    def create_profile(self, name: str, *, pin: str | None = None, pin_hash: str | None = None,
                       now: datetime | None = None) -> Profile:
        """A new profile; `pin` is hashed here (or pass an existing `pin_hash`)."""
        name = check_profile_name(name)
        if pin is not None:
            pin_hash = pins.hash_pin(pin)
        elif pin_hash is not None and not pins.is_pin_hash(pin_hash):
            raise ValueError("not a PIN hash written by studyapp")
        created = utc_text(now or datetime.now(timezone.utc))

        def insert(conn: sqlite3.Connection) -> int:
            if conn.execute("SELECT 1 FROM profiles WHERE name = ?", (name,)).fetchone():
                raise ValueError(f"a profile named {name!r} already exists")
            return conn.execute("INSERT INTO profiles (name, pin_hash, created_at) VALUES (?, ?, ?)",
                                (name, pin_hash, created)).lastrowid

        profile_id = self.transaction(insert)
        return Profile(profile_id, name, parse_utc(created), pin_hash is not None)

    def profiles(self) -> list[Profile]:
        rows = self._read(lambda c: c.execute(
            "SELECT id, name, created_at, pin_hash FROM profiles ORDER BY name COLLATE NOCASE").fetchall())
        return [_profile(row) for row in rows]

    def profile(self, profile_id: int) -> Profile | None:
        row = self._read(lambda c: c.execute(
            "SELECT id, name, created_at, pin_hash FROM profiles WHERE id = ?", (profile_id,)).fetchone())
        return _profile(row) if row else None

    def profile_by_name(self, name: str) -> Profile | None:
        row = self._read(lambda c: c.execute(
            "SELECT id, name, created_at, pin_hash FROM profiles WHERE name = ?", (" ".join(name.split()),)).fetchone())
        return _profile(row) if row else None

    def check_pin(self, profile_id: int, pin: str | None) -> bool:
        """True when the profile has no PIN, or `pin` is its PIN."""
        row = self._read(lambda c: c.execute("SELECT pin_hash FROM profiles WHERE id = ?", (profile_id,)).fetchone())
        if row is None:
            return False
        if row[0] is None:
            return True
        return pin is not None and pins.verify_pin(pin, row[0])

    def set_pin(self, profile_id: int, pin: str | None) -> None:
        """Set, change or (with None) remove a profile's PIN. Callers check the old PIN first."""
        new_hash = pins.hash_pin(pin) if pin is not None else None
        self.transaction(lambda c: c.execute("UPDATE profiles SET pin_hash = ? WHERE id = ?", (new_hash, profile_id)))

    def pin_hash(self, profile_id: int) -> str | None:
        """The stored hash (for backups only: a backup keeps the profile protected)."""
        row = self._read(lambda c: c.execute("SELECT pin_hash FROM profiles WHERE id = ?", (profile_id,)).fetchone())
        return row[0] if row else None

    def settings(self, profile_id: int) -> dict[str, Any]:
        row = self._read(lambda c: c.execute("SELECT settings_json FROM profiles WHERE id = ?", (profile_id,)).fetchone())
        if row is None:
            raise KeyError(f"no profile with id {profile_id}")
        try:
            data = json.loads(row[0])
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def save_settings(self, profile_id: int, settings: dict[str, Any]) -> None:
        text = json.dumps(settings, sort_keys=True)
        self.transaction(lambda c: c.execute("UPDATE profiles SET settings_json = ? WHERE id = ?", (text, profile_id)))

    # --- card states and reviews -------------------------------------------------------------

    def card_states(self, profile_id: int) -> dict[str, CardState]:
        rows = self._read(lambda c: c.execute(
            f"SELECT {_STATE_COLUMNS} FROM card_states WHERE profile_id = ?", (profile_id,)).fetchall())
        return {row[0]: _card_state(row) for row in rows}

    def card_state(self, profile_id: int, card_key: str) -> CardState | None:
        row = self._read(lambda c: c.execute(
            f"SELECT {_STATE_COLUMNS} FROM card_states WHERE profile_id = ? AND card_key = ?",
            (profile_id, card_key)).fetchone())
        return _card_state(row) if row else None

    def apply_review(
        self,
        profile_id: int,
        card_key: str,
        schedule: Callable[[CardState | None], CardState],
        *,
        rating: int,
        at: datetime,
        duration_ms: int | None = None,
        source: str = "review",
    ) -> Review:
        """Record one review in one transaction: read the card's state, let `schedule` (pure:
        old state -> new state) compute the next one, write the review log and the new state.

        `schedule` may run more than once if the transaction is retried, always on the
        state that is current inside the transaction.
        """
        if not 1 <= int(rating) <= 4:
            raise ValueError(f"rating must be 1..4, got {rating!r}")
        reviewed_at = utc_text(at)

        def work(conn: sqlite3.Connection) -> Review:
            row = conn.execute(f"SELECT {_STATE_COLUMNS} FROM card_states WHERE profile_id = ? AND card_key = ?",
                               (profile_id, card_key)).fetchone()
            before = _card_state(row) if row else None
            after = schedule(before)
            if after.card_key != card_key:
                raise ValueError(f"schedule returned a state for {after.card_key!r}, not {card_key!r}")
            undo = json.dumps(before.to_json()) if before else None
            state_before = before.state if before else NEW
            review_id = conn.execute(
                "INSERT INTO reviews (profile_id, card_key, rating, reviewed_at, duration_ms, state_before, source, undo_json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (profile_id, card_key, int(rating), reviewed_at, duration_ms, state_before, source, undo),
            ).lastrowid
            conn.execute(f"INSERT OR REPLACE INTO card_states (profile_id, {_STATE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                         _state_row(profile_id, after))
            return Review(review_id, profile_id, card_key, int(rating), parse_utc(reviewed_at), duration_ms,
                          state_before, source)

        return self.transaction(work)

    def undo_review(self, profile_id: int, review_id: int) -> Review:
        """Take back a review: delete its log entry and put the card back as it was.

        Only a card's latest review can be undone (a later one was computed from it).
        """

        def work(conn: sqlite3.Connection) -> Review:
            row = conn.execute(f"SELECT {_REVIEW_COLUMNS}, undo_json FROM reviews WHERE id = ? AND profile_id = ?",
                               (review_id, profile_id)).fetchone()
            if row is None:
                raise NotUndoable(f"review {review_id} does not exist")
            review = _review(row)
            later = conn.execute("SELECT 1 FROM reviews WHERE profile_id = ? AND card_key = ? AND id > ?",
                                 (profile_id, review.card_key, review_id)).fetchone()
            if later:
                raise NotUndoable(f"card {review.card_key!r} was reviewed again after review {review_id}")
            if review.state_before == NEW:
                conn.execute("DELETE FROM card_states WHERE profile_id = ? AND card_key = ?", (profile_id, review.card_key))
            elif row[8] is not None:
                previous = CardState.from_json(json.loads(row[8]))
                conn.execute(f"INSERT OR REPLACE INTO card_states (profile_id, {_STATE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                             _state_row(profile_id, previous))
            else:
                raise NotUndoable(f"review {review_id} was restored from a backup; its previous state is unknown")
            conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            return review

        return self.transaction(work)

    def reviews(self, profile_id: int, *, since: datetime | None = None, card_key: str | None = None) -> list[Review]:
        """Review log in the order it was written (oldest first)."""
        query = f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE profile_id = ?"
        args: list[Any] = [profile_id]
        if since is not None:
            query += " AND reviewed_at >= ?"
            args.append(utc_text(since))
        if card_key is not None:
            query += " AND card_key = ?"
            args.append(card_key)
        rows = self._read(lambda c: c.execute(query + " ORDER BY id", args).fetchall())
        return [_review(row) for row in rows]

    def review_count(self, profile_id: int) -> int:
        return self._read(lambda c: c.execute("SELECT count(*) FROM reviews WHERE profile_id = ?", (profile_id,)).fetchone()[0])

    def new_cards_since(self, profile_id: int, since: datetime) -> int:
        """How many cards had their first ever review at or after `since` (the daily new limit)."""
        return self._read(lambda c: c.execute(
            "SELECT count(*) FROM reviews WHERE profile_id = ? AND state_before = 0 AND reviewed_at >= ?",
            (profile_id, utc_text(since))).fetchone()[0])

    # --- quiz attempts -----------------------------------------------------------------------

    def record_quiz_attempt(
        self,
        profile_id: int,
        question_id: str,
        topic_id: str,
        correct: bool,
        score: float,
        answer_json: str,
        seconds: float,
        mode: str,
        session_id: str,
        at: datetime,
    ) -> None:
        row = (profile_id, question_id, topic_id, int(bool(correct)), float(score), answer_json, float(seconds),
               mode, session_id, utc_text(at))
        self.transaction(lambda c: c.execute(
            "INSERT INTO quiz_attempts (profile_id, question_id, topic_id, correct, score, answer_json, seconds, mode,"
            " session_id, at) VALUES (?,?,?,?,?,?,?,?,?,?)", row))

    def quiz_attempts(self, profile_id: int, session_id: str | None = None) -> list[QuizAttempt]:
        query = f"SELECT {_ATTEMPT_COLUMNS} FROM quiz_attempts WHERE profile_id = ?"
        args: list[Any] = [profile_id]
        if session_id is not None:
            query += " AND session_id = ?"
            args.append(session_id)
        rows = self._read(lambda c: c.execute(query + " ORDER BY id", args).fetchall())
        return [_attempt(row) for row in rows]

    # --- backup and restore ------------------------------------------------------------------

    def restore_progress(
        self,
        name: str,
        *,
        created_at: datetime,
        pin_hash: str | None,
        settings: dict[str, Any],
        states: Sequence[CardState],
        reviews: Sequence[dict[str, Any]],
        attempts: Sequence[dict[str, Any]],
    ) -> Profile:
        """Replace the progress of profile `name` (created if missing) in ONE transaction.

        An existing profile keeps its own PIN; a new one gets `pin_hash` from the backup.
        `reviews` and `attempts` are dicts with the columns of their tables (already checked).
        """
        name = check_profile_name(name)
        if pin_hash is not None and not pins.is_pin_hash(pin_hash):
            raise ValueError("not a PIN hash written by studyapp")

        def work(conn: sqlite3.Connection) -> int:
            row = conn.execute("SELECT id FROM profiles WHERE name = ?", (name,)).fetchone()
            if row is None:
                profile_id = conn.execute("INSERT INTO profiles (name, pin_hash, created_at) VALUES (?, ?, ?)",
                                          (name, pin_hash, utc_text(created_at))).lastrowid
            else:
                profile_id = row[0]
                for table in ("card_states", "reviews", "quiz_attempts"):
                    conn.execute(f"DELETE FROM {table} WHERE profile_id = ?", (profile_id,))
            conn.execute("UPDATE profiles SET settings_json = ? WHERE id = ?", (json.dumps(settings, sort_keys=True), profile_id))
            conn.executemany(f"INSERT INTO card_states (profile_id, {_STATE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                             [_state_row(profile_id, s) for s in states])
            conn.executemany(
                "INSERT INTO reviews (profile_id, card_key, rating, reviewed_at, duration_ms, state_before, source)"
                " VALUES (?,?,?,?,?,?,?)",
                [(profile_id, r["card_key"], r["rating"], utc_text(r["reviewed_at"]), r["duration_ms"],
                  r["state_before"], r["source"]) for r in reviews])
            conn.executemany(
                "INSERT INTO quiz_attempts (profile_id, question_id, topic_id, correct, score, answer_json, seconds,"
                " mode, session_id, at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(profile_id, a["question_id"], a["topic_id"], int(a["correct"]), a["score"], a["answer_json"],
                  a["seconds"], a["mode"], a["session_id"], utc_text(a["at"])) for a in attempts])
            return profile_id

        profile = self.profile(self.transaction(work))
        assert profile is not None
        return profile

    def snapshot(self, profile_id: int) -> dict[str, Any]:
        """Everything of one profile, read in one consistent snapshot (for backups)."""

        def read(conn: sqlite3.Connection) -> dict[str, Any]:
            row = conn.execute("SELECT id, name, created_at, pin_hash, settings_json FROM profiles WHERE id = ?",
                               (profile_id,)).fetchone()
            if row is None:
                raise KeyError(f"no profile with id {profile_id}")
            states = conn.execute(f"SELECT {_STATE_COLUMNS} FROM card_states WHERE profile_id = ? ORDER BY card_key",
                                  (profile_id,)).fetchall()
            reviews = conn.execute(f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE profile_id = ? ORDER BY id",
                                   (profile_id,)).fetchall()
            attempts = conn.execute(f"SELECT {_ATTEMPT_COLUMNS} FROM quiz_attempts WHERE profile_id = ? ORDER BY id",
                                    (profile_id,)).fetchall()
            return {
                "profile": _profile(row[:4]),
                "pin_hash": row[3],
                "settings": json.loads(row[4] or "{}"),
                "states": [_card_state(r) for r in states],
                "reviews": [_review(r) for r in reviews],
                "attempts": [_attempt(r) for r in attempts],
            }

        return self._read(read)


@contextmanager
def open_store(path: str | os.PathLike) -> Iterator[Store]:
    store = Store(path)
    try:
        yield store
    finally:
        store.close()
