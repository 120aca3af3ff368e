"""Time for the scheduler: always passed in, always aware UTC. Days are UTC days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from studyapp.store import as_utc

__all__ = ["as_utc", "day_start", "utc_day", "utcnow"]


def utcnow() -> datetime:
    """The one place the views read the clock; logic below them takes `now` as an argument."""
    return datetime.now(timezone.utc)


def utc_day(moment: datetime) -> date:
    return as_utc(moment).date()


def day_start(moment: datetime | date) -> datetime:
    """Midnight UTC at the start of `moment`'s UTC day."""
    day = moment if isinstance(moment, date) and not isinstance(moment, datetime) else utc_day(moment)
    return datetime.combine(day, time(0), tzinfo=timezone.utc)


def next_day_start(moment: datetime) -> datetime:
    return day_start(moment) + timedelta(days=1)
