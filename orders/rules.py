"""The law on urgent and restrictive orders (Law 2229-VIII arts. 25–26), as pure functions.

No ORM: plain values in, plain values out, so every boundary can be tested without a database.
Time zone: Europe/Kyiv. Durations count in Kyiv wall-clock time — an urgent order issued at
10:00 may run until 10:00 ten calendar days later, which is what the officer writes on the
form, also across a change to or from daylight-saving time.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The city's clock and ages have one home (portal.calendar); the rules read them from there.
from portal.calendar import KYIV, age_on

# Law 2229-VIII art. 25: an urgent order is issued for up to 10 days.
URGENT_MAX_DAYS = 10
# Art. 26: a restrictive order for 1 to 6 months; extended for up to 6 months at a time
# (the extension figure is configurable: DOMAIN.md could not confirm it against the text).
RESTRICTIVE_MIN_MONTHS = 1
RESTRICTIVE_MAX_MONTHS = 6
EXTENSION_MAX_MONTHS = 6
ADULT_AGE = 18

URGENT_MEASURES = {
    "leave_residence": gettext_lazy("obligation to leave the victim's residence"),
    "no_entry": gettext_lazy("ban on entering and staying in the victim's residence"),
    "no_contact": gettext_lazy("ban on contacting the victim in any way"),
}
# Art. 25 part 3: the first two measures may not be applied to an offender under 18.
ADULT_ONLY_MEASURES = frozenset({"leave_residence", "no_entry"})

RESTRICTIVE_MEASURES = {
    "no_shared_home": gettext_lazy("ban on staying in the shared home"),
    "remove_obstacles_property": gettext_lazy("removing obstacles to the victim's use of property"),
    "limit_child_contact": gettext_lazy("limiting contact with a child victim"),
    "keep_distance": gettext_lazy(
        "ban on approaching the victim's home, work, school or other places"
    ),
    "no_search_stalking": gettext_lazy("ban on searching for or stalking the victim"),
    "no_correspondence": gettext_lazy("ban on letters, calls and any contact, also through others"),
}


class OrderStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    EXTENDED = "extended"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


# Both kinds are a "припис" (masculine): "чинний / закінчився / скасований". The msgids are the
# orders' own: a bare "active" or "in force" is shared with other catalogues, whose Ukrainian
# agrees with a feminine noun ("активна" organisation, "чинна" policy version) and wins.
STATUS_LABELS = {
    OrderStatus.PENDING: gettext_lazy("not yet in force"),
    OrderStatus.ACTIVE: gettext_lazy("currently in force"),
    OrderStatus.EXTENDED: gettext_lazy("in force, extended"),
    OrderStatus.EXPIRED: gettext_lazy("has expired"),
    OrderStatus.CANCELLED: gettext_lazy("has been cancelled"),
}


@dataclass(frozen=True)
class RuleViolation:
    field: str
    code: str
    message: str


def _fmt(moment: datetime) -> str:
    return moment.astimezone(KYIV).strftime("%d.%m.%Y %H:%M")


def urgent_max_end(issued_at: datetime, max_days: int = URGENT_MAX_DAYS) -> datetime:
    """The latest end: the same Kyiv wall-clock time `max_days` calendar days later."""
    local = issued_at.astimezone(KYIV)
    naive_end = local.replace(tzinfo=None) + timedelta(days=max_days)
    # A wall-clock time in the spring gap (03:00–04:00) does not exist: the round trip through
    # UTC names the real moment (03:30 → 04:30 summer time). In the repeated autumn hour the
    # earlier of the two moments is taken (fold=0), which is exactly 10 × 24 hours.
    return naive_end.replace(tzinfo=KYIV).astimezone(UTC).astimezone(KYIV)


def restrictive_bounds(
    start: date, min_months: int = RESTRICTIVE_MIN_MONTHS, max_months: int = RESTRICTIVE_MAX_MONTHS
) -> tuple[date, date]:
    """(earliest, latest) last day. A period of N months starting on 31 January ends on the
    day before the same day N months later; where that day does not exist (30 February) the
    month's last day is taken (relativedelta), so 31.01 + 1 month ends on 28/29.02."""
    return (
        start + relativedelta(months=min_months) - timedelta(days=1),
        start + relativedelta(months=max_months) - timedelta(days=1),
    )


def _measure_violations(measures: Collection[str], known: dict) -> list[RuleViolation]:
    if not measures:
        return [RuleViolation("measures", "no_measure", _("Choose at least one measure."))]
    unknown = sorted(set(measures) - set(known))
    if unknown:
        return [
            RuleViolation(
                "measures",
                "unknown_measure",
                _("Unknown measure: %(codes)s.") % {"codes": ", ".join(unknown)},
            )
        ]
    return []


def check_urgent_order(
    *,
    issued_at: datetime,
    ends_at: datetime,
    measures: Collection[str],
    offender_birth_date: date | None = None,
    offender_age: int | None = None,
    max_days: int = URGENT_MAX_DAYS,
) -> list[RuleViolation]:
    violations = _measure_violations(measures, URGENT_MEASURES)
    # Compare moments in UTC: Python compares two datetimes with the same tzinfo by their wall
    # clock, ignoring `fold`, which is wrong in the repeated autumn hour.
    if ends_at.astimezone(UTC) <= issued_at.astimezone(UTC):
        violations.append(
            RuleViolation(
                "ends_at", "end_before_start", _("The end must be after the moment of issue.")
            )
        )
    else:
        limit = urgent_max_end(issued_at, max_days)
        if ends_at.astimezone(UTC) > limit.astimezone(UTC):
            violations.append(
                RuleViolation(
                    "ends_at",
                    "urgent_too_long",
                    _(
                        "An urgent restraining order may last at most %(days)s days: it must end "
                        "no later than %(limit)s."
                    )
                    % {"days": max_days, "limit": _fmt(limit)},
                )
            )
    issue_day = issued_at.astimezone(KYIV).date()
    age = age_on(offender_birth_date, issue_day) if offender_birth_date else offender_age
    if age is not None and age < ADULT_AGE and ADULT_ONLY_MEASURES & set(measures):
        violations.append(
            RuleViolation(
                "measures",
                "minor_offender",
                _(
                    "The offender is under 18 (%(age)s): the obligation to leave the residence and "
                    "the ban on entering it may not be applied."
                )
                % {"age": age},
            )
        )
    return violations


def check_restrictive_order(
    *,
    start: date,
    end: date,
    measures: Collection[str],
    min_months: int = RESTRICTIVE_MIN_MONTHS,
    max_months: int = RESTRICTIVE_MAX_MONTHS,
) -> list[RuleViolation]:
    violations = _measure_violations(measures, RESTRICTIVE_MEASURES)
    if end < start:
        violations.append(
            RuleViolation("end", "end_before_start", _("The end date is before the start date."))
        )
        return violations
    shortest, longest = restrictive_bounds(start, min_months, max_months)
    if end < shortest:
        violations.append(
            RuleViolation(
                "end",
                "restrictive_too_short",
                _(
                    "A restrictive order lasts at least %(months)s month: it must end no earlier "
                    "than %(date)s."
                )
                % {"months": min_months, "date": shortest.strftime("%d.%m.%Y")},
            )
        )
    elif end > longest:
        violations.append(
            RuleViolation(
                "end",
                "restrictive_too_long",
                _(
                    "A restrictive order lasts at most %(months)s months: it must end no later "
                    "than %(date)s."
                )
                % {"months": max_months, "date": longest.strftime("%d.%m.%Y")},
            )
        )
    return violations


def check_extension(
    *, order_end: date, start: date, end: date, max_months: int = EXTENSION_MAX_MONTHS
) -> list[RuleViolation]:
    """An extension continues the order: it starts at the latest the day after the current end
    (a later start would leave a gap, i.e. a new order, not an extension)."""
    violations = []
    if end < start:
        violations.append(
            RuleViolation("end", "end_before_start", _("The end date is before the start date."))
        )
        return violations
    if start > order_end + timedelta(days=1):
        violations.append(
            RuleViolation(
                "start",
                "extension_after_end",
                _(
                    "The order ended on %(date)s: an extension must start no later than the next "
                    "day."
                )
                % {"date": order_end.strftime("%d.%m.%Y")},
            )
        )
    longest = start + relativedelta(months=max_months) - timedelta(days=1)
    if end > longest:
        violations.append(
            RuleViolation(
                "end",
                "extension_too_long",
                _(
                    "An extension lasts at most %(months)s months: it must end no later than "
                    "%(date)s."
                )
                % {"months": max_months, "date": longest.strftime("%d.%m.%Y")},
            )
        )
    return violations


def periods_overlap(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open periods [start, end): an order ending at 10:00 and one starting at 10:00 meet."""
    return a_start < b_end and b_start < a_end


def effective_end(*, ends_at: datetime, extended_until: datetime | None) -> datetime:
    return max(ends_at, extended_until) if extended_until else ends_at


@dataclass(frozen=True)
class StatusBoundary:
    """One edge of an order's life: `status` holds while `now < moment` (`until`), or from
    `moment` on (`since`). `moment` names the order's field (or the SQL annotation)."""

    status: OrderStatus
    moment: str
    since: bool


# The one definition of every status boundary, read by `order_status` here and by
# orders.selectors.with_status in SQL. The first edge that holds names the status; none, expired.
# Periods are half-open, [start, end): at the very instant of its end an order has ended, and at
# the instant of its cancellation it is cancelled.
STATUS_BOUNDARIES = (
    StatusBoundary(OrderStatus.CANCELLED, "cancelled_at", since=True),
    StatusBoundary(OrderStatus.PENDING, "starts_at", since=False),
    StatusBoundary(OrderStatus.ACTIVE, "ends_at", since=False),
    StatusBoundary(OrderStatus.EXTENDED, "extended_until", since=False),
)
STATUS_AFTER_ALL_BOUNDARIES = OrderStatus.EXPIRED


def order_status(
    *,
    now: datetime,
    starts_at: datetime,
    ends_at: datetime,
    cancelled_at: datetime | None = None,
    extended_until: datetime | None = None,
) -> OrderStatus:
    moments = {
        "cancelled_at": cancelled_at,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "extended_until": extended_until,
    }
    for boundary in STATUS_BOUNDARIES:
        moment = moments[boundary.moment]
        if moment is not None and ((moment <= now) if boundary.since else (now < moment)):
            return boundary.status
    return STATUS_AFTER_ALL_BOUNDARIES


def in_force_at(
    moment: datetime, *, starts_at: datetime, ends_at: datetime, extended_until: datetime | None
) -> bool:
    """Whether an order (not cancelled) binds the offender at `moment`: from its start up to, not
    including, its effective end — the same edges as `order_status`."""
    status = order_status(
        now=moment, starts_at=starts_at, ends_at=ends_at, extended_until=extended_until
    )
    return status in {OrderStatus.ACTIVE, OrderStatus.EXTENDED}


# The preventive record and the offender programme (Law 2229-VIII art. 24 part 1 items 3, 4).


def check_preventive_removal(*, taken_on: date, removed_on: date) -> list[RuleViolation]:
    if removed_on < taken_on:
        return [
            RuleViolation(
                "removed_on",
                "removed_before_taken",
                _("The offender was taken onto the record on %(date)s: removal cannot be earlier.")
                % {"date": taken_on.strftime("%d.%m.%Y")},
            )
        ]
    return []


def check_programme(
    *, status: str, referred_on: date, started_on: date | None, ended_on: date | None
) -> list[RuleViolation]:
    """What each status of an offender programme needs: attending and completed need the start
    (not before the referral); completed and dropped out need the end (not before the start,
    or the referral if the offender never started); a programme not started has neither."""
    violations = []
    if status == "referred":
        if started_on or ended_on:
            violations.append(
                RuleViolation(
                    "status",
                    "referred_with_dates",
                    _("A programme with a start or an end date is no longer only referred."),
                )
            )
        return violations
    if status in ("attending", "completed") and started_on is None:
        violations.append(
            RuleViolation("started_on", "start_missing", _("Give the date the programme started."))
        )
    if started_on is not None and started_on < referred_on:
        violations.append(
            RuleViolation(
                "started_on",
                "start_before_referral",
                _("The programme cannot start before the referral (%(date)s).")
                % {"date": referred_on.strftime("%d.%m.%Y")},
            )
        )
    if status == "attending" and ended_on is not None:
        violations.append(
            RuleViolation(
                "ended_on",
                "attending_with_end",
                _("A programme still attended has no end date yet."),
            )
        )
    if status in ("completed", "dropped_out"):
        if ended_on is None:
            violations.append(
                RuleViolation("ended_on", "end_missing", _("Give the date the programme ended."))
            )
        elif ended_on < (started_on or referred_on):
            violations.append(
                RuleViolation(
                    "ended_on",
                    "end_before_start",
                    _("The end date is before the start date."),
                )
            )
    return violations


# Appeals. Law 2229-VIII art. 25 part 5: an urgent order may be appealed to a court, and the
# appeal does not suspend it; a restrictive order's decision is appealed under the Civil
# Procedure Code. The portal records the appeal and the outcome; an order cancelled on appeal
# binds no longer from the start of the decision date (Kyiv time): its `cancelled_at` is set
# there, and STATUS_BOUNDARIES above make it "cancelled" from that moment.
APPEAL_PENDING = "pending"
APPEAL_UPHELD = "upheld"
APPEAL_CANCELLED = "cancelled"
APPEAL_CHANGED = "changed"
APPEAL_OUTCOMES = (APPEAL_PENDING, APPEAL_UPHELD, APPEAL_CANCELLED, APPEAL_CHANGED)


def check_appeal_filing(*, order_start_day: date, filed_on: date) -> list[RuleViolation]:
    if filed_on < order_start_day:
        return [
            RuleViolation(
                "filed_on",
                "appeal_before_order",
                _("The order dates from %(date)s: an appeal against it cannot be earlier.")
                % {"date": order_start_day.strftime("%d.%m.%Y")},
            )
        ]
    return []


def check_appeal_decision(
    *, filed_on: date, outcome: str, decision_date: date | None, note: str
) -> list[RuleViolation]:
    """A decided appeal needs its date, not before the filing; a changed order says how."""
    if outcome not in APPEAL_OUTCOMES or outcome == APPEAL_PENDING:
        return [RuleViolation("outcome", "no_outcome", _("Choose the court's decision."))]
    violations = []
    if decision_date is None:
        violations.append(
            RuleViolation("decision_date", "no_date", _("Give the date of the decision."))
        )
    elif decision_date < filed_on:
        violations.append(
            RuleViolation(
                "decision_date",
                "decision_before_filing",
                _("The appeal was filed on %(date)s: the decision cannot be earlier.")
                % {"date": filed_on.strftime("%d.%m.%Y")},
            )
        )
    if outcome == APPEAL_CHANGED and not note.strip():
        violations.append(
            RuleViolation("note", "change_unsaid", _("Say what the court changed in the order."))
        )
    return violations


def appeal_cancels_from(decision_date: date) -> datetime:
    """The moment an order cancelled on appeal stops binding: the decision day's start, Kyiv."""
    return datetime.combine(decision_date, datetime.min.time(), tzinfo=KYIV)
