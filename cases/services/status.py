"""The case's life cycle and the victim's consent to share data with providers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseStatus
from cases.services.common import editable_case, timeline_record
from portal.audit import audit_record
from portal.models import AuditAction

# The life cycle of an open case: from → allowed next statuses. Closing and reopening are not
# here: a case closes when the head of the organisation approves a closure request, and
# reopens with a reason (cases.lifecycle.services).
STATUS_FLOW: dict[str, set[str]] = {
    CaseStatus.NEW: {CaseStatus.IN_WORK, CaseStatus.REFERRED},
    CaseStatus.IN_WORK: {CaseStatus.REFERRED, CaseStatus.MONITORING},
    CaseStatus.REFERRED: {CaseStatus.IN_WORK, CaseStatus.MONITORING},
    CaseStatus.MONITORING: {CaseStatus.IN_WORK, CaseStatus.REFERRED},
    CaseStatus.CLOSED: set(),
}


@transaction.atomic
def case_change_status(*, actor, case_id: int, status: str) -> Case:
    case = editable_case(actor, case_id)
    if status == CaseStatus.CLOSED:
        raise ValidationError(
            {
                "status": [
                    _(
                        "A case closes when the head of the organisation approves a closure "
                        "request: use “Request closure”."
                    )
                ]
            }
        )
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(
            {"status": [_("A closed case is reopened with a reason: use “Reopen the case”.")]}
        )
    if status not in STATUS_FLOW.get(case.status, set()):
        raise ValidationError({"status": [_("This status change is not allowed.")]})
    old = case.get_status_display()
    case.status = status
    case.version += 1
    case._history_user = actor
    case.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, detail=f"status {status}")
    timeline_record(
        case=case,
        actor=actor,
        kind="case.status",
        summary=_("Status: %(old)s → %(new)s") % {"old": old, "new": case.get_status_display()},
        obj=case,
    )
    return case


@transaction.atomic
def case_record_consent(*, actor, case_id: int, consent: bool) -> Case:
    case = editable_case(actor, case_id)
    case.consent_to_share = consent
    case.consent_recorded_by = actor
    case.consent_recorded_at = timezone.now()
    case.version += 1
    case._history_user = actor
    case.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, detail=f"consent {consent}")
    timeline_record(
        case=case,
        actor=actor,
        kind="case.consent",
        summary=_("Consent to share data with providers: given")
        if consent
        else _("Consent to share data with providers: withdrawn"),
        obj=case,
    )
    return case
