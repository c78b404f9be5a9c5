"""Facts that apps above `cases` lend it, so that `cases` never imports them.

The dependency direction is programme → (cases, orders, referrals) → portal. A case still needs
two facts that live in those apps; each of them registers a callable here in its
`AppConfig.ready()`, as they register case-page sections in `cases.sections`:

    register_prior_orders_counter(fn)    # orders: fn(*, person, before, exclude_case_id) -> int
    register_referral_condition(fn)      # referrals: fn() -> Exists over Case ("has a referral")
    register_next_step(fn)               # orders, referrals: fn(*, user, case) -> NextStep | None
    register_open_work(fn)               # referrals: fn(*, case) -> list[NextStep] (still open)

Nothing registered means the app that owns the fact is not installed: no earlier orders to weigh,
and no referrals to look for — said so explicitly by `referrals_known()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.db.models import Exists


class PriorOrdersCounter(Protocol):
    def __call__(self, *, person: Any, before: datetime, exclude_case_id: int | None) -> int: ...


_prior_orders_counter: PriorOrdersCounter | None = None
_referral_condition: Callable[[], Exists] | None = None


def register_prior_orders_counter(counter: PriorOrdersCounter) -> None:
    """`counter` counts the orders against a person issued before `before`, not cancelled, on
    cases other than `exclude_case_id` (the risk questionnaire weighs repeat offending)."""
    global _prior_orders_counter
    _prior_orders_counter = counter


def register_referral_condition(condition: Callable[[], Exists]) -> None:
    """`condition()` is an Exists over the outer Case's referrals (`OuterRef("pk")`)."""
    global _referral_condition
    _referral_condition = condition


def prior_orders_count(*, person: Any, before: datetime, exclude_case_id: int) -> int:
    if _prior_orders_counter is None:
        return 0
    return _prior_orders_counter(person=person, before=before, exclude_case_id=exclude_case_id)


def referrals_known() -> bool:
    return _referral_condition is not None


def case_has_referral() -> Exists:
    """The condition "this case has a referral"; only when `referrals_known()`."""
    if _referral_condition is None:
        raise LookupError("no app registered the referral condition")
    return _referral_condition()


@dataclass(frozen=True)
class NextStep:
    """What the case needs next, said in words, with where to do it (empty: nowhere for you)."""

    text: str
    url: str = ""


NextStepRule = Callable[..., "NextStep | None"]
_next_steps: list[NextStepRule] = []


def register_next_step(rule: NextStepRule) -> None:
    """`rule(*, user, case)` returns the step the case needs, or None when it needs none."""
    if rule not in _next_steps:
        _next_steps.append(rule)


def next_steps(*, user: Any, case: Any) -> list[NextStep]:
    return [step for rule in _next_steps if (step := rule(user=user, case=case)) is not None]


OpenWork = Callable[..., "list[NextStep]"]
_open_work: list[OpenWork] = []


def register_open_work(lister: OpenWork) -> None:
    """`lister(*, case)` names what is still open on the case in another app (a referral the
    provider has not finished): closing the case warns about it, and lists it."""
    if lister not in _open_work:
        _open_work.append(lister)


def open_work(*, case: Any) -> list[NextStep]:
    return [item for lister in _open_work for item in lister(case=case)]


# --- the worker's worklist -------------------------------------------------------------------


@dataclass(frozen=True)
class WorkItem:
    """One thing for the worker to do today on one of their cases, said in words."""

    case_number: str
    text: str
    url: str
    when: Any = None  # a date or a moment shown beside the item, if any
    late: bool = False  # past its date: shown first and marked in words, not by colour alone
    note: str = ""  # how late, or how long until


@dataclass(frozen=True)
class WorkSection:
    key: str
    title: str
    empty: str  # what an empty section says
    items: list[WorkItem]
    total: int  # all of them; `items` are the first few
    more_url: str = ""


# How many items a worklist section lists on the dashboard; the rest are counted.
WORKLIST_SHOWN = 6


def first_and_total(queryset) -> tuple[list, int]:
    """The first WORKLIST_SHOWN rows of a section and how many there are in all: one query when
    they all fit, a COUNT only when they do not."""
    rows = list(queryset[: WORKLIST_SHOWN + 1])
    if len(rows) <= WORKLIST_SHOWN:
        return rows, len(rows)
    return rows[:WORKLIST_SHOWN], queryset.count()


WorklistSource = Callable[..., "WorkSection | None"]
_worklist_sources: list[tuple[int, WorklistSource]] = []


def register_worklist_source(source: WorklistSource, *, position: int = 100) -> None:
    """`source(*, user, cases)` returns a section of the worker's worklist from the user's own
    open cases (`cases`, a queryset already scoped to what the user sees), or None when the
    section does not apply to the user."""
    if all(existing is not source for _position, existing in _worklist_sources):
        _worklist_sources.append((position, source))
        _worklist_sources.sort(key=lambda entry: entry[0])


def worklist_sections(*, user: Any, cases: Any) -> list[WorkSection]:
    return [
        section
        for _position, source in _worklist_sources
        if (section := source(user=user, cases=cases)) is not None
    ]


# --- depersonalisation -----------------------------------------------------------------------

RetentionScrub = Callable[..., int]
AgeDays = Callable[..., "dict[int, set]"]
_retention_scrubs: list[RetentionScrub] = []
_age_days: list[AgeDays] = []


def register_retention(*, scrub: RetentionScrub, age_days: AgeDays | None = None) -> None:
    """An app's part of depersonalising cases (cases.services.depersonalise):
    `scrub(*, case_ids)` replaces the personal data the app keeps on those cases and returns how
    many rows it changed; `age_days(*, person_ids)` gives, per person, the days on which the
    app's statistics count that person's age (the new birth date keeps every one of them)."""
    if scrub not in _retention_scrubs:
        _retention_scrubs.append(scrub)
    if age_days is not None and age_days not in _age_days:
        _age_days.append(age_days)


def retention_scrub(*, case_ids: list[int]) -> int:
    return sum(scrub(case_ids=case_ids) for scrub in _retention_scrubs)


def retention_age_days(*, person_ids: list[int]) -> dict[int, set]:
    days: dict[int, set] = {}
    for source in _age_days:
        for person_id, found in source(person_ids=person_ids).items():
            days.setdefault(person_id, set()).update(found)
    return days


# --- rows that name a person (the merge of duplicates) ----------------------------------------

_person_references: list[tuple[Any, str]] = []


def register_person_reference(model: Any, field: str) -> None:
    """Another app's foreign key to a person (e.g. an order's offender): a merge of duplicate
    records moves such rows to the record that stays, and its undo moves them back."""
    if (model, field) not in _person_references:
        _person_references.append((model, field))


def person_references() -> list[tuple[Any, str]]:
    return list(_person_references)
