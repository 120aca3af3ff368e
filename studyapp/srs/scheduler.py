"""Glue between the `fsrs` library and the store. No scheduling math lives here: FSRS does it.

A card's state is stored as plain fields (`store.CardState`); here it becomes an `fsrs.Card`,
goes through `fsrs.Scheduler.review_card`, and comes back. Every function takes `now`
(aware UTC) instead of reading the clock, so tests pin time and turn fuzzing off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import fsrs

from studyapp.srs.clock import as_utc
from studyapp.srs.settings import Settings
from studyapp.store import CardState, Review, Store

Rating = fsrs.Rating
State = fsrs.State
RATINGS = (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)
MAX_DURATION_MS = 60_000  # like Anki: a card left open over lunch is not a 2-hour answer


def as_rating(value: object) -> Rating:
    """1-4, a `Rating`, or its name ('good', 'Again') -> `Rating`; anything else is an error."""
    if isinstance(value, str) and not value.strip().isdigit():
        try:
            return Rating[value.strip().capitalize()]
        except KeyError:
            raise ValueError(f"unknown rating {value!r}; use again, hard, good or easy") from None
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError  # True is not a rating, and 2.5 is not 2
        return Rating(int(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"rating must be 1 (again), 2 (hard), 3 (good) or 4 (easy), got {value!r}") from None


def make_scheduler(settings: Settings, *, fuzz: bool = True) -> fsrs.Scheduler:
    """The FSRS scheduler for a profile. `fuzz` spreads due dates a little (as Anki does) so
    cards learned together do not stay clumped; tests and previews turn it off."""
    return fsrs.Scheduler(parameters=settings.weights, desired_retention=settings.desired_retention,
                          enable_fuzzing=fuzz)


def to_fsrs(state: CardState | None, now: datetime) -> fsrs.Card:
    """The fsrs card for a stored state; a card never reviewed is a fresh card due now."""
    if state is None:
        return fsrs.Card(card_id=1, due=as_utc(now))
    return fsrs.Card(card_id=1, state=State(state.state), step=state.step, stability=state.stability,
                     difficulty=state.difficulty, due=as_utc(state.due),
                     last_review=as_utc(state.last_review) if state.last_review else None)


def from_fsrs(card_key: str, card: fsrs.Card, *, reps: int, lapses: int) -> CardState:
    return CardState(card_key=card_key, state=int(card.state), step=card.step, stability=card.stability,
                     difficulty=card.difficulty, due=as_utc(card.due), last_review=card.last_review,
                     reps=reps, lapses=lapses)


def next_state(
    card_key: str, before: CardState | None, rating: Rating, now: datetime, scheduler: fsrs.Scheduler,
    duration_ms: int | None = None,
) -> CardState:
    """Pure: the state after rating `before` with `rating` at `now`."""
    card, _log = scheduler.review_card(to_fsrs(before, now), rating, as_utc(now), duration_ms)
    # A lapse is forgetting a card you had learned (Anki's meaning), not a miss while learning.
    lapsed = rating == Rating.Again and before is not None and before.state == State.Review
    return from_fsrs(card_key, card, reps=(before.reps if before else 0) + 1,
                     lapses=(before.lapses if before else 0) + int(lapsed))


def load_settings(store: Store, profile_id: int) -> Settings:
    return Settings.from_dict(store.settings(profile_id))


def save_settings(store: Store, profile_id: int, settings: Settings) -> None:
    store.save_settings(profile_id, settings.to_dict())


def review_card(
    store: Store,
    profile_id: int,
    card_id: str,
    rating: object,
    now: datetime,
    *,
    duration_ms: int | None = None,
    source: str = "review",
    settings: Settings | None = None,
    fuzz: bool = True,
) -> Review:
    """Rate one card for one profile and store the review (one transaction).

    `card_id` is the content card id (or `<id>:reverse` for its reversed card). The quiz
    feeds its results here too: wrong -> Again, right -> Good, right and fast -> Easy.
    """
    rating = as_rating(rating)
    now = as_utc(now)
    settings = settings or load_settings(store, profile_id)
    scheduler = make_scheduler(settings, fuzz=fuzz)
    if duration_ms is not None:
        duration_ms = max(0, min(int(duration_ms), MAX_DURATION_MS))
    return store.apply_review(
        profile_id, card_id, lambda before: next_state(card_id, before, rating, now, scheduler, duration_ms),
        rating=int(rating), at=now, duration_ms=duration_ms, source=source,
    )


def undo_review(store: Store, profile_id: int, review_id: int) -> Review:
    """Take back a rating (the card returns to its state before it). See `Store.undo_review`."""
    return store.undo_review(profile_id, review_id)


@dataclass(frozen=True)
class Preview:
    """What each button would do, shown before the learner presses one."""

    recall: float | None  # probability of recalling the card now; None for a new card
    intervals: dict[Rating, timedelta]  # rating -> time until the card would be due again


def recall_probability(state: CardState | None, settings: Settings, now: datetime) -> float | None:
    if state is None or state.last_review is None or state.stability is None:
        return None
    return float(make_scheduler(settings, fuzz=False).get_card_retrievability(to_fsrs(state, now), as_utc(now)))


def preview(state: CardState | None, settings: Settings, now: datetime) -> Preview:
    """Next interval per rating, without fuzz (the real due date may differ by a day or so)."""
    now = as_utc(now)
    scheduler = make_scheduler(settings, fuzz=False)
    intervals = {}
    for rating in RATINGS:
        after = next_state("preview", state, rating, now, scheduler)
        intervals[rating] = after.due - now
    return Preview(recall_probability(state, settings, now), intervals)
