"""The bundled content is valid, complete in both languages, and its schema file is current."""

from __future__ import annotations

import json

from studyapp.cli.content_cmd import topic_schema
from studyapp.content import load_content
from tests.conftest import ROOT


def test_bundled_content_has_no_errors():
    content = load_content(ROOT / "content")
    assert [str(e) for e in content.errors] == []
    assert content.topic("overfitting") is not None


def test_overfitting_topic_covers_the_required_terms():
    topic = load_content(ROOT / "content").topic("overfitting")
    ids = {card.id for card in topic.cards}
    assert {"overfitting", "underfitting", "generalization",
            "dropout", "weight-decay", "early-stopping", "data-augmentation",
            "overloading", "overriding", "overflow"} <= ids
    assert "overfitting" in topic.demos and topic.questions


def test_evaluation_topic_covers_the_required_terms():
    topic = load_content(ROOT / "content").topic("evaluation")
    ids = {card.id for card in topic.cards}
    assert {"training-set", "validation-set", "test-set", "hold-out-validation", "cross-validation",
            "k-fold-cross-validation", "cv-score-spread", "stratified-k-fold", "leave-one-out",
            "data-leakage", "group-k-fold", "nested-cross-validation"} <= ids
    assert "kfold" in topic.demos and topic.questions


def test_every_topic_file_points_editors_at_the_schema():
    for path in (ROOT / "content").glob("*.yaml"):
        assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=./topic.schema.json"), path


def test_shipped_schema_is_up_to_date():
    shipped = json.loads((ROOT / "content" / "topic.schema.json").read_text(encoding="utf-8"))
    assert shipped == topic_schema(), "run: studyapp schema --out content/topic.schema.json"
