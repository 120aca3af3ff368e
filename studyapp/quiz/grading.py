"""Graders, one per question type: an answer in, a `Grade` out.

A grade is more than right or wrong: `score` gives partial credit where the type allows it,
and `lessons` are the explanations that belong to *this* answer (the misconception behind
the chosen wrong option, the reason a step goes where it does, ...), so every mistake
teaches something.

Answers are plain JSON values, with choices always named by their index in the topic file
(never by their shuffled position on screen):

    single_choice, odd_one_out, predict_then_run   int
    multi_choice                                   list[int]
    true_false                                     bool
    ordering                                       list[str]   item ids, first to last
    matching                                       list[int | None]   per pair: the chosen right option
                                                   (0..n-1: the pairs' rights, n..: distractors)
    typed                                          str
    numeric                                        float
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from studyapp.quiz.textmatch import match_typed
from studyapp.text import Text

if TYPE_CHECKING:
    from studyapp.quiz.session import Item


@dataclass(frozen=True)
class Grade:
    correct: bool
    score: float  # 0..1, partial credit where the type allows it
    lessons: tuple[Text, ...] = ()  # explanations tied to this particular answer
    note: Text | None = None  # e.g. "accepted despite a typo", "the demo measured ..."


class AnswerError(ValueError):
    """The answer does not have the shape this question type takes."""


def fmt(value: float) -> str:
    """A number as a learner would write it: 1234, 2.5, 0.0125."""
    if isinstance(value, bool):
        return str(value).lower()
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


# --- choice questions ---------------------------------------------------------------------


def _choice_index(question, answer: Any) -> int:
    if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(question.choices):
        raise AnswerError(f"{question.id}: expected a choice index 0..{len(question.choices) - 1}, got {answer!r}")
    return answer


def grade_single(item: "Item", answer: Any) -> Grade:
    """single_choice and odd_one_out: the chosen choice is right or not."""
    q = item.question
    chosen = q.choices[_choice_index(q, answer)]
    if chosen.correct:
        return Grade(True, 1.0, tuple(t for t in (chosen.explanation,) if t))
    right = next(c for c in q.choices if c.correct)
    return Grade(False, 0.0, tuple(t for t in (chosen.explanation, right.explanation) if t))


def grade_multi(item: "Item", answer: Any) -> Grade:
    """Partial credit = share of the right choices picked minus share of the wrong ones picked."""
    q = item.question
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
        raise AnswerError(f"{q.id}: expected a list of choice indexes, got {answer!r}")
    picked = {_choice_index(q, a) for a in answer}
    right = {i for i, c in enumerate(q.choices) if c.correct}
    wrong = set(range(len(q.choices))) - right
    exact = picked == right
    if q.scoring == "all_or_nothing":
        score = 1.0 if exact else 0.0
    else:
        penalty = len(picked & wrong) / len(wrong) if wrong else 0.0
        score = max(0.0, len(picked & right) / len(right) - penalty)
    # Lessons: every wrong pick and every missed right choice, in the file's order.
    mistakes = sorted((picked - right) | (right - picked))
    return Grade(exact, 1.0 if exact else score, tuple(q.choices[i].explanation for i in mistakes if q.choices[i].explanation))


def grade_true_false(item: "Item", answer: Any) -> Grade:
    q = item.question
    if not isinstance(answer, bool):
        raise AnswerError(f"{q.id}: expected true or false, got {answer!r}")
    if answer == q.answer:
        return Grade(True, 1.0)
    return Grade(False, 0.0, (q.misconception,))


# --- ordering and matching ----------------------------------------------------------------


def ordering_score(expected: Sequence[str], given: Sequence[str]) -> float:
    """Share of item pairs in the right relative order (1 - normalized Kendall tau distance).

    Moving one step by one place costs little; reversing everything scores 0.
    """
    position = {ident: i for i, ident in enumerate(given)}
    n = len(expected)
    if n < 2:
        return 1.0
    agreeing = sum(
        position[expected[i]] < position[expected[j]] for i in range(n) for j in range(i + 1, n)
    )
    return agreeing / (n * (n - 1) / 2)


def grade_ordering(item: "Item", answer: Any) -> Grade:
    q = item.question
    ids = [it.id for it in q.items]
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
        raise AnswerError(f"{q.id}: expected the item ids in order, got {answer!r}")
    given = list(answer)
    if sorted(given) != sorted(ids):
        raise AnswerError(f"{q.id}: the answer must use every item exactly once")
    correct = given == list(q.answer)
    by_id = {it.id: it for it in q.items}
    misplaced = [ident for ident, want in zip(given, q.answer) if ident != want]
    # Explain the misplaced steps in their right order, so the lessons read like the procedure.
    lessons = tuple(by_id[ident].explanation for ident in q.answer if ident in misplaced)
    return Grade(correct, 1.0 if correct else ordering_score(q.answer, given), lessons)


def grade_matching(item: "Item", answer: Any) -> Grade:
    q = item.question
    options = len(q.pairs) + len(q.distractors)
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
        raise AnswerError(f"{q.id}: expected one right-hand choice per pair, got {answer!r}")
    given = list(answer)
    if len(given) != len(q.pairs) or any(
        g is not None and (isinstance(g, bool) or not isinstance(g, int) or not 0 <= g < options) for g in given
    ):
        raise AnswerError(f"{q.id}: expected {len(q.pairs)} choices in 0..{options - 1} (or None)")
    hits = [g == i for i, g in enumerate(given)]
    lessons: list[Text] = []
    for i, g in enumerate(given):
        if g == i:
            continue
        lessons.append(q.pairs[i].explanation)
        if g is not None and g >= len(q.pairs):
            lessons.append(q.distractors[g - len(q.pairs)].explanation)
    return Grade(all(hits), sum(hits) / len(hits), tuple(lessons))


# --- typed and numeric --------------------------------------------------------------------


def grade_typed(item: "Item", answer: Any) -> Grade:
    q = item.question
    if not isinstance(answer, str):
        raise AnswerError(f"{q.id}: expected text, got {answer!r}")
    match = match_typed(answer, q.accepted(), [m.answers for m in q.misconceptions], typos=q.typos)
    if match.kind == "exact":
        return Grade(True, 1.0)
    if match.kind == "typo":
        return Grade(True, 1.0, note=Text(
            en=f"Accepted despite a small typo; it is spelled “{q.answer.en}”.",
            ko=f"작은 오타가 있지만 정답으로 인정합니다. 바른 표기는 “{q.answer.ko}”입니다.",
        ))
    if match.kind == "misconception":
        return Grade(False, 0.0, (q.misconceptions[match.misconception].explanation,))
    return Grade(False, 0.0)


def numeric_tolerance(question, expected: float) -> float:
    # float32 arithmetic in the generators leaves noise in the 7th digit: never let it decide.
    return max(question.tolerance, question.rel_tolerance * abs(expected), 1e-6 * max(1.0, abs(expected)))


def grade_numeric(item: "Item", answer: Any) -> Grade:
    q = item.question
    if isinstance(answer, bool) or not isinstance(answer, (int, float)) or not math.isfinite(answer):
        raise AnswerError(f"{q.id}: expected a number, got {answer!r}")
    expected = item.expected if item.expected is not None else q.answer
    tolerance = numeric_tolerance(q, expected)
    if abs(answer - expected) <= tolerance:
        return Grade(True, 1.0)
    lessons = tuple(
        m.explanation
        for m, trap in zip(q.misconceptions, item.traps or [m.answer for m in q.misconceptions])
        if trap is not None and abs(answer - trap) <= tolerance
    )
    return Grade(False, 0.0, lessons[:1])


# --- predict, then run --------------------------------------------------------------------


def outcome_that_happened(question, metrics: Mapping[str, float]) -> int | None:
    """Index of the outcome whose condition the run's metric satisfies (None if the metric
    is NaN, the one value the outcomes' intervals cannot cover)."""
    metric = question.choices[0].condition.metric
    if metric not in metrics:
        raise KeyError(f"{question.id}: demo {question.demo!r} reported no metric {metric!r}; it has: {', '.join(metrics)}")
    value = float(metrics[metric])
    return next((i for i, c in enumerate(question.choices) if c.condition.holds(value)), None)


def grade_predict(item: "Item", answer: Any, metrics: Mapping[str, float] | None) -> Grade:
    q = item.question
    chosen = _choice_index(q, answer)
    if metrics is None:
        raise AnswerError(f"{q.id}: a prediction is graded by the demo's metrics; run the demo first")
    happened = outcome_that_happened(q, metrics)
    metric = q.choices[0].condition.metric
    value = float(metrics[metric])
    note = Text(
        en=f"The demo measured {metric} = {fmt(value)}.",
        ko=f"데모가 측정한 {metric} 값은 {fmt(value)}입니다.",
    )
    if happened == chosen:
        return Grade(True, 1.0, (q.choices[chosen].explanation,), note)
    lessons = [q.choices[chosen].explanation]
    if happened is not None:
        lessons.append(q.choices[happened].explanation)
    return Grade(False, 0.0, tuple(lessons), note)


GRADERS: dict[str, Callable[["Item", Any], Grade]] = {
    "single_choice": grade_single,
    "odd_one_out": grade_single,
    "multi_choice": grade_multi,
    "true_false": grade_true_false,
    "ordering": grade_ordering,
    "matching": grade_matching,
    "typed": grade_typed,
    "numeric": grade_numeric,
}


def grade(item: "Item", answer: Any, *, metrics: Mapping[str, float] | None = None) -> Grade:
    """Grade `answer` to `item`; `metrics` (from the demo run) only for predict_then_run."""
    kind = item.question.type
    if kind == "predict_then_run":
        return grade_predict(item, answer, metrics)
    return GRADERS[kind](item, answer)
