"""The live class session's logic (studyapp.classroom) over a real progress file: codes, keys
and nicknames, the question state machine, who may do what, one answer per student and
round, tallies without names, results and CSV, flashcard ratings, and a restart."""

from __future__ import annotations

import csv
import io
import json
import random
import threading
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyapp import classroom
from studyapp.classroom import codes, machine
from studyapp.classroom.results import csv_cell
from studyapp.classroom.tally import OTHER, reveal
from studyapp.content import load_content
from studyapp.store import Store
from tests.test_question_types_loader import GOOD, HEAD
from tests.test_quiz_session import fake_generators

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
GAP = {"plain_acc_gap": 0.2}  # the prediction's metric: outcome 1 ("medium") happened


@pytest.fixture
def topics(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "t.yaml").write_text(HEAD + "".join(GOOD.values()), encoding="utf-8")
    content = load_content(folder)
    assert content.errors == []
    return content.topics


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "progress.sqlite3") as opened:
        yield opened


class Class:
    """A session with a teacher's key, an index of the content, and helpers to act at times."""

    def __init__(self, store, topics, seed=1):
        self.store, self.topics = store, topics
        self.rng = random.Random(seed)
        self.index = classroom.question_index(topics)
        self.session, self.key = classroom.start_session(store, now=T0, rng=self.rng)
        self.clock = T0

    def tick(self, seconds=1.0):
        self.clock += timedelta(seconds=seconds)
        return self.clock

    @property
    def fresh(self):
        return self.store.class_session(self.session.id)

    def add(self, *ids):
        by_id = {q.id: (topic, q) for topic, q in classroom.class_questions(self.topics)}
        return classroom.add_questions(self.store, self.fresh, self.key, [by_id[i] for i in ids], seed=5,
                                       generators=fake_generators())

    def act(self, action, **kw):
        return classroom.act(self.store, self.fresh, self.key, action, now=self.tick(), index=self.index, **kw)

    def next(self):
        return classroom.show(self.store, self.fresh, self.key, None, now=self.tick(), index=self.index)

    def on_screen(self):
        return classroom.current(self.store, self.fresh, self.index)

    def join(self, name):
        return classroom.join(self.store, self.session.code, name, now=self.tick(), rng=self.rng)

    def answer(self, student, value):
        return classroom.submit_answer(self.store, self.fresh, student, self.on_screen(), value, now=self.tick(2))

    def answers(self, round_=None):
        entry = self.on_screen()
        return classroom.answers_of(self.store, self.fresh, entry.position, round_ or entry.row.round)


# --- codes, keys, nicknames -----------------------------------------------------------------------


def test_room_codes_are_short_unambiguous_and_typed_forgivingly():
    code = codes.new_code(random.Random(3))
    assert len(code) == 4 and set(code) <= set(codes.ALPHABET)
    assert not set("01OIL") & set(codes.ALPHABET)
    assert codes.normalize_code(" ab-cd ") == "ABCD"
    assert codes.normalize_code("ab cd") == "ABCD"
    for bad in ("AB0D", "ABC", "ABCDEFGH", "", None, 1234):
        assert codes.normalize_code(bad) is None


@given(st.text(max_size=30))
def test_normalizing_any_typed_code_never_fails(text):
    code = codes.normalize_code(text)
    assert code is None or (set(code) <= set(codes.ALPHABET) and 4 <= len(code) <= 6)


def test_keys_are_random_url_safe_and_only_their_hash_is_kept(store):
    rng = random.Random(7)
    a, b = codes.new_token(rng), codes.new_token(rng)
    assert a != b and len(a) == 32 and set(a) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert codes.same_token(a, codes.hash_token(a)) and not codes.same_token(b, codes.hash_token(a))
    assert not codes.same_token(None, codes.hash_token(a)) and not codes.same_token("", None)
    session, key = classroom.start_session(store, now=T0, rng=rng)
    assert key.encode() not in store.path.read_bytes() + (store.path.parent / (store.path.name + "-wal")).read_bytes()
    assert store.class_key_hash(session.id) == codes.hash_token(key)


def test_nicknames_are_plain_short_and_visible():
    assert codes.clean_nickname("  Kim   Min-ji ") == "Kim Min-ji"
    assert codes.clean_nickname("[x](http://e.c)**b**") == "[x](http://e.c)**b**"  # shown as plain text
    assert codes.clean_nickname("Ｋｉｍ") == "Kim"  # full-width letters, NFKC
    for bad, reason in (("", "class_nick_empty"), ("   ", "class_nick_empty"), ("x" * 21, "class_nick_long"),
                        ("evil\u202etxt", "class_nick_control"), ("a\x00b", "class_nick_control"),
                        ("zero\u200bwidth", "class_nick_control")):
        with pytest.raises(classroom.BadNickname) as caught:
            codes.clean_nickname(bad)
        assert caught.value.reason == reason


@given(st.text(max_size=40))
def test_a_nickname_is_clean_or_refused_with_a_reason(text):
    try:
        name = codes.clean_nickname(text)
    except classroom.BadNickname as exc:
        assert exc.reason.startswith("class_nick_")
    else:
        assert 1 <= len(name) <= codes.NICK_MAX and name == name.strip()


# --- the state machine ------------------------------------------------------------------------------


def test_an_ordinary_question_opens_closes_reopens_and_is_revealed():
    step = machine.Step(machine.PENDING, 1, predicts=False, has_run=False)
    assert machine.allowed(step) == (machine.OPEN_VOTE,)
    opened = machine.after(step, machine.OPEN_VOTE, now=T0)
    assert opened == {"phase": "open", "round": 1, "opened_at": T0}
    step = machine.Step("open", 1, False, False)
    assert machine.allowed(step) == (machine.CLOSE_VOTE, machine.REVEAL)
    step = machine.Step("closed", 1, False, False)
    assert machine.after(step, machine.OPEN_VOTE, now=T0) == {"phase": "open", "round": 1}
    assert machine.after(step, machine.REVEAL, now=T0) == {"phase": "revealed"}
    revealed = machine.Step("revealed", 1, False, False)
    assert machine.allowed(revealed) == ()
    for action in machine.ACTIONS:
        with pytest.raises(classroom.BadMove):
            machine.after(revealed, action, now=T0, job="j")


def test_a_prediction_votes_runs_votes_again_and_reveals():
    step = machine.Step("open", 1, predicts=True, has_run=False)
    assert machine.allowed(step) == (machine.CLOSE_VOTE, machine.RUN)  # no reveal before the run
    assert machine.after(step, machine.RUN, now=T0, job="j1") == {"phase": "running", "run_job": "j1", "run_note": None}
    running = machine.Step("running", 1, True, False)
    assert machine.allowed(running) == (machine.RUN,)  # pressed again after a restart
    assert machine.run_ended(running, "j1", "j0", measured="{}", note=None) is None  # an older run
    ended = machine.run_ended(running, "j1", "j1", measured='{"m": 1}', note=None)
    assert ended == {"phase": "closed", "run_job": None, "run_json": '{"m": 1}', "run_note": None}
    ran = machine.Step("closed", 1, True, True)
    assert ran.second_vote_next and machine.allowed(ran) == (machine.OPEN_VOTE, machine.REVEAL)
    assert machine.after(ran, machine.OPEN_VOTE, now=T0) == {"phase": "open", "round": 2}
    again = machine.Step("open", 2, True, True)
    assert machine.allowed(again) == (machine.CLOSE_VOTE, machine.REVEAL)
    failed = machine.run_ended(running, "j1", "j1", measured=None, note="stopped")
    assert failed == {"phase": "closed", "run_job": None, "run_note": "stopped"}
    with pytest.raises(ValueError):
        machine.after(step, machine.RUN, now=T0)  # a run needs its job


# --- a session ----------------------------------------------------------------------------------------


def test_two_students_answer_change_and_the_tally_counts_without_names(store, topics):
    room = Class(store, topics)
    room.add("q-single", "q-tf")
    kim, kim_key = room.join("Kim")
    lee, _ = room.join("Lee")
    with pytest.raises(classroom.BadNickname) as taken:
        room.join("kim")
    assert taken.value.reason == "class_nick_taken"
    room.next()
    entry = room.on_screen()
    assert entry.position == 1 and entry.row.phase == "open" and entry.row.opened_at is not None
    assert room.answer(kim, 1) is False  # stored
    assert room.answer(kim, 0) is True  # replaced: still one answer
    assert room.answer(lee, 0) is False
    assert sorted(room.answers()) == [0, 0]
    rows = store.class_answers(room.session.id, 1)
    assert [r.changes for r in rows if r.student_id == kim.id] == [1]
    result = classroom.tally(entry.item, room.answers())
    shown = {bar.label.en: bar.count for bar in result.bars}
    assert shown == {"a": 2, "b": 0} and all(bar.right is None for bar in result.bars)
    assert "Kim" not in json.dumps([b.label.en for b in result.bars])
    assert classroom.student_of(store, room.fresh, kim_key) == kim
    assert classroom.student_of(store, room.fresh, "not-a-key") is None


def test_answers_are_refused_when_closed_malformed_or_for_another_question(store, topics):
    room = Class(store, topics)
    room.add("q-single", "q-multi", "q-tf")
    kim, _ = room.join("Kim")
    room.next()
    for bad in (True, 5, -1, [0], "0", None, 0.0):
        with pytest.raises(classroom.BadAnswer):
            room.answer(kim, bad)
    stale = room.on_screen()
    room.act(machine.CLOSE_VOTE)
    with pytest.raises(classroom.NotOpen):
        room.answer(kim, 0)
    room.next()  # the multi-choice question
    with pytest.raises(classroom.NotOpen):  # a page still showing question 1 cannot answer it
        classroom.submit_answer(store, room.fresh, kim, stale, 0, now=room.tick())
    for bad in (0, [0, 0], [7], [True]):
        with pytest.raises(classroom.BadAnswer):
            room.answer(kim, bad)
    assert room.answer(kim, [1, 0]) is False
    room.next()
    with pytest.raises(classroom.BadAnswer):
        room.answer(kim, 1)  # true/false takes true or false, not 1
    assert room.answer(kim, False) is False
    classroom.end_session(store, room.fresh, room.key, now=room.tick())
    with pytest.raises(classroom.NotOpen):
        room.answer(kim, True)
    with pytest.raises(classroom.RoomEnded):
        room.join("Late")


def test_only_the_key_opens_the_teachers_actions(store, topics):
    room = Class(store, topics)
    room.add("q-single")
    kim, kim_key = room.join("Kim")
    session = room.fresh
    for key in (None, "", kim_key, room.key[:-1] + "x"):
        with pytest.raises(classroom.NotTeacher):
            classroom.teacher_session(store, session.code, key)
        with pytest.raises(classroom.NotTeacher):
            classroom.show(store, session, key, None, now=T0, index=room.index)
        with pytest.raises(classroom.NotTeacher):
            classroom.act(store, session, key, machine.REVEAL, now=T0, index=room.index)
        with pytest.raises(classroom.NotTeacher):
            classroom.add_questions(store, session, key, [], seed=1, generators={})
        with pytest.raises(classroom.NotTeacher):
            classroom.end_session(store, session, key, now=T0)
    assert room.on_screen() is None and room.fresh.live
    assert classroom.teacher_session(store, session.code.lower(), room.key).id == session.id
    with pytest.raises(classroom.NoRoom):
        classroom.teacher_session(store, "ZZZZ", room.key)


def test_moving_on_closes_the_open_vote_and_opens_the_next(store, topics):
    room = Class(store, topics)
    with pytest.raises(classroom.BadMove):
        room.next()  # nothing added yet
    room.add("q-single", "q-tf")
    room.next()
    room.next()
    first, second = store.class_questions(room.session.id)
    assert (first.phase, second.phase, room.fresh.current) == ("closed", "open", 2)
    with pytest.raises(classroom.BadMove):
        room.next()
    classroom.show(store, room.fresh, room.key, 1, now=room.tick(), index=room.index)  # back to the first
    first, second = store.class_questions(room.session.id)
    assert (first.phase, second.phase, room.fresh.current) == ("closed", "closed", 1)
    version = room.fresh.version
    room.act(machine.REVEAL)
    assert room.fresh.version == version + 1  # pages follow the version
    with pytest.raises(classroom.BadMove):
        room.act(machine.OPEN_VOTE)  # a revealed question stays revealed
    with pytest.raises(classroom.BadMove):
        room.act(machine.RUN)  # nothing to run


def test_a_prediction_is_voted_run_voted_again_and_revealed(store, topics):
    room = Class(store, topics)
    room.add("q-predict")
    kim, _ = room.join("Kim")
    lee, _ = room.join("Lee")
    room.next()
    room.answer(kim, 0)
    room.answer(lee, 2)
    with pytest.raises(classroom.BadMove):
        room.act(machine.REVEAL)  # the run decides what is right
    room.act(machine.RUN, job="job-1")
    assert room.on_screen().row.phase == "running"
    with pytest.raises(classroom.NotOpen):
        room.answer(kim, 1)  # voting closed when the run started
    assert classroom.run_ended(store, room.session.id, 1, "job-0", metrics=GAP) is False  # not this run
    assert classroom.run_ended(store, room.session.id, 1, "job-1", metrics=GAP) is True
    assert classroom.run_ended(store, room.session.id, 1, "job-1", metrics=GAP) is False  # recorded once
    entry = room.on_screen()
    assert entry.metrics == GAP and entry.step.second_vote_next
    room.act(machine.OPEN_VOTE)
    assert room.on_screen().row.round == 2
    room.answer(kim, 1)
    room.answer(lee, 1)
    assert room.answers(1) == [0, 2] and room.answers(2) == [1, 1]  # both rounds kept
    room.act(machine.REVEAL)
    entry = room.on_screen()
    first = classroom.tally(entry.item, room.answers(1), metrics=entry.metrics, mark=True)
    assert [(b.count, b.right) for b in first.bars] == [(1, False), (0, True), (1, False)] and first.correct == 0
    second = classroom.tally(entry.item, room.answers(2), metrics=entry.metrics, mark=True)
    assert second.correct == 2
    shown = reveal(entry.item, room.answers(1), entry.metrics)
    assert shown.right.en == "medium" and "accuracy gap: 20.0 pp" in shown.note.en and shown.common_wrong_count == 1


def test_a_failed_run_goes_back_to_be_run_again(store, topics):
    room = Class(store, topics)
    room.add("q-predict")
    room.next()
    room.act(machine.RUN, job="a")
    room.act(machine.RUN, job="b")  # pressed again (the server restarted mid-run)
    assert classroom.run_ended(store, room.session.id, 1, "a", metrics=GAP) is False
    assert classroom.run_ended(store, room.session.id, 1, "b", metrics=None, note="stopped") is True
    entry = room.on_screen()
    assert (entry.row.phase, entry.row.run_note, entry.metrics) == ("closed", "stopped", None)
    assert machine.RUN in machine.allowed(entry.step)


def test_free_answers_are_tallied_as_given_and_the_rarest_folded(store, topics):
    room = Class(store, topics)
    room.add("q-numeric", "q-order")
    room.next()
    item = room.on_screen().item
    right = item.right_answer()
    students = [room.join(f"s{i}")[0] for i in range(13)]
    values = [right] * 4 + [right + 1] * 2 + [float(100 + i) for i in range(7)]  # 9 distinct answers
    for student, value in zip(students, values):
        room.answer(student, value)
    result = classroom.tally(item, room.answers(), mark=True)
    assert result.answered == 13 and result.correct == 4
    assert result.bars[0].count == 4 and result.bars[0].right is True and result.bars[1].right is False
    assert len(result.bars) == 8 and result.bars[-1] == classroom.Bar(OTHER, 2)
    with pytest.raises(classroom.BadAnswer):
        room.answer(students[0], float("nan"))
    room.next()
    order = room.on_screen().item
    room.answer(students[0], ["forward", "loss", "backward"])
    room.answer(students[1], ["loss", "forward", "backward"])
    with pytest.raises(classroom.BadAnswer):
        room.answer(students[2], ["forward", "forward", "loss"])
    result = classroom.tally(order, room.answers(), mark=True)
    assert [(b.label.en, b.count, b.right) for b in result.bars] == [
        ("forward → loss → backward", 1, True), ("loss → forward → backward", 1, False)]


def test_concurrent_answers_while_the_teacher_closes_are_in_or_refused_never_lost(store, topics):
    room = Class(store, topics)
    room.add("q-single")
    students = [room.join(f"s{i}")[0] for i in range(24)]
    room.next()
    entry, session = room.on_screen(), room.fresh
    stored, refused = [], []

    def answer(student):
        try:
            classroom.submit_answer(store, session, student, entry, 0, now=T0)
            stored.append(student.id)
        except classroom.NotOpen:
            refused.append(student.id)

    threads = [threading.Thread(target=answer, args=(s,)) for s in students]
    for i, thread in enumerate(threads):
        thread.start()
        if i == 12:
            room.act(machine.CLOSE_VOTE)
    for thread in threads:
        thread.join()
    assert len(stored) + len(refused) == 24
    assert sorted(a.student_id for a in store.class_answers(session.id, 1)) == sorted(stored)


def test_results_and_csv_hold_counts_and_escape_formulas(store, topics):
    room = Class(store, topics)
    room.add("q-single", "q-tf", "q-multi")
    a, _ = room.join("=HYPERLINK(\"e.co\")")
    b, _ = room.join("+Lee")
    room.next()
    room.answer(a, 0)
    room.answer(b, 1)
    room.act(machine.REVEAL)
    room.next()
    room.answer(a, True)
    room.next()  # the true/false question closes unrevealed; the multi-choice one opens
    entries = classroom.asked(store, room.fresh, room.index)
    results = classroom.question_results(entries, store.class_answers(room.session.id))
    assert [r.asked.position for r in results] == [1, 2, 3]
    table = list(csv.reader(io.StringIO(classroom.results_csv(results, "en"))))
    assert table[0][:8] == ["position", "topic", "question_id", "question", "type", "round", "answered", "right"]
    assert table[1][2] == "q-single" and table[1][6:9] == ["2", "1", "50.0"] and sorted(table[1][9].split("; ")) == ["a: 1", "b: 1"]
    answers = list(csv.reader(io.StringIO(classroom.answers_csv(entries, store.class_students(room.session.id),
                                                                store.class_answers(room.session.id), "ko"))))
    assert answers[1][0] == "'=HYPERLINK(\"e.co\")" and answers[2][0] == "'+Lee"
    assert answers[3][4] == "참"
    assert [csv_cell(v) for v in ("-1", "@x", "\tx", "ok", 3, -2.5)] == ["'-1", "'@x", "'\tx", "ok", 3, -2.5]


def test_a_student_keeps_revealed_answers_as_flashcard_ratings_once(store, topics):
    room = Class(store, topics)
    room.add("q-single", "q-tf")
    kim, _ = room.join("Kim")
    profile = store.create_profile("kim")
    room.next()
    room.answer(kim, 1)  # wrong
    room.act(machine.REVEAL)
    room.next()
    room.answer(kim, True)  # right, but not revealed yet
    record = classroom.my_record(store, room.fresh, kim, room.index)
    assert [(m.asked.position, m.right) for m in record] == [(1, False)]
    assert classroom.keep_as_flashcards(store, room.fresh, kim, profile.id, index=room.index, now=room.tick()) == 1
    assert classroom.keep_as_flashcards(store, room.fresh, kim, profile.id, index=room.index, now=room.tick()) == 0
    room.act(machine.REVEAL)
    assert classroom.keep_as_flashcards(store, room.fresh, kim, profile.id, index=room.index, now=room.tick()) == 1
    attempts = store.quiz_attempts(profile.id)
    assert [(a.question_id, a.correct, a.mode) for a in attempts] == [("q-single", False, "class"), ("q-tf", True, "class")]
    assert [(r.card_key, r.rating, r.source) for r in store.reviews(profile.id)] == [("c1", 1, "quiz")]  # once per card


def test_a_restart_loses_no_question_and_no_answer(tmp_path, topics):
    path = tmp_path / "progress.sqlite3"
    with Store(path) as first:
        room = Class(first, topics)
        room.add("q-single", "q-tf")
        kim, kim_key = room.join("Kim")
        room.next()
        room.answer(kim, 0)
        code, key = room.session.code, room.key
    with Store(path) as second:  # a new server process
        session = classroom.teacher_session(second, code, key)
        index = classroom.question_index(topics)
        entry = classroom.current(second, session, index)
        assert (entry.position, entry.row.phase) == (1, "open")
        assert classroom.answers_of(second, session, 1, 1) == [0]
        student = classroom.student_of(second, session, kim_key)
        assert student.nickname == "Kim"
        assert classroom.submit_answer(second, session, student, entry, 1, now=T0) is True
        assert classroom.answers_of(second, session, 1, 1) == [1]


def test_codes_of_live_sessions_differ_and_stale_sessions_end(store):
    rng = random.Random(0)
    made = [classroom.start_session(store, now=T0, rng=rng)[0] for _ in range(30)]
    assert len({s.code for s in made}) == 30
    later, _ = classroom.start_session(store, now=T0 + timedelta(days=2), rng=rng)
    assert all(not store.class_session(s.id).live for s in made) and store.class_session(later.id).live
    assert classroom.find_session(store, made[0].code).id == made[0].id  # an ended room can still be read


def test_only_types_that_say_so_are_put_to_a_class(topics):
    picked = sorted(q.type for _, q in classroom.class_questions(topics))
    assert "typed" not in picked and "matching" not in picked and len(picked) == 7
