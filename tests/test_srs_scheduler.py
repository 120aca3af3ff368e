"""FSRS glue with fixed UTC datetimes and fuzzing off: what we store is exactly what fsrs computes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import fsrs
import pytest

from studyapp import srs
from studyapp.srs.scheduler import as_rating, next_state, to_fsrs
from studyapp.store import Store

T0 = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)
# (days after T0, rating): learning steps on day 0, then reviews days apart, one lapse
HISTORY = [(0, 3), (0.007, 3), (2, 3), (9, 4), (30, 1), (30.01, 3), (34, 2), (50, 3)]


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "p.sqlite3") as s:
        yield s


def test_stored_states_follow_fsrs_exactly(store):
    profile = store.create_profile("p")
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card(card_id=1, due=T0)
    for days, rating in HISTORY:
        now = T0 + timedelta(days=days)
        srs.review_card(store, profile.id, "sgd", rating, now, fuzz=False)
        card, _ = scheduler.review_card(card, fsrs.Rating(rating), now)
        stored = store.card_state(profile.id, "sgd")
        assert (stored.state, stored.step, stored.due, stored.last_review) == (int(card.state), card.step, card.due, card.last_review)
        assert stored.stability == pytest.approx(card.stability) and stored.difficulty == pytest.approx(card.difficulty)
    assert stored.reps == len(HISTORY)
    assert stored.lapses == 1  # the Again on day 30 forgot a learned card
    assert [r.rating for r in store.reviews(profile.id)] == [r for _, r in HISTORY]


def test_a_new_card_rated_good_takes_its_learning_step(store):
    profile = store.create_profile("p")
    review = srs.review_card(store, profile.id, "adam", "good", T0, fuzz=False)
    state = store.card_state(profile.id, "adam")
    assert review.state_before == 0
    assert state.state == srs.State.Learning and state.step == 1
    assert state.due == T0 + timedelta(minutes=10)  # fsrs's default second learning step


def test_preview_matches_what_each_button_then_does(store):
    profile = store.create_profile("p")
    settings = srs.Settings()
    srs.review_card(store, profile.id, "x", 3, T0, fuzz=False)
    srs.review_card(store, profile.id, "x", 3, T0 + timedelta(minutes=10), fuzz=False)
    before = store.card_state(profile.id, "x")
    now = T0 + timedelta(days=3)
    shown = srs.preview(before, settings, now)
    assert 0 < shown.recall < 1
    for rating in srs.RATINGS:
        after = next_state("x", before, rating, now, srs.scheduler.make_scheduler(settings, fuzz=False))
        assert shown.intervals[rating] == after.due - now
    days = [shown.intervals[r] for r in srs.RATINGS]
    assert days == sorted(days) and days[0] < days[-1]  # Again soonest, Easy latest


def test_desired_retention_changes_the_interval(store):
    profile = store.create_profile("p")
    srs.review_card(store, profile.id, "x", 3, T0, fuzz=False)
    srs.review_card(store, profile.id, "x", 3, T0 + timedelta(minutes=10), fuzz=False)
    state = store.card_state(profile.id, "x")
    now = T0 + timedelta(days=3)
    strict = srs.preview(state, srs.Settings(desired_retention=0.97), now).intervals[srs.Rating.Good]
    relaxed = srs.preview(state, srs.Settings(desired_retention=0.80), now).intervals[srs.Rating.Good]
    assert strict < relaxed


def test_profile_settings_are_used_by_review_card(store):
    profile = store.create_profile("p")
    srs.save_settings(store, profile.id, srs.Settings(desired_retention=0.75))
    srs.review_card(store, profile.id, "x", 4, T0, fuzz=False)  # Easy: straight to review
    relaxed = store.card_state(profile.id, "x").due
    other = store.create_profile("q")
    srs.review_card(store, other.id, "x", 4, T0, fuzz=False)
    assert store.card_state(other.id, "x").due < relaxed


def test_fitted_parameters_are_used(store):
    profile = store.create_profile("p")
    weights = list(fsrs.scheduler.DEFAULT_PARAMETERS)
    weights[3] = 30.0  # initial stability after Easy: 30 days instead of about 8
    srs.save_settings(store, profile.id, srs.Settings(parameters=tuple(weights)))
    srs.review_card(store, profile.id, "x", 4, T0, fuzz=False)
    assert store.card_state(profile.id, "x").due - T0 == timedelta(days=30)


def test_recall_probability_falls_with_time(store):
    profile = store.create_profile("p")
    settings = srs.Settings()
    assert srs.recall_probability(None, settings, T0) is None
    srs.review_card(store, profile.id, "x", 4, T0, fuzz=False)
    state = store.card_state(profile.id, "x")
    values = [srs.recall_probability(state, settings, T0 + timedelta(days=d)) for d in (0, 5, 20, 100)]
    assert values[0] == 1.0 and values == sorted(values, reverse=True) and values[-1] < 0.7


def test_undo_puts_the_card_back(store):
    profile = store.create_profile("p")
    srs.review_card(store, profile.id, "x", 3, T0, fuzz=False)
    before = store.card_state(profile.id, "x")
    review = srs.review_card(store, profile.id, "x", 1, T0 + timedelta(minutes=10), fuzz=False)
    srs.undo_review(store, profile.id, review.id)
    assert store.card_state(profile.id, "x") == before


def test_ratings_are_checked():
    assert as_rating("again") == as_rating(1) == as_rating("1") == srs.Rating.Again
    assert as_rating("Easy") == as_rating(srs.Rating.Easy) == srs.Rating.Easy
    for bad in (0, 5, "meh", None, 2.5):
        with pytest.raises(ValueError):
            as_rating(bad)


def test_naive_times_are_refused(store):
    profile = store.create_profile("p")
    with pytest.raises(ValueError, match="naive"):
        srs.review_card(store, profile.id, "x", 3, datetime(2025, 1, 1, 8, 0))


def test_a_review_in_another_zone_is_the_same_instant(store):
    profile = store.create_profile("p")
    seoul = T0.astimezone(timezone(timedelta(hours=9)))
    srs.review_card(store, profile.id, "x", 4, seoul, fuzz=False)
    assert store.card_state(profile.id, "x").last_review == T0


def test_fuzz_only_moves_long_intervals_a_little(store):
    store.create_profile("p")
    for _ in range(20):
        card = fsrs.Card(card_id=1, state=fsrs.State.Review, stability=40.0, difficulty=5.0, due=T0,
                         last_review=T0 - timedelta(days=40))
        plain, _ = fsrs.Scheduler(enable_fuzzing=False).review_card(card, fsrs.Rating.Good, T0)
        fuzzed = next_state("x", srs.scheduler.from_fsrs("x", card, reps=1, lapses=0), srs.Rating.Good, T0,
                            srs.scheduler.make_scheduler(srs.Settings(), fuzz=True))
        spread = abs((fuzzed.due - plain.due).days)
        assert spread <= 0.1 * (plain.due - T0).days + 2


def test_settings_round_trip_and_leniency():
    settings = srs.Settings(desired_retention=0.85, new_per_day=7, include_reversed=False)
    assert srs.Settings.from_dict(settings.to_dict()) == settings
    odd = srs.Settings.from_dict({"desired_retention": "lots", "new_per_day": 12, "future_key": [1]})
    assert odd.desired_retention == 0.9 and odd.new_per_day == 12  # a broken value falls back
    assert odd.to_dict()["future_key"] == [1]  # keys from a newer version are kept
    assert srs.Settings.from_dict({"desired_retention": 5}).desired_retention == 0.9
    with pytest.raises(ValueError):
        srs.Settings(desired_retention=0.5)
    with pytest.raises(ValueError):
        replace(srs.Settings(), parameters=(1.0, 2.0))


def test_fsrs_card_conversion_round_trips():
    state = srs.scheduler.from_fsrs("k", fsrs.Card(card_id=1, state=fsrs.State.Review, stability=3.5, difficulty=6.1,
                                                   due=T0, last_review=T0 - timedelta(days=3)), reps=4, lapses=1)
    back = to_fsrs(state, T0)
    assert (back.state, back.stability, back.difficulty, back.due, back.last_review) == (
        fsrs.State.Review, 3.5, 6.1, T0, T0 - timedelta(days=3))
