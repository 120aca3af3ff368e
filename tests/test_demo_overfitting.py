"""The overfitting demo shows the concept, over fixed seeds, with small CPU settings."""

from __future__ import annotations

import pytest
import torch

from demos.framework import ParamError
from demos.overfitting import DEMO

CPU = torch.device("cpu")
SMALL = {"train_size": 100, "epochs": 150, "hidden": 64}


def run(seed: int, **params):
    progress = []
    result = DEMO.run({**SMALL, **params}, device=CPU, seed=seed, report=progress.append)
    return result, progress


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dropout_and_l2_shrink_the_generalization_gap(seed):
    result, _ = run(seed, dropout=0.5, weight_decay=1e-3, early_stopping=False)
    m = result.metrics
    assert m["plain_train_acc"] > 0.95  # the plain model memorizes its (noisy) training labels
    assert m["regularized_acc_gap"] < m["plain_acc_gap"] - 0.05
    assert m["regularized_loss_gap"] < m["plain_loss_gap"]
    assert m["regularized_val_acc"] > m["plain_val_acc"]


def test_without_cures_both_copies_train_identically():
    result, _ = run(0, dropout=0.0, weight_decay=0.0, early_stopping=False)
    m = result.metrics
    assert m["plain_val_loss"] == pytest.approx(m["regularized_val_loss"], rel=1e-5)


def test_more_data_closes_the_gap():
    small, _ = run(0, train_size=60, dropout=0.0, weight_decay=0.0, early_stopping=False)
    large, _ = run(0, train_size=800, dropout=0.0, weight_decay=0.0, early_stopping=False)
    assert large.metrics["plain_acc_gap"] < small.metrics["plain_acc_gap"]


def test_early_stopping_stops_and_keeps_the_best_weights():
    result, progress = run(0, dropout=0.0, weight_decay=0.0, early_stopping=True, patience=10, epochs=300)
    stopped = int(result.metrics["regularized_stopped_epoch"])
    assert stopped < 300
    best = result.data["best_epoch"][1]
    val_curve = result.data["curves"]["val_loss"][:, 1]
    assert stopped - best == 10
    # judged by the best weights: the reported loss equals the curve's minimum
    assert result.metrics["regularized_val_loss"] == pytest.approx(float(val_curve[: stopped + 1].min()), rel=1e-4)
    assert progress[-1].done == 300 and progress[0].done < 20


def test_progress_reports_grow_and_end_complete():
    _, progress = run(0, epochs=40)
    assert [p.done for p in progress] == sorted(p.done for p in progress)
    assert progress[-1].fraction == 1.0
    assert all(len(v) == len(progress[-1].x) for v in progress[-1].curves.values())


def test_same_seed_same_result_and_figures_in_both_languages():
    a, _ = run(5, epochs=20)
    b, _ = run(5, epochs=20)
    assert a.metrics == b.metrics
    for lang, word in (("en", "Loss"), ("ko", "손실")):
        figures = DEMO.figures(a, lang)
        assert len(figures) == 2
        assert word in str(figures[0].to_dict())


def test_bad_params_are_refused():
    with pytest.raises(ParamError, match="dropout"):
        DEMO.run({"dropout": 1.5}, device=CPU, seed=0, report=lambda p: None)
