"""Figures as a reader of a Ukrainian report reads them (pure): 11 848 with a non-breaking
space, 12,5 with a decimal comma, a change signed (+1,5 %), a share not; an English reader's
as 11,848 and 12.5 (`english=True`). One place for every
page and file that shows counts against a year earlier: the statistics, the 9-month report, and
the police's year-on-year table, so that the same figure never reads two ways."""

from __future__ import annotations


def format_number(value, decimals: int = 0, *, english: bool = False) -> str:
    """11848 → '11 848' with a non-breaking space; 12.5 → '12,5' (Ukrainian typography), or
    '11,848' and '12.5' for an English reader."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    text = f"{value:,.{decimals}f}"
    return text if english else text.replace(",", "\u00a0").replace(".", ",")


def format_pct(value, *, english: bool = False) -> str:
    """A change: signed ("+12,5 %"); "—" where there is no base."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    sign = "+" if value > 0 else ""
    return f"{sign}{format_number(value, 1, english=english)}\u00a0%"


def format_share(value, *, english: bool = False) -> str:
    """A share of a whole (the plan spent, an indicator's fact against its plan): never signed;
    "—" without a base."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"{format_number(value, 1, english=english)}\u00a0%"
