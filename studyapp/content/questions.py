"""Question models. Each question `type` is one model here; YAML picks it with `type:`.

Beyond what the types can say, each model lists its own rule breaks in `problems()`
(e.g. a single-choice question needs exactly one correct choice, an ordering's answer must be
a permutation of its items). The loader turns those into `path:line: message` errors pointing
at the offending node.

Rules that need PyTorch (a demo's params are valid, a metric exists, a generator runs) are
checked by `studyapp quiz check` and the tests, never here: this layer does not import torch.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Literal, Union, get_args

from pydantic import AfterValidator, Field, PlainValidator, StrictBool, StrictFloat, StrictInt, ValidationError

from studyapp.content.base import Id, NonEmpty, Strict
from studyapp.text import Text

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


def normalize(answer: str) -> str:
    """A typed answer reduced to what matters: case, spaces and punctuation (hyphens,
    apostrophes, dots) are dropped, and full-width forms folded (NFKC)."""
    text = unicodedata.normalize("NFKC", answer).casefold()
    return "".join(ch for ch in text if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def _key(text: str) -> str:
    """How two texts compare for 'same option twice' checks: case and spacing ignored."""
    return " ".join(text.casefold().split())


def wrong_choices_explained(choices: list[Choice]) -> list[Problem]:
    """Every wrong choice must say which misconception it stands for."""
    return [
        (("choices", i, "explanation"), "a wrong choice needs an explanation of the misconception")
        for i, choice in enumerate(choices)
        if not choice.correct and choice.explanation is None
    ]


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


# --- choice questions ---------------------------------------------------------------------


class SingleChoice(QuestionBase):
    type: Literal["single_choice"]
    choices: list[Choice] = Field(min_length=2)

    def problems(self) -> list[Problem]:
        correct = sum(choice.correct for choice in self.choices)
        found = [] if correct == 1 else [
            (("choices",), f"a single_choice question needs exactly one correct choice, found {correct}")
        ]
        return found + wrong_choices_explained(self.choices) + texts_unique([c.text for c in self.choices], ("choices",), "choice")


class MultiChoice(QuestionBase):
    """Select all that apply. `partial` credit: share of correct picks minus share of wrong picks."""

    type: Literal["multi_choice"]
    choices: list[Choice] = Field(min_length=3)
    scoring: Literal["all_or_nothing", "partial"] = Field(
        "partial", description="all_or_nothing: only the exact set scores; partial: right picks minus wrong picks"
    )

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


class TrueFalse(QuestionBase):
    type: Literal["true_false"]
    answer: bool
    misconception: Text = Field(description="Why the opposite answer is tempting, and wrong")


class OddOneOut(QuestionBase):
    """Which item does not belong? `correct: true` marks the odd one; the others say what they share."""

    type: Literal["odd_one_out"]
    choices: list[Choice] = Field(min_length=3)

    def problems(self) -> list[Problem]:
        odd = sum(choice.correct for choice in self.choices)
        found = [] if odd == 1 else [
            (("choices",), f"an odd_one_out question needs exactly one odd item (correct: true), found {odd}")
        ]
        return found + wrong_choices_explained(self.choices) + texts_unique([c.text for c in self.choices], ("choices",), "choice")


# --- ordering and matching ----------------------------------------------------------------


class OrderItem(Strict):
    id: Id
    text: Text
    explanation: Text = Field(description="Why this step comes where it does; shown when it is misplaced")


class Ordering(QuestionBase):
    """Put the items in order. `answer` lists the item ids in the right order."""

    type: Literal["ordering"]
    items: list[OrderItem] = Field(min_length=3)
    answer: list[Id] = Field(description="Every item id exactly once, in the right order")

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

    def problems(self) -> list[Problem]:
        found = texts_unique([p.left for p in self.pairs], ("pairs",), "left item")
        rights = [p.right for p in self.pairs] + [d.text for d in self.distractors]
        for (loc, message) in texts_unique(rights, ("pairs",), "right item"):
            index = loc[-1]
            if index >= len(self.pairs):  # a distractor duplicates something
                loc = ("distractors", index - len(self.pairs))
            found.append((loc, message + ": matching must be one-to-one"))
        return found


# --- typed answers ------------------------------------------------------------------------


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


# --- numeric answers ----------------------------------------------------------------------

def _is_number(value: object) -> bool:
    return isinstance(value, (bool, int, float))


def _scalar(value: object) -> object:
    # One clear message instead of one per branch of a union (bool? int? float?).
    if not _is_number(value):
        raise ValueError(f"expected a number or true/false, got {type(value).__name__} {value!r}")
    return value


def _setting(value: object) -> object:
    if not (_is_number(value) or isinstance(value, str)):
        raise ValueError(f"expected a number, true/false or text, got {type(value).__name__} {value!r}")
    return value


Scalar = Annotated[
    Union[StrictBool, StrictInt, StrictFloat],
    PlainValidator(_scalar, json_schema_input_type=Union[bool, int, float]),
]
Setting = Annotated[
    Union[StrictBool, StrictInt, StrictFloat, str],
    PlainValidator(_setting, json_schema_input_type=Union[bool, int, float, str]),
]


class ParamRange(Strict):
    """A generated parameter drawn from min, min + step, ..., max."""

    min: StrictInt | StrictFloat
    max: StrictInt | StrictFloat
    step: StrictInt | StrictFloat | None = Field(None, description="Default 1 for whole numbers; required for decimals")

    def count(self) -> int:
        """How many values the range holds (0 if it is malformed)."""
        step = self.step if self.step is not None else 1
        if step <= 0 or self.max < self.min:
            return 0
        return int(math.floor((self.max - self.min) / step + 1e-9)) + 1

    def value(self, k: int) -> float | int:
        """The k-th value: min + k * step (a whole number when min and step are whole)."""
        step = self.step if self.step is not None else 1
        if isinstance(self.min, int) and isinstance(step, int):
            return self.min + k * step
        return round(self.min + k * step, 10)  # 0.1 + 2 * 0.1 should read 0.3, not 0.30000000000000004


def _param_spec(value: object) -> object:
    """A fixed value, a non-empty list to draw from, or a {min, max, step} range."""
    if _is_number(value):
        return value
    if isinstance(value, list):
        if value and all(_is_number(v) for v in value):
            return value
        raise ValueError("a list of values to draw from must be non-empty and hold only numbers or true/false")
    if isinstance(value, dict):
        try:
            return ParamRange.model_validate(value)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'range'}: {e['msg']}" for e in exc.errors())
            raise ValueError(f"a range is {{min, max, step}}: {problems}") from None
    raise ValueError(f"expected a number, a list of numbers or {{min, max, step}}, got {type(value).__name__} {value!r}")


ParamSpec = Annotated[
    Union[StrictBool, StrictInt, StrictFloat, list[Union[StrictBool, StrictInt, StrictFloat]], ParamRange],
    PlainValidator(_param_spec, json_schema_input_type=Union[bool, int, float, list[Union[bool, int, float]], ParamRange]),
]
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


class NumericMisconception(Strict):
    """A tempting wrong number: a fixed `answer`, or for generated questions the generator
    run again with some parameters changed (`set`), e.g. `{bias: false}` for a count that
    forgot the biases."""

    answer: StrictInt | StrictFloat | None = None
    set: dict[str, Scalar] | None = None
    explanation: Text


class Numeric(QuestionBase):
    """A number, right within `tolerance` (absolute) or `rel_tolerance` (a fraction of the answer).

    Either a fixed `answer`, or a `generator` (a function in demos/generators.py that builds
    the layer in PyTorch and measures the result) with `params`: fixed values, lists to pick
    from, or ranges. The prompt names the drawn values as {param}; every attempt differs.
    """

    type: Literal["numeric"]
    answer: StrictInt | StrictFloat | None = None
    generator: Id | None = Field(None, description="Name of a generator in demos/generators.py")
    params: dict[str, ParamSpec] = {}
    tolerance: float = Field(0.0, ge=0, description="Absolute tolerance")
    rel_tolerance: float = Field(0.0, ge=0, description="Tolerance as a fraction of the right answer")
    unit: Text | None = None
    misconceptions: list[NumericMisconception] = []

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        if (self.answer is None) == (self.generator is None):
            found.append(((), "a numeric question needs either `answer` or `generator`, not both"
                          if self.answer is not None else "a numeric question needs `answer` or `generator`"))
            return found
        if self.generator is None:
            if self.params:
                found.append((("params",), "`params` only make sense with a `generator`"))
            for i, item in enumerate(self.misconceptions):
                if item.answer is None or item.set is not None:
                    found.append((("misconceptions", i), "without a generator a misconception needs `answer` (and no `set`)"))
            return found + self._placeholder_problems(set())
        from demos.generators import GENERATORS  # a plain table: importing it does not load torch

        generator = GENERATORS.get(self.generator)
        if generator is None:
            found.append((("generator",), f"unknown generator {self.generator!r}; known: {', '.join(sorted(GENERATORS))}"))
            return found
        for name in self.params:
            if name not in generator.params:
                found.append((("params", name), f"generator {self.generator!r} has no parameter {name!r}; it takes: {', '.join(generator.params)}"))
        missing = [name for name in generator.params if name not in self.params]
        if missing:
            found.append((("params",), f"generator {self.generator!r} needs {', '.join(missing)}"))
        for name, spec in self.params.items():
            if isinstance(spec, ParamRange):
                if spec.max < spec.min:
                    found.append((("params", name), "max is below min"))
                elif spec.step is not None and spec.step <= 0:
                    found.append((("params", name, "step"), "step must be positive"))
                elif spec.step is None and not (isinstance(spec.min, int) and isinstance(spec.max, int)):
                    found.append((("params", name), "a range of decimals needs a `step`"))
        for i, item in enumerate(self.misconceptions):
            if item.set is None or item.answer is not None:
                found.append((("misconceptions", i), "with a generator a misconception needs `set` (and no `answer`)"))
                continue
            for name in item.set:
                if name not in generator.params:
                    found.append((("misconceptions", i, "set", name), f"generator {self.generator!r} has no parameter {name!r}"))
        return found + self._placeholder_problems(set(self.params))

    def varying(self) -> list[str]:
        """Parameters drawn anew for each attempt (the learner must be told them)."""
        return [name for name, spec in self.params.items() if isinstance(spec, (list, ParamRange))]

    def _placeholder_problems(self, known: set[str]) -> list[Problem]:
        found: list[Problem] = []
        texts: list[tuple[tuple[str | int, ...], Text | None]] = [(("prompt",), self.prompt), (("explanation",), self.explanation)]
        texts += [(("misconceptions", i, "explanation"), m.explanation) for i, m in enumerate(self.misconceptions)]
        for where, text in texts:
            for lang in ("en", "ko"):
                if text is None:
                    continue
                used = placeholders(text.get(lang))
                for name in sorted(used - known):
                    found.append(((*where, lang), f"{{{name}}} is not a parameter of this question"))
                if where == ("prompt",):
                    for name in self.varying():
                        if name not in used:
                            found.append(((*where, lang), f"the prompt must show the drawn value of {name!r} as {{{name}}}"))
        return found


# --- predict, then run the demo ---------------------------------------------------------------

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
CONDITION = re.compile(
    rf"^\s*(?:(?P<low>{_NUMBER})\s*(?P<low_op><=|<)\s*)?"
    rf"(?P<metric>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op><=|>=|<|>)\s*(?P<value>{_NUMBER})\s*$"
)


@dataclass(frozen=True)
class Condition:
    """`metric > 0.15`, `metric <= 3` or `0.1 <= metric < 0.3`: an interval of one metric."""

    metric: str
    low: float = -math.inf
    low_inclusive: bool = False
    high: float = math.inf
    high_inclusive: bool = False

    @classmethod
    def parse(cls, text: str) -> "Condition":
        match = CONDITION.match(text)
        if not match:
            raise ValueError(
                f"{text!r} is not a condition; write e.g. `plain_acc_gap > 0.15` or `0.1 <= plain_acc_gap < 0.3`"
            )
        metric, op, value = match["metric"], match["op"], float(match["value"])
        if match["low"] is not None:
            if op not in ("<", "<="):
                raise ValueError(f"{text!r}: a range reads low < metric < high")
            return cls(metric, float(match["low"]), match["low_op"] == "<=", value, op == "<=")
        if op in (">", ">="):
            return cls(metric, low=value, low_inclusive=op == ">=")
        return cls(metric, high=value, high_inclusive=op == "<=")

    def holds(self, value: float) -> bool:
        if math.isnan(value):
            return False
        above = value > self.low or (self.low_inclusive and value == self.low)
        below = value < self.high or (self.high_inclusive and value == self.high)
        return above and below

    def __str__(self) -> str:
        parts = []
        if self.low != -math.inf:
            parts.append(f"{self.low:g} {'<=' if self.low_inclusive else '<'}")
        parts.append(self.metric)
        if self.high != math.inf:
            parts.append(f"{'<=' if self.high_inclusive else '<'} {self.high:g}")
        return " ".join(parts)


def _valid_condition(text: str) -> str:
    Condition.parse(text)
    return text


class Outcome(Strict):
    text: Text
    when: Annotated[str, AfterValidator(_valid_condition)] = Field(
        description="When this outcome happened, as a condition on one of the demo's metrics: "
        "`plain_acc_gap > 0.15`, `0.1 <= plain_acc_gap < 0.3`"
    )
    explanation: Text = Field(description="Why the demo behaves like this (or why it does not)")

    @property
    def condition(self) -> Condition:
        return Condition.parse(self.when)


class PredictThenRun(QuestionBase):
    """Predict what a demo will do with the stated settings; then it runs, and the metric it
    computes decides which outcome happened. The outcomes split one metric's values into
    intervals that neither overlap nor leave gaps, so exactly one of them always happens."""

    type: Literal["predict_then_run"]
    demo: Id = Field(description="Id of the demo to run (see `studyapp demo list`)")
    params: dict[str, Setting] = Field({}, description="The stated settings; the rest keep the demo's defaults")
    seed: int = 0
    choices: list[Outcome] = Field(min_length=2)

    def problems(self) -> list[Problem]:
        from demos import demo_ids  # the registry: no torch import

        found: list[Problem] = []
        if self.demo not in demo_ids():
            found.append((("demo",), f"unknown demo {self.demo!r}; known: {', '.join(demo_ids())}"))
        conditions = [choice.condition for choice in self.choices]
        metrics = sorted({c.metric for c in conditions})
        if len(metrics) > 1:
            found.append((("choices",), f"all outcomes must be conditions on one metric, found {', '.join(metrics)}"))
            return found
        return found + _partition_problems(conditions)


def _partition_problems(conditions: list[Condition]) -> list[Problem]:
    """The intervals must tile the real line: sorted by their lower end, each starts where the
    previous one ends, with the shared boundary in exactly one of them."""
    order = sorted(range(len(conditions)), key=lambda i: (conditions[i].low, not conditions[i].low_inclusive))
    first = conditions[order[0]]
    metric = first.metric
    if first.low != -math.inf:
        return [(("choices", order[0], "when"), f"no outcome covers {metric} below {first.low:g}")]
    for before, after in zip(order, order[1:]):
        a, b = conditions[before], conditions[after]
        if a.high < b.low or (a.high == b.low and not a.high_inclusive and not b.low_inclusive):
            return [(("choices", after, "when"), f"no outcome covers {metric} = {a.high:g}"
                     + (f" to {b.low:g}" if a.high < b.low else ""))]
        if a.high > b.low or (a.high == b.low and a.high_inclusive and b.low_inclusive):
            return [(("choices", after, "when"), f"outcomes {before} and {after} overlap: both hold for some {metric}")]
    last = conditions[order[-1]]
    if last.high != math.inf:
        return [(("choices", order[-1], "when"), f"no outcome covers {metric} above {last.high:g}")]
    return []


# Adding a question type: write its model above and list it here.
QUESTION_MODELS = (
    SingleChoice, MultiChoice, TrueFalse, Ordering, Matching, OddOneOut, Typed, Numeric, PredictThenRun,
)
Question = Annotated[Union[QUESTION_MODELS], Field(discriminator="type")]
QUESTION_TYPES: tuple[str, ...] = tuple(
    get_args(model.model_fields["type"].annotation)[0] for model in QUESTION_MODELS
)

__all__ = [
    "Choice", "Condition", "Distractor", "Matching", "MultiChoice", "Numeric", "NumericMisconception", "OddOneOut",
    "OrderItem", "Ordering", "Outcome", "Pair", "ParamRange", "PredictThenRun", "QUESTION_MODELS", "QUESTION_TYPES",
    "Question", "SingleChoice", "TrueFalse", "Typed", "TypedMisconception", "normalize", "placeholders",
]
