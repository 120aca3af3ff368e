"""numeric: a number, right within a tolerance; fixed, or generated per asking by a function
in demos/generators.py that builds the layer in PyTorch and measures it. Answer: a float."""

from __future__ import annotations

import math
import random
from typing import Annotated, Any, ClassVar, Literal, Mapping, Union

from pydantic import Field, PlainValidator, StrictBool, StrictFloat, StrictInt, ValidationError

from studyapp.content.base import Id, Strict
from studyapp.content.questions.base import AnswerError, Draw, Drawn, Generators, Grade, Problem, QuestionBase
from studyapp.content.questions.base import TorchChecks, fmt, is_number, placeholders, question_rng
from studyapp.content.questions.giftform import GiftForm, feedback
from studyapp.text import Text

MAX_DRAWS = 200  # attempts to draw generator settings that describe a valid layer


def _scalar(value: object) -> object:
    # One clear message instead of one per branch of a union (bool? int? float?).
    if not is_number(value):
        raise ValueError(f"expected a number or true/false, got {type(value).__name__} {value!r}")
    return value


Scalar = Annotated[
    Union[StrictBool, StrictInt, StrictFloat],
    PlainValidator(_scalar, json_schema_input_type=Union[bool, int, float]),
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
    if is_number(value):
        return value
    if isinstance(value, list):
        if value and all(is_number(v) for v in value):
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


def draw_value(spec: Any, rng: random.Random) -> Any:
    if isinstance(spec, ParamRange):
        return spec.value(rng.randrange(spec.count()))
    if isinstance(spec, list):
        return rng.choice(spec)
    return spec


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

    label: ClassVar[Text] = Text("Numeric", "수치 계산")
    hint: ClassVar[Text] = Text("Enter a number.", "숫자를 입력하십시오.")
    position: ClassVar[int] = 80
    fast_seconds: ClassVar[float | None] = 40
    classroom: ClassVar[bool] = True

    # --- rules ----------------------------------------------------------------------------

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

    # --- asking and grading ---------------------------------------------------------------

    def draw(self, rng: random.Random, generators: Generators) -> Draw:
        """Settings the generator accepts, its answer, and each misconception's number."""
        if not self.generator:
            return Draw()
        try:
            generator = generators[self.generator]
        except KeyError:
            raise KeyError(f"{self.id}: unknown generator {self.generator!r}") from None
        last_error: Exception | None = None
        for _ in range(MAX_DRAWS):
            values = {name: draw_value(spec, rng) for name, spec in self.params.items()}
            try:
                expected = float(generator(**values))
            except ValueError as exc:  # e.g. a kernel larger than the input: draw again
                last_error = exc
                continue
            traps = []
            for misconception in self.misconceptions:
                try:
                    trap = float(generator(**{**values, **misconception.set}))
                except ValueError:
                    trap = None
                # A "mistake" that gives the right number here teaches nothing: drop it.
                traps.append(None if trap is None or trap == expected else trap)
            return Draw(values=values, expected=expected, traps=tuple(traps))
        raise ValueError(f"{self.id}: no valid settings in {MAX_DRAWS} draws ({last_error})")

    def right_answer(self, drawn: Drawn) -> float:
        return drawn.expected if drawn.expected is not None else self.answer

    def tolerance_for(self, expected: float) -> float:
        # float32 arithmetic in the generators leaves noise in the 7th digit: never let it decide.
        return max(self.tolerance, self.rel_tolerance * abs(expected), 1e-6 * max(1.0, abs(expected)))

    def grade(self, answer: Any, drawn: Drawn, metrics: Mapping[str, float] | None = None) -> Grade:
        if isinstance(answer, bool) or not isinstance(answer, (int, float)) or not math.isfinite(answer):
            raise AnswerError(f"{self.id}: expected a number, got {answer!r}")
        expected = self.right_answer(drawn)
        tolerance = self.tolerance_for(expected)
        if abs(answer - expected) <= tolerance:
            return Grade(True, 1.0)
        lessons = tuple(
            m.explanation
            for m, trap in zip(self.misconceptions, drawn.traps or [m.answer for m in self.misconceptions])
            if trap is not None and abs(answer - trap) <= tolerance
        )
        return Grade(False, 0.0, lessons[:1])

    def answer_text(self, answer: Any, drawn: Drawn) -> Text:
        if isinstance(answer, bool) or not isinstance(answer, (int, float)):
            raise AnswerError(f"{self.id}: expected a number, got {answer!r}")
        if self.unit is None:
            return Text(fmt(answer), fmt(answer))
        return Text(f"{fmt(answer)} {self.unit.en}", f"{fmt(answer)} {self.unit.ko}")

    # --- elsewhere ------------------------------------------------------------------------

    def gift(self, lang: str, *, seed: int = 0, generators: Generators | None = None) -> GiftForm | None:
        """A generated question is written as one drawn instance (None without generators)."""
        comment = ""
        if self.generator:
            if generators is None:
                return None
            drawn = self.draw(question_rng(seed, self.id), generators)
            expected, traps = drawn.expected, drawn.traps
            comment = f"// generated by {self.generator} (seed {seed}): " + ", ".join(
                f"{k}={fmt(v)}" for k, v in drawn.values.items()) + "\n"
        else:
            drawn, expected, traps = Draw(), self.answer, [m.answer for m in self.misconceptions]
        tolerance = max(self.tolerance, self.rel_tolerance * abs(expected))
        lines = [f"\t={fmt(expected)}:{fmt(tolerance)}"]
        for m, trap in zip(self.misconceptions, traps):
            if trap is not None:
                lines.append(f"\t=%0%{fmt(trap)}:{fmt(tolerance)}{feedback(m.explanation, lang)}")
        suffix = f" ({self.unit.get(lang)})" if self.unit else ""
        return GiftForm(tuple(lines), numeric=True, comment=comment, prompt_suffix=suffix, values=drawn.values)

    def torch_problems(self, checks: TorchChecks) -> list[str] | None:
        """The generator must accept some of the settings it is drawn with."""
        if not self.generator:
            return None
        valid, errors = 0, set()
        for seed in range(checks.draws):
            try:
                self.draw(question_rng(seed, self.id), checks.generators)
                valid += 1
            except (ValueError, TypeError, KeyError) as exc:
                errors.add(str(exc))
        if not valid:
            return [f"generator {self.generator!r} failed for every drawn setting: {sorted(errors)[0]}"]
        return []
