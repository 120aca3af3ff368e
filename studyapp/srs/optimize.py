"""Fit FSRS's weights to one learner's own review log (fsrs's optimizer, which runs on torch).

FSRS ships with weights fitted on millions of Anki users. Once a learner has a few hundred
real recall tests, weights fitted to *their* memory predict it better. The optimizer only
learns from reviews that come a day or more after the card's previous review (same-day
repeats say nothing about forgetting), and below one mini-batch of those (512) it returns
the default weights unchanged, so that is our threshold too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Sequence

import fsrs

from studyapp.srs.scheduler import load_settings, save_settings
from studyapp.store import Review, Store

MIN_REVIEWS = 512  # fsrs.optimizer's mini_batch_size


def countable_reviews(reviews: Sequence[Review]) -> int:
    """Reviews the optimizer learns from: at least one day after the same card's previous review."""
    last: dict[str, datetime] = {}
    count = 0
    for review in sorted(reviews, key=lambda r: (r.reviewed_at, r.id)):
        previous = last.get(review.card_key)
        if previous is not None and (review.reviewed_at - previous).days >= 1:
            count += 1
        last[review.card_key] = review.reviewed_at
    return count


def usable_reviews(store: Store, profile_id: int) -> int:
    """How many of the profile's reviews the optimizer would learn from."""
    return countable_reviews(store.reviews(profile_id))


def can_optimize(reviews: Sequence[Review]) -> bool:
    return countable_reviews(reviews) >= MIN_REVIEWS


def review_logs(reviews: Sequence[Review]) -> list[fsrs.ReviewLog]:
    """fsrs wants integer card ids: number our string keys in order of first appearance."""
    ids: dict[str, int] = {}
    return [
        fsrs.ReviewLog(card_id=ids.setdefault(r.card_key, len(ids) + 1), rating=fsrs.Rating(r.rating),
                       review_datetime=r.reviewed_at, review_duration=r.duration_ms)
        for r in reviews
    ]


def fit_parameters(reviews: Sequence[Review]) -> tuple[float, ...]:
    """Run fsrs's optimizer (slow: torch autograd over the whole log). Imported lazily because
    it pulls in torch, which nothing else in the study loop needs."""
    from fsrs.optimizer import Optimizer

    weights = Optimizer(review_logs(reviews)).compute_optimal_parameters()
    fsrs.Scheduler(parameters=weights)  # validates the bounds before we store them
    return tuple(float(w) for w in weights)


@dataclass(frozen=True)
class OptimizeResult:
    parameters: tuple[float, ...]
    reviews_used: int


def optimize_profile(store: Store, profile_id: int) -> OptimizeResult:
    """Fit weights to the profile's log and save them in its settings (from the next review on)."""
    reviews = store.reviews(profile_id)
    used = countable_reviews(reviews)
    if used < MIN_REVIEWS:
        raise ValueError(f"not enough reviews yet: {used} of {MIN_REVIEWS} needed")
    weights = fit_parameters(reviews)
    settings = load_settings(store, profile_id)
    save_settings(store, profile_id, replace(settings, parameters=weights, optimized_on=used))
    return OptimizeResult(weights, used)
