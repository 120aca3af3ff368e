"""The hyperparameter-search demo shows what it claims, over fixed seeds, with small CPU settings."""

from __future__ import annotations

import threading
from functools import lru_cache

import pytest
import torch

from demos.framework import ParamError
from demos.tuning import DEMO
from demos.tuning.lesson import log_grid

CPU = torch.device("cpu")
SMALL = {"grid_points": 2}  # 4 grid trials, 4 random ones, successive halving 12 + 4 + 1


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny networks: one thread, as the app gives a demo on a 2-core machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@lru_cache(maxsize=None)
def _run(seed: int, items: tuple):
    progress = []
    result = DEMO.run(dict(items), device=CPU, seed=seed, report=progress.append)
    return result, progress


def run(seed: int = 0, **params):
    return _run(seed, tuple(sorted(params.items())))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_search_beats_the_grid_when_only_the_learning_rate_matters(seed):
    # The defaults: a 3 x 3 grid tries the rates 0.001, 0.055 and 3, none of them in the band
    # that trains well in 9 epochs; 9 random trials try 9 rates. Weight decay hardly matters.
    m = run(seed)[0].metrics
    assert (m["grid_learning_rates"], m["random_learning_rates"], m["halving_learning_rates"]) == (3, 9, 27)
    assert m["random_minus_grid"] >= 0.2
    assert m["halving_val_acc"] >= m["grid_val_acc"] + 0.2
    assert min(m["random_val_acc"], m["halving_val_acc"]) > 0.85


def test_the_grid_repeats_each_learning_rate_and_weight_decay_barely_matters():
    trials = [t for t in run(0)[0].data["trials"] if t["method"] == "grid"]
    assert sorted({round(t["lr"], 4) for t in trials}) == [0.001, 0.0548, 3.0]
    for lr in {t["lr"] for t in trials}:  # three weight decays at one rate: nearly the same score
        scores = [t["val acc"] for t in trials if t["lr"] == lr]
        assert max(scores) - min(scores) <= 0.03


def test_every_search_spends_the_same_stated_budget():
    result, progress = run(0)
    m, budget = result.metrics, result.data["budget"]
    assert budget == 3 * 3 * 9 == 81
    assert m["grid_epochs_spent"] == m["random_epochs_spent"] == m["halving_epochs_spent"] == budget
    assert (m["grid_trials"], m["random_trials"], m["halving_trials"]) == (9, 9, 39)
    for method in ("grid", "random", "halving"):
        xs, ys = progress[-1].series[method]
        assert list(xs) == sorted(xs) and xs[-1] == budget  # against the epochs it has spent
        assert list(ys) == sorted(ys)  # the best so far never falls
    assert set(progress[-1].series) == set(DEMO.live.names)


def test_successive_halving_keeps_the_best_third_and_triples_their_epochs():
    trials = [t for t in run(0)[0].data["trials"] if t["method"] == "halving"]
    rungs = [[t for t in trials if t["epochs"] == e] for e in (1, 3, 9)]
    assert [len(r) for r in rungs] == [27, 9, 3]
    for lower, upper in zip(rungs, rungs[1:]):
        ranked = sorted(lower, key=lambda t: t["val acc"], reverse=True)
        assert [t["lr"] for t in upper] == [t["lr"] for t in ranked[:len(upper)]]


def test_the_winner_is_chosen_on_validation_and_the_test_set_only_reports():
    result = run(0)[0]
    for method in ("grid", "random", "halving"):
        trials = [t for t in result.data["trials"] if t["method"] == method]
        assert result.metrics[f"{method}_val_acc"] == max(t["val acc"] for t in trials)
        assert 0.0 < result.metrics[f"{method}_test_acc"] <= 1.0


def test_narrowing_the_range_lets_the_grid_catch_up():
    # Coarse to fine: once the range is narrowed to the good band, the grid's rates all land in it.
    m = run(0, lr_min=0.1, lr_max=1.0)[0].metrics
    assert m["grid_val_acc"] > 0.85 and abs(m["random_minus_grid"]) < 0.05


def test_the_log_grid_spaces_values_evenly_in_powers_of_ten():
    assert log_grid(0.001, 1.0, 4) == pytest.approx([0.001, 0.01, 0.1, 1.0])


def test_too_large_a_learning_rate_ends_near_chance_and_a_blow_up_stops_the_trial():
    from demos.data import split_digits
    from demos.tuning.lesson import train_one

    x_train, y_train, x_held, y_held = split_digits(test_size=600, seed=0)
    data = (x_train[:500], y_train[:500], x_held[:300], y_held[:300])
    # Within the demo's range (up to 10) a rate that is far too large kills the ReLUs: the loss
    # stays finite and the network guesses, near 10% on ten classes.
    _, score, ran, diverged = train_one({"lr": 10.0}, 3, data, seed=0)
    assert score < 0.2 and (ran, diverged) == (3, False)
    # An absurd rate makes the loss infinite: the trial stops there and says so.
    _, score, ran, diverged = train_one({"lr": 1e20}, 3, data, seed=0)
    assert diverged and ran == 1 and 0 <= score <= 1


def test_the_second_hyperparameter_can_be_the_width():
    result = run(0, **SMALL, second="hidden")[0]
    widths = [t["hidden"] for t in result.data["trials"] if t["method"] == "grid"]
    assert sorted(set(widths)) == pytest.approx([8, 128])


def test_stop_ends_the_search_at_the_next_report_and_keeps_what_was_found():
    stop = threading.Event()
    reports = []

    def press_stop_at_the_third_trial(progress):
        reports.append(progress.done)
        if len(reports) == 3:
            stop.set()

    result = DEMO.run(SMALL, device=CPU, seed=0, report=press_stop_at_the_third_trial, stop=stop)
    assert result.stopped and reports == [9, 18, 27]
    assert result.metrics["grid_trials"] == 3 and result.metrics["random_trials"] == 0
    assert result.metrics["halving_trials"] == 0 and result.metrics["halving_val_acc"] == 0.0
    assert 0 < result.metrics["grid_val_acc"] <= 1
    assert "Stopped" in result.summary.en
    assert len(DEMO.figures(result, "en")) == 3


def test_same_seed_same_result_and_figures_in_both_languages():
    a, _ = run(3, **SMALL)
    b = DEMO.run(SMALL, device=CPU, seed=3)
    assert a.metrics == b.metrics
    for lang, word in (("en", "learning rate"), ("ko", "학습률")):
        figures = DEMO.figures(a, lang)
        assert len(figures) == 3
        assert all(word in str(fig.to_dict()) for fig in figures[1:])


def test_bad_params_are_refused():
    with pytest.raises(ParamError, match="lr_min"):
        DEMO.run({"lr_min": 0.5}, device=CPU, seed=0)
    with pytest.raises(ParamError, match="second"):
        DEMO.run({"second": "dropout"}, device=CPU, seed=0)
    with pytest.raises(ParamError, match="grid_points"):
        DEMO.run({"grid_points": 5}, device=CPU, seed=0)


def test_epochs_off_the_slider_steps_stay_within_the_budget():
    # The slider moves in nines; `--set epochs=10` still gives rungs of 1, 3 and 10 epochs.
    m = run(0, grid_points=2, epochs=10)[0].metrics
    assert m["halving_epochs_spent"] <= 2 * 2 * 10 == m["grid_epochs_spent"]
