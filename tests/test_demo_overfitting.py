"""The overfitting demo shows the concept, over fixed seeds, with small CPU settings."""

from __future__ import annotations

import threading

import pytest
import torch

from demos.framework import ParamError
from demos.overfitting import DEMO

CPU = torch.device("cpu")
SMALL = {"train_size": 100, "epochs": 150, "hidden": 64}


def run(seed: int, stop: threading.Event | None = None, **params):
    progress = []
    result = DEMO.run({**SMALL, **params}, device=CPU, seed=seed, report=progress.append, stop=stop)
    return result, progress


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dropout_and_l2_shrink_the_generalization_gap(seed):
    result, _ = run(seed, dropout=0.5, l2=1e-3, early_stopping=False)
    m = result.metrics
    assert m["plain_train_acc"] > 0.95  # the plain model memorizes its (noisy) training labels
    assert m["regularized_acc_gap"] < m["plain_acc_gap"] - 0.05
    assert m["regularized_loss_gap"] < m["plain_loss_gap"]
    assert m["regularized_val_acc"] > m["plain_val_acc"]


def test_without_cures_both_copies_train_identically():
    result, _ = run(0, dropout=0.0, l2=0.0, early_stopping=False)
    m = result.metrics
    assert m["plain_val_loss"] == pytest.approx(m["regularized_val_loss"], rel=1e-5)


def test_more_data_closes_the_gap():
    small, _ = run(0, train_size=60, dropout=0.0, l2=0.0, early_stopping=False)
    large, _ = run(0, train_size=800, dropout=0.0, l2=0.0, early_stopping=False)
    assert large.metrics["plain_acc_gap"] < small.metrics["plain_acc_gap"]


def test_the_l2_penalty_is_half_lambda_times_the_squared_weights():
    from demos.overfitting.lesson import l2_penalty, make_mlp

    model = make_mlp(hidden=4, dropout=0.0)
    weights = [layer.weight for layer in model if isinstance(layer, torch.nn.Linear)]
    expected = sum(float((w.detach() ** 2).sum()) for w in weights) / 2  # the card's formula: (λ/2)·‖w‖²
    assert float(l2_penalty(model).detach()) == pytest.approx(expected)


def test_early_stopping_stops_and_keeps_the_best_weights():
    result, progress = run(0, dropout=0.0, l2=0.0, early_stopping=True, patience=10, epochs=300)
    stopped = int(result.metrics["regularized_stopped_epoch"])
    assert 0 < stopped < 300
    history = result.data["history"]["regularized"]
    best = history["epoch"][history["val loss"].index(min(history["val loss"]))]
    assert stopped - best == 10
    # judged by the best weights: the reported loss is the curve's minimum
    assert result.metrics["regularized_val_loss"] == pytest.approx(min(history["val loss"]), rel=1e-4)
    assert history["epoch"][-1] == stopped  # its curve ends where it stopped
    assert progress[-1].done == 300  # the plain copy trains on to the end


def test_progress_reports_grow_and_end_complete():
    _, progress = run(0, epochs=40, early_stopping=False)
    assert [p.done for p in progress] == list(range(1, 41))
    assert progress[-1].fraction == 1.0
    assert set(progress[-1].series) == set(DEMO.live.names)  # every series has a label on screen
    for xs, ys in progress[-1].series.values():
        assert list(xs) == list(range(1, 41)) and len(ys) == 40


def test_stop_ends_training_at_the_next_report_and_keeps_what_was_trained():
    stop = threading.Event()
    reports = []

    def press_stop_at_epoch_5(progress):
        reports.append(progress.done)
        if progress.done == 5:
            stop.set()

    result = DEMO.run({**SMALL, "epochs": 200}, device=CPU, seed=0, report=press_stop_at_epoch_5, stop=stop)
    assert result.stopped and reports == [1, 2, 3, 4, 5]
    assert result.data["history"]["plain"]["epoch"] == [1, 2, 3, 4, 5]
    assert 0 < result.metrics["plain_val_acc"] <= 1  # measured on the weights trained so far


def test_same_seed_same_result_and_figures_in_both_languages():
    a, _ = run(5, epochs=20)
    b, _ = run(5, epochs=20)
    assert a.metrics == b.metrics
    for lang, word in (("en", "Loss"), ("ko", "손실")):
        figures = DEMO.figures(a, lang)
        assert len(figures) == 3
        assert word in str(figures[0].to_dict())


def test_bad_params_are_refused():
    with pytest.raises(ParamError, match="dropout"):
        DEMO.run({"dropout": 1.5}, device=CPU, seed=0)
