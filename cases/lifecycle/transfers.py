"""Writes on the transfer of a case's lead to another organisation (the victim moved district,
another service takes over). Not a referral: a referral asks for a service and leaves the lead
where it is; a transfer moves the case itself, its responsible worker and who may open it.

- The leading organisation's worker asks (the receiver, the reason, whether the sender asks to
  keep reading the case). One pending request per case.
- The receiving organisation's head accepts, choosing the responsible worker and whether the
  sender keeps read access, or declines with a reason. The sender may withdraw while it waits.
- On acceptance the case's owner and responsible worker change; the sending organisation's
  members lose the case unless the receiver let them keep reading it (a guardian grant of
  `view_case`, never `edit_case`, to the sending organisation's group: see
  cases.selectors.visible_cases_q). Referrals stay as they are.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.lifecycle.selectors import (
    assignable_workers,
    lead_targets,
    organisation_heads,
    transfers_visible_to,
)
from cases.lifecycle.services import clean_text, lead_case
from cases.models import (
    Case,
    CaseGroupObjectPermission,
    CaseStatus,
    CaseTransfer,
    ClosureStatus,
    Task,
    TransferStatus,
)
from cases.services.common import timeline_record
from portal.audit import audit_record
from portal.models import AuditAction, Membership
from portal.notifications import notification_send
from portal.roles import (
    Capability,
    acting_membership,
    can,
    grant_object_perm_to_organisation,
    parse_id,
)

VIEW_CASE = "cases.view_case"


def _already_pending() -> ValidationError:
    return ValidationError(
        {"to_organisation": [_("A transfer of this case already waits for an answer.")]}
    )


@transaction.atomic
def transfer_request(
    *, actor, case_id: int, to_organisation_id, reason: str, keep_read: bool = False
) -> CaseTransfer:
    case = lead_case(actor, case_id)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"to_organisation": [_("A closed case is not transferred.")]})
    if case.transfers.filter(status=TransferStatus.PENDING).exists():
        raise _already_pending()
    if case.closure_requests.filter(status=ClosureStatus.PENDING).exists():
        raise ValidationError(
            {"to_organisation": [_("Closing this case was requested: wait for the answer.")]}
        )
    pk = parse_id(to_organisation_id)
    target = lead_targets(owner_id=case.owner_id).filter(pk=pk).first() if pk else None
    if target is None:
        raise ValidationError(
            {"to_organisation": [_("Choose an organisation that can lead the case.")]}
        )
    reason = clean_text(
        reason, "reason", required=True, message=_("Say why the lead of the case moves.")
    )
    try:
        with transaction.atomic():
            transfer = CaseTransfer.objects.create(
                case=case,
                from_organisation_id=case.owner_id,
                to_organisation=target,
                reason=reason,
                keep_read_requested=bool(keep_read),
                requested_by=actor,
            )
    except IntegrityError:  # another tab asked at the same moment
        raise _already_pending() from None
    audit_record(actor=actor, action=AuditAction.CREATE, obj=transfer, detail=f"to {target.code}")
    timeline_record(
        case=case,
        actor=actor,
        kind="case.transfer_requested",
        summary=_("Transfer of the lead to %(organisation)s requested: %(reason)s")
        % {"organisation": target, "reason": reason},
        obj=transfer,
    )
    for head in organisation_heads(organisation_id=target.pk):
        notification_send(
            user=head,
            title=_("%(organisation)s asks you to take the lead of case %(number)s")
            % {"organisation": case.owner, "number": case.number},
            body=reason,
            url=transfer.get_absolute_url(),
            dedupe_key=f"transfer-requested:{transfer.pk}",
        )
    return transfer


def _pending_transfer(actor, transfer_id: int, *, side: str) -> tuple[CaseTransfer, Case]:
    """The transfer and its case, locked case first (as every write on a case), if the actor
    answers for `side` ("to": the receiving head; "from": the sending organisation)."""
    case_id = (
        transfers_visible_to(actor).filter(pk=transfer_id).values_list("case_id", flat=True).first()
    )
    if case_id is None:
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=case_id)
    transfer = CaseTransfer.objects.select_for_update().get(pk=transfer_id)
    membership = acting_membership(actor)
    if side == "to":
        allowed = (
            can(actor, Capability.CASE_REASSIGN)
            and membership.organisation_id == transfer.to_organisation_id
        )
    else:
        allowed = (
            can(actor, Capability.CASE_EDIT)
            and membership.organisation_id == transfer.from_organisation_id
        )
    if not allowed:
        raise PermissionDenied
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("This transfer was already answered or withdrawn; reload the page.")
                ]
            }
        )
    return transfer, case


@transaction.atomic
def transfer_accept(
    *, actor, transfer_id: int, responsible_id, keep_read: bool = False
) -> CaseTransfer:
    transfer, case = _pending_transfer(actor, transfer_id, side="to")
    if case.owner_id != transfer.from_organisation_id or case.status == CaseStatus.CLOSED:
        # The lead moved or the case closed after the request was made: nothing to take over.
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("The case changed since the request was made; it cannot be accepted.")
                ]
            }
        )
    pk = parse_id(responsible_id)
    worker = (
        assignable_workers(organisation_id=transfer.to_organisation_id).filter(pk=pk).first()
        if pk
        else None
    )
    if worker is None:
        raise ValidationError({"responsible": [_("Choose an active worker of your organisation.")]})
    keep_read = bool(keep_read) and transfer.keep_read_requested
    now = timezone.now()
    previous = case.responsible
    case.owner_id = transfer.to_organisation_id
    case.responsible = worker
    case.version += 1
    case._history_user = actor
    case.save()
    # Open tasks of people outside the receiving organisation go to the new responsible worker:
    # their assignees no longer see the case.
    receiving = Membership.objects.filter(
        user=OuterRef("assignee"), organisation_id=transfer.to_organisation_id, is_active=True
    )
    moved = (
        Task.objects.filter(case=case, done_at__isnull=True, assignee__isnull=False)
        .exclude(Exists(receiving))
        .update(assignee=worker)
    )
    sender_group = transfer.from_organisation.group
    # Whatever the sender could read before (an earlier transfer's grant) ends here; the
    # receiver's answer now decides.
    CaseGroupObjectPermission.objects.filter(content_object=case, group=sender_group).delete()
    if keep_read:
        grant_object_perm_to_organisation(perm=VIEW_CASE, organisation_group=sender_group, obj=case)
    transfer.status = TransferStatus.ACCEPTED
    transfer.decided_by = actor
    transfer.decided_at = now
    transfer.new_responsible = worker
    transfer.keep_read_granted = keep_read
    transfer.save(
        update_fields=["status", "decided_by", "decided_at", "new_responsible", "keep_read_granted"]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        detail=f"lead {transfer.from_organisation.code} -> {transfer.to_organisation.code}"
        f"{' (sender keeps read access)' if keep_read else ''}",
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=transfer, detail="accepted")
    summary = _("The lead moved from %(sender)s to %(receiver)s; responsible: %(worker)s") % {
        "sender": transfer.from_organisation,
        "receiver": transfer.to_organisation,
        "worker": worker,
    }
    if keep_read:
        summary += " · " + _("the sender keeps read access")
    timeline_record(
        case=case,
        actor=actor,
        kind="case.transferred",
        summary=summary,
        obj=transfer,
        detail={"tasks_moved": moved, "previous_responsible": getattr(previous, "pk", None)},
    )
    notification_send(
        user=transfer.requested_by,
        title=_("%(organisation)s took the lead of case %(number)s")
        % {"organisation": transfer.to_organisation, "number": case.number},
        url=transfer.get_absolute_url(),
        dedupe_key=f"transfer-accepted:{transfer.pk}",
    )
    notification_send(
        user=worker,
        title=_("Case %(number)s is now yours") % {"number": case.number},
        body=_("Your organisation took the lead of the case from %(organisation)s.")
        % {"organisation": transfer.from_organisation},
        url=case.get_absolute_url(),
        dedupe_key=f"transfer-accepted:{transfer.pk}:worker",
    )
    if previous is not None and previous.pk != transfer.requested_by_id:
        notification_send(
            user=previous,
            title=_("%(organisation)s took the lead of case %(number)s")
            % {"organisation": transfer.to_organisation, "number": case.number},
            dedupe_key=f"transfer-accepted:{transfer.pk}:previous",
        )
    return transfer


@transaction.atomic
def transfer_decline(*, actor, transfer_id: int, reason: str) -> CaseTransfer:
    transfer, case = _pending_transfer(actor, transfer_id, side="to")
    reason = clean_text(
        reason, "decline_reason", required=True, message=_("Say why you decline the case.")
    )
    transfer.status = TransferStatus.DECLINED
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    transfer.decline_reason = reason
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=transfer, detail="declined")
    timeline_record(
        case=case,
        actor=actor,
        kind="case.transfer_declined",
        summary=_("%(organisation)s declined to take the lead: %(reason)s")
        % {"organisation": transfer.to_organisation, "reason": reason},
        obj=transfer,
    )
    notification_send(
        user=transfer.requested_by,
        title=_("%(organisation)s declined to take the lead of case %(number)s")
        % {"organisation": transfer.to_organisation, "number": case.number},
        body=reason,
        url=transfer.get_absolute_url(),
        dedupe_key=f"transfer-declined:{transfer.pk}",
    )
    return transfer


@transaction.atomic
def transfer_withdraw(*, actor, transfer_id: int) -> CaseTransfer:
    transfer, case = _pending_transfer(actor, transfer_id, side="from")
    transfer.status = TransferStatus.WITHDRAWN
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    transfer.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=transfer, detail="withdrawn")
    timeline_record(
        case=case,
        actor=actor,
        kind="case.transfer_withdrawn",
        summary=_("Transfer of the lead to %(organisation)s withdrawn")
        % {"organisation": transfer.to_organisation},
        obj=transfer,
    )
    return transfer
