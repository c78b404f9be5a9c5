"""The city's clock and the arithmetic every figure shares: one home for each rule.

Pure, no ORM. Every app imports these; none keeps its own copy (tests/portal/test_calendar.py
holds each rule at its edges, and tests/programme/test_rules_agree.py checks the SQL forms that
must exist alongside them).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

KYIV = ZoneInfo("Europe/Kyiv")


# --- age ------------------------------------------------------------------------------------


def age_on(birth_date: date, day: date) -> int:
    """Whole years lived on `day`. Someone born on 29 February turns a year older on 1 March in
    a common year (the day after 28 February), as Ukrainian civil practice counts it."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def person_age(birth_date: date | None, approximate_age: int | None, day: date) -> int | None:
    """A person's age on `day`: from the birth date when it is known, otherwise the approximate
    age recorded at intake; None when neither is known (never a stand-in number: an infant is 0,
    an unknown age is unknown)."""
    if birth_date is not None:
        return age_on(birth_date, day)
    return approximate_age


# --- periods ----------------------------------------------------------------------------------


def month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def same_day_a_year_earlier(day: date) -> date:
    """The day that matches `day` a year earlier. The last day of February matches the last day
    of February (28.02.2025 ↔ 29.02.2024, 29.02.2024 ↔ 28.02.2023), so that a period "up to the
    end of February" compares whole months with whole months."""
    if day.month == 2 and day == month_end(day.year, 2):
        return month_end(day.year - 1, 2)
    return day.replace(year=day.year - 1)


# --- arithmetic -------------------------------------------------------------------------------


def round_half_up(value: float | Decimal | int | None, places: int = 1) -> float | None:
    """Decimal half-up: 68.25 → 68.3, 0.05 → 0.1, -2.25 → -2.3 (away from zero), whatever the
    binary float underneath. Used for every share and change the portal shows or exports."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def share(part: float | int | None, whole: float | int | None) -> float | None:
    """`part` as a percentage of `whole`, half-up to 0.1; None ("—") without a base."""
    if part is None or not whole:
        return None
    return round_half_up(Decimal(str(part)) * 100 / Decimal(str(whole)))


def change_pct(current: float | int | None, previous: float | int | None) -> float | None:
    """Relative change in percent, half-up to 0.1, computed from the unrounded values; None when
    there is no base (previous is zero or unknown)."""
    if current is None or not previous:
        return None
    return round_half_up(
        (Decimal(str(current)) - Decimal(str(previous))) * 100 / Decimal(str(previous))
    )
