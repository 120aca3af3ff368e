"""How a class answered one question: counts per option (or per distinct answer), never who.

A question that a class votes on (its type's `vote`) gets one bar per option in the shown
order, counting every answer that picked it (an answer to a tick-all-that-apply question
counts once on each option it ticked). Other answers (numbers, orders) are counted as
given: one bar per distinct answer, the most common first, the rarest folded into one bar.
`mark=True` also says which bars are right (the reveal; the teacher's own screen).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from studyapp.quiz.session import Item, grade
from studyapp.text import Text

MAX_BARS = 8  # distinct answers shown one by one; the rest share the last bar
OTHER = Text("Other answers", "그 밖의 답")


@dataclass(frozen=True)
class Bar:
    label: Text
    count: int
    right: bool | None = None  # None: not marked (before the reveal, or the rarest answers)


@dataclass(frozen=True)
class Tally:
    bars: tuple[Bar, ...]
    answered: int
    correct: int | None = None  # marked tallies only, and only once a run has decided

    @property
    def top(self) -> int:
        return max((bar.count for bar in self.bars), default=0)


def decided(item: Item, metrics: Mapping[str, float] | None) -> bool:
    """Whether what is right is known: always, unless a demo run decides and has not run."""
    return item.right_answer() is not None or metrics is not None


def is_right(item: Item, answer: Any, metrics: Mapping[str, float] | None) -> bool:
    return grade(item, answer, metrics=metrics).correct


def right_options(item: Item, metrics: Mapping[str, float] | None) -> set:
    """The values of the vote's right options (for a pick-one vote, the one that grades right)."""
    vote = item.question.vote(item)
    if vote is None or not decided(item, metrics):
        return set()
    if vote.many:
        right = item.right_answer()
        return {value for value, _ in vote.options if value in right}
    return {value for value, _ in vote.options if is_right(item, value, metrics)}


def _key(value: Any) -> str:
    """One answer as a dictionary key; True and 1 stay apart."""
    return json.dumps(value, sort_keys=True)


def tally(item: Item, answers: Sequence[Any], *, metrics: Mapping[str, float] | None = None,
          mark: bool = False) -> Tally:
    mark = mark and decided(item, metrics)
    correct = sum(is_right(item, a, metrics) for a in answers) if mark else None
    vote = item.question.vote(item)
    if vote is not None:
        counts = {_key(value): 0 for value, _ in vote.options}
        for answer in answers:
            for pick in (answer if vote.many else [answer]):
                if _key(pick) in counts:
                    counts[_key(pick)] += 1
        right = {_key(v) for v in right_options(item, metrics)} if mark else set()
        bars = tuple(Bar(text, counts[_key(value)], (_key(value) in right) if mark else None)
                     for value, text in vote.options)
        return Tally(bars, len(answers), correct)
    groups: dict[str, list[Any]] = {}
    for answer in answers:
        groups.setdefault(_key(answer), []).append(answer)
    ranked = sorted(groups.values(), key=lambda same: (-len(same), _key(same[0])))
    shown = ranked if len(ranked) <= MAX_BARS else ranked[: MAX_BARS - 1]
    bars = [Bar(item.question.answer_text(same[0], item), len(same),
                is_right(item, same[0], metrics) if mark else None) for same in shown]
    rest = sum(len(same) for same in ranked[len(shown):])
    if rest:
        bars.append(Bar(OTHER, rest))
    return Tally(tuple(bars), len(answers), correct)


@dataclass(frozen=True)
class Reveal:
    """What the projector shows when the answer is revealed."""

    right: Text  # the right answer, as a learner reads it
    lessons: tuple[Text, ...]  # why it is right (its explanation, the question's)
    note: Text | None  # what a demo run measured
    common_wrong: Text | None = None  # the wrong answer most of the class gave, and why it tempts
    common_wrong_count: int = 0
    common_wrong_lessons: tuple[Text, ...] = ()


NO_OUTCOME = Text("None of the outcomes (the run measured no number)", "해당하는 결과가 없습니다 (실행이 수치를 내지 못했습니다)")


def right_value(item: Item, metrics: Mapping[str, float] | None) -> Any | None:
    """The answer that scores full marks: the item's own, or the outcome a run decided."""
    right = item.right_answer()
    if right is not None:
        return right
    options = right_options(item, metrics)
    return next(iter(options)) if options else None


def reveal(item: Item, answers: Sequence[Any], metrics: Mapping[str, float] | None = None) -> Reveal | None:
    """None until what is right is known (a prediction before its run)."""
    if not decided(item, metrics):
        return None
    right = right_value(item, metrics)
    explanation = item.text(item.question.explanation)
    if right is None:  # a run whose metric is NaN: no outcome holds
        return Reveal(NO_OUTCOME, tuple(t for t in (explanation,) if t), None)
    judged = grade(item, right, metrics=metrics)
    lessons = tuple(dict.fromkeys([*judged.lessons, *([explanation] if explanation else [])]))
    wrong: dict[str, list[Any]] = {}
    for answer in answers:
        if not is_right(item, answer, metrics):
            wrong.setdefault(_key(answer), []).append(answer)
    if not wrong:
        return Reveal(item.question.answer_text(right, item), lessons, judged.note)
    common = max(wrong.values(), key=lambda same: (len(same), _key(same[0])))
    tempting = tuple(t for t in grade(item, common[0], metrics=metrics).lessons if t not in lessons)
    return Reveal(item.question.answer_text(right, item), lessons, judged.note,
                  item.question.answer_text(common[0], item), len(common), tempting)
