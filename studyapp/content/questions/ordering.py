"""ordering: put the steps in order. Answer: the item ids, first to last."""

from __future__ import annotations

import random
from typing import Any, ClassVar, Literal, Mapping, Sequence

from pydantic import Field

from studyapp.content.base import Id, Strict
from studyapp.content.questions.base import AnswerError, Draw, Drawn, Generators, Grade, Problem, QuestionBase
from studyapp.content.questions.base import check_list, join_texts, texts_unique
from studyapp.text import Text


class OrderItem(Strict):
    id: Id
    text: Text
    explanation: Text = Field(description="Why this step comes where it does; shown when it is misplaced")


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


def out_of_order(expected: Sequence[str], given: Sequence[str]) -> list[str]:
    """The fewest steps to move so that the rest stand in the right order: every step outside
    one longest run of `given` that keeps the expected order (ties go to the earlier steps).

    This is what the learner's feedback marks, so it agrees with `ordering_score`: a step moved
    by one place flags one step and costs a little, a reversed answer flags every step and
    scores 0 (a "run" of one step is no order at all).
    """
    rank = {ident: i for i, ident in enumerate(expected)}
    ranks = [rank[ident] for ident in given]
    # longest increasing subsequence, O(n^2): the lists hold a handful of steps
    best = [1] * len(ranks)
    before = [-1] * len(ranks)
    for i in range(len(ranks)):
        for j in range(i):
            if ranks[j] < ranks[i] and best[j] + 1 > best[i]:
                best[i], before[i] = best[j] + 1, j
    if not ranks or max(best) < 2:
        return list(given)
    keep, i = set(), best.index(max(best))
    while i >= 0:
        keep.add(i)
        i = before[i]
    return [ident for i, ident in enumerate(given) if i not in keep]


class Ordering(QuestionBase):
    """Put the items in order. `answer` lists the item ids in the right order."""

    type: Literal["ordering"]
    items: list[OrderItem] = Field(min_length=3)
    answer: list[Id] = Field(description="Every item id exactly once, in the right order")

    label: ClassVar[Text] = Text("Ordering", "순서 맞추기")
    hint: ClassVar[Text] = Text("Choose the step for each position, first to last.",
                                "첫 단계부터 마지막 단계까지, 각 자리에 올 단계를 고르십시오.")
    position: ClassVar[int] = 40
    fast_seconds: ClassVar[float | None] = 40
    classroom: ClassVar[bool] = True

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        ids = [item.id for item in self.items]
        for i, ident in enumerate(ids):
            if ident in ids[:i]:
                found.append((("items", i, "id"), f"duplicate item id {ident!r}"))
        unknown = [a for a in self.answer if a not in ids]
        repeated = sorted({a for a in self.answer if self.answer.count(a) > 1})
        missing = [i for i in ids if i not in self.answer]
        if unknown or repeated or missing:
            parts = []
            if unknown:
                parts.append(f"unknown {', '.join(map(repr, unknown))}")
            if repeated:
                parts.append(f"repeated {', '.join(map(repr, repeated))}")
            if missing:
                parts.append(f"missing {', '.join(map(repr, missing))}")
            found.append((("answer",), "the answer must be a permutation of the item ids: " + "; ".join(parts)))
        return found + texts_unique([item.text for item in self.items], ("items",), "item")

    def draw(self, rng: random.Random, generators: Generators) -> Draw:
        order = list(range(len(self.items)))
        answer_positions = [next(i for i, it in enumerate(self.items) if it.id == a) for a in self.answer]
        while True:  # never show the steps already in the right order
            rng.shuffle(order)
            if order != answer_positions:
                return Draw(order=tuple(order))

    def right_answer(self, drawn: Drawn) -> list[str]:
        return list(self.answer)

    def answer_text(self, answer: Any, drawn: Drawn) -> Text:
        by_id = {it.id: it.text for it in self.items}
        given = check_list(self, answer, "the item ids in order")
        if any(ident not in by_id for ident in given):
            raise AnswerError(f"{self.id}: unknown item in {given!r}")
        return join_texts([by_id[ident] for ident in given], " → ")

    def grade(self, answer: Any, drawn: Drawn, metrics: Mapping[str, float] | None = None) -> Grade:
        given = check_list(self, answer, "the item ids in order")
        if sorted(given) != sorted(it.id for it in self.items):
            raise AnswerError(f"{self.id}: the answer must use every item exactly once")
        correct = given == list(self.answer)
        by_id = {it.id: it for it in self.items}
        misplaced = out_of_order(self.answer, given)
        # Explain the steps to move in their right order, so the lessons read like the procedure.
        lessons = tuple(by_id[ident].explanation for ident in self.answer if ident in misplaced)
        return Grade(correct, 1.0 if correct else ordering_score(self.answer, given), lessons)
