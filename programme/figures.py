"""Report arithmetic, pure: periods and their counterparts a year earlier, changes, the <5 rule,
age groups and Ukrainian number formatting. No ORM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portal.disclosure import LESS_THAN_FIVE, is_small

AGE_GROUPS = (("0-17", 0, 17), ("18-35", 18, 35), ("36-59", 36, 59), ("60+", 60, 200))


@dataclass(frozen=True)
class Period:
    start: date  # inclusive
    end: date  # inclusive
    kind: str = "custom"  # quarter | months | year | custom

    def label(self) -> str:
        return f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def period_for(
    kind: str, year: int, *, quarter: int | None = None, months: int | None = None
) -> Period:
    if kind == "quarter":
        if quarter not in (1, 2, 3, 4):
            raise ValueError("quarter must be 1..4")
        first = 3 * (quarter - 1) + 1
        return Period(date(year, first, 1), _month_end(year, first + 2), "quarter")
    if kind == "months":
        if months is None or not 1 <= months <= 12:
            raise ValueError("months must be 1..12")
        return Period(date(year, 1, 1), _month_end(year, months), "months")
    if kind == "year":
        return Period(date(year, 1, 1), date(year, 12, 31), "year")
    raise ValueError(f"unknown period kind {kind!r}")


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def previous_year(period: Period) -> Period:
    """The same months a year earlier; a period ending on the last day of February ends on the
    last day of February a year earlier too."""
    end = _year_earlier(period.end)
    if period.end.month == 2 and period.end == _month_end(period.end.year, 2):
        end = _month_end(period.end.year - 1, 2)
    return Period(_year_earlier(period.start), end, period.kind)


def change(current: float, previous: float) -> dict:
    """Absolute and relative change; no percentage when last year was zero."""
    if current is None or previous is None:
        return {"current": current, "previous": previous, "diff": None, "pct": None}
    pct = None if not previous else round((current - previous) * 100.0 / previous, 1)
    return {"current": current, "previous": previous, "diff": current - previous, "pct": pct}


def suppress(value) -> str | int | float:
    """The primary rule alone, for one figure: 1–4 people → "<5". A table that leaves the
    system goes through portal.disclosure.protect, which also hides what would give it away."""
    return LESS_THAN_FIVE if is_small(value) else value


def age_group(age: int | None) -> str | None:
    if age is None:
        return None
    for name, low, high in AGE_GROUPS:
        if low <= age <= high:
            return name
    return None


def format_number(value, decimals: int = 0) -> str:
    """11848 → '11 848' with a non-breaking space; 12.5 → '12,5' (Ukrainian typography)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def format_pct(value) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else ""
    return f"{sign}{format_number(value, 1)}\u00a0%"


def percent(part, whole) -> float | None:
    if not whole or part is None:
        return None
    return round(float(part) * 100.0 / float(whole), 1)
