"""Each question type has one home, its module in studyapp/content/questions/ (model, shuffle,
right answer, grader, GIFT form), and one widget in studyapp/ui/quiz/widgets/; both are found
through their registries, and no other module spells a type's name."""

from __future__ import annotations

import ast

import pytest

from studyapp.content import load_content
from studyapp.content.questions import QUESTION_MODELS, QUESTION_TYPES, question_model
from studyapp.quiz import grade, make_item
from studyapp.text import Text
from tests.conftest import ROOT
from tests.test_question_types_loader import GOOD, HEAD
from tests.test_quiz_session import fake_generators

HOMES = ("studyapp/content/questions/", "studyapp/ui/quiz/widgets/")
# Modules that may name a type without dispatching on it, and why.
NAMED_ELSEWHERE = {"studyapp/quiz/confusables.py": "builds its generated questions as single_choice"}


def test_the_registry_holds_every_type_in_menu_order():
    assert QUESTION_TYPES == ("single_choice", "multi_choice", "true_false", "ordering", "matching",
                              "odd_one_out", "typed", "numeric", "predict_then_run")
    positions = [model.position for model in QUESTION_MODELS]
    assert positions == sorted(set(positions))
    for kind, model in zip(QUESTION_TYPES, QUESTION_MODELS):
        assert question_model(kind) is model
        for text in (model.label, model.hint):
            assert isinstance(text, Text) and text.en.strip() and text.ko.strip()
    with pytest.raises(KeyError, match="unknown question type"):
        question_model("essay")


def test_every_type_has_a_widget_and_every_widget_a_type():
    from studyapp.ui.quiz.widgets import REGISTRY

    assert sorted(REGISTRY) == sorted(QUESTION_TYPES)


def test_each_types_right_answer_scores_full_marks(tmp_path):
    (tmp_path / "t.yaml").write_text(HEAD + "".join(GOOD.values()), encoding="utf-8")
    content = load_content(tmp_path)
    assert content.errors == [] and sorted(q.type for q in content.questions()) == sorted(QUESTION_TYPES)
    for question in content.questions():
        item = make_item("t", question, seed=3, generators=fake_generators())
        right = item.right_answer()
        if right is None:  # a prediction: the demo's metric decides what was right
            assert grade(item, 1, metrics={"plain_acc_gap": 0.2}).score == 1.0
        else:
            assert grade(item, right).score == 1.0, question.type


def test_type_names_are_spelled_only_in_their_homes():
    found = []
    for path in sorted((ROOT / "studyapp").rglob("*.py")):
        where = path.relative_to(ROOT).as_posix()
        if where.startswith(HOMES) or where in NAMED_ELSEWHERE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in QUESTION_TYPES:
                found.append(f"{where}:{node.lineno}: {node.value!r}")
    assert found == [], "dispatch through the type (its model's methods, its widget), not on its name"
