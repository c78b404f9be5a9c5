"""Depersonalisation (art. 16 of Law 2229-VIII) — the pure part: when a closed case is due, and
the birth date that replaces a real one without changing any age any statistic counts.

Statistics count ages on certain days (the day a case was reported, an order started, a
referral was sent: programme.statistics.person_age_sql). A birth date is replaced by the
"roundest" date (1 January, else the 1st of a month, else the nearest day) on which the person
had exactly the same age on every one of those days, so every past figure stays the same while
the real date is gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from portal.calendar import age_on

# What a depersonalised name and a free text read (Ukrainian, as stored data is).
NAME = "Знеособлено"
TEXT = "[знеособлено]"


def is_due(closed_at: datetime | None, as_of: date, years: int) -> bool:
    """A closed case is depersonalised `years` full years after the day it was closed."""
    if closed_at is None:
        return False
    closed = closed_at.date()
    try:
        due = closed.replace(year=closed.year + years)
    except ValueError:  # closed on 29 February
        due = closed.replace(year=closed.year + years, day=28) + timedelta(days=1)
    return as_of >= due


def due_before(as_of: date, years: int) -> date:
    """The last closing day of the cases due on `as_of` (the inverse of `is_due`)."""
    try:
        return as_of.replace(year=as_of.year - years)
    except ValueError:
        return as_of.replace(year=as_of.year - years, day=28)


def _candidates(birth: date) -> Iterable[date]:
    for year in (birth.year, birth.year + 1, birth.year - 1):
        yield date(year, 1, 1)
    for offset in range(-13, 14):
        month = birth.month - 1 + offset
        yield date(birth.year + month // 12, month % 12 + 1, 1)
    for offset in range(0, 367):
        yield birth - timedelta(days=offset)
        yield birth + timedelta(days=offset)


def coarse_birth_date(birth: date, days: Iterable[date]) -> date:
    """The roundest date with the same age as `birth` on every one of `days`."""
    days = sorted(set(days))
    ages = [age_on(birth, day) for day in days]
    for candidate in _candidates(birth):
        if candidate > (days[0] if days else date.max):
            continue
        if all(age_on(candidate, day) == age for day, age in zip(days, ages, strict=True)):
            return candidate
    return birth  # unreachable: `birth` itself is among the candidates
