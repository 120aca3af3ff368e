"""Graders per question type, with property tests for ordering, matching and typed tolerance."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from studyapp.content.questions import Question
from studyapp.content.questions.ordering import ordering_score, out_of_order
from studyapp.content.questions.textmatch import allowed_typos, edit_distance, match_typed
from studyapp.quiz import AnswerError, Item, grade

QUESTION = TypeAdapter(Question)


def T(en: str, ko: str | None = None) -> dict:
    return {"en": en, "ko": ko or f"{en} (ko)"}


def make(kind: str, **fields) -> Item:
    question = QUESTION.validate_python({"id": "q", "type": kind, "prompt": T("p"), "cards": ["c"], **fields})
    assert question.problems() == []
    return Item(question, "topic")


def choice(text: str, correct: bool = False) -> dict:
    return {"text": T(text), "correct": correct, "explanation": T(f"why {text}")}


# --- choice types ---------------------------------------------------------------------------


def test_single_choice_explains_the_wrong_pick_and_the_right_answer():
    item = make("single_choice", choices=[choice("a", True), choice("b"), choice("c")])
    right = grade(item, 0)
    assert right.correct and right.score == 1.0
    wrong = grade(item, 2)
    assert not wrong.correct and wrong.score == 0.0
    assert [t.en for t in wrong.lessons] == ["why c", "why a"]


def test_choice_answers_are_checked():
    item = make("single_choice", choices=[choice("a", True), choice("b")])
    for bad in (2, -1, True, "0", None):
        with pytest.raises(AnswerError):
            grade(item, bad)


def test_odd_one_out_is_graded_like_a_single_choice():
    item = make("odd_one_out", choices=[choice("VGG"), choice("ResNet"), choice("MNIST", True)])
    assert grade(item, 2).correct
    assert [t.en for t in grade(item, 0).lessons] == ["why VGG", "why MNIST"]


def test_multi_choice_partial_credit():
    item = make("multi_choice", scoring="partial",
                choices=[choice("a", True), choice("b", True), choice("c"), choice("d")])
    assert grade(item, [0, 1]).correct and grade(item, [1, 0]).score == 1.0
    half = grade(item, [0])
    assert not half.correct and half.score == pytest.approx(0.5)
    assert [t.en for t in half.lessons] == ["why b"]  # the missed right choice
    mixed = grade(item, [0, 1, 2])
    assert mixed.score == pytest.approx(0.5) and [t.en for t in mixed.lessons] == ["why c"]
    assert grade(item, [0, 1, 2, 3]).score == 0.0  # ticking everything earns nothing
    assert grade(item, []).score == 0.0


def test_multi_choice_all_or_nothing():
    item = make("multi_choice", scoring="all_or_nothing",
                choices=[choice("a", True), choice("b", True), choice("c")])
    assert grade(item, [0, 1]).score == 1.0
    assert grade(item, [0]).score == 0.0 and grade(item, [0, 1, 2]).score == 0.0


def test_true_false_shows_the_misconception_only_when_wrong():
    item = make("true_false", answer=False, misconception=T("tempting"))
    assert grade(item, False).correct and grade(item, False).lessons == ()
    assert [t.en for t in grade(item, True).lessons] == ["tempting"]
    with pytest.raises(AnswerError):
        grade(item, "false")


# --- ordering -------------------------------------------------------------------------------


def ordering_item(n: int) -> Item:
    items = [{"id": f"s{i}", "text": T(f"step {i}"), "explanation": T(f"why {i}")} for i in range(n)]
    return make("ordering", items=items, answer=[f"s{i}" for i in range(n)])


def test_ordering_right_wrong_and_misplaced_lessons():
    item = ordering_item(4)
    assert grade(item, ["s0", "s1", "s2", "s3"]).correct
    swapped = grade(item, ["s0", "s2", "s1", "s3"])
    assert not swapped.correct
    assert swapped.score == pytest.approx(5 / 6)
    assert [t.en for t in swapped.lessons] == ["why 1"]  # one step to move, as the feedback shows
    shifted = grade(item, ["s1", "s2", "s3", "s0"])  # every position wrong, most pairs right
    assert shifted.score == pytest.approx(3 / 6) and [t.en for t in shifted.lessons] == ["why 0"]
    backwards = grade(item, ["s3", "s2", "s1", "s0"])
    assert backwards.score == 0 and len(backwards.lessons) == 4
    with pytest.raises(AnswerError):
        grade(item, ["s0", "s0", "s1", "s2"])


@settings(max_examples=60, deadline=None)
@given(st.permutations(list(range(6))))
def test_ordering_score_properties(permutation):
    expected = [f"s{i}" for i in range(6)]
    given_order = [f"s{i}" for i in permutation]
    score = ordering_score(expected, given_order)
    assert 0.0 <= score <= 1.0
    assert (score == 1.0) == (given_order == expected)
    assert ordering_score(expected, list(reversed(expected))) == 0.0
    # reversing an answer turns every agreeing pair into a disagreeing one
    assert ordering_score(expected, list(reversed(given_order))) == pytest.approx(1.0 - score)
    # relabelling the items changes nothing
    rename = {s: f"x{s}" for s in expected}
    assert ordering_score([rename[s] for s in expected], [rename[s] for s in given_order]) == score
    graded = grade(ordering_item(6), given_order)
    assert graded.correct == (given_order == expected)
    # the steps the feedback says to move: none exactly when right; what is left is in order
    move = out_of_order(expected, given_order)
    assert len(graded.lessons) == len(move) and (move == []) == graded.correct
    kept = [s for s in given_order if s not in move]
    assert kept == [s for s in expected if s in kept]
    assert len(move) == 6 or len(kept) >= 2
    if score == 0:
        assert len(move) == 6  # nothing counts as in order when no pair is


# --- matching -------------------------------------------------------------------------------


def matching_item(n: int, distractors: int = 0) -> Item:
    pairs = [{"left": T(f"L{i}"), "right": T(f"R{i}"), "explanation": T(f"L{i} goes with R{i}")} for i in range(n)]
    extra = [{"text": T(f"D{i}"), "explanation": T(f"D{i} matches nothing")} for i in range(distractors)]
    return make("matching", pairs=pairs, distractors=extra)


def test_matching_with_a_distractor():
    item = matching_item(3, distractors=1)
    assert grade(item, [0, 1, 2]).correct
    graded = grade(item, [0, 3, None])
    assert graded.score == pytest.approx(1 / 3)
    assert [t.en for t in graded.lessons] == ["L1 goes with R1", "D0 matches nothing", "L2 goes with R2"]
    with pytest.raises(AnswerError):
        grade(item, [0, 1])
    with pytest.raises(AnswerError):
        grade(item, [0, 1, 4])


@settings(max_examples=60, deadline=None)
@given(st.permutations(list(range(5))))
def test_matching_score_counts_fixed_points(permutation):
    item = matching_item(5)
    graded = grade(item, list(permutation))
    fixed = sum(i == p for i, p in enumerate(permutation))
    assert graded.score == pytest.approx(fixed / 5)
    assert graded.correct == (fixed == 5)
    assert len(graded.lessons) == 5 - fixed


# --- typed ----------------------------------------------------------------------------------


def typed_item(**extra) -> Item:
    return make("typed", answer={"en": "early stopping", "ko": "조기 종료"}, accept=["early stop"],
                misconceptions=[{"answers": ["patience", "인내"], "explanation": T("a setting, not the name")}],
                **extra)


@pytest.mark.parametrize("typed", [
    "early stopping", "Early Stopping", "early-stopping", "EARLY_STOPPING", "  early   stopping ", "earlystopping",
    "조기 종료", "조기종료", "Early stop", "early-stop.",
])
def test_typed_ignores_case_spaces_hyphens_and_takes_synonyms(typed):
    graded = grade(typed_item(), typed)
    assert graded.correct and graded.note is None


@pytest.mark.parametrize("typed", ["early stoping", "eraly stopping", "early stopppng", "조기 종로"])
def test_typed_forgives_small_typos_and_says_so(typed):
    graded = grade(typed_item(), typed)
    assert graded.correct
    assert "typo" in graded.note.en and "조기 종료" in graded.note.ko


def test_typed_misconceptions_and_wrong_answers():
    item = typed_item()
    miss = grade(item, "Patience")
    assert not miss.correct and [t.en for t in miss.lessons] == ["a setting, not the name"]
    assert [t.en for t in grade(item, "patiance").lessons] == ["a setting, not the name"]  # a typo of a misconception
    assert not grade(item, "dropout").correct and grade(item, "dropout").lessons == ()
    assert not grade(item, "   ").correct
    strict = typed_item(typos=False)
    assert not grade(strict, "early stoping").correct


def test_short_answers_tolerate_no_typo():
    assert allowed_typos("ReLU") == 0
    assert match_typed("GeLU", ["ReLU"]).kind == "wrong"
    assert allowed_typos("overfitting") == 2 and allowed_typos("dropout") == 1


def test_korean_typos_are_counted_in_letters_not_syllables():
    # 과적함 differs from 과적합 by one jamo (ㅁ for ㅂ), not by a whole syllable.
    assert match_typed("과적함", ["과적합"]).kind == "typo"
    assert match_typed("과소적합", ["과적합"], [["과소적합"]]).kind == "misconception"


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=5, max_size=14)


@settings(max_examples=80, deadline=None)
@given(words, st.data())
def test_typed_tolerance_properties(word, data):
    # exact, re-cased, re-spaced and hyphenated forms always match exactly
    split = data.draw(st.integers(1, len(word) - 1))
    for form in (word, word.upper(), f" {word[:split]} {word[split:]} ", f"{word[:split]}-{word[split:]}"):
        assert match_typed(form, [word]).kind == "exact"
    # one edit is forgiven for words of 5+ letters; it is reported as a typo
    position = data.draw(st.integers(0, len(word) - 1))
    letter = data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz").filter(lambda c: c != word[position]))
    typo = word[:position] + letter + word[position + 1:]
    assert match_typed(typo, [word]).kind == "typo"
    # a known wrong answer is never accepted, even when it is close to the right one
    assert match_typed(typo, [word], [[typo]]).kind == "misconception"
    # symmetry and the triangle inequality of the edit distance
    other = data.draw(words)
    assert edit_distance(word, other) == edit_distance(other, word)
    assert edit_distance(word, other) <= edit_distance(word, typo) + edit_distance(typo, other)


# --- numeric and predict_then_run -----------------------------------------------------------


def test_numeric_fixed_answer_with_tolerance_and_misconception():
    item = make("numeric", answer=65504, tolerance=1,
                misconceptions=[{"answer": 32767, "explanation": T("that is int16")}])
    assert grade(item, 65504).correct and grade(item, 65503.5).correct
    wrong = grade(item, 32767)
    assert not wrong.correct and [t.en for t in wrong.lessons] == ["that is int16"]
    assert grade(item, 1).lessons == ()
    for bad in (math.nan, "65504", True):
        with pytest.raises(AnswerError):
            grade(item, bad)


def test_numeric_generated_answer_and_relative_tolerance():
    question = QUESTION.validate_python({
        "id": "q", "type": "numeric", "prompt": T("p = {p}"), "cards": ["c"], "generator": "dropout-kept-value",
        "params": {"p": [0.3], "activation": 2.0}, "rel_tolerance": 0.01,
        "misconceptions": [{"set": {"p": 0.0}, "explanation": T("forgot to rescale")}],
    })
    item = Item(question, "t", values={"p": 0.3, "activation": 2.0}, expected=2 / 0.7, traps=(2.0,))
    assert grade(item, 2.857).correct and grade(item, 2.87).correct
    assert not grade(item, 2.9).correct
    assert [t.en for t in grade(item, 2.0).lessons] == ["forgot to rescale"]


def predict_item() -> Item:
    return make("predict_then_run", demo="overfitting", params={"epochs": 10},
                choices=[{"text": T("small"), "when": "gap < 0.1", "explanation": T("why small")},
                         {"text": T("medium"), "when": "0.1 <= gap < 0.3", "explanation": T("why medium")},
                         {"text": T("large"), "when": "gap >= 0.3", "explanation": T("why large")}])


def test_predict_then_run_is_graded_by_the_measured_metric():
    item = predict_item()
    right = grade(item, 2, metrics={"gap": 0.42})
    assert right.correct and "0.42" in right.note.en
    wrong = grade(item, 0, metrics={"gap": 0.1})  # boundaries belong where the condition says
    assert not wrong.correct and [t.en for t in wrong.lessons] == ["why small", "why medium"]
    with pytest.raises(AnswerError):
        grade(item, 0)  # no run, no grade
    with pytest.raises(KeyError):
        grade(item, 0, metrics={"other": 1.0})
    nan = grade(item, 0, metrics={"gap": float("nan")})
    assert not nan.correct and len(nan.lessons) == 1
