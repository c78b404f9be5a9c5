"""Statistical disclosure control for every figure that leaves the portal, pure (no ORM).

DOMAIN.md §7: counts of one to four people are suppressed in anything that leaves the system.
Hiding those cells alone does not protect them: a published total minus the published cells of
its column gives the hidden one back. So, as statistical offices do:

* primary suppression: a count of 1–4 is shown as "<5";
* secondary (complementary) suppression: in every column whose total is published, once a cell
  is hidden, further cells are hidden ("x", the next smallest first, and the total itself where
  nothing else is left) until no hidden "<5" can be pinned down by the totals;
* a change or a share is not given when its numerator or denominator is hidden.

0 is not a small count of people and is always shown; 5 is shown.

The attacker model (tests/programme/test_disclosure_auditor.py checks it by linear
programming): a "<5" is known to lie in 1..4, an "x" in 5..∞ (it would be "<5" otherwise) and
each column adds up to its total. With one "<5" cell p and hidden cells H in a column of
published total, p can be anything in 1..4 only if the other hidden cells can absorb three
more people than their known minimum: sum(value - minimum over H) >= 3, and at least one of
them is an "x" (no upper bound). `protect` keeps hiding until that holds for every column.

Called in one place per app, after computing and before rendering (programme.report.published,
orders.statistics.published_year_on_year): stored figures stay exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

SMALL_COUNT = 5
LESS_THAN_FIVE = "<5"  # primary: 1–4 people
WITHHELD = "x"  # secondary: five or more, hidden so that a "<5" cannot be derived
MARKERS = frozenset({LESS_THAN_FIVE, WITHHELD})
# How many people the other hidden cells of a column must be able to absorb beyond their known
# minimum, so that a "<5" may still be anything from 1 to 4.
SLACK = SMALL_COUNT - 2


@dataclass(frozen=True)
class Sum:
    """`total` is the sum of `parts`: a column of a table and its margin (or, conservatively,
    an upper bound on it: protection against the equality protects against the inequality)."""

    total: str
    parts: tuple[str, ...]


def is_small(value: Any) -> bool:
    """1–4 people. Only whole counts are people; 0 is not small."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < SMALL_COUNT


def is_hidden(value: Any) -> bool:
    return isinstance(value, str) and value in MARKERS


def protect(values: Mapping[str, Any], sums: Iterable[Sum] = ()) -> dict[str, Any]:
    """`values` with every cell that must not leave the system replaced by its marker.

    Keys are free names ("district.current.obolonskyi"); values that are not whole counts
    (None, shares, hours) pass through untouched. Every key named in `sums` must be in
    `values`."""
    sums = list(sums)
    hidden: dict[str, str] = {k: LESS_THAN_FIVE for k, v in values.items() if is_small(v)}

    def minimum(key: str) -> int:
        return 1 if hidden[key] == LESS_THAN_FIVE else SMALL_COUNT

    def protected(column: Sum) -> bool:
        parts = [p for p in column.parts if p in hidden]
        total_hidden = column.total in hidden
        if not parts and not total_hidden:
            return True  # nothing hidden in this column
        primaries = [p for p in parts if hidden[p] == LESS_THAN_FIVE]
        withheld = [p for p in parts if hidden[p] == WITHHELD]
        if total_hidden and not parts:
            return False  # the hidden total is this column's published cells added up
        if not primaries:
            # Only "x" cells: one alone would be the total minus the rest.
            return total_hidden or len(withheld) >= 2
        slack = sum(values[p] - minimum(p) for p in parts)
        return bool(withheld) and slack >= SLACK

    changed = True
    while changed:
        changed = False
        for column in sums:
            if protected(column):
                continue
            candidates = sorted(
                (values[p], p)
                for p in column.parts
                if p not in hidden and isinstance(values[p], int) and values[p] > 0
            )
            if candidates:
                hidden[candidates[0][1]] = WITHHELD
                changed = True
            elif column.total not in hidden and values.get(column.total):
                # Nothing left to hide in the column: the total goes, and with it every other
                # column that adds up to the same total becomes a column to protect.
                hidden[column.total] = WITHHELD
                changed = True
    return {k: hidden.get(k, v) for k, v in values.items()}


def change(current: Any, previous: Any, exact: Mapping[str, Any] | None = None) -> dict:
    """The change between two published values: no difference and no per cent when either is
    hidden (it would give the hidden one back). `exact` is the change of the exact values."""
    if is_hidden(current) or is_hidden(previous) or exact is None:
        return {"current": current, "previous": previous, "diff": None, "pct": None}
    return {**exact, "current": current, "previous": previous}


def publishable(*counts: Any) -> bool:
    """Whether a figure built on these published counts (a share, a sum of days) may be given:
    none of them hidden, none of them 1–4."""
    return not any(is_hidden(c) or is_small(c) for c in counts)


def share(numerator: Any, denominator: Any, exact: float | None) -> float | None:
    """A share given only when both its counts could be published themselves."""
    return exact if publishable(numerator, denominator) else None


def scale_peak(values: Iterable[Any]) -> float:
    """The largest published number, for a chart's scale: never a hidden one, so the axis
    says nothing about a suppressed value."""
    return max([v for v in values if isinstance(v, int | float)] + [1])
