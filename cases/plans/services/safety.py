"""The safety plan made with the victim: each save is a version with who and when, and what
changed; the timeline names only the sections that changed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.plans.content import SafetyContent, safety_changes, sections_changed
from cases.plans.models import SafetyPlan, SafetyPlanRevision
from cases.plans.services.common import check_version, refuse_unsafe_text
from cases.services.common import editable_case, timeline_record
from portal.audit import audit_record
from portal.models import AuditAction


@transaction.atomic
def safety_plan_save(
    *, actor, case_id: int, expected_version: int, content: SafetyContent, note: str = ""
) -> SafetyPlan:
    """Save a new version of the case's safety plan (the first save creates it).

    Refused (ValidationError, nothing saved) when the form was opened on an older version, or
    when any text carries the offender's phone or name or a shelter's confidential address. A
    review that changes nothing but records a note is a version too: "reviewed, still right"."""
    case = editable_case(actor, case_id)  # locked: one save of the case's plans at a time
    plan = SafetyPlan.objects.select_related("updated_by").filter(case=case).first()
    current = plan.version if plan else 0
    check_version(
        current=current,
        expected=expected_version,
        saved_by=plan.updated_by if plan else None,
        saved_at=plan.updated_at if plan else None,
    )
    refuse_unsafe_text(
        case=case,
        sections={
            "steps": [row["text"] for row in content.steps],
            "contacts": [v for row in content.contacts for v in row.values()],
            "situations": [v for row in content.situations for v in row.values()],
            "places": [v for row in content.places for v in row.values()],
            "documents": [content.documents_other],
            "note": [note],
        },
    )
    previous = SafetyContent.from_json(plan.content) if plan else None
    changes = safety_changes(previous, content)
    note = note.strip()
    if plan is not None and not changes and not note:
        return plan
    now = timezone.now()
    if plan is None:
        plan = SafetyPlan(case=case, created_at=now)
    plan.version = current + 1
    plan.content = content.as_json()
    plan.updated_at, plan.updated_by = now, actor
    plan.save()
    SafetyPlanRevision.objects.create(
        plan=plan,
        number=plan.version,
        content=plan.content,
        changes=[c.as_json() for c in changes],
        note=note[:500],
        saved_by=actor,
        saved_at=now,
    )
    names = sections_changed(changes)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if plan.version == 1 else AuditAction.UPDATE,
        obj=plan,
        detail=f"v{plan.version}: {', '.join(names)}",
    )
    if plan.version == 1:
        summary = _("Safety plan made with the victim")
    elif names:
        summary = _("Safety plan reviewed, changed: %(what)s") % {"what": ", ".join(names)}
    else:
        summary = _("Safety plan reviewed, nothing changed")
    timeline_record(
        case=case,
        actor=actor,
        kind="plan.safety_saved",
        summary=summary,
        obj=plan,
        detail={"version": plan.version, "changed": names},
    )
    return plan
