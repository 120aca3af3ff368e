"""A profile's scheduling settings, kept as JSON in the profile row."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

RETENTION_RANGE = (0.70, 0.99)  # below 0.7 you forget too much; 0.99 means reviewing daily forever
NEW_PER_DAY_RANGE = (0, 500)
MAX_OPTIMIZED_ON = 10**9


@dataclass(frozen=True)
class Settings:
    desired_retention: float = 0.9  # the recall probability at which a card comes due
    new_per_day: int = 20  # new cards introduced per UTC day
    include_reversed: bool = True  # also study definition -> term for cards marked reversible
    term_cards: bool = False  # also study Korean term -> English term and back (Korean learners)
    parameters: tuple[float, ...] | None = None  # FSRS weights fitted to this learner; None = defaults
    optimized_on: int = 0  # how many reviews the fitted weights were learned from
    extra: dict[str, Any] = field(default_factory=dict, compare=False)  # keys we don't know: kept, not lost

    def __post_init__(self) -> None:
        # Comparisons written so that NaN fails them too (NaN compares false with everything).
        low, high = RETENTION_RANGE
        if not low <= self.desired_retention <= high:
            raise ValueError(f"desired retention must be between {low} and {high}, got {self.desired_retention}")
        low, high = NEW_PER_DAY_RANGE
        if not low <= self.new_per_day <= high:
            raise ValueError(f"new cards per day must be between {low} and {high}, got {self.new_per_day}")
        if not 0 <= self.optimized_on <= MAX_OPTIMIZED_ON:
            raise ValueError(f"optimized_on must be between 0 and {MAX_OPTIMIZED_ON}, got {self.optimized_on}")
        if self.parameters is not None:
            if len(self.parameters) != len(DEFAULT_PARAMETERS):
                raise ValueError(f"FSRS needs {len(DEFAULT_PARAMETERS)} parameters, got {len(self.parameters)}")
            for i, (value, low, high) in enumerate(zip(self.parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS)):
                if not low <= value <= high:
                    raise ValueError(f"FSRS parameter {i} must be between {low} and {high}, got {value}")

    @property
    def weights(self) -> tuple[float, ...]:
        return self.parameters if self.parameters is not None else tuple(DEFAULT_PARAMETERS)

    def to_dict(self) -> dict[str, Any]:
        data = {**self.extra, **asdict(self)}
        data.pop("extra")
        data["parameters"] = list(self.parameters) if self.parameters is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Settings":
        """Lenient: a missing or broken value (wrong type, out of range, NaN, infinite) falls
        back to its default instead of locking the learner out of their cards."""
        known = {f for f in cls.__dataclass_fields__ if f != "extra"}
        settings = cls(extra={k: v for k, v in data.items() if k not in known})
        for key in known:
            if key not in data:
                continue
            try:
                settings = replace(settings, **{key: _convert(key, data[key])})
            except (TypeError, ValueError, OverflowError):
                continue
        return settings

    @classmethod
    def check_dict(cls, data: Any) -> list[str]:
        """Strict (for restoring a backup): what is wrong with each known key, [] if nothing.
        Unlike `from_dict`, nothing is quietly replaced by its default."""
        if not isinstance(data, dict):
            return ["expected an object"]
        problems = []
        for key in (f for f in cls.__dataclass_fields__ if f != "extra"):
            if key not in data:
                continue
            try:
                cls(**{key: _convert(key, data[key], strict=True)})
            except (TypeError, ValueError, OverflowError) as exc:
                problems.append(f"{key}: {exc}")
        return problems


def _number(value: Any, strict: bool) -> float:
    if isinstance(value, bool) or (strict and not isinstance(value, (int, float))):
        raise TypeError(f"expected a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {value!r}")
    return number


def _convert(key: str, value: Any, strict: bool = False) -> Any:
    """A stored value as its field's type (ValueError, TypeError or OverflowError if it is not one)."""
    if key == "parameters":
        if value is None:
            return None
        if not isinstance(value, (list, tuple)):
            raise TypeError("expected a list of numbers")
        return tuple(_number(x, strict) for x in value)
    if key in ("include_reversed", "term_cards"):
        if strict and not isinstance(value, bool):
            raise TypeError(f"expected true or false, got {value!r}")
        return bool(value)
    if key in ("new_per_day", "optimized_on"):
        number = _number(value, strict)
        if strict and not number.is_integer():
            raise ValueError(f"expected a whole number, got {value!r}")
        return int(number)
    return _number(value, strict)
