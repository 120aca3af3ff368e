"""Every question type loads from YAML, and the validator's per-type rules report `path:line`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp.content import load_content
from studyapp.content.questions import QUESTION_TYPES, Condition
from tests.conftest import ROOT

HEAD = """\
id: t
title: {en: T, ko: 티}
summary: {en: S, ko: 에스}
cards:
  - {id: c1, term: {en: A, ko: 에이}, definition: {en: d, ko: 디}}
questions:
"""

GOOD = {
    "single_choice": """
  - id: q-single
    type: single_choice
    prompt: {en: p, ko: 피}
    cards: [c1]
    choices:
      - {text: {en: a, ko: 에이}, correct: true}
      - {text: {en: b, ko: 비}, explanation: {en: why b, ko: 비 이유}}
""",
    "multi_choice": """
  - id: q-multi
    type: multi_choice
    scoring: all_or_nothing
    prompt: {en: p, ko: 피}
    cards: [c1]
    choices:
      - {text: {en: a, ko: 에이}, correct: true, explanation: {en: e, ko: 이}}
      - {text: {en: b, ko: 비}, correct: true, explanation: {en: e, ko: 이}}
      - {text: {en: c, ko: 씨}, explanation: {en: e, ko: 이}}
""",
    "true_false": """
  - id: q-tf
    type: true_false
    prompt: {en: p, ko: 피}
    cards: [c1]
    answer: true
    misconception: {en: m, ko: 엠}
""",
    "ordering": """
  - id: q-order
    type: ordering
    prompt: {en: p, ko: 피}
    cards: [c1]
    items:
      - {id: forward, text: {en: forward, ko: 순전파}, explanation: {en: e, ko: 이}}
      - {id: loss, text: {en: loss, ko: 손실}, explanation: {en: e, ko: 이}}
      - {id: backward, text: {en: backward, ko: 역전파}, explanation: {en: e, ko: 이}}
    answer: [forward, loss, backward]
""",
    "matching": """
  - id: q-match
    type: matching
    prompt: {en: p, ko: 피}
    cards: [c1]
    pairs:
      - {left: {en: binary, ko: 이진}, right: {en: sigmoid + BCE, ko: 시그모이드 + BCE}, explanation: {en: e, ko: 이}}
      - {left: {en: multiclass, ko: 다중}, right: {en: softmax + CE, ko: 소프트맥스 + CE}, explanation: {en: e, ko: 이}}
      - {left: {en: regression, ko: 회귀}, right: {en: identity + MSE, ko: 항등 + MSE}, explanation: {en: e, ko: 이}}
    distractors:
      - {text: {en: tanh + hinge, ko: tanh + 힌지}, explanation: {en: e, ko: 이}}
""",
    "odd_one_out": """
  - id: q-odd
    type: odd_one_out
    prompt: {en: p, ko: 피}
    cards: [c1]
    choices:
      - {text: {en: VGG, ko: VGG}, explanation: {en: a model, ko: 모델}}
      - {text: {en: ResNet, ko: ResNet}, explanation: {en: a model, ko: 모델}}
      - {text: {en: MNIST, ko: MNIST}, correct: true}
""",
    "typed": """
  - id: q-typed
    type: typed
    prompt: {en: 'The ___ set', ko: '___ 세트'}
    cards: [c1]
    answer: {en: validation, ko: 검증}
    accept: [dev]
    misconceptions:
      - {answers: [test, 테스트], explanation: {en: e, ko: 이}}
""",
    "numeric": """
  - id: q-numeric
    type: numeric
    prompt: {en: 'k = {kernel}, n = {in_size}', ko: 'k = {kernel}, n = {in_size}'}
    cards: [c1]
    generator: conv2d-output
    params: {in_size: {min: 8, max: 16}, kernel: [1, 3, 5], stride: 1, padding: 0}
    misconceptions:
      - {set: {padding: 1}, explanation: {en: e, ko: 이}}
""",
    "predict_then_run": """
  - id: q-predict
    type: predict_then_run
    prompt: {en: p, ko: 피}
    cards: [c1]
    demo: overfitting
    params: {epochs: 20, hidden: 16}
    choices:
      - {text: {en: small, ko: 작다}, when: plain_acc_gap < 0.1, explanation: {en: e, ko: 이}}
      - {text: {en: medium, ko: 중간}, when: 0.1 <= plain_acc_gap < 0.3, explanation: {en: e, ko: 이}}
      - {text: {en: large, ko: 크다}, when: plain_acc_gap >= 0.3, explanation: {en: e, ko: 이}}
""",
}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def line(text: str, marker: str, nth: int = 0) -> int:
    hits = [i + 1 for i, row in enumerate(text.splitlines()) if marker in row]
    return hits[nth]


def errors(folder: Path) -> list[str]:
    return [str(e) for e in load_content(folder, demo_ids=["overfitting"]).errors]


def test_every_type_loads(folder):
    assert set(GOOD) == set(QUESTION_TYPES)
    (folder / "t.yaml").write_text(HEAD + "".join(GOOD.values()), encoding="utf-8")
    content = load_content(folder, demo_ids=["overfitting"])
    assert content.errors == []
    assert sorted(q.type for q in content.questions()) == sorted(QUESTION_TYPES)


def bad(folder: Path, kind: str, old: str, new: str) -> tuple[str, list[str]]:
    source = GOOD[kind]
    assert old in source, old
    text = HEAD + source.replace(old, new)
    (folder / "t.yaml").write_text(text, encoding="utf-8")
    return text, errors(folder)


def test_single_choice_needs_exactly_one_correct(folder):
    text, found = bad(folder, "single_choice", "{en: b, ko: 비}, explanation", "{en: b, ko: 비}, correct: true, explanation")
    assert found == [f"t.yaml:{line(text, 'choices:')}: questions[0].choices: a single_choice question needs exactly one correct choice, found 2"]


def test_choice_options_must_differ(folder):
    text, found = bad(folder, "single_choice", "{en: b, ko: 비}", "{en: ' A ', ko: 비}")
    assert found == [f"t.yaml:{line(text, 'why b')}: questions[0].choices[1]: choice 1 reads the same as choice 0 (en: 'A')"]


def test_multi_choice_rules(folder):
    text, found = bad(folder, "multi_choice", "correct: true, explanation: {en: e, ko: 이}}\n      - {text: {en: b, ko: 비}, correct: true, explanation: {en: e, ko: 이}}",
                      "explanation: {en: e, ko: 이}}\n      - {text: {en: b, ko: 비}}")
    assert found == [  # sorted by line
        f"t.yaml:{line(text, 'choices:')}: questions[0].choices: a multi_choice question needs at least one correct choice",
        f"t.yaml:{line(text, '{en: b, ko: 비}')}: questions[0].choices[1].explanation: every choice of a multi_choice question needs an explanation",
    ]


def test_odd_one_out_needs_one_odd_item_among_three(folder):
    text, found = bad(folder, "odd_one_out", "{en: VGG, ko: VGG}, explanation", "{en: VGG, ko: VGG}, correct: true, explanation")
    assert found == [f"t.yaml:{line(text, 'choices:')}: questions[0].choices: an odd_one_out question needs exactly one odd item (correct: true), found 2"]
    text, found = bad(folder, "odd_one_out", "      - {text: {en: ResNet, ko: ResNet}, explanation: {en: a model, ko: 모델}}\n", "")
    assert found == [f"t.yaml:{line(text, 'choices:')}: questions[0].choices: List should have at least 3 items after validation, not 2"]


def test_ordering_answer_must_be_a_permutation(folder):
    text, found = bad(folder, "ordering", "answer: [forward, loss, backward]", "answer: [forward, forward, update]")
    assert found == [f"t.yaml:{line(text, 'answer:')}: questions[0].answer: the answer must be a permutation of the item ids: "
                     "unknown 'update'; repeated 'forward'; missing 'loss', 'backward'"]
    text, found = bad(folder, "ordering", "{id: loss,", "{id: forward,")
    assert f"t.yaml:{line(text, 'text: {en: loss')}: questions[0].items[1].id: duplicate item id 'forward'" in found


def test_ordering_items_explain_their_place(folder):
    text, found = bad(folder, "ordering", "{id: loss, text: {en: loss, ko: 손실}, explanation: {en: e, ko: 이}}",
                      "{id: loss, text: {en: loss, ko: 손실}}")
    assert found == [f"t.yaml:{line(text, '{id: loss')}: questions[0].items[1].explanation: required field is missing"]


def test_matching_must_be_one_to_one(folder):
    text, found = bad(folder, "matching", "right: {en: softmax + CE, ko: 소프트맥스 + CE}", "right: {en: sigmoid + BCE, ko: 소프트맥스 + CE}")
    assert found == [f"t.yaml:{line(text, 'left: {en: multiclass')}: questions[0].pairs[1]: right item 1 reads the same as right item 0 "
                     "(en: 'sigmoid + BCE'): matching must be one-to-one"]
    text, found = bad(folder, "matching", "{text: {en: tanh + hinge", "{text: {en: Identity + MSE")
    assert found == [f"t.yaml:{line(text, 'Identity + MSE')}: questions[0].distractors[0]: right item 3 reads the same as right item 2 "
                     "(en: 'Identity + MSE'): matching must be one-to-one"]
    text, found = bad(folder, "matching", "left: {en: regression, ko: 회귀}", "left: {en: binary, ko: 회귀}")
    assert found == [f"t.yaml:{line(text, 'identity + MSE')}: questions[0].pairs[2]: left item 2 reads the same as left item 0 (en: 'binary')"]


def test_typed_misconception_cannot_be_an_accepted_answer(folder):
    text, found = bad(folder, "typed", "answers: [test, 테스트]", "answers: [test, Vali-dation]")
    assert found == [f"t.yaml:{line(text, 'answers:')}: questions[0].misconceptions[0].answers[1]: 'Vali-dation' is also an accepted answer ('validation')"]


def test_numeric_rules(folder):
    text, found = bad(folder, "numeric", "generator: conv2d-output", "generator: conv3d-output")
    assert len(found) == 1 and found[0].startswith(f"t.yaml:{line(text, 'generator:')}: questions[0].generator: unknown generator 'conv3d-output'; known: ")
    text, found = bad(folder, "numeric", "stride: 1, padding: 0}", "stride: 1, dilation: 2}")
    assert found == [
        f"t.yaml:{line(text, 'params:')}: questions[0].params.dilation: generator 'conv2d-output' has no parameter 'dilation'; it takes: in_size, kernel, stride, padding",
        f"t.yaml:{line(text, 'params:')}: questions[0].params: generator 'conv2d-output' needs padding",
    ]
    text, found = bad(folder, "numeric", "prompt: {en: 'k = {kernel}, n = {in_size}'", "prompt: {en: 'k = {kernel}, s = {strides}'")
    assert found == [
        f"t.yaml:{line(text, 'prompt:')}: questions[0].prompt.en: the prompt must show the drawn value of 'in_size' as {{in_size}}",
        f"t.yaml:{line(text, 'prompt:')}: questions[0].prompt.en: {{strides}} is not a parameter of this question",
    ]
    text, found = bad(folder, "numeric", "{min: 8, max: 16}", "{min: 16, max: 8}")
    assert found == [f"t.yaml:{line(text, 'params:')}: questions[0].params.in_size: max is below min"]
    text, found = bad(folder, "numeric", "generator: conv2d-output", "answer: 3\n    generator: conv2d-output")
    assert found == [f"t.yaml:{line(text, '- id: q-numeric')}: questions[0]: a numeric question needs either `answer` or `generator`, not both"]
    text, found = bad(folder, "numeric", "{set: {padding: 1}", "{set: {pad: 1}")
    assert found == [f"t.yaml:{line(text, 'set:')}: questions[0].misconceptions[0].set.pad: generator 'conv2d-output' has no parameter 'pad'"]


def test_predict_then_run_outcomes_must_cover_the_metric_exactly_once(folder):
    text, found = bad(folder, "predict_then_run", "when: 0.1 <= plain_acc_gap < 0.3", "when: 0.15 <= plain_acc_gap < 0.3")
    assert found == [f"t.yaml:{line(text, 'medium')}: questions[0].choices[1].when: no outcome covers plain_acc_gap = 0.1 to 0.15"]
    text, found = bad(folder, "predict_then_run", "when: plain_acc_gap >= 0.3", "when: plain_acc_gap >= 0.25")
    assert found == [f"t.yaml:{line(text, 'large')}: questions[0].choices[2].when: outcomes 1 and 2 overlap: both hold for some plain_acc_gap"]
    text, found = bad(folder, "predict_then_run", "when: plain_acc_gap < 0.1", "when: plain_acc_gap <= 0.1")
    assert found == [f"t.yaml:{line(text, 'medium')}: questions[0].choices[1].when: outcomes 0 and 1 overlap: both hold for some plain_acc_gap"]
    text, found = bad(folder, "predict_then_run", "when: plain_acc_gap >= 0.3", "when: 0.3 <= plain_acc_gap < 0.9")
    assert found == [f"t.yaml:{line(text, 'large')}: questions[0].choices[2].when: no outcome covers plain_acc_gap above 0.9"]
    text, found = bad(folder, "predict_then_run", "when: plain_acc_gap >= 0.3", "when: val_loss >= 0.3")
    assert found == [f"t.yaml:{line(text, 'choices:')}: questions[0].choices: all outcomes must be conditions on one metric, found plain_acc_gap, val_loss"]
    text, found = bad(folder, "predict_then_run", "when: plain_acc_gap >= 0.3", "when: gap is big")
    assert len(found) == 1 and found[0].startswith(f"t.yaml:{line(text, 'large')}: questions[0].choices[2].when: Value error, 'gap is big' is not a condition")
    text, found = bad(folder, "predict_then_run", "demo: overfitting", "demo: overfiting")
    assert found == [f"t.yaml:{line(text, 'demo:')}: questions[0].demo: unknown demo 'overfiting'; known: "
                     + ", ".join(__import__("demos").demo_ids())]


def test_condition_parsing():
    c = Condition.parse("0.1 <= gap < 0.3")
    assert (c.metric, c.low, c.low_inclusive, c.high, c.high_inclusive) == ("gap", 0.1, True, 0.3, False)
    assert c.holds(0.1) and not c.holds(0.3) and not c.holds(float("nan"))
    assert Condition.parse("loss>=1e-3").holds(0.001) and str(Condition.parse("x > 2")) == "2 < x"
    for bad_text in ("gap", "gap == 1", "1 < gap > 2", "0.3 > gap >= 0.1"):
        with pytest.raises(ValueError):
            Condition.parse(bad_text)


def test_validating_generators_and_demos_does_not_load_torch():
    code = ("import sys; from studyapp.content import load_content; import studyapp.quiz.gift, studyapp.quiz.confusables; "
            "c = load_content(); assert any(q.type == 'numeric' for q in c.questions()); print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
