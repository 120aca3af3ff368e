"""Short, human intervals for buttons and messages, in English or Korean."""

from __future__ import annotations

from datetime import timedelta

from studyapp.text import Text

_UNITS = (  # (seconds in the unit, its suffix)
    (365 * 86400, Text(" y", "년")),
    (30 * 86400, Text(" mo", "개월")),
    (86400, Text(" d", "일")),
    (3600, Text(" h", "시간")),
    (60, Text(" min", "분")),
)
UNDER_A_MINUTE = Text("<1 min", "1분 미만")


def format_interval(delta: timedelta, lang: str = "en") -> str:
    """`timedelta(minutes=10)` -> '10 min' / '10분'; months and years get one decimal."""
    seconds = max(0.0, delta.total_seconds())
    if seconds < 60:
        return UNDER_A_MINUTE.get(lang)
    for size, suffix in _UNITS:
        if seconds >= size:
            value = seconds / size
            shown = f"{value:.1f}".rstrip("0").rstrip(".") if size >= 30 * 86400 else str(round(value))
            return f"{shown}{suffix.get(lang)}"
    raise AssertionError("unreachable")
