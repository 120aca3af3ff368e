"""Choice questions: single_choice, odd_one_out (pick one) and multi_choice (pick all that apply).

Answers: the index of the chosen choice in the topic file (int), or for multi_choice the
list of them. Options are shown in an order shuffled per asking.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar, Literal, Mapping

from pydantic import Field

from studyapp.content.base import Strict
from studyapp.content.questions.base import AnswerError, Draw, Drawn, Generators, Grade, Problem, QuestionBase, Vote
from studyapp.content.questions.base import check_list, join_texts, texts_unique
from studyapp.content.questions.giftform import GiftForm, escape, feedback, weight
from studyapp.text import Text


class Choice(Strict):
    text: Text
    correct: bool = False
    explanation: Text | None = Field(
        None, description="Why this choice is right, or which misconception makes it tempting"
    )


def wrong_choices_explained(choices: list[Choice]) -> list[Problem]:
    """Every wrong choice must say which misconception it stands for."""
    return [
        (("choices", i, "explanation"), "a wrong choice needs an explanation of the misconception")
        for i, choice in enumerate(choices)
        if not choice.correct and choice.explanation is None
    ]


def choice_index(question, answer: Any) -> int:
    if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(question.choices):
        raise AnswerError(f"{question.id}: expected a choice index 0..{len(question.choices) - 1}, got {answer!r}")
    return answer


def shuffled_choices(question, rng: random.Random) -> Draw:
    order = list(range(len(question.choices)))
    rng.shuffle(order)
    return Draw(order=tuple(order))


def choice_vote(question, drawn: Drawn, many: bool = False) -> Vote:
    """A class votes between the choices, in their shown order (values: indexes in the file)."""
    return Vote(tuple((i, question.choices[i].text) for i in drawn.order), many)


def choices_text(question, answer: Any) -> Text:
    """The chosen choices' texts (an index, or a list of them), in the file's order."""
    picked = answer if isinstance(answer, list) else [answer]
    return join_texts([question.choices[choice_index(question, i)].text for i in sorted(picked)], ", ")


class PickOne:
    """Behaviour of the types where exactly one choice is right (the fields stay on each
    model, so the topic schema lists them in the file's order)."""

    fast_seconds = 15
    classroom = True
    one_right: str  # the rule's message: {found} right choices where one must be

    def problems(self) -> list[Problem]:
        correct = sum(choice.correct for choice in self.choices)
        found = [] if correct == 1 else [(("choices",), self.one_right.format(found=correct))]
        return found + wrong_choices_explained(self.choices) + texts_unique([c.text for c in self.choices], ("choices",), "choice")

    def draw(self, rng: random.Random, generators: Generators) -> Draw:
        return shuffled_choices(self, rng)

    def right_answer(self, drawn: Drawn) -> int:
        return next(i for i, c in enumerate(self.choices) if c.correct)

    def grade(self, answer: Any, drawn: Drawn, metrics: Mapping[str, float] | None = None) -> Grade:
        chosen = self.choices[choice_index(self, answer)]
        if chosen.correct:
            return Grade(True, 1.0, tuple(t for t in (chosen.explanation,) if t))
        right = next(c for c in self.choices if c.correct)
        return Grade(False, 0.0, tuple(t for t in (chosen.explanation, right.explanation) if t))

    def vote(self, drawn: Drawn) -> Vote:
        return choice_vote(self, drawn)

    def answer_text(self, answer: Any, drawn: Drawn) -> Text:
        return choices_text(self, answer)

    def gift(self, lang: str, *, seed: int = 0, generators: Generators | None = None) -> GiftForm:
        return GiftForm(tuple(
            f"\t{'=' if c.correct else '~'}{escape(c.text.get(lang))}{feedback(c.explanation, lang)}"
            for c in self.choices
        ))


class SingleChoice(PickOne, QuestionBase):
    type: Literal["single_choice"]
    choices: list[Choice] = Field(min_length=2)

    label: ClassVar[Text] = Text("Single choice", "단일 선택")
    hint: ClassVar[Text] = Text("Choose one answer.", "답을 하나 고르십시오.")
    position: ClassVar[int] = 10
    one_right: ClassVar[str] = "a single_choice question needs exactly one correct choice, found {found}"


class OddOneOut(PickOne, QuestionBase):
    """Which item does not belong? `correct: true` marks the odd one; the others say what they share."""

    type: Literal["odd_one_out"]
    choices: list[Choice] = Field(min_length=3)

    label: ClassVar[Text] = Text("Odd one out", "다른 하나 찾기")
    hint: ClassVar[Text] = Text("Which one does not belong with the others?", "나머지와 어울리지 않는 하나는 무엇입니까?")
    position: ClassVar[int] = 60
    one_right: ClassVar[str] = "an odd_one_out question needs exactly one odd item (correct: true), found {found}"


class MultiChoice(QuestionBase):
    """Select all that apply. `partial` credit: share of correct picks minus share of wrong picks."""

    type: Literal["multi_choice"]
    choices: list[Choice] = Field(min_length=3)
    scoring: Literal["all_or_nothing", "partial"] = Field(
        "partial", description="all_or_nothing: only the exact set scores; partial: right picks minus wrong picks"
    )

    label: ClassVar[Text] = Text("Multiple choice", "복수 선택")
    hint: ClassVar[Text] = Text("Select every answer that applies.", "해당하는 답을 모두 고르십시오.")
    position: ClassVar[int] = 20
    fast_seconds: ClassVar[float | None] = 25
    classroom: ClassVar[bool] = True

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        if not any(choice.correct for choice in self.choices):
            found.append((("choices",), "a multi_choice question needs at least one correct choice"))
        # A missed right choice is a mistake too, so every choice explains itself.
        found += [
            (("choices", i, "explanation"), "every choice of a multi_choice question needs an explanation")
            for i, choice in enumerate(self.choices)
            if choice.explanation is None
        ]
        return found + texts_unique([c.text for c in self.choices], ("choices",), "choice")

    def draw(self, rng: random.Random, generators: Generators) -> Draw:
        return shuffled_choices(self, rng)

    def vote(self, drawn: Drawn) -> Vote:
        return choice_vote(self, drawn, many=True)

    def answer_text(self, answer: Any, drawn: Drawn) -> Text:
        return choices_text(self, check_list(self, answer, "a list of choice indexes"))

    def right_answer(self, drawn: Drawn) -> list[int]:
        return [i for i, c in enumerate(self.choices) if c.correct]

    def grade(self, answer: Any, drawn: Drawn, metrics: Mapping[str, float] | None = None) -> Grade:
        """Partial credit = share of the right choices picked minus share of the wrong ones picked."""
        picked = {choice_index(self, a) for a in check_list(self, answer, "a list of choice indexes")}
        right = {i for i, c in enumerate(self.choices) if c.correct}
        wrong = set(range(len(self.choices))) - right
        exact = picked == right
        if self.scoring == "all_or_nothing":
            score = 1.0 if exact else 0.0
        else:
            penalty = len(picked & wrong) / len(wrong) if wrong else 0.0
            score = max(0.0, len(picked & right) / len(right) - penalty)
        # Lessons: every wrong pick and every missed right choice, in the file's order.
        mistakes = sorted((picked - right) | (right - picked))
        return Grade(exact, 1.0 if exact else score,
                     tuple(self.choices[i].explanation for i in mistakes if self.choices[i].explanation))

    def gift(self, lang: str, *, seed: int = 0, generators: Generators | None = None) -> GiftForm:
        right = sum(c.correct for c in self.choices)
        wrong = len(self.choices) - right
        lines = []
        for c in self.choices:
            percent = 100 / right if c.correct else (-100 / wrong if wrong else 0)
            lines.append(f"\t~{weight(percent)}{escape(c.text.get(lang))}{feedback(c.explanation, lang)}")
        comment = ("// all-or-nothing in the app; GIFT can only give partial credit here\n"
                   if self.scoring == "all_or_nothing" else "")
        return GiftForm(tuple(lines), comment=comment)
