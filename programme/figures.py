"""Report arithmetic, pure: periods and their counterparts a year earlier, changes and shares,
the <5 rule, age groups and Ukrainian number formatting. No ORM.

Every rounding, share and change goes through portal.calendar (decimal half-up to 0.1, None
without a base): the page, the XLSX, the PDF and the JSON show the same numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.calendar import change_pct, month_end, round_half_up, same_day_a_year_earlier, share
from portal.disclosure import LESS_THAN_FIVE, is_small

AGE_GROUPS = (("0-17", 0, 17), ("18-35", 18, 35), ("36-59", 36, 59), ("60+", 60, 200))
AGE_UNKNOWN = "unknown"
# The first year every period picker offers (statistics page, report form): the portal's records
# start with the first city programme, 2022–2024.
FIRST_REPORT_YEAR = 2022


@dataclass(frozen=True)
class Period:
    start: date  # inclusive
    end: date  # inclusive
    kind: str = "custom"  # quarter | months | year | custom

    def label(self) -> str:
        return f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"


def period_for(
    kind: str, year: int, *, quarter: int | None = None, months: int | None = None
) -> Period:
    if kind == "quarter":
        if quarter not in (1, 2, 3, 4):
            raise ValueError("quarter must be 1..4")
        first = 3 * (quarter - 1) + 1
        return Period(date(year, first, 1), month_end(year, first + 2), "quarter")
    if kind == "months":
        if months is None or not 1 <= months <= 12:
            raise ValueError("months must be 1..12")
        return Period(date(year, 1, 1), month_end(year, months), "months")
    if kind == "year":
        return Period(date(year, 1, 1), date(year, 12, 31), "year")
    raise ValueError(f"unknown period kind {kind!r}")


def latest_complete_report(today: date) -> tuple[str, int, int]:
    """(kind, year, quarter) of the report for the latest quarter that has ended before
    `today`: after the third quarter the 9-month report, after the fourth the annual one. The
    default of the report form, so that nobody is offered a period nobody asked for."""
    done = (today.month - 1) // 3  # quarters of this year that have ended
    year, quarter = (today.year - 1, 4) if done == 0 else (today.year, done)
    kind = {3: "9months", 4: "year"}.get(quarter, "quarter")
    return kind, year, quarter


def previous_year(period: Period) -> Period:
    """The same days a year earlier (portal.calendar: the last day of February matches the last
    day of February)."""
    return Period(
        same_day_a_year_earlier(period.start), same_day_a_year_earlier(period.end), period.kind
    )


def _difference(current, previous):
    diff = current - previous
    return diff if isinstance(diff, int) else round_half_up(diff)


def change(current, previous) -> dict:
    """Absolute and relative change (portal.calendar.change_pct: half-up, None without a base,
    so there is no percentage when last year was zero or unknown)."""
    if current is None or previous is None:
        return {"current": current, "previous": previous, "diff": None, "pct": None}
    return {
        "current": current,
        "previous": previous,
        "diff": _difference(current, previous),
        "pct": change_pct(current, previous),
    }


def _exact_share(part: int | None, whole: int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)


def change_of_share(current: tuple[int, int], previous: tuple[int, int]) -> dict:
    """A share (part, whole) this period and a year earlier: each side half-up to 0.1, None
    ("—") without a base; the difference in percentage points and the relative change come
    from the unrounded shares, never from the rounded ones."""
    exact_cur, exact_prev = _exact_share(*current), _exact_share(*previous)
    both = exact_cur is not None and exact_prev is not None
    return {
        "current": share(*current),
        "previous": share(*previous),
        "diff": round_half_up(exact_cur - exact_prev) if both else None,
        "pct": change_pct(exact_cur, exact_prev) if both else None,
    }


def suppress(value) -> str | int | float:
    """The primary rule alone, for one figure: 1–4 people → "<5". A table that leaves the
    system goes through portal.disclosure.protect, which also hides what would give it away."""
    return LESS_THAN_FIVE if is_small(value) else value


def age_group(age: int | None) -> str:
    """The report's age group; an unknown age is its own group, never dropped."""
    if age is None:
        return AGE_UNKNOWN
    for name, low, high in AGE_GROUPS:
        if low <= age <= high:
            return name
    return AGE_UNKNOWN


def percent(part, whole) -> float | None:
    """`part` as a share of `whole` (portal.calendar.share: half-up, None without a base)."""
    return share(part, whole)


def spreadsheet_value(value):
    """A figure as an XLSX cell: numbers stay numbers, "<5"/"x" stay markers, and a figure with
    no base is "—" (never an empty cell that reads as 0)."""
    return "—" if value is None else value
