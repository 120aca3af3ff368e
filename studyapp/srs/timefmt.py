"""Short, human intervals for buttons and messages, in English or Korean."""

from __future__ import annotations

from datetime import timedelta

_UNITS = (  # (seconds in the unit, English suffix, Korean suffix)
    (365 * 86400, " y", "년"),
    (30 * 86400, " mo", "개월"),
    (86400, " d", "일"),
    (3600, " h", "시간"),
    (60, " min", "분"),
)


def format_interval(delta: timedelta, lang: str = "en") -> str:
    """`timedelta(minutes=10)` -> '10 min' / '10분'; months and years get one decimal."""
    seconds = max(0.0, delta.total_seconds())
    if seconds < 60:
        return "<1 min" if lang != "ko" else "1분 미만"
    for size, en, ko in _UNITS:
        if seconds >= size:
            value = seconds / size
            shown = f"{value:.1f}".rstrip("0").rstrip(".") if size >= 30 * 86400 else str(round(value))
            return f"{shown}{ko if lang == 'ko' else en}"
    raise AssertionError("unreachable")
