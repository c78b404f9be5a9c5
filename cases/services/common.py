"""What every write on a case shares: the timeline entry, the lock on an editable case, and the
fields denormalised onto the case for the list filters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cases.models import Case, CaseEvent, ParticipantRole
from cases.selectors import cases_editable_by


def timeline_record(
    *,
    case: Case,
    actor,
    kind: str,
    summary: str,
    obj=None,
    detail: Mapping[str, Any] | None = None,
) -> CaseEvent:
    """Add an entry to the case timeline. Other apps (orders, referrals) call this."""
    return CaseEvent.objects.create(
        case=case,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        summary=summary[:500],
        detail=dict(detail or {}),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )


def editable_case(actor, case_id: int) -> Case:
    """The case, locked for this transaction, if `actor` may change it; PermissionDenied if not."""
    case = cases_editable_by(actor).select_for_update().filter(pk=case_id).first()
    if case is None:
        raise PermissionDenied
    return case


def refresh_denormalised(case: Case) -> None:
    forms = set()
    for incident_forms in case.incidents.values_list("forms", flat=True):
        forms.update(incident_forms)
    children_roles = case.participants.filter(
        role__in=[ParticipantRole.CHILD_WITNESS, ParticipantRole.CHILD]
    ).exists()
    children_present = case.incidents.filter(children_present=True).exists()
    report_day = timezone.localdate(case.reported_at)
    # An infant is 0 years old, an unknown age is None: `age or 99` once made her an adult.
    ages = [
        p.person.age_on(report_day)
        for p in case.participants.select_related("person").filter(role=ParticipantRole.VICTIM)
    ]
    minors = any(age is not None and age < 18 for age in ages)
    case.forms = sorted(forms)
    case.has_children = children_roles or children_present or minors
    latest_risk = case.risk_assessments.order_by("-assessed_at", "-id").first()
    case.risk_level = latest_risk.level if latest_risk else ""
    case.save(update_fields=["forms", "has_children", "risk_level", "updated_at"])
