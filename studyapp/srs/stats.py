"""Statistics from the review log and card states. Pure functions; days are UTC days.

The page draws these numbers and `studyapp stats` prints them, so both always agree.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Mapping, Sequence

from studyapp.srs.clock import as_utc, day_start, utc_day
from studyapp.srs.deck import Flashcard, Queue, orphaned_keys
from studyapp.srs.scheduler import Rating, State, recall_probability
from studyapp.srs.settings import Settings
from studyapp.store import CardState, Review


def reviews_per_day(reviews: Iterable[Review]) -> dict[date, int]:
    return dict(Counter(utc_day(r.reviewed_at) for r in reviews))


@dataclass(frozen=True)
class Calendar:
    """A GitHub-style calendar: one column per week (Monday first), one row per weekday."""

    weeks: list[date]  # the Monday of each column
    counts: list[list[int | None]]  # counts[weekday][week]; None for days after `today`


def calendar(reviews: Iterable[Review], today: date, *, weeks: int = 26) -> Calendar:
    per_day = reviews_per_day(reviews)
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    mondays = [first_monday + timedelta(weeks=w) for w in range(weeks)]
    counts: list[list[int | None]] = [
        [None if monday + timedelta(days=weekday) > today else per_day.get(monday + timedelta(days=weekday), 0)
         for monday in mondays]
        for weekday in range(7)
    ]
    return Calendar(mondays, counts)


def forecast(states: Iterable[CardState], now: datetime, *, days: int = 30) -> list[tuple[date, int]]:
    """Cards coming due on each of the next `days` days; overdue cards count on day 0 (today)."""
    today = utc_day(now)
    counts = Counter(max(utc_day(s.due), today) for s in states)
    return [(today + timedelta(days=i), counts.get(today + timedelta(days=i), 0)) for i in range(days)]


@dataclass(frozen=True)
class WeekRetention:
    week: date  # Monday
    reviews: int  # reviews of learned cards (cards in review state)
    passed: int  # ... not rated Again

    @property
    def retention(self) -> float | None:
        return self.passed / self.reviews if self.reviews else None


def is_recall_test(review: Review) -> bool:
    """Anki's 'true retention' counts only reviews of learned cards: a new or learning card's
    answer says little about memory over days."""
    return review.state_before == State.Review


def weekly_retention(reviews: Iterable[Review]) -> list[WeekRetention]:
    totals: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for review in reviews:
        if not is_recall_test(review):
            continue
        day = utc_day(review.reviewed_at)
        week = totals[day - timedelta(days=day.weekday())]
        week[0] += 1
        week[1] += review.rating != Rating.Again
    return [WeekRetention(week, n, passed) for week, (n, passed) in sorted(totals.items())]


def true_retention(reviews: Iterable[Review], since: datetime) -> tuple[float | None, int]:
    """(share of recall tests since `since` not rated Again, number of those tests)."""
    tests = [r for r in reviews if is_recall_test(r) and r.reviewed_at >= as_utc(since)]
    if not tests:
        return None, 0
    return sum(r.rating != Rating.Again for r in tests) / len(tests), len(tests)


@dataclass(frozen=True)
class TopicMastery:
    topic_id: str
    cards: int  # flashcards in the topic
    seen: int  # of them reviewed at least once
    mastery: float  # mean recall probability now over ALL its flashcards (unseen count as 0)


def mastery(cards: Sequence[Flashcard], states: Mapping[str, CardState], settings: Settings,
            now: datetime) -> list[TopicMastery]:
    by_topic: dict[str, list[float | None]] = defaultdict(list)
    for card in cards:
        by_topic[card.topic_id].append(recall_probability(states.get(card.key), settings, now))
    return [
        TopicMastery(topic, len(values), sum(v is not None for v in values),
                     sum(v or 0.0 for v in values) / len(values))
        for topic, values in by_topic.items()
    ]


def streak(reviews: Iterable[Review], today: date) -> int:
    """Days in a row with at least one review, ending today (or yesterday: today still counts
    as a chance to keep the streak alive)."""
    days = {utc_day(r.reviewed_at) for r in reviews}
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def headline(
    *,
    cards: Sequence[Flashcard],
    states: Mapping[str, CardState],
    reviews: Sequence[Review],
    queue: Queue,
    settings: Settings,
    now: datetime,
) -> dict:
    """The numbers shown at the top of the statistics page and by `studyapp stats`."""
    now = as_utc(now)
    today = utc_day(now)
    per_day = reviews_per_day(reviews)
    retention, tests = true_retention(reviews, now - timedelta(days=30))
    topics = mastery(cards, states, settings, now)
    total_cards = sum(t.cards for t in topics)
    current = {c.key for c in cards}
    tomorrow_end = day_start(now) + timedelta(days=2)
    return {
        "reviews_total": len(reviews),
        "reviews_today": per_day.get(today, 0),
        "streak_days": streak(reviews, today),
        "due_now": len(queue.due),
        "new_today": len(queue.new),
        "due_tomorrow": sum(1 for k, s in states.items() if k in current and day_start(now) + timedelta(days=1) <= s.due < tomorrow_end),
        "next_due": queue.next_due.isoformat() if queue.next_due else None,
        "cards_total": total_cards,
        "cards_seen": sum(t.seen for t in topics),
        "cards_in_review": sum(1 for k, s in states.items() if k in current and s.state == State.Review),
        "true_retention_30d": None if retention is None else round(retention, 4),
        "recall_tests_30d": tests,
        "mastery": round(sum(t.mastery * t.cards for t in topics) / total_cards, 4) if total_cards else None,
        "mastery_by_topic": {t.topic_id: round(t.mastery, 4) for t in topics},
        "desired_retention": settings.desired_retention,
        "custom_parameters": settings.parameters is not None,
        "removed_cards_with_history": orphaned_keys(cards, [*states, *{r.card_key for r in reviews}]),
    }
