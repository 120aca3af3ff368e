"""The live class sessions' tables (migration 2): sessions, the questions asked in them, the
students who joined (by nickname) and their answers.

Only SQL lives here. What may change when (the question's state machine, who may do it) is
decided by studyapp/classroom, handed in as a pure function that runs inside the write
transaction on the rows as they are in it: the check and the change cannot be separated
by another writer (a teacher closing the question while a student's answer is stored).
Teachers' and students' keys arrive already hashed; the hashes never leave this module
except to be compared.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Mapping, Sequence

from studyapp.store.models import parse_optional, parse_utc, utc_text

QUESTION_COLUMNS = ("phase", "round", "opened_at", "run_job", "run_json", "run_note")  # what a plan may change
KEEP = object()  # a plan leaves the session's current question as it is


@dataclass(frozen=True)
class ClassSession:
    id: int
    code: str
    created_at: datetime
    ended_at: datetime | None
    current: int | None  # position of the question on screen
    version: int  # grows with every change the pages follow

    @property
    def live(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class ClassQuestion:
    session_id: int
    position: int
    topic_id: str
    question_id: str
    draw_json: str
    phase: str
    round: int
    opened_at: datetime | None
    run_job: str | None
    run_json: str | None
    run_note: str | None


@dataclass(frozen=True)
class ClassStudent:
    id: int
    session_id: int
    nickname: str
    joined_at: datetime


@dataclass(frozen=True)
class ClassAnswer:
    session_id: int
    position: int
    round: int
    student_id: int
    answer_json: str
    answered_at: datetime
    changes: int
    kept_by: int | None


@dataclass(frozen=True)
class Plan:
    """What one teacher action changes: column updates per question position, and the
    session's current question (KEEP: unchanged)."""

    updates: Mapping[int, Mapping[str, Any]]
    current: Any = KEEP


_SESSION = "id, code, created_at, ended_at, current, version"
_QUESTION = "session_id, position, topic_id, question_id, draw_json, phase, round, opened_at, run_job, run_json, run_note"
_ANSWER = "session_id, position, round, student_id, answer_json, answered_at, changes, kept_by"


def _session(row: Sequence) -> ClassSession:
    return ClassSession(row[0], row[1], parse_utc(row[2]), parse_optional(row[3]), row[4], row[5])


def _question(row: Sequence) -> ClassQuestion:
    return ClassQuestion(row[0], row[1], row[2], row[3], row[4], row[5], row[6], parse_optional(row[7]),
                         row[8], row[9], row[10])


def _student(row: Sequence) -> ClassStudent:
    return ClassStudent(row[0], row[1], row[2], parse_utc(row[3]))


def _answer(row: Sequence) -> ClassAnswer:
    return ClassAnswer(row[0], row[1], row[2], row[3], row[4], parse_utc(row[5]), row[6], row[7])


def _bump(conn: sqlite3.Connection, session_id: int) -> None:
    conn.execute("UPDATE class_sessions SET version = version + 1 WHERE id = ?", (session_id,))


class ClassroomStore:
    """The Store's methods for class sessions, mixed into `Store` (studyapp/store/db.py), whose
    `transaction` and `_read` they use."""

    # --- sessions ------------------------------------------------------------------------------

    def create_class_session(self, code: str, key_hash: str, now: datetime) -> ClassSession | None:
        """A new live session, or None when a live session already has this code."""
        created = utc_text(now)

        def work(conn: sqlite3.Connection) -> ClassSession | None:
            if conn.execute("SELECT 1 FROM class_sessions WHERE code = ? AND ended_at IS NULL", (code,)).fetchone():
                return None
            new_id = conn.execute("INSERT INTO class_sessions (code, key_hash, created_at) VALUES (?, ?, ?)",
                                  (code, key_hash, created)).lastrowid
            return _session(conn.execute(f"SELECT {_SESSION} FROM class_sessions WHERE id = ?", (new_id,)).fetchone())

        return self.transaction(work)

    def end_class_sessions_before(self, before: datetime, now: datetime) -> int:
        """End the live sessions created before `before` (abandoned ones keep their codes
        otherwise); how many were ended."""
        return self.transaction(lambda c: c.execute(
            "UPDATE class_sessions SET ended_at = ?, version = version + 1 WHERE ended_at IS NULL AND created_at < ?",
            (utc_text(now), utc_text(before))).rowcount)

    def class_session(self, session_id: int) -> ClassSession | None:
        row = self._read(lambda c: c.execute(f"SELECT {_SESSION} FROM class_sessions WHERE id = ?",
                                             (session_id,)).fetchone())
        return _session(row) if row else None

    def class_session_by_code(self, code: str) -> ClassSession | None:
        """The live session with this code, else the newest ended one."""
        row = self._read(lambda c: c.execute(
            f"SELECT {_SESSION} FROM class_sessions WHERE code = ? ORDER BY ended_at IS NOT NULL, id DESC LIMIT 1",
            (code,)).fetchone())
        return _session(row) if row else None

    def class_key_hash(self, session_id: int) -> str | None:
        row = self._read(lambda c: c.execute("SELECT key_hash FROM class_sessions WHERE id = ?",
                                             (session_id,)).fetchone())
        return row[0] if row else None

    def class_poll(self, session_id: int) -> tuple[int, bool]:
        """(version, ended): the one small read a page makes to learn whether to redraw."""
        row = self._read(lambda c: c.execute("SELECT version, ended_at IS NOT NULL FROM class_sessions WHERE id = ?",
                                             (session_id,)).fetchone())
        return (row[0], bool(row[1])) if row else (-1, True)

    def end_class_session(self, session_id: int, now: datetime) -> None:
        def work(conn: sqlite3.Connection) -> None:
            conn.execute("UPDATE class_questions SET phase = 'closed' WHERE session_id = ? AND phase IN ('open', 'running')",
                         (session_id,))
            conn.execute("UPDATE class_sessions SET ended_at = coalesce(ended_at, ?), version = version + 1 WHERE id = ?",
                         (utc_text(now), session_id))

        self.transaction(work)

    # --- questions -----------------------------------------------------------------------------

    def add_class_questions(self, session_id: int, rows: Sequence[tuple[str, str, str]]) -> list[int]:
        """Append (topic id, question id, draw json) rows as pending questions; their positions."""

        def work(conn: sqlite3.Connection) -> list[int]:
            last = conn.execute("SELECT coalesce(max(position), 0) FROM class_questions WHERE session_id = ?",
                                (session_id,)).fetchone()[0]
            positions = list(range(last + 1, last + 1 + len(rows)))
            conn.executemany(
                "INSERT INTO class_questions (session_id, position, topic_id, question_id, draw_json, phase)"
                " VALUES (?, ?, ?, ?, ?, 'pending')",
                [(session_id, n, topic, question, draw) for n, (topic, question, draw) in zip(positions, rows)])
            _bump(conn, session_id)
            return positions

        return self.transaction(work)

    def class_questions(self, session_id: int) -> list[ClassQuestion]:
        rows = self._read(lambda c: c.execute(
            f"SELECT {_QUESTION} FROM class_questions WHERE session_id = ? ORDER BY position", (session_id,)).fetchall())
        return [_question(row) for row in rows]

    def class_question(self, session_id: int, position: int) -> ClassQuestion | None:
        row = self._read(lambda c: c.execute(
            f"SELECT {_QUESTION} FROM class_questions WHERE session_id = ? AND position = ?",
            (session_id, position)).fetchone())
        return _question(row) if row else None

    def change_class_session(self, session_id: int,
                             plan: Callable[[ClassSession, list[ClassQuestion]], Plan]) -> ClassSession:
        """Run a pure `plan` on the session and its questions as they are inside one write
        transaction, write what it decides, bump the version; the session afterwards.
        Whatever `plan` raises aborts the transaction and reaches the caller."""

        def work(conn: sqlite3.Connection) -> ClassSession:
            row = conn.execute(f"SELECT {_SESSION} FROM class_sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                raise KeyError(f"no class session {session_id}")
            questions = [_question(r) for r in conn.execute(
                f"SELECT {_QUESTION} FROM class_questions WHERE session_id = ? ORDER BY position", (session_id,))]
            decided = plan(_session(row), questions)
            for position, changes in decided.updates.items():
                unknown = set(changes) - set(QUESTION_COLUMNS)
                if unknown:
                    raise ValueError(f"a plan cannot change {sorted(unknown)}")
                values = [utc_text(v) if isinstance(v, datetime) else v for v in changes.values()]
                conn.execute(f"UPDATE class_questions SET {', '.join(f'{k} = ?' for k in changes)}"
                             " WHERE session_id = ? AND position = ?", (*values, session_id, position))
            if decided.current is not KEEP:
                conn.execute("UPDATE class_sessions SET current = ? WHERE id = ?", (decided.current, session_id))
            _bump(conn, session_id)
            return _session(conn.execute(f"SELECT {_SESSION} FROM class_sessions WHERE id = ?", (session_id,)).fetchone())

        return self.transaction(work)

    # --- students and answers ------------------------------------------------------------------

    def add_class_student(self, session_id: int, nickname: str, token_hash: str,
                          now: datetime) -> ClassStudent | None:
        """A student joins; None when the nickname is taken in this session (case ignored)."""
        joined = utc_text(now)

        def work(conn: sqlite3.Connection) -> ClassStudent | None:
            if conn.execute("SELECT 1 FROM class_students WHERE session_id = ? AND nickname = ?",
                            (session_id, nickname)).fetchone():
                return None
            new_id = conn.execute("INSERT INTO class_students (session_id, nickname, token_hash, joined_at)"
                                  " VALUES (?, ?, ?, ?)", (session_id, nickname, token_hash, joined)).lastrowid
            return ClassStudent(new_id, session_id, nickname, parse_utc(joined))

        return self.transaction(work)

    def class_student_by_token(self, token_hash: str) -> ClassStudent | None:
        row = self._read(lambda c: c.execute(
            "SELECT id, session_id, nickname, joined_at FROM class_students WHERE token_hash = ?",
            (token_hash,)).fetchone())
        return _student(row) if row else None

    def class_students(self, session_id: int) -> list[ClassStudent]:
        rows = self._read(lambda c: c.execute(
            "SELECT id, session_id, nickname, joined_at FROM class_students WHERE session_id = ? ORDER BY id",
            (session_id,)).fetchall())
        return [_student(row) for row in rows]

    def class_student_count(self, session_id: int) -> int:
        return self._read(lambda c: c.execute("SELECT count(*) FROM class_students WHERE session_id = ?",
                                              (session_id,)).fetchone()[0])

    def put_class_answer(self, session_id: int, position: int, student_id: int, answer_json: str,
                         now: datetime, accept: Callable[[ClassSession, ClassQuestion], int]) -> bool:
        """Store a student's answer to the question at `position`, replacing their earlier one
        in the same round; True when it replaced one. `accept` (pure) sees the session and the
        question inside the transaction and returns the round the answer counts for, or raises."""
        at = utc_text(now)

        def work(conn: sqlite3.Connection) -> bool:
            session = conn.execute(f"SELECT {_SESSION} FROM class_sessions WHERE id = ?", (session_id,)).fetchone()
            question = conn.execute(f"SELECT {_QUESTION} FROM class_questions WHERE session_id = ? AND position = ?",
                                    (session_id, position)).fetchone()
            if session is None or question is None:
                raise KeyError(f"no question {position} in class session {session_id}")
            round_ = accept(_session(session), _question(question))
            replaced = conn.execute(
                "UPDATE class_answers SET answer_json = ?, answered_at = ?, changes = changes + 1"
                " WHERE session_id = ? AND position = ? AND round = ? AND student_id = ?",
                (answer_json, at, session_id, position, round_, student_id)).rowcount
            if not replaced:
                conn.execute("INSERT INTO class_answers (session_id, position, round, student_id, answer_json, answered_at)"
                             " VALUES (?, ?, ?, ?, ?, ?)", (session_id, position, round_, student_id, answer_json, at))
            return bool(replaced)

        return self.transaction(work)

    def class_answers(self, session_id: int, position: int | None = None, round_: int | None = None,
                      student_id: int | None = None) -> list[ClassAnswer]:
        query = f"SELECT {_ANSWER} FROM class_answers WHERE session_id = ?"
        args: list[Any] = [session_id]
        for column, value in (("position", position), ("round", round_), ("student_id", student_id)):
            if value is not None:
                query += f" AND {column} = ?"
                args.append(value)
        rows = self._read(lambda c: c.execute(query + " ORDER BY position, round, answered_at, student_id",
                                              args).fetchall())
        return [_answer(row) for row in rows]

    def mark_class_answers_kept(self, session_id: int, student_id: int, positions: Sequence[int],
                                profile_id: int) -> None:
        self.transaction(lambda c: c.executemany(
            "UPDATE class_answers SET kept_by = ? WHERE session_id = ? AND student_id = ? AND position = ? AND round = 1",
            [(profile_id, session_id, student_id, p) for p in positions]))
