"""Reads of orders, scoped to the user (the year-on-year figures: orders.statistics)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case as Case_
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from cases.models import CaseStatus, Person, RiskLevel
from cases.selectors import case_shown_to, cases_visible_to, one_of, visible_cases_q
from orders.models import (
    Breach,
    OffenderProgramme,
    OrderExtension,
    OrderKind,
    PreventiveRecord,
    RestrainingOrder,
)
from orders.rules import STATUS_AFTER_ALL_BOUNDARIES, STATUS_BOUNDARIES, OrderStatus
from portal.calendar import KYIV
from portal.roles import Capability, acting_membership, can, get_object_for_user


def orders_visible_to(user) -> QuerySet[RestrainingOrder]:
    """Police see the orders of their unit and on cases they see; social workers and
    coordinators see orders on the cases they see. Nobody else sees an order with names."""
    membership = acting_membership(user)
    if membership is None or not can(user, Capability.ORDER_VIEW):
        return RestrainingOrder.objects.none()
    condition = visible_cases_q(user, prefix="case__")
    if condition is None:
        return RestrainingOrder.objects.all()
    if can(user, Capability.ORDER_ISSUE):
        # Police: the unit's orders, or orders on the few cases the officer sees. Both are
        # index conditions (a BitmapOr over issued_by and case_id), so neither the list nor
        # its count joins every order to its case to test the visibility rule.
        return RestrainingOrder.objects.filter(
            Q(issued_by_id=membership.organisation_id)
            | Q(one_of("case_id", cases_visible_to(user).values("pk")))
        )
    return RestrainingOrder.objects.filter(condition)


def with_status(qs: QuerySet[RestrainingOrder], now: datetime | None = None):
    """Annotate the derived status in SQL (the same rule as orders.rules.order_status).

    Extensions and breaches come from correlated subqueries rather than a GROUP BY, so that a
    page of 25 orders evaluates them 25 times instead of aggregating every visible order."""
    now = now or timezone.now()
    latest_extension = (
        OrderExtension.objects.filter(order=OuterRef("pk"))
        .order_by("-ends_at")
        .values("ends_at")[:1]
    )
    breaches = (
        Breach.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(
        extended_until=Subquery(latest_extension),
        breach_count=Coalesce(Subquery(breaches), Value(0)),
    ).annotate(
        effective_end=Greatest("ends_at", Coalesce("extended_until", "ends_at")),
        status=status_sql(now),
    )


def status_sql(now: datetime) -> Case_:
    """orders.rules.STATUS_BOUNDARIES as one SQL CASE: the same edges in the same order (a NULL
    moment never holds, as in Python). Needs the `extended_until` annotation."""
    return Case_(
        *(
            When(
                Q(**{f"{edge.moment}__{'lte' if edge.since else 'gt'}": now}),
                then=Value(edge.status.value),
            )
            for edge in STATUS_BOUNDARIES
        ),
        default=Value(STATUS_AFTER_ALL_BOUNDARIES.value),
    )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=KYIV)


def kyiv_days(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """The moments that bound the Kyiv calendar days `first` to `last`, both included, as a
    half-open [start, end): the order list's filter and every year-to-date count use this one."""
    return (
        _midnight(first) if first else None,
        _midnight(last + timedelta(days=1)) if last else None,
    )


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    kind: str = ""
    district: str = ""
    issued_by: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def order_list(*, user, filters: OrderFilters) -> QuerySet[RestrainingOrder]:
    qs = with_status(orders_visible_to(user))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.district:
        qs = qs.filter(case__district__slug=filters.district)
    if filters.issued_by:
        qs = qs.filter(issued_by_id=filters.issued_by)
    start, end = kyiv_days(filters.date_from, filters.date_to)
    if start:
        qs = qs.filter(starts_at__gte=start)
    if end:
        qs = qs.filter(starts_at__lt=end)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.select_related("case", "case__district", "offender", "victim", "issued_by").order_by(
        "-starts_at", "-id"
    )


def order_for_user(*, user, pk) -> RestrainingOrder:
    return get_object_for_user(
        with_status(orders_visible_to(user)).select_related(
            "case", "case__district", "case__owner", "offender", "victim", "issued_by", "officer"
        ),
        pk,
    )


@dataclass(frozen=True)
class OrderActions:
    """What the user may do on an order page; the services enforce the same rules."""

    breach: bool
    extend: bool
    cancel: bool
    # Record an appeal, or the outcome of the pending one (orders.services.appeals).
    appeal: bool = False
    appeal_decision: bool = False


def order_actions(*, user, order: RestrainingOrder) -> OrderActions:
    may_change = can(user, Capability.ORDER_ISSUE) or can(user, Capability.CASE_EDIT)
    live = order.status in {OrderStatus.ACTIVE, OrderStatus.EXTENDED, OrderStatus.PENDING}
    membership = acting_membership(user)
    pending_appeal = may_change and order.appeals.filter(outcome="pending").exists()
    if order.kind == OrderKind.URGENT:
        # Only the issuing police unit cancels its urgent order.
        may_cancel = (
            can(user, Capability.ORDER_ISSUE)
            and membership is not None
            and membership.organisation_id == order.issued_by_id
        )
    else:
        may_cancel = may_change
    return OrderActions(
        breach=may_change and live,
        extend=may_change and order.kind == OrderKind.RESTRICTIVE and order.cancelled_at is None,
        # An ended order is not cancelled (orders.services.order_cancel).
        cancel=may_cancel and live,
        appeal=may_change and not pending_appeal,
        appeal_decision=may_change and pending_appeal,
    )


def _sees_orders(user) -> bool:
    return acting_membership(user) is not None and can(user, Capability.ORDER_VIEW)


def orders_for_case(*, user, case) -> list[RestrainingOrder]:
    # Whoever sees orders sees every order of a case they see (orders_visible_to): on the case
    # page the case is proven, and the rule need not be planned again.
    if case_shown_to(user, case) and _sees_orders(user):
        orders = RestrainingOrder.objects.filter(case=case)
    else:
        orders = orders_visible_to(user).filter(case=case)
    return list(
        with_status(orders).select_related("offender", "victim", "issued_by").order_by("-starts_at")
    )


def orders_for_person(*, user, person) -> list[RestrainingOrder]:
    return list(
        with_status(orders_visible_to(user).filter(offender=person))
        .select_related("case", "victim", "issued_by")
        .order_by("-starts_at")
    )


def cases_openable(*, user, orders) -> frozenset[int]:
    """The ids of these orders' cases that the user may open, in one query. The police see
    every order of their unit, also on cases they do not see: a page shows such a case's
    number without a link, which would answer 404."""
    ids = {order.case_id for order in orders}
    if not ids:
        return frozenset()
    return frozenset(cases_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def orders_ending(*, user, first: date, last: date) -> QuerySet[RestrainingOrder]:
    """The user's orders whose effective end falls on the Kyiv days `first` to `last`, not
    cancelled, soonest first: the expiry calendar."""
    start, end = kyiv_days(first, last)
    return (
        with_status(orders_visible_to(user))
        .filter(effective_end__gte=start, effective_end__lt=end)
        .exclude(status=OrderStatus.CANCELLED.value)
        .select_related("case", "offender", "victim")
        .order_by("effective_end")
    )


def orders_count_for_person(*, person, before: datetime, exclude_case_id: int | None = None) -> int:
    """Earlier orders against this person, for the risk assessment (a count, no names): issued
    before `before` and not cancelled. The assessed case's own orders are excluded, so that
    re-assessing a case after its urgent order does not count that order as repeat offending."""
    qs = RestrainingOrder.objects.filter(
        offender=person, cancelled_at__isnull=True, starts_at__lt=before
    )
    if exclude_case_id is not None:
        qs = qs.exclude(case_id=exclude_case_id)
    return qs.count()


def expiring_orders(*, now: datetime, within: timedelta) -> QuerySet[RestrainingOrder]:
    """Orders whose effective end falls within `within` from now, not cancelled."""
    later_extension = OrderExtension.objects.filter(
        order=OuterRef("pk"), ends_at__gt=F("order__ends_at")
    )
    return (
        RestrainingOrder.objects.filter(
            cancelled_at__isnull=True, ends_at__gt=now, ends_at__lte=now + within
        )
        .exclude(Exists(later_extension))
        .select_related("case", "case__responsible", "case__owner")
    )


def case_section_context(request, case) -> dict:
    from orders.rules import RESTRICTIVE_MEASURES, STATUS_LABELS, URGENT_MEASURES

    orders = orders_for_case(user=request.user, case=case)
    return {
        "orders": orders,
        **offender_measures(user=request.user, case=case),
        "can_take_preventive": can(request.user, Capability.ORDER_ISSUE),
        "status_labels": STATUS_LABELS,
        "measure_labels": {**URGENT_MEASURES, **RESTRICTIVE_MEASURES},
        "can_issue": can(request.user, Capability.ORDER_ISSUE),
        "can_record": can(request.user, Capability.ORDER_ISSUE)
        or can(request.user, Capability.CASE_EDIT),
        # DOMAIN.md §2: at high risk issuing an urgent order is mandatory; flag it if missing.
        "high_risk_without_urgent": case.risk_level == "high"
        and not any(o.kind == OrderKind.URGENT for o in orders),
    }


# --- the police unit's desk ------------------------------------------------------------------

# "Expiring this week": a 7-day window from now, not the calendar week (a Friday shows Monday).
EXPIRING_WINDOW = timedelta(days=7)
# Breaches the unit should still act on: the last 30 days.
RECENT_BREACHES = timedelta(days=30)
PANEL_ROWS = 10


def _in_force(now: datetime) -> Q:
    """An order that protects someone at `now`: not cancelled, and its end (or an extension's
    end) after `now`."""
    later_extension = OrderExtension.objects.filter(order=OuterRef("pk"), ends_at__gt=now)
    return Q(cancelled_at__isnull=True) & (Q(ends_at__gt=now) | Exists(later_extension))


def police_panel(request) -> dict:
    """The police unit's dashboard: its orders that end within 7 days, recent breaches of them,
    and the high-risk cases of its districts that it may see and that have no order in force.
    Numbers and dates only, no names; every listed order is a read in the audit log."""
    from portal.audit import audit_read

    user = request.user
    now = timezone.now()
    orders = orders_visible_to(user)
    # An order ends within the window only if its own end is at most the window's end (an
    # extension only moves the end later), and it is still running only if its own end or an
    # extension's is after now: two index ranges that leave a handful of orders to annotate.
    still_running = Q(ends_at__gt=now) | Q(
        pk__in=OrderExtension.objects.filter(ends_at__gt=now).values("order_id")
    )
    expiring = list(
        with_status(orders.filter(still_running, ends_at__lte=now + EXPIRING_WINDOW), now)
        .filter(effective_end__gt=now, effective_end__lte=now + EXPIRING_WINDOW)
        .exclude(status=OrderStatus.CANCELLED.value)
        .select_related("case")
        .order_by("effective_end")[:PANEL_ROWS]
    )
    breaches = list(
        Breach.objects.filter(order__in=orders, occurred_at__gte=now - RECENT_BREACHES)
        .select_related("order", "order__case")
        .order_by("-occurred_at")[:PANEL_ROWS]
    )
    membership = acting_membership(user)
    district_ids = (
        list(membership.organisation.districts.values_list("pk", flat=True)) if membership else []
    )
    order_in_force = RestrainingOrder.objects.filter(_in_force(now), case=OuterRef("pk"))
    unprotected = list(
        cases_visible_to(user)
        .filter(risk_level=RiskLevel.HIGH, district_id__in=district_ids)
        .exclude(status=CaseStatus.CLOSED)
        .exclude(Exists(order_in_force))
        .select_related("district")
        .order_by("-reported_at")[:PANEL_ROWS]
    )
    audit_read(
        actor=user,
        object_type="orders.restrainingorder",
        ids=sorted({o.pk for o in expiring} | {b.order_id for b in breaches}),
        what="dashboard",
    )
    return {"expiring": expiring, "breaches": breaches, "unprotected": unprotected}


@dataclass(frozen=True)
class OrderPageLinks:
    """Where the order page may link for this viewer: never a page that would answer 404."""

    case: bool
    offender: bool


def offender_for_user(*, user, pk):
    """The offender's page of orders: a person on a case the user may see, else 404."""
    return get_object_for_user(
        Person.objects.filter(participations__case__in=cases_visible_to(user)).distinct(), pk
    )


def order_page_links(*, user, order: RestrainingOrder) -> OrderPageLinks:
    visible = cases_visible_to(user)
    return OrderPageLinks(
        case=visible.filter(pk=order.case_id).exists(),
        offender=Person.objects.filter(
            pk=order.offender_id, participations__case__in=visible
        ).exists(),
    )


class AmbiguousCaseNumber(Exception):
    """A short case number that fits more than one case the user may see."""

    def __init__(self, numbers: list[str]) -> None:
        super().__init__(", ".join(numbers))
        self.numbers = numbers


def case_by_number(*, user, text: str):
    """The case the user may see whose number is `text` in full ("КИЇВ-2026-000123") or in a
    short form: "2026-123" (year and serial) or "123" (the serial in any year). Resolved
    through the user's scope only; None when nothing fits; AmbiguousCaseNumber when a short
    form fits several cases."""
    text = text.strip()[:40]
    if not text:
        return None
    visible = cases_visible_to(user)
    exact = visible.filter(number__iexact=text).first()
    if exact is not None:
        return exact
    match = re.fullmatch(r"(?:(\d{4})\s*[-/]\s*)?0*(\d{1,6})", text)
    if match is None:
        return None
    year, serial = match.groups()
    suffix = f"-{year}-{int(serial):06d}" if year else f"-{int(serial):06d}"
    found = list(visible.filter(number__endswith=suffix).order_by("number")[:5])
    if len(found) > 1:
        raise AmbiguousCaseNumber([case.number for case in found])
    return found[0] if found else None


# --- the preventive record and the offender programme ----------------------------------------


def measures_visible_to(user, model):
    """Preventive records or offender programmes on the cases the user may see, for the roles
    that see orders (police, social workers, coordinators); nobody else."""
    if not _sees_orders(user):
        return model.objects.none()
    return model.objects.filter(case__in=cases_visible_to(user))


def offender_measures(*, user, case=None, person=None) -> dict[str, list]:
    """The preventive records and offender programmes of a case or of an offender."""
    scope = {"case": case} if case is not None else {"offender": person}
    proven = case is not None and case_shown_to(user, case)

    def measures(model):
        if proven:  # the case page's case is visible: only the role is left to check
            return model.objects.filter(**scope) if _sees_orders(user) else model.objects.none()
        return measures_visible_to(user, model).filter(**scope)

    return {
        "preventive_records": list(
            measures(PreventiveRecord).select_related("unit", "order", "offender", "case")
        ),
        "programmes": list(measures(OffenderProgramme).select_related("offender", "case")),
    }


def programme_for_user(*, user, pk) -> OffenderProgramme:
    return get_object_for_user(measures_visible_to(user, OffenderProgramme), pk)


def preventive_record_for_user(*, user, pk) -> PreventiveRecord:
    return get_object_for_user(measures_visible_to(user, PreventiveRecord), pk)


def preventive_may_remove(*, user, record: PreventiveRecord) -> bool:
    """Only the unit that keeps an open record removes the offender from it."""
    membership = acting_membership(user)
    return (
        record.removed_on is None
        and membership is not None
        and can(user, Capability.ORDER_ISSUE)
        and membership.organisation_id == record.unit_id
    )


def next_step_urgent_order(*, user, case):
    """DOMAIN §2: at high risk an urgent order is mandatory; an open high-risk case without one
    in force or issued says so on its header, with the form for those who issue orders."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from cases.extensions import NextStep

    if case.risk_level != RiskLevel.HIGH or case.status == CaseStatus.CLOSED:
        return None
    if case.orders.filter(kind=OrderKind.URGENT, cancelled_at__isnull=True).exists():
        return None
    url = (
        reverse("orders:urgent_new") + f"?case={case.pk}"
        if can(user, Capability.ORDER_ISSUE)
        else ""
    )
    return NextStep(
        gettext("No urgent restraining order: at high risk issuing one is mandatory."), url
    )
