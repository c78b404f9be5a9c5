"""Writes on a case's lead: closure asked for and approved (or returned), reopening, a new
responsible worker. Transfers of the lead are in cases.lifecycle.transfers.

Each takes the acting user, runs in one transaction, locks what it changes (the case, the
request), checks the rules (cases.lifecycle.rules) before saving, and writes the audit entry,
the timeline entry and the notifications in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.lifecycle import rules
from cases.lifecycle.selectors import (
    approval_facts,
    approver_of,
    assignable_workers,
    is_lead_member,
    organisation_heads,
)
from cases.models import (
    Case,
    CaseStatus,
    ClosureReason,
    ClosureRequest,
    ClosureStatus,
    Task,
    TransferStatus,
)
from cases.selectors import cases_visible_to
from cases.services.common import editable_case, timeline_record
from portal.audit import audit_record
from portal.models import AuditAction
from portal.notifications import city_coordinators, notification_send
from portal.roles import Capability, acting_membership, can, parse_id


def clean_text(value: str, field: str, *, required: bool, message: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: [message]})
    if len(value) > rules.MAX_REASON:
        raise ValidationError(
            {field: [_("At most %(n)s characters, please.") % {"n": rules.MAX_REASON}]}
        )
    return value


def lead_case(actor, case_id: int) -> Case:
    """The case locked for this transaction, if the actor works for the organisation that leads
    it; a colleague of another organisation with an edit grant does not close or move it."""
    case = editable_case(actor, case_id)
    if not is_lead_member(user=actor, case=case):
        raise PermissionDenied
    return case


def _has_pending_transfer(case: Case) -> bool:
    return case.transfers.filter(status=TransferStatus.PENDING).exists()


# --- closure ---------------------------------------------------------------------------------


@transaction.atomic
def closure_request(*, actor, case_id: int, reason: str, reason_text: str = "") -> ClosureRequest:
    """A worker of the leading organisation asks to close the case; it waits for approval."""
    case = lead_case(actor, case_id)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"reason": [_("The case is already closed.")]})
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": [_("Choose the reason for closing from the list.")]})
    reason_text = clean_text(
        reason_text,
        "reason_text",
        required=reason == ClosureReason.OTHER,
        message=_("Say in words why the case closes."),
    )
    if case.closure_requests.filter(status=ClosureStatus.PENDING).exists():
        raise ValidationError({"reason": [_("Closing this case has already been requested.")]})
    if _has_pending_transfer(case):
        raise ValidationError(
            {"reason": [_("The case's lead is being transferred: wait for the answer first.")]}
        )
    try:
        with transaction.atomic():
            request = ClosureRequest.objects.create(
                case=case,
                reason=reason,
                reason_text=reason_text,
                requested_by=actor,
                requested_by_role=acting_membership(actor).role,
            )
    except IntegrityError:  # a second tab asked at the same moment
        raise ValidationError(
            {"reason": [_("Closing this case has already been requested.")]}
        ) from None
    audit_record(actor=actor, action=AuditAction.CREATE, obj=request, detail=f"reason {reason}")
    timeline_record(
        case=case,
        actor=actor,
        kind="case.closure_requested",
        summary=_("Closure requested: %(reason)s") % {"reason": request.reason_shown},
        obj=request,
    )
    _tell_approvers(case=case, request=request, actor=actor)
    return request


def _tell_approvers(*, case: Case, request: ClosureRequest, actor) -> None:
    facts = approval_facts(request, case)
    recipients = []
    if not case.confidential:
        recipients += list(organisation_heads(organisation_id=case.owner_id))
    if rules.closure_goes_to_coordinator(facts):
        recipients += list(city_coordinators())
    for user in {u.pk: u for u in recipients if u.pk != actor.pk}.values():
        notification_send(
            user=user,
            title=_("Closure of case %(number)s awaits your approval") % {"number": case.number},
            body=_("%(user)s asks to close the case: %(reason)s")
            % {"user": actor, "reason": request.reason_shown},
            url=f"{case.get_absolute_url()}#overview",
            dedupe_key=f"closure-requested:{request.pk}",
        )


def _pending_request(actor, request_id: int) -> tuple[ClosureRequest, Case]:
    """The request and its case, if the case is one the actor may see; locked in the order every
    write on a case takes (the case first), so two answers at once are made one after the
    other and the second finds the request answered."""
    found = ClosureRequest.objects.filter(
        pk=request_id, case__in=cases_visible_to(actor)
    ).values_list("case_id", flat=True)
    case_id = found.first()
    if case_id is None:
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=case_id)
    request = ClosureRequest.objects.select_for_update().get(pk=request_id)
    if not can(actor, Capability.CASE_CLOSE_APPROVE):
        raise PermissionDenied
    refusal = rules.closure_approval_refusal(
        approver=approver_of(actor), request=approval_facts(request, case)
    )
    if refusal:
        raise ValidationError({"comment": [refusal]})
    if request.status != ClosureStatus.PENDING:
        raise ValidationError(
            {"comment": [_("This closure request was already answered; reload the case.")]}
        )
    return request, case


@transaction.atomic
def closure_approve(*, actor, request_id: int, comment: str = "") -> Case:
    """The head (or, where the rules say so, a coordinator) approves: the case is closed."""
    request, case = _pending_request(actor, request_id)
    comment = clean_text(comment, "comment", required=False, message="")
    now = timezone.now()
    case.status = CaseStatus.CLOSED
    case.closed_at = now
    case.close_reason_code = request.reason
    case.close_reason = request.reason_text
    case.version += 1
    case._history_user = actor
    case.save()
    request.status = ClosureStatus.APPROVED
    request.decided_by = actor
    request.decided_at = now
    request.comment = comment
    request.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=case, detail=f"closed: {request.reason}"
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=request, detail="approved")
    timeline_record(
        case=case,
        actor=actor,
        kind="case.closed",
        summary=_("Case closed with the approval of %(user)s: %(reason)s")
        % {"user": actor, "reason": request.reason_shown},
        obj=request,
        detail={"reason": request.reason, "text": request.reason_text, "comment": comment},
    )
    notification_send(
        user=request.requested_by,
        title=_("Closure of case %(number)s approved") % {"number": case.number},
        body=comment,
        url=case.get_absolute_url(),
        dedupe_key=f"closure-approved:{request.pk}",
    )
    return case


@transaction.atomic
def closure_return(*, actor, request_id: int, comment: str) -> ClosureRequest:
    """The approver sends the request back with a comment: the case stays open."""
    request, case = _pending_request(actor, request_id)
    comment = clean_text(
        comment,
        "comment",
        required=True,
        message=_("Say what is still to be done before the case can close."),
    )
    request.status = ClosureStatus.RETURNED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.comment = comment
    request.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=request, detail="returned")
    timeline_record(
        case=case,
        actor=actor,
        kind="case.closure_returned",
        summary=_("Closure returned by %(user)s: %(comment)s")
        % {"user": actor, "comment": comment},
        obj=request,
    )
    notification_send(
        user=request.requested_by,
        title=_("Closure of case %(number)s returned") % {"number": case.number},
        body=comment,
        url=case.get_absolute_url(),
        dedupe_key=f"closure-returned:{request.pk}",
    )
    return request


@transaction.atomic
def case_reopen(*, actor, case_id: int, reason: str) -> Case:
    """A closed case is taken up again, with the reason, by the organisation that leads it."""
    case = lead_case(actor, case_id)
    if case.status != CaseStatus.CLOSED:
        raise ValidationError({"reason": [_("Only a closed case can be reopened.")]})
    reason = clean_text(reason, "reason", required=True, message=_("Say why the case is reopened."))
    previous = case.get_close_reason_code_display()
    case.status = CaseStatus.IN_WORK
    case.closed_at = None
    case.close_reason_code = ""
    case.close_reason = ""
    case.version += 1
    case._history_user = actor
    case.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, detail="reopened")
    timeline_record(
        case=case,
        actor=actor,
        kind="case.reopened",
        summary=_("Case reopened: %(reason)s") % {"reason": reason},
        obj=case,
        detail={"reason": reason, "closed_because": str(previous)},
    )
    return case


# --- the responsible worker ------------------------------------------------------------------


@transaction.atomic
def case_reassign(*, actor, case_id: int, worker_id) -> Case:
    """The head gives the case to another active worker of the organisation. The previous
    worker's open tasks on the case go with it."""
    if not can(actor, Capability.CASE_REASSIGN):
        raise PermissionDenied
    case = lead_case(actor, case_id)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"worker": [_("A closed case is not reassigned; reopen it first.")]})
    worker = (
        assignable_workers(organisation_id=case.owner_id).filter(pk=parse_id(worker_id)).first()
        if parse_id(worker_id)
        else None
    )
    if worker is None:
        raise ValidationError({"worker": [_("Choose an active worker of your organisation.")]})
    if worker.pk == case.responsible_id:
        raise ValidationError({"worker": [_("This worker is already responsible for the case.")]})
    previous = case.responsible
    case.responsible = worker
    case.version += 1
    case._history_user = actor
    case.save()
    moved = Task.objects.filter(
        case=case, done_at__isnull=True, assignee=previous, assignee__isnull=False
    ).update(assignee=worker)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        detail=f"responsible {getattr(previous, 'pk', None)} -> {worker.pk}",
    )
    timeline_record(
        case=case,
        actor=actor,
        kind="case.reassigned",
        summary=_("Responsible worker: %(old)s → %(new)s")
        % {"old": previous or "—", "new": worker},
        obj=case,
        detail={"tasks_moved": moved},
    )
    url = case.get_absolute_url()
    notification_send(
        user=worker,
        title=_("Case %(number)s is now yours") % {"number": case.number},
        body=_("%(user)s made you the responsible worker.") % {"user": actor},
        url=url,
        dedupe_key=f"reassigned:{case.pk}:{case.version}:to",
    )
    if previous is not None and previous.pk != actor.pk:
        notification_send(
            user=previous,
            title=_("Case %(number)s was given to %(user)s")
            % {"number": case.number, "user": worker},
            dedupe_key=f"reassigned:{case.pk}:{case.version}:from",
        )
    return case
