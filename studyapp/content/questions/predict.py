"""predict_then_run: predict what a demo does with the stated settings; then it runs, and the
metric it measures decides which outcome happened. Answer: the index of the predicted outcome.

The demo run is passed in (`metrics`), never made here: this layer does not import torch.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from typing import Annotated, Any, Callable, ClassVar, Literal, Mapping, Union

from pydantic import AfterValidator, Field, PlainValidator, StrictBool, StrictFloat, StrictInt

from studyapp.content.base import Id, Strict
from studyapp.content.questions.base import AnswerError, Draw, Drawn, Generators, Grade, Problem, QuestionBase, Vote
from studyapp.content.questions.base import TorchChecks, fmt, is_number
from studyapp.content.questions.choice import choice_index, choice_vote, choices_text
from studyapp.text import Text

MEASURED = Text("Measured by the demo — {en}", "데모가 측정한 값 — {ko}")


def _setting(value: object) -> object:
    if not (is_number(value) or isinstance(value, str)):
        raise ValueError(f"expected a number, true/false or text, got {type(value).__name__} {value!r}")
    return value


Setting = Annotated[
    Union[StrictBool, StrictInt, StrictFloat, str],
    PlainValidator(_setting, json_schema_input_type=Union[bool, int, float, str]),
]


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

    def describe(self, name: str, value: Callable[[float], str]) -> str:
        """The condition in words: `name` for the metric, `value` writes a threshold
        ("50% ≤ CNN test accuracy < 85%")."""
        parts = []
        if self.low != -math.inf:
            parts.append(f"{value(self.low)} {'≤' if self.low_inclusive else '<'}")
        if self.high == math.inf and parts:  # metric >= x reads better with the metric first
            return f"{name} {'≥' if self.low_inclusive else '>'} {value(self.low)}"
        parts.append(name)
        if self.high != math.inf:
            parts.append(f"{'≤' if self.high_inclusive else '<'} {value(self.high)}")
        return " ".join(parts)

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

    label: ClassVar[Text] = Text("Predict, then run", "예측 후 실행")
    hint: ClassVar[Text] = Text("Make your prediction; then the demo runs and its own measurement decides.",
                                "예측을 고르십시오. 그다음 데모가 실행되고, 데모가 측정한 값으로 채점합니다.")
    position: ClassVar[int] = 90
    fast_seconds: ClassVar[float | None] = None  # a prediction is a judgement, not recall: never Easy
    classroom: ClassVar[bool] = True

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

    def draw(self, rng: random.Random, generators: Generators) -> Draw:
        return Draw(order=tuple(range(len(self.choices))))  # the author's order (usually low to high)

    def right_answer(self, drawn: Drawn) -> None:
        return None  # decided by a demo run

    def vote(self, drawn: Drawn) -> Vote:
        return choice_vote(self, drawn)

    def answer_text(self, answer: Any, drawn: Drawn) -> Text:
        return choices_text(self, answer)

    def outcome_that_happened(self, metrics: Mapping[str, float]) -> int | None:
        """Index of the outcome whose condition the run's metric satisfies (None if the metric
        is NaN, the one value the outcomes' intervals cannot cover)."""
        metric = self.choices[0].condition.metric
        if metric not in metrics:
            raise KeyError(f"{self.id}: demo {self.demo!r} reported no metric {metric!r}; it has: {', '.join(metrics)}")
        value = float(metrics[metric])
        return next((i for i, c in enumerate(self.choices) if c.condition.holds(value)), None)

    def grade(self, answer: Any, drawn: Drawn, metrics: Mapping[str, float] | None = None) -> Grade:
        chosen = choice_index(self, answer)
        if metrics is None:
            raise AnswerError(f"{self.id}: a prediction is graded by the demo's metrics; run the demo first")
        happened = self.outcome_that_happened(metrics)
        note = self.measured(metrics)
        if happened == chosen:
            return Grade(True, 1.0, (self.choices[chosen].explanation,), note)
        lessons = [self.choices[chosen].explanation]
        if happened is not None:
            lessons.append(self.choices[happened].explanation)
        return Grade(False, 0.0, tuple(lessons), note)

    def measured(self, metrics: Mapping[str, float]) -> Text:
        """What the run measured, named in words: "Measured by the demo — CNN test accuracy: 96.1%"
        (the demo's own name for its metric; its key when it has none)."""
        from demos import get_demo  # the run that made `metrics` has loaded it already

        metric = self.choices[0].condition.metric
        value = float(metrics[metric])
        try:
            said = get_demo(self.demo).measured(metric, value)
        except Exception:  # a demo that cannot load still grades: its key and the number
            said = Text(f"{metric} {fmt(value)}", f"{metric} {fmt(value)}")
        return MEASURED.format(en=said.en, ko=said.ko)

    def torch_problems(self, checks: TorchChecks) -> list[str] | None:
        """The stated settings suit the demo; with a run, its metric picks an outcome."""
        problem = checks.param_problem(self.demo, self.params)
        if problem is not None:
            return [f"params: {problem}"]
        if checks.metrics is None:
            return []
        metrics = checks.metrics(self.demo, self.params, self.seed)
        try:
            happened = self.outcome_that_happened(metrics)
        except KeyError as exc:
            return [str(exc.args[0])]
        if happened is None:
            metric = self.choices[0].condition.metric
            return [f"no outcome holds for {metric} = {metrics[metric]!r}"]
        return []


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
