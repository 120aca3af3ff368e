"""A profile's flashcards as the pages and the commands see them: one function builds the
day's study queue (`study_queue`), one gathers the statistics (`report`), so the Flashcards page,
the Statistics page and `studyapp stats` never assemble them on their own."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable

from studyapp.content import Content
from studyapp.srs import stats
from studyapp.srs.clock import as_utc, day_start, utc_day
from studyapp.srs.deck import Flashcard, Queue, build_queue, flashcards
from studyapp.srs.scheduler import load_settings
from studyapp.srs.settings import Settings
from studyapp.store import CardState, Review, Store


@dataclass(frozen=True)
class Study:
    """Today's queue for one profile, with what it was built from."""

    settings: Settings
    cards: list[Flashcard]  # every flashcard of the content (reversed and term cards as the settings say)
    states: dict[str, CardState]  # card key -> its state, for the cards this profile has seen
    queue: Queue
    now: datetime

    def selected(self, topics: Iterable[str] | None = None) -> int:
        """How many flashcards the chosen topics have (all when none are chosen)."""
        chosen = set(topics or ())
        return sum(1 for c in self.cards if not chosen or c.topic_id in chosen)


def study_queue(store: Store, profile_id: int, content: Content, now: datetime, *,
          topics: Iterable[str] | None = None, extra_new: int = 0) -> Study:
    """The day's queue: due cards, then new ones up to the profile's daily limit (plus
    `extra_new` the learner asked for today), for the chosen topics (all when None/empty)."""
    now = as_utc(now)
    settings = load_settings(store, profile_id)
    cards = flashcards(content, include_reversed=settings.include_reversed, term_cards=settings.term_cards)
    states = store.card_states(profile_id)
    queue = build_queue(cards, states, now, new_limit=settings.new_per_day + extra_new,
                        new_seen_today=store.new_cards_since(profile_id, day_start(now)), topics=topics)
    return Study(settings, cards, states, queue, now)


@dataclass(frozen=True)
class Report:
    """A profile's statistics: the headline numbers and what the charts draw."""

    study: Study
    reviews: list[Review]
    numbers: dict  # see stats.headline; `studyapp stats --json` prints these

    def calendar(self) -> stats.Calendar:
        return stats.calendar(self.reviews, self.today)

    def forecast(self) -> list[tuple[date, int]]:
        current = {c.key for c in self.study.cards}  # cards removed from the content no longer come due
        return stats.forecast([s for k, s in self.study.states.items() if k in current], self.study.now)

    def weekly_retention(self) -> list[stats.WeekRetention]:
        return stats.weekly_retention(self.reviews)

    def mastery(self) -> list[stats.TopicMastery]:
        return stats.mastery(self.study.cards, self.study.states, self.study.settings, self.study.now)

    def removed(self) -> list[tuple[str, int]]:
        """(card key, reviews) for each card no longer in the content whose history is kept."""
        counts = Counter(review.card_key for review in self.reviews)
        return [(key, counts.get(key, 0)) for key in self.numbers["removed_cards_with_history"]]

    @property
    def today(self) -> date:
        return utc_day(self.study.now)


def report(store: Store, profile_id: int, content: Content, now: datetime) -> Report:
    today = study_queue(store, profile_id, content, now)
    reviews = store.reviews(profile_id)
    numbers = stats.headline(cards=today.cards, states=today.states, reviews=reviews, queue=today.queue,
                             settings=today.settings, now=today.now)
    return Report(today, reviews, numbers)
