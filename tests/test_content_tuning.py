"""Every number the hyperparameter-search topic states is computed here: by arithmetic, by
PyTorch, or by running the tuning demo, and the text is checked to still say it."""

from __future__ import annotations

import math
from functools import lru_cache

import pytest
import torch

from demos.generators import GENERATORS
from demos.tuning import DEMO
from demos.tuning import lesson
from studyapp.content import load_content
from tests.conftest import ROOT
from tests.content_text import strings_of

CONTENT = load_content(ROOT / "content")
TOPIC = CONTENT.topic("tuning")


def texts(item) -> str:
    """Every English string of a card or question, joined."""
    found = strings_of(item, "en")
    return " ".join(" ".join(found).split())  # one space between words, as the reader sees them


def card(card_id: str) -> str:
    return texts(next(c for c in CONTENT.cards() if c.id == card_id))


def question(question_id: str) -> str:
    return texts(next(q for q in CONTENT.questions() if q.id == question_id))


def percent(value: float) -> str:
    return f"{100 * value:.1f}%"


@lru_cache(maxsize=None)
def demo(**params):
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return DEMO.run(params, device=torch.device("cpu"), seed=0)
    finally:
        torch.set_num_threads(before)


def test_the_topic_follows_optimization_and_links_its_demo():
    assert TOPIC.order == 25 and TOPIC.demos == ["tuning"]
    assert CONTENT.topic("optimization").order < TOPIC.order
    ids = {c.id for c in TOPIC.cards}
    assert {"hyperparameter", "grid-search", "random-search", "successive-halving", "hyperband",
            "bayesian-optimization", "log-scale-search", "coarse-to-fine", "search-budget"} <= ids


# --- the demo's setup and budget -------------------------------------------------------------


def test_the_data_sizes_and_the_default_budget():
    x_train, _, x_held, _ = lesson.split_digits(test_size=600, seed=0)
    assert lesson.TRAIN_SIZE == 500 and len(x_held) == 600 and len(x_train) >= 500  # 300 + 300 held out
    text = card("hyperparameter-tuning")
    assert "500 digit images" in text and "300 validation images" in text and "300 test images" in text
    assert "one image is a third of a point" in text and 100 / 300 == pytest.approx(1 / 3)
    result = demo()
    assert result.data["budget"] == 3 * 3 * 9 == 81
    assert 27 * 1 + 9 * 3 + 3 * 9 == 81
    assert "3 × 3 × 9 = 81" in card("search-budget") and "27 × 1 + 9 × 3 + 3 × 9" in card("search-budget")
    assert "27 × 1 + 9 × 3 + 3 × 9 = 81 epochs" in card("successive-halving")
    assert "81 epochs of training (9 trials of 9 epochs)" in question("tuning-q-predict-grid-vs-random")


def test_the_grids_learning_rates():
    rates = lesson.log_grid(0.001, 3.0, 3)
    assert [round(r, 3) for r in rates] == [0.001, 0.055, 3.0]
    for item in (card("grid-search"), question("tuning-q-predict-grid-vs-random")):
        assert "0.001, 0.055" in item and "3" in item
    narrowed = lesson.log_grid(0.1, 1.0, 3)
    assert [round(r, 2) for r in narrowed] == [0.1, 0.32, 1.0]
    assert "are 0.1, 0.32 and 1" in question("tuning-q-predict-coarse-to-fine")
    assert "become 0.1, 0.32 and 1" in card("coarse-to-fine")


def test_the_seed_0_scores_the_cards_quote():
    m = demo().metrics
    grid, random = percent(m["grid_val_acc"]), percent(m["random_val_acc"])
    assert (grid, random) == ("57.7%", "91.0%")
    assert f"reaches {grid} validation accuracy" in card("grid-search")
    assert f"reaches {random} validation accuracy against the grid's {grid}" in card("random-search")
    assert (m["grid_learning_rates"], m["random_learning_rates"], m["halving_learning_rates"]) == (3, 9, 27)
    assert "9 different learning rates instead of the grid's 3" in card("random-search")
    assert "27 different learning rates instead of 3" in card("successive-halving")


def test_the_learning_rate_decides_almost_everything():
    result = demo()
    trials = result.data["trials"]
    grid = [t for t in trials if t["method"] == "grid"]
    for rate in {t["lr"] for t in grid}:
        scores = [t["val acc"] for t in grid if t["lr"] == rate]
        assert max(scores) - min(scores) <= 0.03
    best_random = max((t for t in trials if t["method"] == "random"), key=lambda t: t["val acc"])
    best_grid = max(grid, key=lambda t: t["val acc"])
    assert round(best_random["lr"], 2) == 0.27 and round(best_grid["lr"], 3) == 0.055
    assert round(100 * (best_random["val acc"] - best_grid["val acc"])) == 33
    text = card("tuning-order")
    assert "within 3 points" in text and "about 0.27, scores 33 points above the grid's best, at 0.055" in text
    # ... and every trial above 85% used a learning rate above 0.1
    assert all(t["lr"] > 0.1 for t in trials if t["val acc"] > 0.85)
    assert "every trial above 85% validation accuracy used a learning rate above 0.1" in card("log-scale-search")


def test_coarse_to_fine_lets_the_grid_catch_up():
    m = demo(lr_min=0.1, lr_max=1.0).metrics
    assert percent(m["grid_val_acc"]) == "92.0%" and abs(m["random_minus_grid"]) < 0.01
    assert "the grid reaches 92.0%, within a point of random search" in card("coarse-to-fine")


# --- arithmetic and sampling -------------------------------------------------------------------


def test_grid_costs():
    assert 4 ** 5 == 1024 and 3 ** 3 == 27 and 4 * 5 == 20 and 5 ** 4 == 625
    assert "4 values for each of 5 hyperparameters is 1024 trials" in card("grid-search")
    q = next(q for q in CONTENT.questions() if q.id == "tuning-q-grid-cost")
    assert q.answer == 1024 and [m.answer for m in q.misconceptions] == [20, 625]
    assert "from 9 to 27" in question("tuning-q-grid-third-tf") and "(9 + 3 = 12)" in question("tuning-q-grid-third-tf")


def test_sixty_random_trials_hit_the_best_five_percent_with_about_95_percent_chance():
    chance = GENERATORS["random-search-hit-chance"](trials=60, top_percent=5)
    assert chance == pytest.approx(100 * (1 - 0.95 ** 60)) and round(chance) == 95
    assert "60 trials hit it with about 95% probability" in card("random-search")


def test_uniform_and_log_uniform_learning_rates_between_0_0001_and_1():
    low, high = 1e-4, 1.0
    above = (high - 0.1) / (high - low)
    below = (1e-3 - low) / (high - low)
    assert round(100 * above) == 90 and below < 0.001 and round(100 * below, 2) == 0.09
    # PyTorch's own draws agree with the arithmetic
    g = torch.Generator().manual_seed(0)
    uniform = low + (high - low) * torch.rand(200_000, generator=g)
    log_uniform = low * (high / low) ** torch.rand(200_000, generator=g)
    assert (uniform > 0.1).float().mean().item() == pytest.approx(above, abs=0.005)
    for decade in range(4):
        share = ((log_uniform >= 10.0 ** (decade - 4)) & (log_uniform < 10.0 ** (decade - 3))).float().mean().item()
        assert share == pytest.approx(0.25, abs=0.005)
    text = card("log-scale-search")
    assert "25% of the trials in each of the four decades" in text
    assert "about 90% above 0.1 and fewer than 0.1% below 0.001" in text
    q = question("tuning-q-uniform-learning-rates")
    assert "0.09 on average" in q and "0.0009 of a range of width 0.9999: 0.09% of it" in q
    assert "about 90% of them land above 0.1" in question("tuning-q-typed-log-uniform")


def test_hyperbands_brackets_for_81_epochs_and_eta_3():
    r_max, eta = 81, 3
    s_max = round(math.log(r_max, eta))
    brackets = [(math.ceil((s_max + 1) / (s + 1) * eta ** s), r_max * eta ** -s) for s in range(s_max, -1, -1)]
    assert brackets[0] == (81, 1) and brackets[-1] == (5, 81)
    assert "starts 81 configurations at 1 epoch each" in card("hyperband")
    assert "trains 5 configurations for all 81 epochs" in card("hyperband")


def test_successive_halving_epochs():
    assert GENERATORS["halving-epochs"](configs=27, min_epochs=1, keep_one_in=3, rungs=3, resume=False) == 81
    assert GENERATORS["halving-epochs"](configs=27, min_epochs=1, keep_one_in=3, rungs=3, resume=True) == 63


def test_adams_defaults():
    defaults = torch.optim.Adam([torch.zeros(1, requires_grad=True)]).defaults
    assert defaults["betas"] == (0.9, 0.999) and defaults["eps"] == 1e-8
    assert "β₁ = 0.9, β₂ = 0.999, ε = 1e-8" in card("hyperparameter")


def test_the_budget_comparison():
    assert 20 * 50 == 1000 and 20 * 5 == 100 and 1000 // 100 == 10
    assert "1000 epochs against 100" in question("tuning-q-fair-budget")


def test_two_points_are_six_of_300_validation_digits():
    assert 0.02 * 300 == pytest.approx(6)
    # the outcomes' thresholds sit between 5 and 6 digits (and 14 and 15, 59 and 60)
    assert 5 / 300 < 0.018 < 6 / 300 and 14 / 300 < 0.048 < 15 / 300 and 59 / 300 < 0.198 < 60 / 300
    assert "6 or more of the 300 validation digits" in question("tuning-q-predict-coarse-to-fine")
