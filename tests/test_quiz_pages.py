"""The quiz page through Streamlit's AppTest: every question type answered, practice and
exam modes, the timer, the confusables drill, and results stored for the profile."""

from __future__ import annotations

import pytest

from studyapp.content import load_content
from studyapp.content.questions import QUESTION_TYPES
from studyapp.runner import run_demo
from studyapp.store import Store
from tests.conftest import make_app, open_page, page_text
from tests.test_question_types_loader import GOOD, HEAD


@pytest.fixture
def folder(tmp_path):
    """One topic with one question of every type (the predicting one trains a tiny network)."""
    path = tmp_path / "content"
    path.mkdir()
    (path / "t.yaml").write_text(HEAD + "".join(GOOD.values()), encoding="utf-8")
    assert load_content(path).errors == []
    return path


def quiz_page(monkeypatch, content=None, lang="en", seed=11):
    at = make_app(monkeypatch, content=content, lang=lang, timeout=120)
    at.session_state["quiz-next-seed"] = seed
    return open_page(at, "quiz")


def start(at, *, types=None, count=None, mode=None, minutes=None, topics=None):
    if mode is not None:
        at.radio(key="quiz-mode").set_value(mode).run()  # the timer is only enabled for exams
    if topics is not None:
        at.multiselect(key="quiz-topics").set_value(topics)
    if types is not None:
        at.multiselect(key="quiz-types").set_value(types)
    if count is not None:
        at.number_input(key="quiz-count").set_value(count)
    if minutes is not None:
        at.number_input(key="quiz-minutes").set_value(minutes)
    at.button(key="quiz-start").click().run()
    assert not at.exception, at.exception
    return at, at.session_state["quiz"]


def button(at, *labels):
    return next(b for b in at.button if b.label in labels)


def right_answer(item):
    """What a learner who knows the answer enters, in the widgets' terms."""
    if item.type == "predict_then_run":
        q = item.question
        metrics = run_demo(q.demo, q.params, seed=q.seed, device="cpu").result.metrics  # cached: the page reuses it
        metric = q.choices[0].condition.metric
        return next(i for i, c in enumerate(q.choices) if c.condition.holds(metrics[metric]))
    if item.type == "typed":
        return "Validation"  # case differs from the model answer: graded tolerantly
    return item.right_answer()


def fill(at, session, index, answer):
    item = session.items[index]
    key = f"quiz-{session.id}-{index}"
    kind = item.type
    if kind in ("single_choice", "odd_one_out", "predict_then_run", "true_false"):
        at.radio(key=key).set_value(answer)
    elif kind == "multi_choice":
        for i in range(len(item.question.choices)):
            at.checkbox(key=f"{key}-{i}").set_value(i in answer)
    elif kind in ("ordering", "matching"):
        for position, value in enumerate(answer):
            at.selectbox(key=f"{key}-{position}").set_value(value)
    elif kind == "typed":
        at.text_input(key=key).input(answer)
    elif kind == "numeric":
        at.number_input(key=key).set_value(answer)
    return button(at, "Submit answer", "Predict and run the demo", "답 제출", "예측하고 데모 실행").click().run()


@pytest.mark.parametrize("kind", QUESTION_TYPES)
def test_answering_each_type_in_practice_mode(monkeypatch, folder, kind):
    at = quiz_page(monkeypatch, folder)
    assert "Quiz" in page_text(at)
    at, session = start(at, types=[kind], count=5)
    assert [item.type for item in session.items] == [kind]
    item = session.items[0]
    assert item.text(item.question.prompt).en in page_text(at)
    at = fill(at, session, 0, right_answer(item))
    assert not at.exception, at.exception
    assert [s.value for s in at.success][:1] == ["Correct!"], page_text(at)
    if kind == "predict_then_run":
        assert "Measured by the demo — no regularization train-validation accuracy gap: " in page_text(at)
        assert len(at.get("plotly_chart")) >= 1  # the demo's own chart
    at = button(at, "See the results").click().run()
    assert "Results" in page_text(at) and "100%" in [m.value for m in at.metric]
    assert "No mistakes" in page_text(at)


def test_the_shown_order_survives_reruns(monkeypatch, folder):
    at = quiz_page(monkeypatch, folder)
    at, session = start(at, types=["single_choice", "multi_choice", "odd_one_out"], count=3)
    key = f"quiz-{session.id}-0"
    item = session.items[0]
    widget = at.radio(key=key) if item.type != "multi_choice" else None
    shown = list(widget.options) if widget is not None else [c.label for c in at.checkbox]
    for _ in range(2):
        at.run()
        again = list(at.radio(key=key).options) if widget is not None else [c.label for c in at.checkbox]
        assert again == shown
    assert at.session_state["quiz"] is session


def test_wrong_answers_teach_in_korean(monkeypatch):
    at = quiz_page(monkeypatch, lang="ko", seed=3)
    at, session = start(at, types=["typed"], count=1, topics=["overfitting"])  # its typed questions list misconceptions
    question = session.items[0].question
    wrong = question.misconceptions[0]
    at = fill(at, session, 0, wrong.answers[0])
    text = page_text(at)
    assert "아쉽지만 틀렸습니다." in [e.value for e in at.error]
    assert wrong.explanation.ko in text and "설명" in text


def test_a_missing_match_is_not_graded(monkeypatch, folder):
    at = quiz_page(monkeypatch, folder)
    at, session = start(at, types=["matching"], count=1)
    at = button(at, "Submit answer").click().run()
    assert "Choose a match for every item." in [w.value for w in at.warning]
    assert session.responses == {}


def test_ordering_slots_start_empty_and_an_untouched_answer_is_not_graded(monkeypatch, folder):
    at = quiz_page(monkeypatch, folder)
    at, session = start(at, types=["ordering"], count=1)
    key = f"quiz-{session.id}-0"
    steps = len(session.items[0].question.items)
    assert [at.selectbox(key=f"{key}-{n}").value for n in range(steps)] == [None] * steps
    at = button(at, "Submit answer").click().run()
    assert "Choose a step for every position." in [w.value for w in at.warning]
    assert session.responses == {}


def test_ordering_feedback_marks_the_steps_to_move(monkeypatch, folder):
    at = quiz_page(monkeypatch, folder)
    at, session = start(at, types=["ordering"], count=1)
    right = session.items[0].question.answer
    shifted = right[1:] + right[:1]  # every position wrong, yet most steps in the right order
    at = fill(at, session, 0, shifted)
    text = page_text(at)
    assert f"1 of {len(right)} steps to move" in text
    assert text.count("✘") == 1


def test_exam_mode_keeps_feedback_for_the_end_and_stores_attempts(monkeypatch, folder, isolated_progress_db):
    at = quiz_page(monkeypatch, folder)
    at, session = start(at, types=["true_false", "typed", "ordering"], count=3, mode="exam")
    answers = {"true_false": False, "typed": "validation", "ordering": ["forward", "loss", "backward"]}
    for index, item in enumerate(session.items):
        at = fill(at, session, index, answers[item.type])
        assert not at.exception
        if index < len(session.items) - 1:
            assert not at.success and not at.error  # no verdict during an exam
            assert f"{index + 1} of 3 answered" in page_text(at)
    assert session.finished
    text = page_text(at)
    assert "Results" in text and "**Review the questions you missed** (1)" in text
    assert "Your answer: **False** · right answer: **True**" in text  # the missed true/false, reviewed
    assert [m.value for m in at.metric][:2] == ["67%", "2/3"]
    with Store(isolated_progress_db) as store:
        profile = store.profile_by_name("default")
        attempts = store.quiz_attempts(profile.id, session_id=session.id)
        assert sorted(a.question_id for a in attempts) == sorted(i.question.id for i in session.items)
        assert {a.mode for a in attempts} == {"exam"}
        assert sum(a.correct for a in attempts) == 2
        # c1 is tested by all three; only the first answer rates it
        assert [r.card_key for r in store.reviews(profile.id)] == ["c1"]


def test_exam_timer_ends_the_quiz(monkeypatch, folder):
    import studyapp.ui.quiz as quiz_page_module

    clock = [1_000_000.0]
    monkeypatch.setattr(quiz_page_module, "now", lambda: clock[0])
    at = quiz_page(monkeypatch, folder)
    at, session = start(at, types=["true_false", "typed"], count=2, mode="exam", minutes=1)
    assert "01:00" in page_text(at)
    clock[0] += 61
    at.run()
    assert "Time is up" in " ".join(w.value for w in at.warning)
    assert "Results" in page_text(at) and "0/2" in [m.value for m in at.metric]


def test_confusables_drill_serves_a_group_together(monkeypatch):
    at = quiz_page(monkeypatch, seed=5)
    at, session = start(at, mode="drill", count=6)
    first = session.items[0]
    assert first.question.id.startswith("drill-") and len(first.group) >= 2
    assert all(item.group == first.group for item in session.items[: len(first.group)])
    assert "Which term is described here?" in page_text(at)
    wrong = next(i for i, c in enumerate(first.question.choices) if not c.correct)
    at = fill(at, session, 0, wrong)
    assert first.question.choices[wrong].explanation.en in page_text(at)  # the card's own "difference" text


def test_without_a_profile_the_quiz_still_works_and_says_so(monkeypatch, folder, isolated_progress_db):
    with Store(isolated_progress_db) as store:  # two profiles: none is chosen automatically
        store.create_profile("ann")
        store.create_profile("bob")
    at = quiz_page(monkeypatch, folder)
    at, session = start(at, types=["true_false"], count=1)
    at = fill(at, session, 0, True)
    assert "Progress is not saved: no profile selected" in page_text(at)
    assert [s.value for s in at.success][:1] == ["Correct!"]
