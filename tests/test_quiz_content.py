"""The bundled questions: every type is used for real, and the predictions' demos really
report the metric their outcomes are about."""

from __future__ import annotations

from collections import Counter

import pytest

from studyapp.cli import main
from studyapp.cli.quiz_cmd import deep_problems
from studyapp.content import load_content
from studyapp.content.questions import QUESTION_TYPES
from studyapp.runner import run_demo
from tests.conftest import ROOT

CONTENT = load_content(ROOT / "content")


def test_every_type_has_at_least_two_real_questions():
    counts = Counter(q.type for q in CONTENT.questions())
    assert {kind: counts[kind] for kind in QUESTION_TYPES if counts[kind] < 2} == {}


def test_the_overfitting_topic_asks_in_at_least_five_ways():
    kinds = {q.type for q in CONTENT.topic("overfitting").questions}
    assert len(kinds) >= 5, kinds


def test_every_wrong_option_and_every_question_teaches():
    for q in CONTENT.questions():
        assert q.cards, q.id
        if q.type in ("single_choice", "odd_one_out", "multi_choice"):
            assert all(c.explanation for c in q.choices if not c.correct), q.id
        if q.type == "predict_then_run":
            assert all(c.explanation for c in q.choices), q.id


@pytest.mark.parametrize("question", [q for q in CONTENT.questions() if q.type == "predict_then_run"], ids=lambda q: q.id)
def test_prediction_demos_report_their_metric(question):
    # A short run is enough to learn which metrics the demo reports; the settings' validity is checked too.
    from demos import get_demo

    # the shortest run each length parameter allows
    lengths = {p.name: p.min for p in get_demo(question.demo).params if p.name in ("epochs", "steps")}
    quick = {**question.params, **lengths}
    metrics = run_demo(question.demo, quick, seed=question.seed, device="cpu", use_cache=False).result.metrics
    assert question.choices[0].condition.metric in metrics
    question.outcome_that_happened(metrics)  # no KeyError


@pytest.mark.slow
def test_quiz_check_runs_every_prediction_with_its_stated_settings(tmp_path, capsys):
    assert deep_problems(CONTENT, run=True, device="cpu") == []
    # the command, on the overfitting topic (other topics are not this check's business) with the
    # topics its cards and questions refer to: evaluation (the training/validation/test-set
    # cards), normalization (batch normalization) and activations (whose vanishing and exploding
    # gradients the normalization cards refer to)
    for name in ("overfitting.yaml", "evaluation.yaml", "normalization.yaml", "activations.yaml"):
        (tmp_path / name).write_bytes((ROOT / "content" / name).read_bytes())
    assert main(["quiz", "check", str(tmp_path), "--run", "--device", "cpu", "--json"]) == 0
    assert '"valid": true' in capsys.readouterr().out
