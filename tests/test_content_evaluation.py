"""Every number the evaluation topic states is measured here: by running the K-fold demo's
lesson (seed 0, one thread, as the app runs it on a 2-core CPU) or by the arithmetic the text
describes. A card whose number drifts from what the demo does fails here."""

from __future__ import annotations

import inspect
import math

import pytest
import torch

import demos.overfitting.lesson
from demos.generators import GENERATORS
from demos.kfold.lesson import TEST_SIZE, make_folds, train
from studyapp.content import load_content
from tests.conftest import ROOT
from tests.content_text import strings_of

CONTENT = load_content(ROOT / "content")
TOPIC = CONTENT.topic("evaluation")
SETTINGS = {  # name -> the demo settings a text quotes (seed 0)
    "default": {},
    "duplicates": {"leak": "duplicates"},
    "normalize": {"leak": "normalize"},
    "grouped": {"leak": "grouped"},
    "unstratified": {"stratified": False},
    "100 images": {"train_size": 100},
    "1000 images": {"train_size": 1000},
}


@pytest.fixture(scope="module")
def m():
    """The metrics of each quoted run, in points (percent) where the text says % or points."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return {name: train(**settings, seed=0)["metrics"] for name, settings in SETTINGS.items()}
    finally:
        torch.set_num_threads(before)


def texts(item, lang: str) -> str:
    """Every string of a card or question in one language, joined."""
    found = strings_of(item, lang)
    return " ".join(" ".join(found).split())  # one space between words, as YAML folds them


def card(card_id: str):
    return next(c for c in TOPIC.cards if c.id == card_id)


def question(question_id: str):
    return next(q for q in TOPIC.questions if q.id == question_id)


def says(item, *phrases: tuple[str, str]) -> None:
    """Each (English, Korean) phrase appears in the item's text in that language."""
    for en, ko in phrases:
        assert en in texts(item, "en"), f"{getattr(item, 'id', item)}: {en!r} not in the English text"
        assert ko in texts(item, "ko"), f"{getattr(item, 'id', item)}: {ko!r} not in the Korean text"


def pct(value: float) -> str:
    return f"{100 * value:.1f}"


def test_the_default_run_the_cards_quote(m):
    d = m["default"]
    per_fold = int(d["train_rows_per_fold"])
    assert (per_fold, 300 - per_fold, int(d["models_trained"])) == (240, 60, 5)
    says(card("training-set"), ("each of the 5 models trains on 240 of the 300", "모델 5개는 각각 개발용 이미지 "
                                "300장 중 240장으로"))
    says(card("k-fold-cross-validation"),
         ("trains on 240 images and is scored on the other 60", "이미지 240장으로 학습하고 나머지 60장으로"),
         (f"average {pct(d['cv_mean'])}%", f"평균은 {pct(d['cv_mean'])}%"),
         (f"score {pct(d['test_mean'])}% on {TEST_SIZE} test images", f"테스트 이미지 {TEST_SIZE}장에서는 "
                                                                       f"{pct(d['test_mean'])}%"))
    says(card("test-set"), (f"keeps {TEST_SIZE} digit images out", f"숫자 이미지 {TEST_SIZE}장을"))
    spread = round(100 * (d["cv_max"] - d["cv_min"]))
    says(card("hold-out-validation"),
         (f"between {pct(d['cv_min'])}% and {pct(d['cv_max'])}%", f"{pct(d['cv_min'])}%에서 {pct(d['cv_max'])}%"),
         (f"a spread of {spread} points", f"{spread}%p나"), ("which 60 images", "이미지 60장"))
    says(question("evaluation-q-why-hold-out"), (f"range over {spread} points", f"{spread}%p 범위"))
    says(card("cv-score-spread"), (f"{pct(d['cv_mean'])}% ± {pct(d['cv_std'])} points",
                                   f"{pct(d['cv_mean'])}% ± {pct(d['cv_std'])}%p"))


def test_the_spread_of_the_fold_scores_with_100_300_and_1000_images(m):
    small, default, large = (m[name]["cv_std"] for name in ("100 images", "default", "1000 images"))
    assert small > default > large  # what the card's sentence concludes
    says(card("cv-score-spread"),
         (f"{pct(default)} points with 300 development images, {pct(small)} points with 100 and "
          f"{pct(large)} points with 1000",
          f"300장이면 {pct(default)}%p, 100장이면 {pct(small)}%p, 1000장이면 {pct(large)}%p"))


def test_near_copies_split_apart_are_optimistic_and_grouped_ones_are_not(m):
    leaky, grouped, default, scaled = m["duplicates"], m["grouped"], m["default"], m["normalize"]
    says(card("data-leakage"),
         (f"cross-validation says {pct(leaky['cv_mean'])}% while the same models score {pct(leaky['test_mean'])}%",
          f"교차 검증은 {pct(leaky['cv_mean'])}%라고 하지만 같은 모델이 손대지 않은 테스트 세트에서는 "
          f"{pct(leaky['test_mean'])}%"),
         (f"{pct(leaky['optimism'])} points too optimistic", f"{pct(leaky['optimism'])}%p나 낙관적"),
         (f"from {pct(default['cv_mean'])}% to {pct(scaled['cv_mean'])}%",
          f"{pct(default['cv_mean'])}%에서 {pct(scaled['cv_mean'])}%로"))
    assert abs(scaled["cv_mean"] - default["cv_mean"]) < 0.01  # "barely changes the score"
    says(card("group-k-fold"), (f"{pct(grouped['cv_mean'])}% in cross-validation against "
                                f"{pct(grouped['test_mean'])}%",
                                f"교차 검증은 {pct(grouped['cv_mean'])}%, 같은 모델의 테스트 세트 점수는 "
                                f"{pct(grouped['test_mean'])}%"))
    about = round(100 * leaky["optimism"])
    says(question("evaluation-q-not-a-leak"), (f"adds about {about} points", f"약 {about}%p가"))
    assert leaky["optimism"] >= 0.03 and scaled["optimism"] < 0.02  # the outcomes the predictions land on


def test_stratified_and_plain_folds_keep_the_class_mix_as_stated(m):
    strat, plain = m["default"]["class_share_gap"], m["unstratified"]["class_share_gap"]
    says(card("stratified-k-fold"), (f"within {pct(strat)} points", f"{pct(strat)}%p 이내"),
         (f"off by {pct(plain)} points", f"{pct(plain)}%p까지"))


def test_about_four_in_five_validation_images_have_their_twin_in_training():
    # The near-copy layout of the lesson: rows 0..n-1 are the images, n..2n-1 their copies.
    n = 300
    y = torch.arange(n) % 10
    fold = make_folds(torch.cat([y, y]), 5, True, torch.Generator().manual_seed(0))
    twin_apart = (fold[:n] != fold[n:]).float().mean().item()
    assert round(twin_apart * 5) == 4
    says(question("evaluation-q-predict-near-copies"), ("About 4 in 5 validation images", "5장 중 약 4장"))


def test_the_arithmetic_the_texts_state():
    # standard error of 93% measured on 60 images (hold-out card) and of 90% on 20 images
    assert f"{100 * math.sqrt(0.93 * 0.07 / 60):.1f}" == "3.3"
    says(card("hold-out-validation"), ("at 93% on 60 images it is about 3.3 points", "93%라면 약 3.3%p"))
    assert f"{100 * math.sqrt(0.9 * 0.1 / 20):.1f}" == "6.7"
    says(question("evaluation-q-predict-small-spread"), ("≈ 6.7 points", "≈ 6.7%p"),
         ("one answer is worth 5 points", "한 장이 5%p"))
    assert 100 / 20 == 5 and f"{100 / 30:.1f}" == "3.3" and f"{100 / 60:.1f}" == "1.7"
    says(card("cv-score-spread"), ("on a fold of 30 images one more right answer moves the accuracy by 3.3 points",
                                   "한 장만 더 맞혀도 정확도가 3.3%p"))
    says(question("evaluation-q-predict-unstratified"), ("about 1.7 points", "약 1.7%p"),
         ("six or more images", "여섯 장 이상"))
    assert math.ceil(0.10 / (1 / 60)) == 6
    # nested CV: 5 outer x (5 inner x 10 settings + 1 refit)
    trainings = GENERATORS["cv-trainings"](outer_folds=5, inner_folds=5, settings=10, refit=True)
    assert trainings == 255
    says(card("nested-cross-validation"), ("5 × (5 × 10 + 1) = 255", "5 × (5 × 10 + 1) = 255"))
    # leave-one-out on the demo's 300 images
    assert GENERATORS["kfold-rows"](images=300, folds=300, validation=False) == 299
    says(card("leave-one-out"), ("300 trainings on 299 images each, instead of 5 trainings on 240",
                                 "240장으로 5번 학습하는 대신 299장으로 300번"))
    # a patient's 5 images all in one of 5 random folds
    assert (1 / 5) ** 4 < 0.01
    says(question("evaluation-q-patients"), ("(1/5)^4, under 1%", "(1/5)^4로 1%도"))


def test_the_overfitting_demo_holds_out_600_validation_images():
    assert "split_digits(test_size=600" in inspect.getsource(demos.overfitting.lesson)
    says(card("validation-set"), ("holds out 600 digit images", "숫자 이미지 600장을"))


@pytest.mark.parametrize("scores", [(90, 92, 94, 88, 91), (88, 95, 96, 97, 98), (93, 89, 86, 87, 85)])
def test_the_cross_validation_generators_match_the_formulas(scores):
    a = dict(zip(("a1", "a2", "a3", "a4", "a5"), scores))
    mean = sum(scores) / 5
    assert GENERATORS["cv-mean"](**a) == pytest.approx(mean)
    squares = sum((s - mean) ** 2 for s in scores)
    assert GENERATORS["cv-std"](**a, unbiased=True) == pytest.approx(math.sqrt(squares / 4))
    assert GENERATORS["cv-std"](**a, unbiased=False) == pytest.approx(math.sqrt(squares / 5))


@pytest.mark.parametrize("images, folds", [(600, 5), (1200, 6), (3000, 10), (600, 4)])
def test_each_k_fold_model_trains_on_k_minus_one_folds(images, folds):
    assert GENERATORS["kfold-rows"](images=images, folds=folds, validation=False) == images * (folds - 1) // folds
    assert GENERATORS["kfold-rows"](images=images, folds=folds, validation=True) == images // folds
