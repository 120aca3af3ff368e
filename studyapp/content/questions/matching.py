"""matching: match each left item to its right item. Answer: per pair, the index of the
chosen right option (0..n-1: the pairs' rights, n..: the distractors) or None."""

from __future__ import annotations

import random
from typing import Any, ClassVar, Literal, Mapping

from pydantic import Field

from studyapp.content.base import Strict
from studyapp.content.questions.base import AnswerError, Draw, Drawn, Generators, Grade, Problem, QuestionBase
from studyapp.content.questions.base import check_list, texts_unique
from studyapp.content.questions.giftform import GiftForm, escape
from studyapp.text import Text


class Pair(Strict):
    left: Text
    right: Text
    explanation: Text = Field(description="Why these two belong together; shown when they are mismatched")


class Distractor(Strict):
    text: Text
    explanation: Text = Field(description="Why this option matches none of the left items")


class Matching(QuestionBase):
    """Match each left item to its right item (one-to-one; distractors add unmatched right options)."""

    type: Literal["matching"]
    left_label: Text | None = Field(None, description="Heading of the left column, e.g. Task")
    right_label: Text | None = Field(None, description="Heading of the right column, e.g. Output and loss")
    pairs: list[Pair] = Field(min_length=3)
    distractors: list[Distractor] = []

    label: ClassVar[Text] = Text("Matching", "짝 맞추기")
    hint: ClassVar[Text] = Text("Choose the match for each item on the left.", "왼쪽의 각 항목에 맞는 짝을 고르십시오.")
    position: ClassVar[int] = 50
    fast_seconds: ClassVar[float | None] = 40

    def problems(self) -> list[Problem]:
        found = texts_unique([p.left for p in self.pairs], ("pairs",), "left item")
        for (loc, message) in texts_unique(self.rights(), ("pairs",), "right item"):
            index = loc[-1]
            if index >= len(self.pairs):  # a distractor duplicates something
                loc = ("distractors", index - len(self.pairs))
            found.append((loc, message + ": matching must be one-to-one"))
        return found

    def rights(self) -> list[Text]:
        """The right-hand options: the pairs' rights, then the distractors."""
        return [p.right for p in self.pairs] + [d.text for d in self.distractors]

    def draw(self, rng: random.Random, generators: Generators) -> Draw:
        order = list(range(len(self.pairs) + len(self.distractors)))
        rng.shuffle(order)
        return Draw(order=tuple(order))

    def right_answer(self, drawn: Drawn) -> list[int]:
        return list(range(len(self.pairs)))

    def grade(self, answer: Any, drawn: Drawn, metrics: Mapping[str, float] | None = None) -> Grade:
        options = len(self.pairs) + len(self.distractors)
        given = check_list(self, answer, "one right-hand choice per pair")
        if len(given) != len(self.pairs) or any(
            g is not None and (isinstance(g, bool) or not isinstance(g, int) or not 0 <= g < options) for g in given
        ):
            raise AnswerError(f"{self.id}: expected {len(self.pairs)} choices in 0..{options - 1} (or None)")
        hits = [g == i for i, g in enumerate(given)]
        lessons: list[Text] = []
        for i, g in enumerate(given):
            if g == i:
                continue
            lessons.append(self.pairs[i].explanation)
            if g is not None and g >= len(self.pairs):
                lessons.append(self.distractors[g - len(self.pairs)].explanation)
        return Grade(all(hits), sum(hits) / len(hits), tuple(lessons))

    def gift(self, lang: str, *, seed: int = 0, generators: Generators | None = None) -> GiftForm:
        def side(text: Text) -> str:
            return escape(text.get(lang).replace("->", "→"))

        lines = [f"\t={side(p.left)} -> {side(p.right)}" for p in self.pairs]
        lines += [f"\t= -> {side(d.text)}" for d in self.distractors]  # an answer no item matches
        return GiftForm(tuple(lines))
