"""The class pages through Streamlit's AppTest: a teacher, two students and the projector in
one session, each its own browser session: join, answer, change an answer, reveal, a
prediction voted, run live and voted again, a reload mid-question, a student trying the
teacher's controls, the results, and the presenter view in both languages."""

from __future__ import annotations

import time

import pytest

from studyapp.classroom import codes
from studyapp.content import load_content
from studyapp.store import Store
from tests.conftest import make_app, open_page, page_text
from tests.test_question_types_loader import GOOD, HEAD

QUESTIONS = ("single_choice", "true_false", "predict_then_run", "numeric", "ordering")


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "content"
    path.mkdir()
    (path / "t.yaml").write_text(HEAD + "".join(GOOD[k] for k in QUESTIONS), encoding="utf-8")
    assert load_content(path).errors == []
    return path


def page(monkeypatch, folder, url_path, lang="en", **query):
    """A fresh browser session opened at /url_path?query (a reload is another one of these)."""
    at = make_app(monkeypatch, content=folder, lang=lang, timeout=180)
    at.query_params.update(query)
    open_page(at, url_path)
    assert not at.exception, at.exception
    return at


def click(at, label_part: str):
    button = next(b for b in at.button if label_part in b.label)
    button.click().run()
    assert not at.exception, at.exception
    return at


def press(at, key: str):
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def start_class(monkeypatch, folder):
    teacher = page(monkeypatch, folder, "teach")
    press(teacher, "class-start")
    room, key = teacher.query_params["room"], teacher.query_params["key"]
    press(teacher, "class-add-all")  # the topic's five questions
    return teacher, room, key


def join(monkeypatch, folder, room, name, lang="en"):
    student = page(monkeypatch, folder, "join", lang=lang, room=room)
    student.text_input(key="class-join-name").input(name)
    click(student, "Join" if lang == "en" else "참여")
    assert student.query_params["room"] == room and "me" in student.query_params
    return student


def vote(student, option_text: str):
    """Tap the option button whose label ends with the option's text."""
    button = next(b for b in student.button if b.label.endswith("· " + option_text))
    button.click().run()
    assert not student.exception, student.exception


def answers(db, position, round_=1):
    with Store(db) as store:
        session = store.class_session(1)
        return sorted((a.student_id, a.answer_json) for a in store.class_answers(session.id, position, round_))


def wait_for_phase(db, position, phase, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with Store(db) as store:
            row = store.class_question(1, position)
        if row.phase == phase:
            return row
        time.sleep(0.2)
    raise AssertionError(f"question {position} never reached {phase}; it is {row.phase}")


def test_a_teacher_and_two_students_run_a_class(monkeypatch, folder, isolated_progress_db):
    db = isolated_progress_db
    teacher, room, key = start_class(monkeypatch, folder)
    assert "Room" in page_text(teacher) and room in page_text(teacher)
    kim = join(monkeypatch, folder, room, "Kim")
    lee = join(monkeypatch, folder, room, "**Lee**[x](e.c)")  # Markdown in a name stays plain text
    assert "Waiting for the teacher" in page_text(kim)
    assert [t.value for t in lee.text][0].endswith("you are **Lee**[x](e.c)")
    projector = page(monkeypatch, folder, "present", room=room)
    assert f"Room {room}" in page_text(projector) and "2 joined" in page_text(projector)

    press(teacher, "teach-next")  # question 1 (single choice) opens
    for who in (kim, lee, projector):
        who.run()
    assert "Voting is open" in page_text(kim)
    vote(kim, "b")
    assert "Answer saved" in page_text(kim) and "Your answer: **b**" in page_text(kim)
    vote(kim, "a")  # changed: still one answer
    assert "Answer changed" in page_text(kim)
    vote(lee, "a")
    assert answers(db, 1) == [(1, "0"), (2, "0")]
    projector.run()
    text = page_text(projector)
    assert "Answers: **2**" in text and "Kim" not in text and "Lee" not in text  # counts, never names

    kim_again = page(monkeypatch, folder, "join", room=room, me=kim.query_params["me"])  # a reload
    assert "Your answer: **a**" in page_text(kim_again) and "you are Kim" in kim_again.text[0].value

    press(teacher, "teach-reveal")
    for who in (kim, projector):
        who.run()
    assert "You were right." in page_text(kim)
    assert "Right answer: a" in page_text(projector)
    assert not [b for b in kim.button if "· a" in b.label]  # no voting after the reveal

    press(teacher, "teach-next")  # question 2 (true/false); kim answers, lee does not
    kim.run()
    vote(kim, "False")
    press(teacher, "teach-close")
    kim.run()
    assert "Voting is closed" in page_text(kim) and not [b for b in kim.button if "True" in b.label]

    press(teacher, "teach-next")  # question 3: predict, then run
    for who in (kim, lee):
        who.run()
        assert "Demo: " in page_text(who)
    vote(kim, "small")
    vote(lee, "large")
    from studyapp.runner import clear_cache

    clear_cache()  # train it now, live, even if another test ran these settings before
    press(teacher, "teach-run")
    assert "The demo is running on the projector" in page_text(teacher)
    projector.run()  # follows the run until it ends (live chart), then redraws
    assert not projector.exception, projector.exception
    assert wait_for_phase(db, 3, "closed").run_json is not None  # recorded by the server's thread
    teacher.run()
    projector.run()
    assert "The demo has run" in page_text(projector)
    assert projector.get("plotly_chart")  # the run's figures (and the tally)
    press(teacher, "teach-open")  # vote again, having seen the run
    kim.run()
    assert "after the run" in page_text(kim)
    vote(kim, "medium")
    assert answers(db, 3, 1) == [(1, "0"), (2, "2")] and answers(db, 3, 2) == [(1, "1")]
    press(teacher, "teach-reveal")
    projector.run()
    assert "Measured by the demo — no regularization train-validation accuracy gap" in page_text(projector)
    assert "Vote 1" in page_text(projector) and "Vote 2" in page_text(projector)

    press(teacher, "teach-next")  # question 4 (numeric): a form, as in the quiz
    kim.run()
    kim.number_input(key=f"class-{room}-4-1").set_value(7)
    click(kim, "Submit answer")
    assert "Your answer: **7**" in page_text(kim)

    teacher.checkbox(key="class-end-sure").check().run()
    press(teacher, "class-end")
    for who in (kim, projector):
        who.run()
    assert "This class session has ended." in page_text(kim) and "My answers: 2 of 2 right" in page_text(kim)
    assert "This class session has ended." in page_text(projector)
    assert [b.label for b in teacher.get("download_button")] == [
        "Results per question (CSV)", "Every answer, with nicknames (CSV)"]


def test_a_student_cannot_use_the_teachers_controls(monkeypatch, folder, isolated_progress_db):
    teacher, room, key = start_class(monkeypatch, folder)
    press(teacher, "teach-next")
    kim = join(monkeypatch, folder, room, "Kim")
    assert not [b for b in kim.button if b.key and b.key.startswith(("teach-", "projector-"))]
    for query in ({"room": room}, {"room": room, "key": "guess"}, {"room": room, "key": kim.query_params["me"]}):
        sneaky = page(monkeypatch, folder, "teach", **query)
        assert "These controls need the teacher's link" in page_text(sneaky)
        assert not [b for b in sneaky.button if b.key and b.key.startswith("teach-")]
    viewer = page(monkeypatch, folder, "present", room=room, key="guess")
    assert "These controls need the teacher's link" in page_text(viewer)
    assert "key" not in viewer.query_params  # taken out of the address either way
    assert not [b for b in viewer.button if b.key and b.key.startswith("projector-")]
    with Store(isolated_progress_db) as store:
        assert store.class_question(1, 1).phase == "open"  # nothing changed


def test_the_projector_takes_the_key_out_of_its_address(monkeypatch, folder):
    teacher, room, key = start_class(monkeypatch, folder)
    projector = page(monkeypatch, folder, "present", room=room, key=key)
    assert "key" not in projector.query_params and key not in page_text(projector)
    assert [b.key for b in projector.button if b.key and b.key.startswith("projector-")] == [
        "projector-open", "projector-run", "projector-reveal", "projector-next"]
    press(projector, "projector-next")  # the controls work from the projector's tab
    assert "Voting is open" in page_text(projector)
    korean = page(monkeypatch, folder, "present", lang="ko", room=room)
    assert "투표 중입니다" in page_text(korean)


def test_joining_explains_what_is_wrong(monkeypatch, folder):
    teacher, room, key = start_class(monkeypatch, folder)
    join(monkeypatch, folder, room, "Kim")
    student = page(monkeypatch, folder, "join")
    student.text_input(key="class-join-code").input("ZZZZ")
    student.text_input(key="class-join-name").input("Lee")
    click(student, "Join")
    assert "No class with the code ZZZZ" in page_text(student)
    student.text_input(key="class-join-code").input(room.lower())
    student.text_input(key="class-join-name").input("kim")
    click(student, "Join")
    assert "already has that nickname" in page_text(student) and "me" not in student.query_params
    student.text_input(key="class-join-name").input("evil\u202eman")
    click(student, "Join")
    assert "control or invisible" in page_text(student)
    lost = page(monkeypatch, folder, "join", room=room, me=codes.new_token(__import__("random").Random(1)))
    assert "Type the room code" in page_text(lost)  # an unknown key: join again


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_presenter_view_steps_through_a_topic(monkeypatch, folder, lang):
    at = page(monkeypatch, folder, "present", lang=lang, topic="t")
    assert at.selectbox(key="present-topic").value == "t"
    keys = {b.key for b in at.button}
    assert {"present-back", "present-next"} <= keys
    assert at.query_params["step"] == "0"
    press(at, "present-next")
    assert at.query_params["step"] == "1"
    reveal_key = next(b.key for b in at.button if b.key and b.key.startswith("present-reveal-"))
    press(at, reveal_key)
    assert ("Right answer" if lang == "en" else "정답") in page_text(at)
    again = page(monkeypatch, folder, "present", lang=lang, topic="t", step="1")  # a reload stays on the step
    assert again.selectbox(key="present-step").value == 1
