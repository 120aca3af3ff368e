"""From a graded answer to what gets stored: a quiz attempt, and flashcard ratings.

The quiz feeds the flashcard scheduler (FSRS) for the cards a question tests:

    wrong               -> Again
    right               -> Good
    right and fast      -> Easy   (faster than the question type's `fast_seconds`)

Only the first answer touching a card in a session rates it: the first recall is the honest
signal, and rating one card five times in ten minutes would distort its schedule.

`record_answer` is the one call that stores an answer: its attempt and the ratings it implies.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable

from studyapp.quiz.session import Item, QuizSession, Response
from studyapp.srs import review_card
from studyapp.store import Store

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


def attempt(session: QuizSession, index: int, at: datetime, mode: str | None = None) -> dict[str, Any]:
    """The keyword arguments of `Store.record_quiz_attempt` (less the profile) for one answer
    (`mode`: where it was answered, when not the session's own mode; e.g. "class")."""
    item, response = session.items[index], session.responses[index]
    return {
        "question_id": item.question.id,
        "topic_id": item.topic_id,
        "correct": response.grade.correct,
        "score": round(response.grade.score, 4),
        "answer_json": answer_json(item, response),
        "seconds": round(response.seconds, 2),
        "mode": mode or ("drill" if session.settings.drill else session.settings.mode),
        "session_id": session.id,
        "at": at,
    }


def record_answer(store: Store, profile_id: int, session: QuizSession, index: int, *, at: datetime,
                  rated: set[str], mode: str | None = None) -> list[str]:
    """Store the answer to question `index` and feed the flashcard scheduler the ratings it
    implies. `rated` holds the cards this session has rated so far (it grows here); returns
    the cards rated now."""
    store.record_quiz_attempt(profile_id, **attempt(session, index, at, mode))
    item, response = session.items[index], session.responses[index]
    now_rated = []
    for card_id, value in card_ratings(item, response, rated):
        review_card(store, profile_id, card_id, value, at, source="quiz", duration_ms=int(1000 * response.seconds))
        rated.add(card_id)
        now_rated.append(card_id)
    return now_rated
