"""Question types: one module each, found here. YAML picks a type with `type:`.

Each type's module holds everything about it: its model (the fields a topic file gives), its
own rules, how it is shuffled, its right answer, its grader and its GIFT form (the contract
is in `base.py`). Its widget is the one other place: studyapp/ui/widgets/.

Adding a question type: write a module here with one `QuestionBase` subclass that has a
`type: Literal["name"]` field, and its widget. Importing this package imports every module
in it, and defining the class registers it: nothing else lists the types.

Rules that need PyTorch (a demo's params are valid, a metric exists, a generator runs) are
checked by `studyapp quiz check` and the tests, never here: this layer does not import torch.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Annotated, Union

from pydantic import Field

from studyapp.content.questions.base import REGISTRY, AnswerError, Draw, Generators, Grade, QuestionBase, Vote
from studyapp.content.questions.base import TorchChecks, fill, fmt, placeholders, question_rng

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")

from studyapp.content.questions.choice import Choice, MultiChoice, OddOneOut, SingleChoice  # noqa: E402
from studyapp.content.questions.predict import Condition  # noqa: E402

QUESTION_MODELS: tuple[type[QuestionBase], ...] = tuple(REGISTRY.values())
QUESTION_TYPES: tuple[str, ...] = tuple(REGISTRY)
Question = Annotated[Union[QUESTION_MODELS], Field(discriminator="type")]


def question_model(kind: str) -> type[QuestionBase]:
    """The model of a question type, by its `type:` name."""
    try:
        return REGISTRY[kind]
    except KeyError:
        raise KeyError(f"unknown question type {kind!r}; known: {', '.join(REGISTRY)}") from None


__all__ = [
    "QUESTION_MODELS", "QUESTION_TYPES", "AnswerError", "Choice", "Condition", "Draw", "Generators", "Grade",
    "MultiChoice", "OddOneOut", "Question", "QuestionBase", "SingleChoice", "TorchChecks", "fill", "fmt",
    "placeholders", "question_model", "question_rng", "Vote",
]
