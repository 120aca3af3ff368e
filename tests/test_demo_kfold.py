"""The K-fold demo shows the concepts over fixed seeds with small CPU settings: the fold scores'
spread, stratified folds, and a leak that makes the cross-validation score optimistic."""

from __future__ import annotations

import statistics
import threading

import pytest
import torch

from demos.framework import ParamError
from demos.kfold import DEMO
from demos.kfold.lesson import make_folds

CPU = torch.device("cpu")
SEEDS = (0, 1, 2)


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """One thread, as the app gives a demo on a 2-core machine: on a busy machine a second
    thread mostly waits for the first."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def run(seed: int = 0, stop: threading.Event | None = None, report=None, **params):
    progress = []
    result = DEMO.run(params, device=CPU, seed=seed, report=report or progress.append, stop=stop)
    return result, progress


def test_every_image_validates_exactly_once_and_stratified_folds_share_out_each_class():
    y = torch.arange(203) % 10  # 21 of some digits, 20 of others
    for stratified in (True, False):
        fold = make_folds(y, 5, stratified, torch.Generator().manual_seed(0))
        sizes = torch.bincount(fold, minlength=5)
        assert sizes.sum() == 203 and sizes.max() - sizes.min() <= 1  # folds of (almost) equal size
    fold = make_folds(y, 5, True, torch.Generator().manual_seed(0))
    counts = torch.stack([torch.bincount(y[fold == k], minlength=10) for k in range(5)])
    assert (counts.max(0).values - counts.min(0).values).max() <= 1  # each digit dealt out evenly


def test_stratified_folds_keep_the_class_mix_and_plain_folds_do_not():
    for seed in SEEDS[:2]:
        strat, _ = run(seed, epochs=10)
        plain, _ = run(seed, epochs=10, stratified=False)
        # a stratified fold of 60 images can be off by at most about one image per class
        assert strat.metrics["class_share_gap"] < 0.02
        assert plain.metrics["class_share_gap"] > 0.04


def test_near_copies_split_apart_make_the_score_optimistic_and_grouping_them_cures_it():
    gaps = {leak: [run(seed, leak=leak)[0].metrics["optimism"] for seed in SEEDS]
            for leak in ("none", "duplicates", "grouped")}
    for honest, leaky, grouped in zip(gaps["none"], gaps["duplicates"], gaps["grouped"]):
        assert leaky > 0.03  # every seed: the same models score > 3 points lower on the test set
        assert leaky > honest + 0.02 and leaky > grouped + 0.03
    assert abs(statistics.mean(gaps["none"])) < 0.015
    assert abs(statistics.mean(gaps["grouped"])) < 0.015


def test_scaling_statistics_from_all_the_data_barely_move_the_score_on_digits():
    # A leak, but a small one here: 64 pixel means and deviations hardly change when the
    # validation fold's images are added. The cards say so; this holds them to it.
    for seed in SEEDS:
        honest, _ = run(seed, epochs=40)
        leaky, _ = run(seed, epochs=40, leak="normalize")
        assert abs(leaky.metrics["cv_mean"] - honest.metrics["cv_mean"]) < 0.015


def test_the_spread_of_the_fold_scores_shrinks_with_more_data_and_grows_with_k():
    spread = {(k, n): statistics.mean(run(seed, folds=k, train_size=n, epochs=30)[0].metrics["cv_std"]
                                      for seed in SEEDS)
              for k, n in ((5, 100), (5, 1000), (2, 300), (10, 300))}
    assert spread[5, 1000] < spread[5, 100] / 2
    assert spread[10, 300] > spread[2, 300]


def test_k_models_each_train_on_k_minus_one_folds():
    result, progress = run(0, folds=4, train_size=200, epochs=10)
    m = result.metrics
    assert m["models_trained"] == 4 and m["train_rows_per_fold"] == 150
    assert len(result.data["fold_scores"]) == len(result.data["test_scores"]) == 4
    assert m["cv_mean"] == pytest.approx(statistics.mean(result.data["fold_scores"]), abs=1e-6)
    assert m["cv_std"] == pytest.approx(statistics.stdev(result.data["fold_scores"]), abs=1e-6)
    assert m["optimism"] == pytest.approx(m["cv_mean"] - m["test_mean"], abs=1e-6)
    assert [p.done for p in progress] == list(range(1, 11))
    assert set(progress[-1].series) == {f"fold {k}" for k in range(1, 5)}
    assert set(progress[-1].series) <= set(DEMO.live.names)  # every series has a label on screen


def test_stop_ends_training_at_the_next_report_and_keeps_what_was_trained():
    stop = threading.Event()
    reports = []

    def press_stop_at_epoch_5(progress):
        reports.append(progress.done)
        if progress.done == 5:
            stop.set()

    result, _ = run(0, stop=stop, report=press_stop_at_epoch_5, epochs=100)
    assert result.stopped and reports == [1, 2, 3, 4, 5]
    assert result.data["history"]["epoch"] == [1, 2, 3, 4, 5]
    assert 0 < result.metrics["cv_mean"] <= 1  # measured on the weights trained so far


def test_same_seed_same_result_and_figures_in_both_languages():
    a, _ = run(3, epochs=20, leak="duplicates", stratified=False)
    b, _ = run(3, epochs=20, leak="duplicates", stratified=False)
    assert a.metrics == b.metrics
    for lang, word in (("en", "fold"), ("ko", "폴드")):
        figures = DEMO.figures(a, lang)
        assert len(figures) == 3
        assert all(word in str(fig.to_dict()) for fig in figures)
        assert all(fig.layout.title.text for fig in figures)
    for lang in ("en", "ko"):
        assert "%" in a.summary(lang)


def test_bad_params_are_refused():
    with pytest.raises(ParamError, match="folds"):
        DEMO.run({"folds": 1}, device=CPU, seed=0)
    with pytest.raises(ParamError, match="leak"):
        DEMO.run({"leak": "everything"}, device=CPU, seed=0)
