"""true_false: is the statement true? Answer: a bool."""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Mapping

from pydantic import Field

from studyapp.content.questions.base import AnswerError, Drawn, Generators, Grade, QuestionBase, Vote
from studyapp.content.questions.giftform import GiftForm, escape
from studyapp.text import Text

TRUE, FALSE = Text("True", "참"), Text("False", "거짓")


class TrueFalse(QuestionBase):
    type: Literal["true_false"]
    answer: bool
    misconception: Text = Field(description="Why the opposite answer is tempting, and wrong")

    label: ClassVar[Text] = Text("True or false", "참/거짓")
    hint: ClassVar[Text] = Text("Is the statement true or false?", "이 문장은 참입니까, 거짓입니까?")
    position: ClassVar[int] = 30
    fast_seconds: ClassVar[float | None] = 10
    classroom: ClassVar[bool] = True

    def right_answer(self, drawn: Drawn) -> bool:
        return self.answer

    def grade(self, answer: Any, drawn: Drawn, metrics: Mapping[str, float] | None = None) -> Grade:
        if not isinstance(answer, bool):
            raise AnswerError(f"{self.id}: expected true or false, got {answer!r}")
        if answer == self.answer:
            return Grade(True, 1.0)
        return Grade(False, 0.0, (self.misconception,))

    def vote(self, drawn: Drawn) -> Vote:
        return Vote(((True, TRUE), (False, FALSE)))

    def answer_text(self, answer: Any, drawn: Drawn) -> Text:
        if not isinstance(answer, bool):
            raise AnswerError(f"{self.id}: expected true or false, got {answer!r}")
        return TRUE if answer else FALSE

    def gift(self, lang: str, *, seed: int = 0, generators: Generators | None = None) -> GiftForm:
        """{TRUE#feedback if answered wrongly#feedback if answered rightly}"""
        wrong = "#" + escape(self.misconception.get(lang))
        right = "#" + escape(self.explanation.get(lang)) if self.explanation else ""
        return GiftForm(inline=f"{'TRUE' if self.answer else 'FALSE'}{wrong}{right}")
