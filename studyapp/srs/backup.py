"""Progress backup and restore as JSON: one profile per file.

Restoring checks the WHOLE file first (its format marker, version, and every record) and
only then writes, in one transaction, so a malformed or foreign file changes nothing.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from studyapp import __version__
from studyapp.srs.clock import as_utc
from studyapp.store import CardState, Profile, Store
from studyapp.store.db import check_profile_name
from studyapp.store.pins import is_pin_hash

FORMAT = "studyapp-progress-backup"
VERSION = 1
MAX_ERRORS_SHOWN = 5


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


def _time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("expected an ISO 8601 time")
    return as_utc(datetime.fromisoformat(value))


def _int(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"expected a whole number {low}..{high}")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError("expected a finite number")
    return float(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("expected a non-empty string")
    return value


def _state(raw: Any) -> CardState:
    if not isinstance(raw, dict):
        raise ValueError("expected an object")
    _text(raw.get("card_key"))
    _int(raw.get("state"), 1, 3)
    for key in ("stability", "difficulty"):
        if raw.get(key) is not None:
            _number(raw[key])
    if raw.get("step") is not None:
        _int(raw["step"], 0, 1000)
    _time(raw.get("due"))
    if raw.get("last_review") is not None:
        _time(raw["last_review"])
    _int(raw.get("reps", 0), 0, 10**9)
    _int(raw.get("lapses", 0), 0, 10**9)
    return CardState.from_json(raw)


def _review(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValueError("expected an object")
    duration = raw.get("duration_ms")
    return {
        "card_key": _text(raw.get("card_key")),
        "rating": _int(raw.get("rating"), 1, 4),
        "reviewed_at": _time(raw.get("reviewed_at")),
        "duration_ms": None if duration is None else _int(duration, 0, 10**9),
        "state_before": _int(raw.get("state_before"), 0, 3),
        "source": _text(raw.get("source", "review")),
    }


def _attempt(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValueError("expected an object")
    if not isinstance(raw.get("correct"), bool):
        raise ValueError("correct: expected true or false")
    answer = raw.get("answer_json")
    if not isinstance(answer, str):
        raise ValueError("answer_json: expected a string")
    return {
        "question_id": _text(raw.get("question_id")),
        "topic_id": _text(raw.get("topic_id")),
        "correct": raw["correct"],
        "score": _number(raw.get("score")),
        "answer_json": answer,
        "seconds": _number(raw.get("seconds")),
        "mode": _text(raw.get("mode")),
        "session_id": _text(raw.get("session_id")),
        "at": _time(raw.get("at")),
    }


def parse_backup(text: str | bytes) -> Backup:
    """Check a backup file completely; raise `BackupError` saying what is wrong."""
    try:
        data = json.loads(text)
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
            created = _time(profile.get("created_at"))
        except (ValueError, TypeError) as exc:
            problems.add("profile.created_at", str(exc))
        pin_hash = profile.get("pin_hash")
        if pin_hash is not None and not is_pin_hash(pin_hash):
            problems.add("profile.pin_hash", "not a PIN hash written by studyapp")
        settings = profile.get("settings", {})
        if not isinstance(settings, dict):
            problems.add("profile.settings", "expected an object")
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
                parsed[section].append(check(raw))
            except (ValueError, TypeError, KeyError) as exc:
                problems.add(f"{section}[{i}]", str(exc) or type(exc).__name__)
    keys = [s.card_key for s in parsed.get("card_states", [])]
    if len(keys) != len(set(keys)):
        problems.add("card_states", "a card appears more than once")
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
