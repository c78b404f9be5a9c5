"""The orders' part of depersonalising closed cases (cases.services.depersonalise): the free
texts kept with a case's orders, breaches, appeals and preventive records become placeholders;
the numbers, dates, kinds and outcomes the statistics count stay."""

from __future__ import annotations

from django.db.models import Q

from cases.retention import TEXT
from orders.models import Breach, OrderAppeal, PreventiveRecord, RestrainingOrder
from portal.calendar import KYIV


def scrub(*, case_ids: list[int]) -> int:
    orders = RestrainingOrder.objects.filter(case_id__in=case_ids)
    rows = orders.exclude(applicant="").update(applicant=TEXT)
    rows += orders.exclude(cancel_reason="").update(cancel_reason=TEXT)
    rows += Breach.objects.filter(order__case_id__in=case_ids).update(description=TEXT)
    rows += (
        OrderAppeal.objects.filter(order__case_id__in=case_ids).exclude(note="").update(note=TEXT)
    )
    rows += (
        PreventiveRecord.objects.filter(case_id__in=case_ids)
        .exclude(removal_reason="")
        .update(removal_reason=TEXT)
    )
    return rows


def age_days(*, person_ids: list[int]) -> dict[int, set]:
    """An offender's age counts on the day the order starts (minor offenders)."""
    days: dict[int, set] = {}
    rows = RestrainingOrder.objects.filter(
        Q(offender_id__in=person_ids) | Q(victim_id__in=person_ids)
    ).values_list("offender_id", "victim_id", "starts_at")
    for offender_id, victim_id, starts_at in rows:
        for person_id in (offender_id, victim_id):
            if person_id in person_ids:
                days.setdefault(person_id, set()).add(starts_at.astimezone(KYIV).date())
    return days
