"""A profile's scheduling settings, kept as JSON in the profile row."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from fsrs.scheduler import DEFAULT_PARAMETERS

RETENTION_RANGE = (0.70, 0.99)  # below 0.7 you forget too much; 0.99 means reviewing daily forever
NEW_PER_DAY_RANGE = (0, 500)


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
        low, high = RETENTION_RANGE
        if not low <= self.desired_retention <= high:
            raise ValueError(f"desired retention must be between {low} and {high}, got {self.desired_retention}")
        low, high = NEW_PER_DAY_RANGE
        if not low <= self.new_per_day <= high:
            raise ValueError(f"new cards per day must be between {low} and {high}, got {self.new_per_day}")
        if self.parameters is not None and len(self.parameters) != len(DEFAULT_PARAMETERS):
            raise ValueError(f"FSRS needs {len(DEFAULT_PARAMETERS)} parameters, got {len(self.parameters)}")

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
        """Lenient: a missing or broken value falls back to its default instead of locking
        the learner out of their cards."""
        known = {f for f in cls.__dataclass_fields__ if f != "extra"}
        settings = cls(extra={k: v for k, v in data.items() if k not in known})
        for key in known:
            if key not in data:
                continue
            value = data[key]
            try:
                if key == "parameters":
                    value = None if value is None else tuple(float(x) for x in value)
                elif key in ("include_reversed", "term_cards"):
                    value = bool(value)
                elif key in ("new_per_day", "optimized_on"):
                    value = int(value)
                else:
                    value = float(value)
                settings = replace(settings, **{key: value})
            except (TypeError, ValueError):
                continue
        return settings
