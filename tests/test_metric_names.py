"""Measured numbers in words: every metric a prediction question decides by, and every metric
a demo's default run reports, has a name in English and Korean and a way to be written
(96.1%, 25.0 pp, never); a demo without names still works, showing its keys."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from demos import REGISTRY, get_demo
from demos.framework import Metric, T, metric_table
from studyapp.content import load_content
from studyapp.content.questions.predict import Condition, PredictThenRun
from studyapp.text import Text
from tests.conftest import page_text
from tests.test_quiz_pages import fill, quiz_page, right_answer, start

BUNDLED = load_content()


def predictions():
    return [(topic.id, q) for topic in BUNDLED.topics for q in topic.questions if isinstance(q, PredictThenRun)]


def named(metric: Metric, key: str) -> bool:
    name = metric.name
    return bool(name.en.strip() and name.ko.strip()) and key not in (name.en, name.ko)


def test_every_metric_a_prediction_decides_by_has_a_name_in_both_languages():
    found = predictions()
    assert len(found) >= 20  # the scan sees the bundled questions
    missing = [f"{topic}/{q.id}: {q.demo}.{c.metric}" for topic, q in found
               for c in {choice.condition for choice in q.choices}
               if not named(get_demo(q.demo).metric(c.metric), c.metric)]
    assert missing == []


@pytest.mark.slow
@pytest.mark.parametrize("demo_id", list(REGISTRY))
def test_every_metric_of_a_default_run_has_a_name(demo_id):
    import torch

    demo = get_demo(demo_id)
    metrics = demo.run({}, device=torch.device("cpu"), seed=0).metrics
    assert [key for key in metrics if not named(demo.metric(key), key)] == []
    for key, value in metrics.items():  # every value can be written in both languages
        assert demo.metric(key).value(value, "en") and demo.metric(key).value(value, "ko")


def test_values_are_written_as_a_learner_reads_them():
    acc = Metric(T("test accuracy", "테스트 정확도"), "percent")
    assert acc.value(0.961, "en") == "96.1%" and acc.value(0.85, "ko", exact=False) == "85%"
    gap = Metric(T("gap", "차이"), "points")
    assert gap.value(0.25, "en") == "25.0 pp" and gap.value(0.25, "ko") == "25.0%p"
    step = Metric(T("diverged at step", "발산한 스텝"), "step", never=-1)
    assert step.value(37, "en") == "37" and step.value(-1, "en") == "never" and step.value(-1, "ko") == "없음"
    flag = Metric(T("escaped", "탈출"), "flag")
    assert (flag.value(1.0, "en"), flag.value(0.0, "ko")) == ("yes", "아니요")
    assert Metric(T("n", "n"), "count").value(3350.0, "en") == "3,350"
    assert Metric(T("x", "x")).value(0.000123456, "en") == "0.0001235"
    assert acc.value(math.nan, "ko") == "—"
    with pytest.raises(ValueError, match="unit"):
        Metric(T("x", "x"), "furlongs")


def test_a_table_names_variant_times_quantity():
    table = metric_table({"cnn": T("CNN", "CNN")}, {"test_acc": Metric(T("test accuracy", "테스트 정확도"), "percent")})
    assert table["cnn_test_acc"].name == Text("CNN test accuracy", "CNN 테스트 정확도")
    assert get_demo("cnn").measured("cnn_test_acc", 0.961) == Text("CNN test accuracy: 96.1%", "CNN 테스트 정확도: 96.1%")


def test_a_demo_without_names_still_shows_its_keys():
    """Demos added before their names are written keep working: key and a plain number."""
    demo = replace(get_demo("cnn"), metric_names={})
    assert demo.metric("cnn_test_acc").name == Text("cnn_test_acc", "cnn_test_acc")
    assert demo.measured("cnn_test_acc", 0.961).ko == "cnn_test_acc: 0.961"


def test_conditions_read_in_words():
    acc = get_demo("cnn").metric("cnn_test_acc")

    def words(text: str, lang: str) -> str:
        return Condition.parse(text).describe(acc.name(lang), lambda v: acc.value(v, lang, exact=False))

    assert words("cnn_test_acc >= 0.85", "ko") == "CNN 테스트 정확도 ≥ 85%"
    assert words("0.5 <= cnn_test_acc < 0.85", "en") == "50% ≤ CNN test accuracy < 85%"
    assert words("cnn_test_acc < 0.5", "en") == "CNN test accuracy < 50%"


def test_a_korean_prediction_shows_its_outcomes_and_measurement_in_words(monkeypatch, tmp_path):
    from tests.test_question_types_loader import GOOD, HEAD

    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "t.yaml").write_text(HEAD + GOOD["predict_then_run"], encoding="utf-8")
    at = quiz_page(monkeypatch, folder, lang="ko")
    at, session = start(at, types=["predict_then_run"], count=1)
    at = fill(at, session, 0, right_answer(session.items[0]))
    assert not at.exception, at.exception
    text = page_text(at)
    assert "데모가 측정한 값 — 규제 없음 훈련-검증 정확도 차이: " in text and "%p" in text
    assert "규제 없음 훈련-검증 정확도 차이 ≥ 30%p" in text  # an outcome's condition
    assert "plain_acc_gap" not in text  # no metric key in place of words


def test_every_generator_parameter_has_a_name_in_both_languages():
    """A numeric question shows the values drawn for each attempt by name, not by code."""
    from demos.generators import GENERATORS, PARAM_NAMES

    params = {p for g in GENERATORS.values() for p in g.params}
    assert len(params) > 30
    assert sorted((g.name, p) for g in GENERATORS.values() for p in g.params
                  if p not in PARAM_NAMES and p not in g.names) == []
    names = list(PARAM_NAMES.items()) + [item for g in GENERATORS.values() for item in g.names.items()]
    assert [p for p, name in names if not (name.en.strip() and name.ko.strip()) or name.ko == p] == []


def test_a_generator_can_name_a_parameter_its_own_way():
    from demos.generators import param_name

    assert param_name("a1", "cv-mean").en == "fold 1 score"
    assert "component 1 of a" in param_name("a1", "cosine-similarity").en
    assert param_name("nonexistent", None).en == "nonexistent"


def test_a_korean_numeric_question_names_its_drawn_values(monkeypatch):
    at = quiz_page(monkeypatch, lang="ko")
    at, session = start(at, topics=["cnn"], types=["numeric"], count=3)
    shown = [c.value for c in at.caption if "이번 문제에 뽑힌 값" in c.value]
    assert shown, page_text(at)
    assert "in_size" not in shown[0] and "in_channels" not in shown[0] and "kernel" not in shown[0]
    assert any(word in shown[0] for word in ("커널 크기", "입력 채널 수", "입력 크기"))


def test_every_demo_names_its_metrics():
    """Fast and without running anything: a demo with no names at all (one merged without
    them) shows raw keys like `cnn_test_acc 0.961` to its learners."""
    unnamed = [demo_id for demo_id in REGISTRY if not get_demo(demo_id).metric_names]
    assert unnamed == []
    badly = [f"{demo_id}.{key}" for demo_id in REGISTRY for key, metric in get_demo(demo_id).metric_names.items()
             if not named(metric, key)]
    assert badly == []


def test_every_metric_a_demos_figures_read_by_its_key_is_named():
    """The metrics a demo's figures and summary read (`m["test_acc"]`) are the ones it reports."""
    import importlib
    import inspect
    import re

    missing, checked = [], 0
    for demo_id, module in REGISTRY.items():
        try:
            figures = importlib.import_module(f"{module}.figures")
        except ModuleNotFoundError:
            continue
        keys = set(re.findall(r"""\bm(?:etrics)?\[["'](\w+)["']\]""", inspect.getsource(figures)))
        missing += [f"{demo_id}.{key}" for key in sorted(keys) if key not in get_demo(demo_id).metric_names]
        checked += len(keys)
    assert missing == [] and checked > 40
