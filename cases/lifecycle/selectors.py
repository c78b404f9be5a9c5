"""Reads of a case's lead, always from the acting user: who may be made responsible, where the
lead may go, the transfers a user may open, and what the case page and the head's dashboard show.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases import extensions
from cases.lifecycle import rules
from cases.models import (
    Case,
    CaseStatus,
    CaseTransfer,
    ClosureRequest,
    ClosureStatus,
    RiskLevel,
    Task,
    TransferStatus,
)
from cases.selectors import cases_visible_to
from portal.models import Membership, Organisation, User
from portal.roles import Capability, Role, acting_membership, can, get_object_for_user

# --- choices, scoped -------------------------------------------------------------------------


def assignable_workers(*, organisation_id: int | None) -> QuerySet[User]:
    """Who may be made responsible for a case of the organisation: its active social workers
    and head. Anyone else — another organisation's worker, a suspended one — is not a choice."""
    if organisation_id is None:
        return User.objects.none()
    members = Membership.objects.filter(
        user=OuterRef("pk"),
        organisation_id=organisation_id,
        role__in=rules.WORKER_ROLES,
        is_active=True,
    )
    return User.objects.filter(Exists(members), is_active=True).order_by(
        "last_name", "first_name", "pk"
    )


def _active_heads(organisation_ref) -> QuerySet[Membership]:
    return Membership.objects.filter(
        organisation=organisation_ref, role=Role.HEAD, is_active=True, user__is_active=True
    )


def lead_targets(*, owner_id: int) -> QuerySet[Organisation]:
    """Organisations the lead of a case owned by `owner_id` may move to: active, of a kind that
    leads cases (rules.LEAD_KINDS), with a head to answer, not the owner itself."""
    return (
        Organisation.objects.filter(is_active=True, kind__in=rules.LEAD_KINDS)
        .exclude(pk=owner_id)
        .filter(Exists(_active_heads(OuterRef("pk"))))
        .order_by("name")
    )


def organisation_heads(*, organisation_id: int) -> QuerySet[User]:
    return User.objects.filter(
        Exists(_active_heads(organisation_id).filter(user=OuterRef("pk")))
    ).order_by("pk")


# --- transfers -------------------------------------------------------------------------------


def transfers_visible_to(user) -> QuerySet[CaseTransfer]:
    """Transfers a user may open: the members of the sending and of the receiving organisation
    (the receiving head answers), the coordinators. The page names no person of the case, only
    what the receiver needs to decide."""
    membership = acting_membership(user)
    if membership is None:
        return CaseTransfer.objects.none()
    if can(user, Capability.CASE_VIEW_ALL):
        return CaseTransfer.objects.all()
    if not can(user, Capability.CASE_EDIT):
        return CaseTransfer.objects.none()
    organisation_id = membership.organisation_id
    return CaseTransfer.objects.filter(
        Q(to_organisation_id=organisation_id) | Q(from_organisation_id=organisation_id)
    )


def transfer_for_user(*, user, pk) -> CaseTransfer:
    """One transfer the user may open, or 404 (the same for "missing" and "not yours")."""
    return get_object_for_user(
        transfers_visible_to(user).select_related(
            "case",
            "case__district",
            "from_organisation",
            "to_organisation",
            "requested_by",
            "decided_by",
            "new_responsible",
        ),
        pk,
    )


def transfer_may_answer(*, user, transfer: CaseTransfer) -> bool:
    membership = acting_membership(user)
    return (
        transfer.status == TransferStatus.PENDING
        and membership is not None
        and can(user, Capability.CASE_REASSIGN)
        and membership.organisation_id == transfer.to_organisation_id
    )


def transfer_may_withdraw(*, user, transfer: CaseTransfer) -> bool:
    membership = acting_membership(user)
    return (
        transfer.status == TransferStatus.PENDING
        and membership is not None
        and can(user, Capability.CASE_EDIT)
        and membership.organisation_id == transfer.from_organisation_id
    )


# --- the case page ---------------------------------------------------------------------------


def open_tasks(*, case: Case) -> list[Task]:
    return list(
        case.tasks.filter(done_at__isnull=True).select_related("assignee").order_by("due_date")
    )


def open_work(*, case: Case) -> dict[str, list]:
    """What is still open on a case that is about to close: its tasks and, from the apps above
    `cases`, its referrals. Closing warns and lists them; it closes none of them."""
    return {"tasks": open_tasks(case=case), "elsewhere": extensions.open_work(case=case)}


def closure_request_for_case(*, case: Case, pk) -> ClosureRequest:
    """A closure request of a case the user already sees (case_for_user), or 404."""
    return get_object_for_user(case.closure_requests.select_related("requested_by"), pk)


def approval_facts(request: ClosureRequest, case: Case) -> rules.PendingClosure:
    return rules.PendingClosure(
        requested_by_id=request.requested_by_id,
        requested_by_role=request.requested_by_role,
        case_owner_id=case.owner_id,
        confidential=case.confidential,
    )


def approver_of(user) -> rules.Approver:
    """The user as a possible approver; without the capability, as nobody's approver."""
    membership = acting_membership(user)
    if membership is None or not can(user, Capability.CASE_CLOSE_APPROVE):
        return rules.Approver(user_id=user.pk, role="", organisation_id=None)
    return rules.Approver(
        user_id=user.pk, role=membership.role, organisation_id=membership.organisation_id
    )


def closure_refusal(*, user, request: ClosureRequest, case: Case) -> str | None:
    """Why `user` may not approve this request (None: they may)."""
    return rules.closure_approval_refusal(
        approver=approver_of(user), request=approval_facts(request, case)
    )


def is_lead_member(*, user, case: Case) -> bool:
    """The user works for the organisation that leads the case (a worker or its head)."""
    membership = acting_membership(user)
    return (
        membership is not None
        and can(user, Capability.CASE_EDIT)
        and membership.organisation_id == case.owner_id
    )


def lifecycle_context(*, user, case: Case, editable: bool) -> dict[str, object]:
    """The case page's "Lead and closure" card: what is pending and what the user may do."""
    history = lead_history(case=case)
    # At most one closure and one transfer are pending (constraints closure_one_pending_per_case
    # and transfer_one_pending_per_case): they are in the history the card lists anyway.
    pending = {
        item["kind"]: item["row"]
        for item in history
        if item["row"].status in (ClosureStatus.PENDING, TransferStatus.PENDING)
    }
    closure, transfer = pending.get("closure"), pending.get("transfer")
    lead_member = editable and is_lead_member(user=user, case=case)
    is_open = case.status != CaseStatus.CLOSED
    refusal = closure_refusal(user=user, request=closure, case=case) if closure else None
    return {
        "closure": closure,
        "closure_refusal": refusal,
        "may_approve": closure is not None and refusal is None,
        "closure_to_coordinator": closure is not None
        and rules.closure_goes_to_coordinator(approval_facts(closure, case)),
        "may_request_closure": lead_member and is_open and closure is None and transfer is None,
        "may_reopen": lead_member and not is_open,
        "may_reassign": lead_member and is_open and can(user, Capability.CASE_REASSIGN),
        "may_transfer": lead_member and is_open and closure is None and transfer is None,
        "transfer": transfer,
        "open_work": open_work(case=case)
        if (closure is not None or lead_member) and is_open
        else None,
        "history": history,
    }


def lead_history(*, case: Case) -> list[dict[str, object]]:
    """Every closure request and transfer of the case, newest first."""
    closures = case.closure_requests.select_related("requested_by", "decided_by")
    transfers = case.transfers.select_related(
        "from_organisation", "to_organisation", "requested_by", "decided_by"
    )
    rows = [{"kind": "closure", "at": c.requested_at, "row": c} for c in closures]
    rows += [{"kind": "transfer", "at": t.requested_at, "row": t} for t in transfers]
    return sorted(rows, key=lambda row: row["at"], reverse=True)


# --- the head's dashboard --------------------------------------------------------------------


def inactive_cases(*, user, organisation_id: int, now=None) -> QuerySet[Case]:
    """The organisation's open cases with no timeline entry for INACTIVE_DAYS (the timeline is
    where every note, task, referral and order leaves its trace), the quietest first."""
    now = now or timezone.now()
    # Case.last_activity_at is the newest entry's moment (a trigger keeps it); the partial
    # index case_quiet gives the quietest first without reading any timeline.
    return (
        cases_visible_to(user)
        .filter(owner_id=organisation_id)
        .exclude(status=CaseStatus.CLOSED)
        .filter(last_activity_at__lt=now - timedelta(days=rules.INACTIVE_DAYS))
        .select_related("responsible")
        .order_by("last_activity_at", "pk")
    )


def _count(queryset) -> Coalesce:
    return Coalesce(Subquery(queryset.order_by().values("n")[:1], output_field=IntegerField()), 0)


def caseload(*, organisation_id: int, today=None) -> list[User]:
    """Each worker of the organisation with their open cases, high-risk open cases and overdue
    tasks, in one query. Counts only, confidential cases included: the head plans the work
    without opening them."""
    today = today or timezone.localdate()
    open_cases = Case.objects.filter(owner_id=organisation_id, responsible=OuterRef("pk")).exclude(
        status=CaseStatus.CLOSED
    )
    counted = open_cases.values("responsible").annotate(n=Count("pk"))
    high = (
        open_cases.filter(risk_level=RiskLevel.HIGH).values("responsible").annotate(n=Count("pk"))
    )
    overdue = (
        Task.objects.filter(
            assignee=OuterRef("pk"),
            case__owner_id=organisation_id,
            done_at__isnull=True,
            due_date__lt=today,
        )
        .values("assignee")
        .annotate(n=Count("pk"))
    )
    return list(
        assignable_workers(organisation_id=organisation_id).annotate(
            open_cases=_count(counted), high_risk=_count(high), overdue_tasks=_count(overdue)
        )
    )


PANEL_ROWS = 8


def head_panel(request) -> dict[str, object]:
    from cases.merge.selectors import recent_possible_duplicates

    """The head's dashboard: the workload per worker, quiet cases, what waits for an answer."""
    user = request.user
    membership = acting_membership(user)
    if membership is None or not can(user, Capability.ORGANISATION_WORKLOAD):
        return {}
    organisation_id = membership.organisation_id
    inactive = inactive_cases(user=user, organisation_id=organisation_id)
    closures = list(
        ClosureRequest.objects.filter(
            status=ClosureStatus.PENDING,
            case__in=cases_visible_to(user).filter(owner_id=organisation_id),
        )
        .select_related("case", "requested_by")
        .order_by("requested_at")[:PANEL_ROWS]
    )
    transfers = list(
        CaseTransfer.objects.filter(status=TransferStatus.PENDING)
        .filter(Q(to_organisation_id=organisation_id) | Q(from_organisation_id=organisation_id))
        .select_related("case", "from_organisation", "to_organisation", "requested_by")
        .order_by("requested_at")[:PANEL_ROWS]
    )
    inactive_rows = list(inactive[: PANEL_ROWS + 1])
    return {
        "workers": caseload(organisation_id=organisation_id),
        "inactive": inactive_rows[:PANEL_ROWS],
        "inactive_more": len(inactive_rows) > PANEL_ROWS,
        "inactive_days": rules.INACTIVE_DAYS,
        "closures": [{"request": c, "own": c.requested_by_id == user.pk} for c in closures],
        "incoming": [t for t in transfers if t.to_organisation_id == organisation_id],
        "outgoing": [t for t in transfers if t.from_organisation_id == organisation_id],
        "duplicates": recent_possible_duplicates(user, organisation_id=organisation_id),
    }


def coordinator_closures_panel(request) -> dict[str, object]:
    """Closures that wait for a coordinator: a head's own request, or a confidential case."""
    if not can(request.user, Capability.CASE_CLOSE_APPROVE):
        return {"closures": []}
    closures = (
        ClosureRequest.objects.filter(status=ClosureStatus.PENDING)
        .filter(Q(requested_by_role=Role.HEAD) | Q(case__confidential=True))
        .exclude(requested_by=request.user)
        .select_related("case", "case__owner", "requested_by")
        .order_by("requested_at")
    )
    return {"closures": list(closures[:PANEL_ROWS])}
