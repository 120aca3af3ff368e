"""A live class session over the progress store: start it, join it, ask questions, answer,
run, reveal, end, and keep one's answers as flashcard ratings.

Who may do what:
- every teacher action takes the session's secret key and checks it against the stored
  hash first (`NotTeacher` otherwise); the key never leaves the teacher's own links;
- a student is whoever holds a student key (made when they joined); they can answer the
  question on screen while it is open, once per round (a new answer replaces the old one),
  and see only their own answers and nickname.
Every change runs as one transaction that checks the state it changes (studyapp.store), so
an answer that arrives as the teacher closes the question is either in or refused, never
lost in between. Time (`now`) and randomness (`rng`) are passed in.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping, Sequence

from studyapp.classroom import machine
from studyapp.classroom.codes import CODE_LENGTH, clean_nickname, hash_token, new_code, new_token, normalize_code
from studyapp.classroom.codes import same_token
from studyapp.classroom.errors import BadAnswer, BadNickname, NoRoom, NotOpen, NotTeacher, RoomEnded
from studyapp.content.questions import AnswerError, Generators
from studyapp.quiz.session import Item, QuizSession, QuizSettings, Response, grade, make_item
from studyapp.store import ClassQuestion, ClassSession, ClassStudent, Plan, Store

STALE_AFTER = timedelta(hours=24)  # a live session this old is ended when a new one starts
CODE_TRIES = 50  # fresh codes tried before a longer one


@dataclass(frozen=True)
class Asked:
    """One question of a session as everybody sees it: the stored row, and the item (None
    when its topic file no longer has the question)."""

    row: ClassQuestion
    item: Item | None

    @property
    def position(self) -> int:
        return self.row.position

    @property
    def metrics(self) -> dict[str, float] | None:
        return json.loads(self.row.run_json) if self.row.run_json else None

    @property
    def step(self) -> machine.Step:
        predicts = self.item is not None and self.item.right_answer() is None
        return machine.Step(self.row.phase, self.row.round, predicts, self.row.run_json is not None)


# --- sessions and keys ---------------------------------------------------------------------------


def start_session(store: Store, *, now: datetime, rng: random.Random) -> tuple[ClassSession, str]:
    """A new live session and the teacher's key (shown once: it goes into the teacher's link)."""
    store.end_class_sessions_before(now - STALE_AFTER, now)
    key = new_token(rng)
    for attempt in range(CODE_TRIES * 3):
        length = CODE_LENGTH + attempt // CODE_TRIES  # crowded: the codes grow a letter
        session = store.create_class_session(new_code(rng, length), hash_token(key), now)
        if session is not None:
            return session, key
    raise RuntimeError("no free room code")  # 31**6 codes; not reached in practice


def find_session(store: Store, code_text: str | None) -> ClassSession:
    code = normalize_code(code_text)
    session = store.class_session_by_code(code) if code else None
    if session is None:
        raise NoRoom("class_no_room", code=(code_text or "").strip()[:12])
    return session


def is_teacher(store: Store, session: ClassSession, key: str | None) -> bool:
    return same_token(key, store.class_key_hash(session.id))


def teacher_session(store: Store, code_text: str | None, key: str | None) -> ClassSession:
    """The session whose controls `key` opens, or NotTeacher (NoRoom for an unknown code)."""
    session = find_session(store, code_text)
    if not is_teacher(store, session, key):
        raise NotTeacher()
    return session


def _check(store: Store, session: ClassSession, key: str | None, *, live: bool = True) -> None:
    if not is_teacher(store, session, key):
        raise NotTeacher()
    if live and not session.live:
        raise RoomEnded()


# --- students ------------------------------------------------------------------------------------


def join(store: Store, code_text: str | None, nickname: str | None, *, now: datetime,
         rng: random.Random) -> tuple[ClassStudent, str]:
    """Join a live session under a nickname; the student's key keeps them who they are."""
    session = find_session(store, code_text)
    if not session.live:
        raise RoomEnded()
    name = clean_nickname(nickname)
    token = new_token(rng)
    student = store.add_class_student(session.id, name, hash_token(token), now)
    if student is None:
        raise BadNickname("class_nick_taken")
    return student, token


def student_of(store: Store, session: ClassSession, token: str | None) -> ClassStudent | None:
    """The student this key belongs to, if they joined this session."""
    if not token or not isinstance(token, str):
        return None
    student = store.class_student_by_token(hash_token(token))
    return student if student is not None and student.session_id == session.id else None


# --- the questions -------------------------------------------------------------------------------


def draw_json(item: Item) -> str:
    return json.dumps({"order": list(item.order), "values": dict(item.values), "expected": item.expected,
                       "traps": list(item.traps)}, sort_keys=True)


def item_of(row: ClassQuestion, questions: Mapping[tuple[str, str], Any]) -> Item | None:
    """The item as drawn when it was added (every student sees the same order and numbers)."""
    question = questions.get((row.topic_id, row.question_id))
    if question is None:
        return None
    drawn = json.loads(row.draw_json)
    return Item(question, row.topic_id, tuple(drawn["order"]), drawn["values"], drawn["expected"],
                tuple(drawn["traps"]))


def question_index(topics: Iterable) -> dict[tuple[str, str], Any]:
    """(topic id, question id) -> question, for `item_of`."""
    return {(topic.id, q.id): q for topic in topics for q in topic.questions}


def class_questions(topics: Iterable) -> list[tuple[str, Any]]:
    """(topic id, question) for every question a class can answer live (its type says so)."""
    return [(topic.id, q) for topic in topics for q in topic.questions if type(q).classroom]


def asked(store: Store, session: ClassSession, questions: Mapping[tuple[str, str], Any]) -> list[Asked]:
    return [Asked(row, item_of(row, questions)) for row in store.class_questions(session.id)]


def current(store: Store, session: ClassSession, questions: Mapping[tuple[str, str], Any]) -> Asked | None:
    if session.current is None:
        return None
    row = store.class_question(session.id, session.current)
    return Asked(row, item_of(row, questions)) if row else None


def add_questions(store: Store, session: ClassSession, key: str | None, picks: Sequence[tuple[str, Any]], *,
                  seed: int, generators: Generators) -> list[int]:
    """Add (topic id, question) picks as pending questions, each drawn once (shuffled options,
    generated numbers) so that every student sees the same; their positions."""
    _check(store, session, key)
    rows = []
    for topic_id, question in picks:
        if not type(question).classroom:
            raise BadAnswer("class_not_for_class", question=question.id)
        item = make_item(topic_id, question, seed=seed, generators=generators)
        rows.append((topic_id, question.id, draw_json(item)))
    return store.add_class_questions(session.id, rows)


def _steps(questions: Sequence[ClassQuestion], index: Mapping[tuple[str, str], Any]) -> dict[int, machine.Step]:
    return {row.position: Asked(row, item_of(row, index)).step for row in questions}


def act(store: Store, session: ClassSession, key: str | None, action: str, *, now: datetime,
        index: Mapping[tuple[str, str], Any], job: str | None = None) -> ClassSession:
    """One of machine.ACTIONS on the question on screen."""
    _check(store, session, key)

    def plan(fresh: ClassSession, rows: list[ClassQuestion]) -> Plan:
        if not fresh.live:
            raise RoomEnded()
        if fresh.current is None:
            raise machine.BadMove("class_bad_move", action=action, phase="-")
        step = _steps(rows, index)[fresh.current]
        return Plan({fresh.current: machine.after(step, action, now=now, job=job)})

    return store.change_class_session(session.id, plan)


def show(store: Store, session: ClassSession, key: str | None, position: int | None, *, now: datetime,
         index: Mapping[tuple[str, str], Any]) -> ClassSession:
    """Put question `position` on screen (None: the next one after the current): the one that
    was there stops taking answers, a pending one opens."""
    _check(store, session, key)

    def plan(fresh: ClassSession, rows: list[ClassQuestion]) -> Plan:
        if not fresh.live:
            raise RoomEnded()
        steps = _steps(rows, index)
        target = position
        if target is None:
            later = [p for p in steps if fresh.current is None or p > fresh.current]
            if not later:
                raise machine.BadMove("class_no_next")
            target = min(later)
        if target not in steps:
            raise machine.BadMove("class_no_next")
        updates = {}
        if fresh.current is not None and fresh.current != target:
            updates[fresh.current] = machine.leave(steps[fresh.current])
        updates[target] = machine.arrive(steps[target], now=now)
        return Plan({p: u for p, u in updates.items() if u}, current=target)

    return store.change_class_session(session.id, plan)


def run_ended(store: Store, session_id: int, position: int, job: str, *,
              metrics: Mapping[str, float] | None, note: str | None = None) -> bool:
    """Record how run `job` ended (its metrics, or a note saying why none). Not a teacher
    action: the server's own run reports it, whichever page (or thread) sees it end first;
    recording it twice changes nothing. True when this call recorded it."""
    measured = json.dumps(dict(metrics), sort_keys=True) if metrics is not None else None
    recorded = []

    def plan(fresh: ClassSession, rows: list[ClassQuestion]) -> Plan:
        row = next((r for r in rows if r.position == position), None)
        if row is None:
            return Plan({})
        step = machine.Step(row.phase, row.round, True, row.run_json is not None)
        changes = machine.run_ended(step, row.run_job, job, measured=measured, note=note)
        if changes:
            recorded.append(position)
        return Plan({position: changes} if changes else {})

    store.change_class_session(session_id, plan)
    return bool(recorded)


def end_session(store: Store, session: ClassSession, key: str | None, *, now: datetime) -> None:
    _check(store, session, key, live=False)
    store.end_class_session(session.id, now)


# --- answers -------------------------------------------------------------------------------------


def check_answer(item: Item, answer: Any) -> None:
    """BadAnswer unless `answer` has the shape the question takes (a vote's options, or what
    its grader accepts)."""
    vote = item.question.vote(item)
    try:
        if vote is not None:
            picks = answer if vote.many else [answer]
            if vote.many and not isinstance(answer, list):
                raise AnswerError("expected a list")
            values = [value for value, _ in vote.options]
            for pick in picks:
                if not any(type(pick) is type(v) and pick == v for v in values):
                    raise AnswerError(f"{pick!r} is not an option")
            if vote.many and len(set(map(json.dumps, picks))) != len(picks):
                raise AnswerError("an option picked twice")
        else:
            if isinstance(answer, float) and not math.isfinite(answer):
                raise AnswerError("not a number")
            grade(item, answer)
            item.question.answer_text(answer, item)
    except (AnswerError, TypeError, ValueError, KeyError) as exc:
        raise BadAnswer("class_bad_answer", problem=str(exc)) from None


def submit_answer(store: Store, session: ClassSession, student: ClassStudent, now_on_screen: Asked,
                  answer: Any, *, now: datetime) -> bool:
    """Store `student`'s answer to the question on screen; True when it replaced their
    earlier answer of this round. NotOpen when voting is closed (or the question moved on)."""
    if student.session_id != session.id:
        raise NotOpen()
    if now_on_screen.item is None:
        raise NotOpen()
    check_answer(now_on_screen.item, answer)
    position = now_on_screen.position

    def accept(fresh: ClassSession, row: ClassQuestion) -> int:
        if not fresh.live or fresh.current != position or not machine.accepts_answers(
                machine.Step(row.phase, row.round, False, False)):
            raise NotOpen()
        return row.round

    return store.put_class_answer(session.id, position, student.id, json.dumps(answer), now, accept)


def answers_of(store: Store, session: ClassSession, position: int, round_: int) -> list[Any]:
    """The answers (values only, no one's name) to one round of one question."""
    return [json.loads(a.answer_json) for a in store.class_answers(session.id, position, round_)]


def my_answer(store: Store, session: ClassSession, student: ClassStudent, position: int,
              round_: int) -> Any | None:
    mine = store.class_answers(session.id, position, round_, student.id)
    return json.loads(mine[0].answer_json) if mine else None


# --- a student's own record, and keeping it as flashcard ratings ---------------------------------------


@dataclass(frozen=True)
class Mine:
    """One revealed question a student answered (round 1: the first, honest answer)."""

    asked: Asked
    answer: Any
    right: bool
    seconds: float
    kept: bool


def my_record(store: Store, session: ClassSession, student: ClassStudent,
              index: Mapping[tuple[str, str], Any]) -> list[Mine]:
    rows = {row.position: Asked(row, item_of(row, index)) for row in store.class_questions(session.id)}
    found = []
    for answer in store.class_answers(session.id, round_=1, student_id=student.id):
        entry = rows.get(answer.position)
        if entry is None or entry.item is None or entry.row.phase != machine.REVEALED:
            continue
        value = json.loads(answer.answer_json)
        opened = entry.row.opened_at or answer.answered_at
        found.append(Mine(entry, value, grade(entry.item, value, metrics=entry.metrics).correct,
                          max(0.0, (answer.answered_at - opened).total_seconds()), answer.kept_by is not None))
    return found


def keep_as_flashcards(store: Store, session: ClassSession, student: ClassStudent, profile_id: int, *,
                       index: Mapping[tuple[str, str], Any], now: datetime) -> int:
    """Store the student's revealed answers as quiz attempts of `profile_id` and rate the
    cards they test (studyapp.quiz.results: wrong -> Again, right -> Good, fast -> Easy; one
    rating per card). Each answer is kept once; how many were kept now."""
    from studyapp.quiz.results import record_answer  # brings the flashcard scheduler (FSRS)

    record = my_record(store, session, student, index)
    todo = [m for m in record if not m.kept]
    if not todo:
        return 0
    items = [m.asked.item for m in record]
    quiz = QuizSession(f"class-{session.code}-{session.id}", QuizSettings(count=len(items)), 0, items, 0.0)
    rated = {card for m in record if m.kept for card in m.asked.item.question.cards}
    for i, m in enumerate(record):
        if m.kept:
            continue
        metrics = m.asked.metrics
        quiz.responses[i] = Response(m.answer, grade(m.asked.item, m.answer, metrics=metrics), m.seconds,
                                     now.timestamp(), metrics)
        record_answer(store, profile_id, quiz, i, at=now, rated=rated, mode="class")
        store.mark_class_answers_kept(session.id, student.id, [m.asked.position], profile_id)
    return len(todo)


__all__ = [
    "Asked", "Mine", "act", "add_questions", "answers_of", "asked", "check_answer", "class_questions", "current",
    "end_session", "find_session", "is_teacher", "item_of", "join", "keep_as_flashcards", "my_answer", "my_record",
    "question_index", "run_ended", "show", "start_session", "student_of", "submit_answer",
    "teacher_session",
]
