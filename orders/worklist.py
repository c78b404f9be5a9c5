"""The orders' part of the worker's worklist (cases.worklist): the high-risk cases the worker
leads without an urgent restraining order (DOMAIN §2: at high risk one is mandatory). The same
condition as the case header's next step (orders.selectors.next_step_urgent_order)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.extensions import WorkItem, WorkSection, first_and_total
from cases.models import RiskLevel
from orders.models import OrderKind, RestrainingOrder


def high_risk_without_order(*, user, cases) -> WorkSection:
    urgent = RestrainingOrder.objects.filter(
        case=OuterRef("pk"), kind=OrderKind.URGENT, cancelled_at__isnull=True
    )
    without = (
        cases.filter(risk_level=RiskLevel.HIGH).exclude(Exists(urgent)).order_by("reported_at")
    )
    rows, total = first_and_total(without)
    return WorkSection(
        key="no_order",
        title=_("High risk without an urgent order"),
        empty=_("Every high-risk case of yours has an urgent order."),
        items=[
            WorkItem(
                case_number=case.number,
                text=_("no urgent restraining order: ask the police to issue one"),
                url=reverse("cases:detail", args=[case.pk]) + "#section-orders",
                when=case.reported_at,
                late=True,
            )
            for case in rows
        ],
        total=total,
    )
