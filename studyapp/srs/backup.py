"""Progress backup and restore as JSON: one profile per file.

Restoring checks the WHOLE file first (its format marker, version, and every record) and
only then writes, in one transaction, so a malformed or foreign file changes nothing.

"Checks" means: everything the app will later compute with is in the range the app can
compute with. A restored profile must never break its pages, so the file is refused when
a setting is out of range or not finite (new cards per day of 1e400, NaN FSRS weights), a
PIN hash has other scrypt costs than the app's own (one unlock could take an hour), a time
lies outside MIN_TIME..now (reviews) or MIN_TIME..MAX_TIME (due dates), a card state is one
FSRS cannot step from, or the JSON is nested deeper than any backup is.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from studyapp import __version__
from studyapp.srs.clock import as_utc, utcnow
from studyapp.srs.scheduler import RATINGS, make_scheduler, next_state, recall_probability
from studyapp.srs.settings import Settings
from studyapp.store import CardState, Profile, Store
from studyapp.store.db import check_profile_name
from studyapp.store.pins import is_pin_hash

FORMAT = "studyapp-progress-backup"
VERSION = 1
MAX_ERRORS_SHOWN = 5
MAX_DEPTH = 8  # a backup nests 4 levels (file, list, record, FSRS weights); answers a few more
MAX_TEXT = 200  # card keys, question ids, modes, session ids
MAX_ANSWER = 100_000  # one quiz answer as JSON text
MIN_TIME = datetime(2000, 1, 1, tzinfo=timezone.utc)  # studyapp did not exist before
MAX_TIME = datetime(2300, 1, 1, tzinfo=timezone.utc)  # FSRS's longest interval is 100 years
CLOCK_SLACK = timedelta(days=1)  # a backup's clock may run a little ahead of ours
MAX_STABILITY = 1e6  # days; FSRS caps intervals at 36,500
DIFFICULTY_RANGE = (1.0, 10.0)  # FSRS's own bounds


class BackupError(ValueError):
    """The file is not a studyapp progress backup this version can restore."""


def make_backup(store: Store, profile_id: int, now: datetime) -> dict[str, Any]:
    snap = store.snapshot(profile_id)
    profile: Profile = snap["profile"]
    return {
        "format": FORMAT,
        "version": VERSION,
        "app_version": __version__,
        "exported_at": as_utc(now).isoformat(),
        "profile": {
            "name": profile.name,
            "created_at": profile.created_at.isoformat(),
            "pin_hash": snap["pin_hash"],  # a salted hash: the restored profile stays protected
            "settings": snap["settings"],
        },
        "card_states": [s.to_json() for s in snap["states"]],
        "reviews": [
            {"card_key": r.card_key, "rating": r.rating, "reviewed_at": r.reviewed_at.isoformat(),
             "duration_ms": r.duration_ms, "state_before": r.state_before, "source": r.source}
            for r in snap["reviews"]
        ],
        "quiz_attempts": [
            {"question_id": a.question_id, "topic_id": a.topic_id, "correct": a.correct, "score": a.score,
             "answer_json": a.answer_json, "seconds": a.seconds, "mode": a.mode, "session_id": a.session_id,
             "at": a.at.isoformat()}
            for a in snap["attempts"]
        ],
    }


def backup_json(store: Store, profile_id: int, now: datetime) -> str:
    return json.dumps(make_backup(store, profile_id, now), ensure_ascii=False, indent=1) + "\n"


@dataclass(frozen=True)
class Backup:
    name: str
    created_at: datetime
    pin_hash: str | None
    settings: dict[str, Any]
    states: list[CardState]
    reviews: list[dict[str, Any]]
    attempts: list[dict[str, Any]]


# --- checking every record -------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.found.append(f"{where}: {message}")


def _time(value: Any, latest: datetime = MAX_TIME) -> datetime:
    """An aware ISO 8601 time between MIN_TIME and `latest`."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("expected an ISO 8601 time")
    try:
        moment = as_utc(datetime.fromisoformat(value))
    except OverflowError:  # 0001-01-01T00:00+14:00 is before year 1 in UTC
        raise ValueError(f"time out of range: {value}") from None
    if not MIN_TIME <= moment <= latest:
        raise ValueError(f"time out of range: {value} (expected {MIN_TIME.date()} to {latest.date()})")
    return moment


def _int(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"expected a whole number {low}..{high}")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError("expected a finite number")
    return float(value)


def _bounded(value: Any, low: float, high: float) -> float:
    number = _number(value)
    if not low <= number <= high:
        raise ValueError(f"expected a number from {low:g} to {high:g}, got {value!r}")
    return number


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("expected a non-empty string")
    if len(value) > limit:
        raise ValueError(f"text longer than {limit} characters")
    return value


def _field(raw: dict, key: str, check, *args) -> Any:
    """`check(raw[key], *args)`, with the key named in the message."""
    try:
        return check(raw.get(key), *args)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{key}: {exc}") from None


def _state(raw: Any, now: datetime) -> CardState:
    if not isinstance(raw, dict):
        raise ValueError("expected an object")
    _field(raw, "card_key", _text)
    state = _field(raw, "state", _int, 1, 3)
    stability, difficulty, step = raw.get("stability"), raw.get("difficulty"), raw.get("step")
    if (stability is None) != (difficulty is None):
        raise ValueError("stability and difficulty: both or neither")
    if stability is None and state != 1:
        raise ValueError("a card in review or relearning needs its stability and difficulty")
    if stability is not None:
        _field(raw, "stability", _bounded, 0.001, MAX_STABILITY)
        _field(raw, "difficulty", _bounded, *DIFFICULTY_RANGE)
    if step is None and state != 2:
        raise ValueError("step: a learning or relearning card needs its step")
    if step is not None:
        _field(raw, "step", _int, 0, 1000)
    _field(raw, "due", _time)
    if raw.get("last_review") is not None:
        _field(raw, "last_review", _time, now + CLOCK_SLACK)
    for counter in ("reps", "lapses"):
        if counter in raw:
            _field(raw, counter, _int, 0, 10**9)
    return CardState.from_json(raw)


def _review(raw: Any, now: datetime) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValueError("expected an object")
    duration = raw.get("duration_ms")
    return {
        "card_key": _field(raw, "card_key", _text),
        "rating": _field(raw, "rating", _int, 1, 4),
        "reviewed_at": _field(raw, "reviewed_at", _time, now + CLOCK_SLACK),
        "duration_ms": None if duration is None else _field(raw, "duration_ms", _int, 0, 10**9),
        "state_before": _field(raw, "state_before", _int, 0, 3),
        "source": _text(raw.get("source", "review"), 32),
    }


def _attempt(raw: Any, now: datetime) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValueError("expected an object")
    if not isinstance(raw.get("correct"), bool):
        raise ValueError("correct: expected true or false")
    answer = raw.get("answer_json")
    if not isinstance(answer, str) or len(answer) > MAX_ANSWER:
        raise ValueError(f"answer_json: expected a string of at most {MAX_ANSWER} characters")
    try:
        _loads(answer)
    except (ValueError, RecursionError):
        raise ValueError("answer_json: not a JSON text (or nested too deeply)") from None
    return {
        "question_id": _field(raw, "question_id", _text),
        "topic_id": _field(raw, "topic_id", _text),
        "correct": raw["correct"],
        "score": _field(raw, "score", _bounded, 0.0, 1.0),
        "answer_json": answer,
        "seconds": _field(raw, "seconds", _bounded, 0.0, 1e7),
        "mode": _field(raw, "mode", _text),
        "session_id": _field(raw, "session_id", _text),
        "at": _field(raw, "at", _time, now + CLOCK_SLACK),
    }


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 reads as infinity
        raise ValueError(f"number out of range: {text}")
    return value


def _loads(text: str | bytes) -> Any:
    """json.loads without NaN, Infinity or overflowing numbers, and no deeper than MAX_DEPTH."""
    data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    stack = [(data, 1)]
    while stack:  # iterative: a deep file must not recurse here either
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
            stack.extend((child, depth + 1) for child in (value.values() if isinstance(value, dict) else value))
    return data


def _steppable(states: list[CardState], settings: Settings, now: datetime, problems: "_Problems") -> None:
    """Each restored card must survive what the flashcard page does with it: its recall
    probability now, and a rating of Again and of Good."""
    scheduler = make_scheduler(settings, fuzz=False)
    for i, state in enumerate(states):
        at = max(now, state.last_review or now)
        try:
            recall_probability(state, settings, at)
            for rating in (RATINGS[0], RATINGS[2]):
                next_state(state.card_key, state, rating, at, scheduler)
        except (ValueError, TypeError, OverflowError, ArithmeticError) as exc:
            problems.add(f"card_states[{i}]", f"FSRS cannot schedule this card ({exc})")


def parse_backup(text: str | bytes, *, now: datetime | None = None) -> Backup:
    """Check a backup file completely; raise `BackupError` saying what is wrong.

    `now` (default: the clock) bounds the times of reviews and answers: none can lie ahead.
    """
    now = as_utc(now) if now is not None else utcnow()
    try:
        data = _loads(text)
    except RecursionError:
        raise BackupError(f"not a studyapp progress backup: the JSON is nested more than {MAX_DEPTH} levels deep") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"not a studyapp progress backup: the file is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"not a studyapp progress backup: the file has no \"format\": \"{FORMAT}\" marker")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise BackupError("broken backup: \"version\" must be a whole number")
    if version > VERSION:
        raise BackupError(f"this backup was written by a newer studyapp (backup format {version}; "
                          f"this version reads up to {VERSION}); upgrade studyapp to restore it")
    problems = _Problems()
    profile = data.get("profile")
    name = created = pin_hash = None
    settings: dict[str, Any] = {}
    if not isinstance(profile, dict):
        problems.add("profile", "missing or not an object")
    else:
        try:
            name = check_profile_name(profile.get("name", ""))
        except ValueError as exc:
            problems.add("profile.name", str(exc))
        try:
            created = _time(profile.get("created_at"), now + CLOCK_SLACK)
        except (ValueError, TypeError) as exc:
            problems.add("profile.created_at", str(exc))
        pin_hash = profile.get("pin_hash")
        if pin_hash is not None and not is_pin_hash(pin_hash):
            problems.add("profile.pin_hash", "not a PIN hash written by this studyapp (scrypt with its own cost parameters)")
        settings = profile.get("settings", {})
        for problem in Settings.check_dict(settings):
            problems.add("profile.settings", problem)
        if not isinstance(settings, dict):
            settings = {}
    parsed: dict[str, list] = {}
    for section, check in (("card_states", _state), ("reviews", _review), ("quiz_attempts", _attempt)):
        items = data.get(section)
        if not isinstance(items, list):
            problems.add(section, "missing or not a list")
            continue
        parsed[section] = []
        for i, raw in enumerate(items):
            try:
                parsed[section].append(check(raw, now))
            except (ValueError, TypeError, KeyError, OverflowError) as exc:
                problems.add(f"{section}[{i}]", str(exc) or type(exc).__name__)
    keys = [s.card_key for s in parsed.get("card_states", [])]
    if len(keys) != len(set(keys)):
        problems.add("card_states", "a card appears more than once")
    if not problems.found:
        _steppable(parsed["card_states"], Settings.from_dict(settings), now, problems)
    if problems.found:
        shown = problems.found[:MAX_ERRORS_SHOWN]
        more = len(problems.found) - len(shown)
        raise BackupError("broken backup, nothing was restored: " + "; ".join(shown) + (f"; and {more} more" if more else ""))
    assert name is not None and created is not None
    return Backup(name, created, pin_hash, settings, parsed["card_states"], parsed["reviews"], parsed["quiz_attempts"])


def restore_backup(store: Store, backup: Backup, *, into: str | None = None) -> Profile:
    """Replace the progress of profile `into` (default: the backup's own name) with the backup."""
    return store.restore_progress(into or backup.name, created_at=backup.created_at, pin_hash=backup.pin_hash,
                                  settings=backup.settings, states=backup.states, reviews=backup.reviews,
                                  attempts=backup.attempts)
