"""typed: a free-text answer (a cloze when the prompt has a ___ blank). Answer: a str."""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Mapping

from pydantic import Field

from studyapp.content.base import NonEmpty, Strict
from studyapp.content.questions.base import AnswerError, Drawn, Generators, Grade, Problem, QuestionBase
from studyapp.content.questions.giftform import GiftForm, escape, feedback
from studyapp.content.questions.textmatch import match_typed, normalize
from studyapp.text import Text

TYPO_NOTE = Text("Accepted despite a small typo; it is spelled “{en}”.",
                 "작은 오타가 있지만 정답으로 인정합니다. 바른 표기는 “{ko}”입니다.")


class TypedMisconception(Strict):
    answers: list[NonEmpty] = Field(min_length=1, description="Wrong answers (any language) this explanation is for")
    explanation: Text


class Typed(QuestionBase):
    """A free-text answer (a cloze when the prompt has a ___ blank), graded tolerantly:
    case, spaces and hyphens are ignored, listed synonyms in both languages count, and
    small typos are forgiven unless `typos: false`."""

    type: Literal["typed"]
    answer: Text = Field(description="The model answer shown after grading, in each language")
    accept: list[NonEmpty] = Field([], description="More accepted answers or synonyms, in any language")
    misconceptions: list[TypedMisconception] = Field(
        [], description="Tempting wrong answers and what is wrong with them"
    )
    typos: bool = Field(True, description="Forgive small typos (about one per five letters)")

    label: ClassVar[Text] = Text("Typed answer", "직접 입력")
    hint: ClassVar[Text] = Text("Type your answer; small typos are forgiven.", "답을 입력하십시오. 사소한 오타는 정답으로 인정합니다.")
    position: ClassVar[int] = 70
    fast_seconds: ClassVar[float | None] = 15

    def accepted(self) -> list[str]:
        return [self.answer.en, self.answer.ko, *self.accept]

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        accepted = {normalize(a): a for a in self.accepted()}
        if "" in accepted:
            found.append((("answer",), f"answer {accepted['']!r} is empty once spaces, hyphens and punctuation are ignored"))
        for i, item in enumerate(self.misconceptions):
            for k, wrong in enumerate(item.answers):
                if normalize(wrong) in accepted:
                    found.append((("misconceptions", i, "answers", k),
                                  f"{wrong!r} is also an accepted answer ({accepted[normalize(wrong)]!r})"))
        return found

    def right_answer(self, drawn: Drawn) -> str:
        return self.answer.en

    def grade(self, answer: Any, drawn: Drawn, metrics: Mapping[str, float] | None = None) -> Grade:
        if not isinstance(answer, str):
            raise AnswerError(f"{self.id}: expected text, got {answer!r}")
        match = match_typed(answer, self.accepted(), [m.answers for m in self.misconceptions], typos=self.typos)
        if match.kind == "exact":
            return Grade(True, 1.0)
        if match.kind == "typo":
            return Grade(True, 1.0, note=TYPO_NOTE.format(en=self.answer.en, ko=self.answer.ko))
        if match.kind == "misconception":
            return Grade(False, 0.0, (self.misconceptions[match.misconception].explanation,))
        return Grade(False, 0.0)

    def gift(self, lang: str, *, seed: int = 0, generators: Generators | None = None) -> GiftForm:
        # The answer in the export language first (Moodle shows the first as "the" answer).
        accepted = list(dict.fromkeys([self.answer.get(lang), *self.accepted()]))
        lines = [f"\t={escape(a)}" for a in accepted]
        for m in self.misconceptions:
            lines += [f"\t=%0%{escape(a)}{feedback(m.explanation, lang)}" for a in m.answers]
        return GiftForm(tuple(lines))
