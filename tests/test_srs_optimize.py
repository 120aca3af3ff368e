"""Fitting FSRS to a learner's own log: the threshold, and a real fit on a simulated learner."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone

import fsrs
import pytest

from studyapp import srs
from studyapp.srs import optimize
from studyapp.store import Review, Store

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def simulated_log(cards: int, reviews_per_card: int, *, strength: float, seed: int = 0) -> list[Review]:
    """A learner whose memory is `strength` times as stable as FSRS's default weights assume:
    each card is reviewed when FSRS says, and recalled with the learner's TRUE probability."""
    rng = random.Random(seed)
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    log, next_id = [], 1
    for c in range(cards):
        card, now = fsrs.Card(card_id=c + 1, due=T0), T0 + timedelta(hours=c)
        for _ in range(reviews_per_card):
            state_before = int(card.state) if card.last_review else 0
            rating = fsrs.Rating.Good
            if card.last_review is not None:
                elapsed = (now - card.last_review).days
                recall = (1 + scheduler._FACTOR * elapsed / (card.stability * strength)) ** scheduler._DECAY
                rating = fsrs.Rating.Good if rng.random() < recall else fsrs.Rating.Again
            card, _ = scheduler.review_card(card, rating, now)
            log.append(Review(next_id, 1, f"card-{c}", int(rating), now, None, state_before, "review"))
            next_id += 1
            now = max(card.due, now + timedelta(days=1))
    return log


def log_loss(log: list[Review], weights) -> float:
    """How well `weights` predicted recall at each review a day or more after the previous one."""
    scheduler = fsrs.Scheduler(parameters=weights, enable_fuzzing=False)
    cards: dict[str, fsrs.Card] = {}
    total, n = 0.0, 0
    for review in log:
        card = cards.get(review.card_key) or fsrs.Card(card_id=1, due=review.reviewed_at)
        if card.last_review and (review.reviewed_at - card.last_review).days >= 1:
            p = min(max(scheduler.get_card_retrievability(card, review.reviewed_at), 1e-6), 1 - 1e-6)
            recalled = review.rating != fsrs.Rating.Again
            total -= math.log(p if recalled else 1 - p)
            n += 1
        cards[review.card_key], _ = scheduler.review_card(card, fsrs.Rating(review.rating), review.reviewed_at)
    return total / n


def test_only_reviews_a_day_apart_count():
    day = timedelta(days=1)
    log = [Review(i, 1, key, 3, T0 + offset, None, 0, "review") for i, (key, offset) in enumerate([
        ("a", 0 * day), ("a", timedelta(minutes=10)), ("a", 2 * day), ("b", 2 * day), ("a", 2 * day + timedelta(hours=5)),
        ("b", 5 * day)])]
    assert optimize.countable_reviews(log) == 2  # a on day 2, b on day 5
    assert not optimize.can_optimize(log)


def test_optimizing_below_the_threshold_is_refused_and_changes_nothing(tmp_path):
    with Store(tmp_path / "p.sqlite3") as store:
        profile = store.create_profile("p")
        srs.review_card(store, profile.id, "x", 3, T0, fuzz=False)
        with pytest.raises(ValueError, match="not enough reviews"):
            optimize.optimize_profile(store, profile.id)
        assert srs.load_settings(store, profile.id).parameters is None


@pytest.mark.slow
def test_fitted_weights_predict_this_learner_better_than_the_defaults(tmp_path):
    log = simulated_log(cards=36, reviews_per_card=16, strength=3.0)
    assert optimize.countable_reviews(log) >= optimize.MIN_REVIEWS
    with Store(tmp_path / "p.sqlite3") as store:
        profile = store.create_profile("p")
        for review in log:  # the same log, stored the way the app stores it
            store.apply_review(profile.id, review.card_key, lambda before, r=review: srs.scheduler.next_state(
                r.card_key, before, srs.Rating(r.rating), r.reviewed_at, fsrs.Scheduler(enable_fuzzing=False)),
                rating=review.rating, at=review.reviewed_at)
        result = optimize.optimize_profile(store, profile.id)
        settings = srs.load_settings(store, profile.id)
    assert settings.parameters == result.parameters and settings.optimized_on == result.reviews_used
    default_loss = log_loss(log, fsrs.scheduler.DEFAULT_PARAMETERS)
    fitted_loss = log_loss(log, result.parameters)
    print(f"\nlog loss on {result.reviews_used} reviews: default {default_loss:.4f}, fitted {fitted_loss:.4f}")
    assert fitted_loss < default_loss
