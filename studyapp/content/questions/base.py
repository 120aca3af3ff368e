"""What every question type has, and what each type must say about itself.

A question type is one model class (a subclass of `QuestionBase` with a `type: Literal[...]`
field) in one module of this package. Besides its fields, the class says:

    label, hint          what the type is called, and what the learner does
    position             where it comes in lists (the quiz page's menu, the schema)
    fast_seconds         a right answer faster than this is rated Easy (None: never); it grows
                         with the work: reading and arranging take longer than recognising
    problems()           its own rules beyond the fields (the loader reports them as path:line)
    draw(rng, gens)      what one asking draws from its seed: shuffled options, generated numbers
    right_answer(drawn)  the answer that scores full marks, in the graders' terms
    grade(answer, drawn, metrics)   the `Grade` of an answer
    gift(lang, ...)      its form in Moodle's GIFT format (None: GIFT cannot say it)
    classroom            whether a live class can answer it (studyapp/classroom): a short
                         answer each, tallied on the projector without names
    vote(drawn)          the options a class votes between (None: answers are tallied as given)
    answer_text(answer, drawn)      one answer as a learner reads it (a tally's bar, "your answer")
    torch_problems(checks)          what only PyTorch can check (`studyapp quiz check`)

Defining the class registers it (see `REGISTRY`): no other module lists the types.

Answers are plain JSON values, with choices always named by their index in the topic file
(never by their shuffled position on screen); each type's module says its answer's shape.
Everything here is pure: randomness comes in as a seeded `random.Random`, PyTorch-backed
functions (numeric generators, demo runs) are passed in, never imported.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Mapping, Protocol, get_args

from pydantic import Field

from studyapp.content.base import Id, Strict
from studyapp.content.questions.giftform import GiftForm
from studyapp.text import Text

# A problem found by a per-type rule: the location inside the question, and a message.
Problem = tuple[tuple[str | int, ...], str]
Generators = Mapping[str, Callable[..., float]]

# type name -> model class, in the order of their `position`; filled as the classes are defined.
REGISTRY: dict[str, type["QuestionBase"]] = {}


class AnswerError(ValueError):
    """The answer does not have the shape this question type takes."""


@dataclass(frozen=True)
class Grade:
    correct: bool
    score: float  # 0..1, partial credit where the type allows it
    lessons: tuple[Text, ...] = ()  # explanations tied to this particular answer
    note: Text | None = None  # e.g. "accepted despite a typo", "the demo measured ..."


@dataclass(frozen=True)
class Vote:
    """The options a class votes between, in the shown order: (the option's value in answers,
    its text). `many`: an answer is a list of those values (tick all that apply)."""

    options: tuple[tuple[Any, Text], ...]
    many: bool = False


def join_texts(texts: list[Text], separator: str) -> Text:
    """Several texts as one, in both languages."""
    return Text(separator.join(t.en for t in texts), separator.join(t.ko for t in texts))


@dataclass(frozen=True)
class Draw:
    """What one asking of a question drew from its seed."""

    order: tuple[int, ...] = ()  # display order: choices, ordering items, or matching's right options
    values: Mapping[str, Any] = field(default_factory=dict)  # numeric: the drawn parameters
    expected: float | None = None  # numeric: the generator's answer for `values`
    traps: tuple[float | None, ...] = ()  # numeric: each misconception's number for `values`


class Drawn(Protocol):
    """A `Draw`, or anything holding the same fields (the quiz's `Item`)."""

    order: tuple[int, ...]
    values: Mapping[str, Any]
    expected: float | None
    traps: tuple[float | None, ...]


@dataclass(frozen=True)
class TorchChecks:
    """What `studyapp quiz check` lends the types, so this layer never imports PyTorch."""

    generators: Generators
    param_problem: Callable[[str, Mapping[str, Any]], str | None]  # (demo, params) -> what is wrong
    metrics: Callable[[str, Mapping[str, Any], int], Mapping[str, float]] | None = None  # a run; None: no --run
    draws: int = 25  # generated settings tried per numeric question


def fmt(value: float) -> str:
    """A number as a learner would write it: 1234, 2.5, 0.0125."""
    if isinstance(value, bool):
        return str(value).lower()
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def fill(text: str, values: Mapping[str, Any]) -> str:
    """Replace {name} by the drawn value; other braces are left alone."""
    for name in placeholders(text):
        if name in values:
            text = text.replace("{" + name + "}", fmt(values[name]))
    return text


def question_rng(seed: int, question_id: str) -> random.Random:
    """A question's own generator: the same (seed, question) always draws the same."""
    # Seeding with a string is deterministic across runs and platforms (it is hashed with SHA-512).
    return random.Random(f"{seed}:{question_id}")


def is_number(value: object) -> bool:
    return isinstance(value, (bool, int, float))


def _key(text: str) -> str:
    """How two texts compare for 'same option twice' checks: case and spacing ignored."""
    return " ".join(text.casefold().split())


def texts_unique(texts: list[Text], where: tuple[str | int, ...], what: str) -> list[Problem]:
    """Two options that read the same (in either language) cannot be told apart."""
    found: list[Problem] = []
    for lang in ("en", "ko"):
        seen: dict[str, int] = {}
        for i, text in enumerate(texts):
            key = _key(text.get(lang))
            if key in seen:
                found.append(((*where, i), f"{what} {i} reads the same as {what} {seen[key]} ({lang}: {text.get(lang)!r})"))
            else:
                seen[key] = i
    return found


def check_list(question: "QuestionBase", answer: Any, what: str) -> list:
    """An answer that must be a list (of choices, item ids, matches)."""
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
        raise AnswerError(f"{question.id}: expected {what}, got {answer!r}")
    return list(answer)


class QuestionBase(Strict):
    id: Id
    prompt: Text
    cards: list[Id] = Field(min_length=1, description="Ids of the cards this question tests")
    explanation: Text | None = Field(None, description="Shown after answering, right or wrong")

    label: ClassVar[Text]
    hint: ClassVar[Text]
    position: ClassVar[int]
    fast_seconds: ClassVar[float | None] = None
    classroom: ClassVar[bool] = False

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        field_info = cls.model_fields.get("type")
        if field_info is None:
            return  # a shared base, not a type
        (name,) = get_args(field_info.annotation)
        if name in REGISTRY and REGISTRY[name].__qualname__ != cls.__qualname__:
            raise TypeError(f"two question types are called {name!r}: {REGISTRY[name].__name__} and {cls.__name__}")
        REGISTRY[name] = cls
        ordered = sorted(REGISTRY.items(), key=lambda item: item[1].position)
        REGISTRY.clear()
        REGISTRY.update(ordered)

    def problems(self) -> list[Problem]:
        return []

    def draw(self, rng: random.Random, generators: Generators) -> Draw:
        return Draw()

    def right_answer(self, drawn: Drawn) -> Any:
        raise NotImplementedError

    def grade(self, answer: Any, drawn: Drawn, metrics: Mapping[str, float] | None = None) -> Grade:
        raise NotImplementedError

    def gift(self, lang: str, *, seed: int = 0, generators: Generators | None = None) -> GiftForm | None:
        return None

    def torch_problems(self, checks: TorchChecks) -> list[str] | None:
        """Problems only PyTorch can find; None when the question has nothing of that kind."""
        return None

    def vote(self, drawn: Drawn) -> Vote | None:
        return None

    def answer_text(self, answer: Any, drawn: Drawn) -> Text:
        return Text(str(answer), str(answer))
