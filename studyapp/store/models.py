"""Plain records the store reads and writes, and the one rule for time: aware UTC.

Times are stored as fixed-width ISO 8601 text in UTC (`2025-01-31T08:00:00.000000+00:00`),
so sorting the text sorts the times and the file stays readable with any SQLite tool.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

NEW = 0  # `state_before` of a card's first review: it had no state yet


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC. A naive datetime is refused: its time zone would be a guess."""
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: pass a timezone-aware (UTC) time")
    return moment.astimezone(timezone.utc)


def utc_text(moment: datetime) -> str:
    return as_utc(moment).isoformat(timespec="microseconds")


def parse_utc(text: str) -> datetime:
    return as_utc(datetime.fromisoformat(text))


def parse_optional(text: str | None) -> datetime | None:
    return None if text is None else parse_utc(text)


@dataclass(frozen=True)
class Profile:
    id: int
    name: str
    created_at: datetime
    protected: bool  # has a PIN; the hash itself never leaves the store


@dataclass(frozen=True)
class CardState:
    """The scheduler's memory of one flashcard for one profile (FSRS fields + counters)."""

    card_key: str
    state: int  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0
    lapses: int = 0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["due"] = utc_text(self.due)
        data["last_review"] = utc_text(self.last_review) if self.last_review else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CardState":
        return cls(
            card_key=str(data["card_key"]),
            state=int(data["state"]),
            step=None if data.get("step") is None else int(data["step"]),
            stability=None if data.get("stability") is None else float(data["stability"]),
            difficulty=None if data.get("difficulty") is None else float(data["difficulty"]),
            due=parse_utc(data["due"]),
            last_review=parse_optional(data.get("last_review")),
            reps=int(data.get("reps", 0)),
            lapses=int(data.get("lapses", 0)),
        )


@dataclass(frozen=True)
class Review:
    """One rating of one card: the review log FSRS learns from."""

    id: int
    profile_id: int
    card_key: str
    rating: int  # 1 Again, 2 Hard, 3 Good, 4 Easy
    reviewed_at: datetime
    duration_ms: int | None
    state_before: int  # NEW (0) for a card's first review, else its fsrs.State before rating
    source: str  # "review" (flashcards) or "quiz"


@dataclass(frozen=True)
class QuizAttempt:
    id: int
    profile_id: int
    question_id: str
    topic_id: str
    correct: bool
    score: float
    answer_json: str
    seconds: float
    mode: str
    session_id: str
    at: datetime
