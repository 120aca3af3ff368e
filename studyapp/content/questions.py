"""Question models. Each question `type` is one model here; YAML picks it with `type:`.

Beyond what the types can say, each model lists its own rule breaks in `problems()`
(e.g. a single-choice question needs exactly one correct choice). The loader turns those
into `path:line: message` errors pointing at the offending node.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union, get_args

from pydantic import Field

from studyapp.content.base import Id, Strict, Text

# A problem found by a per-type rule: the location inside the question, and a message.
Problem = tuple[tuple[str | int, ...], str]


class Choice(Strict):
    text: Text
    correct: bool = False
    explanation: Text | None = Field(
        None, description="Why this choice is right, or which misconception makes it tempting"
    )


class QuestionBase(Strict):
    id: Id
    prompt: Text
    cards: list[Id] = Field(min_length=1, description="Ids of the cards this question tests")
    explanation: Text | None = Field(None, description="Shown after answering, right or wrong")

    def problems(self) -> list[Problem]:
        return []


def wrong_choices_explained(choices: list[Choice]) -> list[Problem]:
    """Every wrong choice must say which misconception it stands for."""
    return [
        (("choices", i, "explanation"), "a wrong choice needs an explanation of the misconception")
        for i, choice in enumerate(choices)
        if not choice.correct and choice.explanation is None
    ]


class SingleChoice(QuestionBase):
    type: Literal["single_choice"]
    choices: list[Choice] = Field(min_length=2)

    def problems(self) -> list[Problem]:
        correct = sum(choice.correct for choice in self.choices)
        found = [] if correct == 1 else [
            (("choices",), f"a single_choice question needs exactly one correct choice, found {correct}")
        ]
        return found + wrong_choices_explained(self.choices)


class TrueFalse(QuestionBase):
    type: Literal["true_false"]
    answer: bool
    misconception: Text = Field(description="Why the opposite answer is tempting, and wrong")


# Adding a question type: write its model above and list it here.
QUESTION_MODELS = (SingleChoice, TrueFalse)
Question = Annotated[Union[QUESTION_MODELS], Field(discriminator="type")]
QUESTION_TYPES: tuple[str, ...] = tuple(
    get_args(model.model_fields["type"].annotation)[0] for model in QUESTION_MODELS
)
