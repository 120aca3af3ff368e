"""From a graded answer to what gets stored: a quiz attempt, and flashcard ratings.

The quiz feeds the flashcard scheduler (FSRS) for the cards a question tests:

    wrong               -> Again
    right               -> Good
    right and fast      -> Easy   (faster than the question type's `fast_seconds`)

Only the first answer touching a card in a session rates it: the first recall is the honest
signal, and rating one card five times in ten minutes would distort its schedule.

Pure functions: the page hands the results to the store and the scheduler.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Iterable

from studyapp.quiz.session import Item, QuizSession, Response

# FSRS ratings (the numbers Anki and py-fsrs use).
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


def rating(item: Item, response: Response) -> int:
    if not response.grade.correct:
        return AGAIN
    fast = type(item.question).fast_seconds
    return EASY if fast is not None and response.seconds <= fast else GOOD


def card_ratings(item: Item, response: Response, already_rated: Iterable[str] = ()) -> list[tuple[str, int]]:
    """(card id, FSRS rating) for each card the question tests and this session has not rated yet."""
    done = set(already_rated)
    value = rating(item, response)
    return [(card, value) for card in dict.fromkeys(item.question.cards) if card not in done]


def answer_json(item: Item, response: Response) -> str:
    """The answer as stored: enough to replay the grading (generated values included)."""
    record: dict[str, Any] = {"answer": response.answer}
    if item.values:
        record["values"] = dict(item.values)
        record["expected"] = item.expected
    if response.metrics is not None:
        record["metrics"] = dict(response.metrics)
        if response.grade.note is not None:  # what the demo measured, in words
            record["note"] = response.grade.note.en
    return json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)


@dataclass(frozen=True)
class Attempt:
    """The arguments of `Store.record_quiz_attempt` (less the profile)."""

    question_id: str
    topic_id: str
    correct: bool
    score: float
    answer_json: str
    seconds: float
    mode: str
    session_id: str
    at: datetime

    def as_kwargs(self) -> dict[str, Any]:
        return asdict(self)


def attempt(session: QuizSession, index: int, at: datetime) -> Attempt:
    item, response = session.items[index], session.responses[index]
    return Attempt(
        question_id=item.question.id,
        topic_id=item.topic_id,
        correct=response.grade.correct,
        score=round(response.grade.score, 4),
        answer_json=answer_json(item, response),
        seconds=round(response.seconds, 2),
        mode="drill" if session.settings.drill else session.settings.mode,
        session_id=session.id,
        at=at,
    )
