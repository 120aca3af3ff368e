"""Statistics from a hand-made review log with known answers (UTC days)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from studyapp import srs
from studyapp.srs import stats
from studyapp.store import CardState, Review
from tests.test_srs_queue import write_topics

NOW = datetime(2025, 3, 12, 15, 0, tzinfo=timezone.utc)  # a Wednesday
TODAY = NOW.date()


def review(day_offset: float, rating: int = 3, state_before: int = 2, key: str = "k", i: int = 0) -> Review:
    return Review(i, 1, key, rating, NOW + timedelta(days=day_offset), 1000, state_before, "review")


def test_reviews_per_day_and_calendar():
    log = [review(0), review(0, i=1), review(-1), review(-8), review(-400)]
    assert stats.reviews_per_day(log) == {TODAY: 2, TODAY - timedelta(days=1): 1, TODAY - timedelta(days=8): 1,
                                          TODAY - timedelta(days=400): 1}
    cal = stats.calendar(log, TODAY, weeks=4)
    assert len(cal.weeks) == 4 and all(w.weekday() == 0 for w in cal.weeks)
    assert len(cal.counts) == 7 and all(len(row) == 4 for row in cal.counts)
    wednesday, tuesday = TODAY.weekday(), (TODAY - timedelta(days=1)).weekday()
    assert cal.counts[wednesday][-1] == 2 and cal.counts[tuesday][-1] == 1
    assert cal.counts[6][-1] is None  # Sunday of this week has not happened yet
    assert sum(v or 0 for row in cal.counts for v in row) == 4  # the review 400 days ago is off the calendar


def test_forecast_counts_overdue_cards_today():
    def due_in(days):
        return CardState("k", 2, None, 3, 5, NOW + timedelta(days=days), NOW, 1)

    days = stats.forecast([due_in(-3), due_in(0.1), due_in(1), due_in(1.2), due_in(29), due_in(45)], NOW)
    assert len(days) == 30 and days[0][0] == TODAY
    counts = dict(days)
    assert counts[TODAY] == 2 and counts[TODAY + timedelta(days=1)] == 2 and counts[TODAY + timedelta(days=29)] == 1
    assert sum(counts.values()) == 5  # the card due in 45 days is beyond the window


def test_true_retention_counts_reviews_of_learned_cards_per_week():
    log = [
        review(-1, rating=3), review(-1, rating=1), review(-2, rating=4), review(-2, rating=2),  # this week: 3/4
        review(-1, rating=1, state_before=0),  # a new card's first answer: not a recall test
        review(-1, rating=1, state_before=1),  # a learning step: not a recall test
        review(-8, rating=1), review(-9, rating=3),  # last week: 1/2
    ]
    weeks = stats.weekly_retention(log)
    assert [w.week for w in weeks] == [date(2025, 3, 3), date(2025, 3, 10)]
    assert [(w.reviews, w.passed) for w in weeks] == [(2, 1), (4, 3)]
    assert weeks[1].retention == 0.75
    assert stats.true_retention(log, NOW - timedelta(days=30)) == (4 / 6, 6)
    assert stats.true_retention([], NOW) == (None, 0)


def test_streak_counts_days_in_a_row_and_survives_until_today_ends():
    assert stats.streak([review(0), review(-1), review(-2), review(-4)], TODAY) == 3
    assert stats.streak([review(-1), review(-2)], TODAY) == 2  # not yet studied today: still alive
    assert stats.streak([review(-2)], TODAY) == 0
    assert stats.streak([], TODAY) == 0


def test_mastery_is_mean_recall_probability_over_all_cards_of_a_topic(tmp_path):
    cards = srs.flashcards(write_topics(tmp_path / "c", reversible=()))
    settings = srs.Settings()
    fresh = CardState("t0-c0", 2, None, 10.0, 5.0, NOW + timedelta(days=5), NOW, 3)  # reviewed just now: R = 1
    old = CardState("t0-c1", 2, None, 10.0, 5.0, NOW, NOW - timedelta(days=10), 3)  # R = 0.9 after S days
    topics = {t.topic_id: t for t in stats.mastery(cards, {"t0-c0": fresh, "t0-c1": old}, settings, NOW)}
    assert topics["t0"].cards == 3 and topics["t0"].seen == 2
    assert abs(topics["t0"].mastery - (1.0 + 0.9 + 0.0) / 3) < 1e-3  # FSRS: R(t = S) = 0.9
    assert topics["t1"].mastery == 0.0 and topics["t1"].seen == 0


def test_headline_numbers(tmp_path):
    cards = srs.flashcards(write_topics(tmp_path / "c", reversible=()))
    states = {
        "t0-c0": CardState("t0-c0", 2, None, 10.0, 5.0, NOW - timedelta(hours=1), NOW - timedelta(days=10), 2),
        "t0-c1": CardState("t0-c1", 2, None, 10.0, 5.0, NOW + timedelta(days=1), NOW, 2),
        "removed": CardState("removed", 2, None, 10.0, 5.0, NOW + timedelta(days=1), NOW, 2),
    }
    log = [review(0, key="t0-c1"), review(-1, key="t0-c0", rating=1), review(-1, key="removed")]
    queue = srs.build_queue(cards, states, NOW, new_limit=2)
    numbers = stats.headline(cards=cards, states=states, reviews=log, queue=queue, settings=srs.Settings(), now=NOW)
    assert numbers["reviews_total"] == 3 and numbers["reviews_today"] == 1 and numbers["streak_days"] == 2
    assert numbers["due_now"] == 1 and numbers["new_today"] == 2 and numbers["due_tomorrow"] == 1
    assert numbers["cards_total"] == 6 and numbers["cards_seen"] == 2 and numbers["cards_in_review"] == 2
    assert numbers["true_retention_30d"] == round(2 / 3, 4) and numbers["recall_tests_30d"] == 3
    assert numbers["removed_cards_with_history"] == ["removed"]
    assert set(numbers["mastery_by_topic"]) == {"t0", "t1"}


def test_count_axes_show_whole_numbers_only():
    from datetime import date

    from studyapp.ui.stats import forecast_figure, whole_steps

    assert whole_steps(2) == {"tickformat": ",d", "dtick": 1} and "dtick" not in whole_steps(40)
    axis = forecast_figure([(date(2026, 3, 5), 2), (date(2026, 3, 6), 0)]).layout.yaxis
    assert (axis.dtick, axis.tickformat, axis.rangemode) == (1, ",d", "tozero")
