"""A session's results: per question and round, the tally and how many were right; as CSV
for the teacher (one file per question and round without names, one with every student's
answers).

Cells are written for spreadsheets: a text cell that starts with = + - @ (or a tab or a
carriage return) gets a leading apostrophe, so a nickname like `=HYPERLINK(...)` is shown as
text and never run as a formula.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from studyapp.classroom.room import Asked
from studyapp.classroom.tally import Tally, decided, is_right, tally
from studyapp.store import ClassAnswer, ClassStudent
from studyapp.text import Text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RoundResult:
    round: int
    tally: Tally  # marked once what is right is known


@dataclass(frozen=True)
class QuestionResult:
    asked: Asked
    rounds: tuple[RoundResult, ...]

    @property
    def prompt(self) -> Text | None:
        item = self.asked.item
        return item.text(item.question.prompt) if item else None


def question_results(asked: Sequence[Asked], answers: Iterable[ClassAnswer]) -> list[QuestionResult]:
    """Every question that was put to the class (not the pending ones), in order."""
    by_round: dict[tuple[int, int], list[Any]] = {}
    for answer in answers:
        by_round.setdefault((answer.position, answer.round), []).append(json.loads(answer.answer_json))
    found = []
    for entry in asked:
        if entry.row.phase == "pending" or entry.item is None:
            continue
        rounds = tuple(
            RoundResult(r, tally(entry.item, by_round.get((entry.position, r), []), metrics=entry.metrics, mark=True))
            for r in range(1, entry.row.round + 1))
        found.append(QuestionResult(entry, rounds))
    return found


def csv_cell(value: Any) -> Any:
    """A value as a spreadsheet cell; text that a spreadsheet would run as a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _write(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()


def _percent(part: int | None, whole: int) -> Any:
    return "" if part is None or not whole else round(100 * part / whole, 1)


def results_csv(results: Sequence[QuestionResult], lang: str) -> str:
    """One row per question and round: how many answered, how many were right, and the
    count of every option (or distinct answer). No names."""
    rows = []
    for result in results:
        entry = result.asked
        for r in result.rounds:
            given = "; ".join(f"{bar.label.get(lang)}: {bar.count}" for bar in r.tally.bars)
            rows.append([entry.position, entry.row.topic_id, entry.row.question_id, result.prompt.get(lang),
                         type(entry.item.question).label.get(lang), r.round, r.tally.answered,
                         "" if r.tally.correct is None else r.tally.correct, _percent(r.tally.correct, r.tally.answered),
                         given])
    return _write(["position", "topic", "question_id", "question", "type", "round", "answered", "right",
                   "percent_right", "answers"], rows)


def answers_csv(asked: Sequence[Asked], students: Sequence[ClassStudent], answers: Iterable[ClassAnswer],
                lang: str) -> str:
    """One row per answer: who (nickname), which question and round, the answer, whether it
    was right (empty until a run decides), and how often it was changed. For the teacher."""
    names = {s.id: s.nickname for s in students}
    by_position: Mapping[int, Asked] = {entry.position: entry for entry in asked}
    rows = []
    for answer in answers:
        entry = by_position.get(answer.position)
        if entry is None or entry.item is None:
            continue
        value = json.loads(answer.answer_json)
        right = is_right(entry.item, value, entry.metrics) if decided(entry.item, entry.metrics) else ""
        rows.append([names.get(answer.student_id, "?"), entry.position, entry.row.question_id, answer.round,
                     entry.item.question.answer_text(value, entry.item).get(lang), right, answer.changes,
                     answer.answered_at.isoformat(timespec="seconds")])
    return _write(["nickname", "position", "question_id", "round", "answer", "right", "changes", "answered_at"], rows)
