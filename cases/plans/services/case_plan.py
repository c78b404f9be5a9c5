"""The case plan: goals and their actions, versioned, approved by the head of the owning
organisation — never by whoever wrote or sent the version (self-approval is off)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from cases.plans.content import case_plan_changes, sections_changed
from cases.plans.models import (
    ActionStatus,
    CasePlan,
    CasePlanAction,
    CasePlanGoal,
    CasePlanRevision,
    CasePlanRevisionKind,
    CasePlanStatus,
)
from cases.plans.selectors import (
    case_plan_authors,
    may_approve,
    plan_approvers,
    plan_organisations,
    plan_people,
)
from cases.plans.services.actions import action_sync_task
from cases.plans.services.common import check_version, refuse_unsafe_text
from cases.services.common import editable_case, timeline_record
from portal import domains
from portal.audit import audit_record
from portal.models import AuditAction
from portal.notifications import notification_send


@dataclass(frozen=True)
class ActionData:
    text: str
    organisation_id: int
    due_date: date
    status: str = ActionStatus.PLANNED
    person_id: int | None = None
    id: int | None = None  # an action of this goal being changed; None for a new one
    remove: bool = False


def plan_snapshot(plan: CasePlan) -> dict:
    """The plan's goals and actions with the values a reader recognises (names, dd.mm.yyyy),
    status as its code; what `content.case_plan_changes` compares."""
    goals = plan.goals.order_by("position", "pk").prefetch_related(
        "actions__responsible_organisation", "actions__responsible_person"
    )
    return {
        "goals": [
            {
                "id": goal.pk,
                "text": goal.text,
                "actions": [
                    {
                        "id": a.pk,
                        "text": a.text,
                        "organisation": str(a.responsible_organisation),
                        "person": str(a.responsible_person) if a.responsible_person else "",
                        "due": a.due_date.strftime("%d.%m.%Y"),
                        "status": a.status,
                    }
                    for a in sorted(goal.actions.all(), key=lambda a: (a.position, a.pk))
                ],
            }
            for goal in goals
        ]
    }


def _locked_plan(actor, case_id: int) -> tuple[Case, CasePlan]:
    case = editable_case(actor, case_id)
    plan = CasePlan.objects.select_for_update().filter(case=case).first()
    if plan is None:
        plan = CasePlan.objects.create(case=case, updated_by=actor)
    return case, plan


def _record(
    *,
    actor,
    case: Case,
    plan: CasePlan,
    kind: str,
    before: dict | None,
    note: str = "",
    summary: str,
) -> CasePlanRevision:
    """Bump the version and write the revision, the audit entry and the timeline entry."""
    snapshot = plan_snapshot(plan)
    changes = case_plan_changes(before, snapshot) if before is not None else []
    now = timezone.now()
    plan.version += 1
    plan.updated_at, plan.updated_by = now, actor
    plan.save()
    revision = CasePlanRevision.objects.create(
        plan=plan,
        number=plan.version,
        kind=kind,
        snapshot=snapshot,
        changes=[c.as_json() for c in changes],
        note=note.strip()[:500],
        saved_by=actor,
        saved_at=now,
    )
    names = sections_changed(changes)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=plan, detail=f"v{plan.version} {kind}")
    timeline_record(
        case=case,
        actor=actor,
        kind=f"plan.case_{kind}",
        summary=summary + (f": {', '.join(names)}" if names else ""),
        obj=plan,
        detail={"version": plan.version, "changed": names},
    )
    return revision


def _validate_actions(case: Case, goal: CasePlanGoal | None, actions: list[ActionData]) -> None:
    errors: list[str] = []
    own_ids = set(goal.actions.values_list("pk", flat=True)) if goal else set()
    organisations = set(
        plan_organisations()
        .filter(pk__in={a.organisation_id for a in actions})
        .values_list("pk", flat=True)
    )
    people = set(
        plan_people(case)
        .filter(pk__in={a.person_id for a in actions if a.person_id})
        .values_list("pk", flat=True)
    )
    for index, action in enumerate(actions, start=1):
        if action.id is not None and action.id not in own_ids:
            # Another goal's or another case's action: answered like one that does not exist.
            errors.append(_("Action %(n)s does not exist.") % {"n": index})
            continue
        if action.remove:
            continue
        if not action.text.strip():
            errors.append(_("Action %(n)s: describe the action.") % {"n": index})
        if action.organisation_id not in organisations:
            errors.append(_("Action %(n)s: choose the responsible organisation.") % {"n": index})
        if action.person_id is not None:
            if action.person_id not in people:
                errors.append(
                    _(
                        "Action %(n)s: the responsible person must be someone who works on "
                        "this case."
                    )
                    % {"n": index}
                )
            elif action.organisation_id != case.owner_id:
                errors.append(
                    _(
                        "Action %(n)s: a responsible person can be named only when the case's own "
                        "organisation is responsible."
                    )
                    % {"n": index}
                )
        if action.status not in ActionStatus.values:
            errors.append(_("Action %(n)s: choose a status.") % {"n": index})
        try:
            domains.validate_planning_date(action.due_date)
        except ValidationError as error:
            errors.append(
                _("Action %(n)s: %(error)s") % {"n": index, "error": " ".join(error.messages)}
            )
    if errors:
        raise ValidationError({"actions": errors})


@transaction.atomic
def case_plan_goal_save(
    *,
    actor,
    case_id: int,
    expected_version: int,
    goal_id: int | None,
    text: str,
    actions: list[ActionData],
    note: str = "",
    remove: bool = False,
) -> CasePlan:
    """Add a goal with its actions, or change (or remove) one; a new plan version.

    Changing goals or actions sends an approved or awaiting plan back to draft: the head
    approves what will be done, so a changed plan is approved again. Progress alone (an
    action's status) keeps the approval."""
    case, plan = _locked_plan(actor, case_id)
    check_version(
        current=plan.version,
        expected=expected_version,
        saved_by=plan.updated_by,
        saved_at=plan.updated_at,
    )
    goal = None
    if goal_id is not None:
        goal = plan.goals.filter(pk=goal_id).first()
        if goal is None:
            raise ValidationError({"text": [_("This goal does not exist any more.")]})
    text = text.strip()
    if not remove:
        if not text:
            raise ValidationError({"text": [_("Describe the goal.")]})
        if len(text) > 500:
            raise ValidationError({"text": [_("The goal is at most 500 characters long.")]})
        _validate_actions(case, goal, actions)
        refuse_unsafe_text(
            case=case,
            sections={"text": [text], "actions": [a.text for a in actions], "note": [note]},
        )
    before = plan_snapshot(plan)
    if remove and goal is not None:
        for action in goal.actions.select_related("task"):
            action.status = ActionStatus.CANCELLED
            action_sync_task(actor=actor, action=action, case_id=case.pk)
        goal.delete()
    else:
        if goal is None:
            goal = CasePlanGoal.objects.create(
                plan=plan, position=plan.goals.count() + 1, text=text
            )
        elif goal.text != text:
            goal.text = text
            goal.save(update_fields=["text"])
        _apply_actions(actor=actor, case=case, goal=goal, actions=actions)
    after = plan_snapshot(plan)
    changes = case_plan_changes(before, after)
    if not changes and not note.strip():
        return plan
    structural = any(
        not (
            c.section == "action" and c.kind == "changed" and {f[0] for f in c.fields} == {"status"}
        )
        for c in changes
    )
    kind = CasePlanRevisionKind.EDITED if structural else CasePlanRevisionKind.PROGRESS
    if structural and plan.status != CasePlanStatus.DRAFT:
        plan.status = CasePlanStatus.DRAFT
    _record(
        actor=actor,
        case=case,
        plan=plan,
        kind=kind,
        before=before,
        note=note,
        summary=_("Case plan changed"),
    )
    return plan


def _apply_actions(*, actor, case: Case, goal: CasePlanGoal, actions: list[ActionData]) -> None:
    existing = {a.pk: a for a in goal.actions.select_related("task")}
    position = max((a.position for a in existing.values()), default=0)
    for data in actions:
        action = existing.get(data.id) if data.id is not None else None
        if data.remove:
            if action is not None:
                action.status = ActionStatus.CANCELLED
                action_sync_task(actor=actor, action=action, case_id=case.pk)
                action.delete()
            continue
        if action is None:
            position += 1
            action = CasePlanAction(goal=goal, position=position)
        action.text = data.text.strip()[:500]
        action.responsible_organisation_id = data.organisation_id
        action.responsible_person_id = data.person_id
        action.due_date = data.due_date
        action.status = data.status
        action.save()
        action_sync_task(actor=actor, action=action, case_id=case.pk)


@transaction.atomic
def case_plan_action_set_status(
    *, actor, case_id: int, action_id: int, status: str
) -> CasePlanAction:
    """Progress on one action (its task follows); keeps the plan's approval."""
    case, plan = _locked_plan(actor, case_id)
    action = (
        CasePlanAction.objects.select_for_update(of=("self",))
        .select_related("task")
        .filter(goal__plan=plan, pk=action_id)
        .first()
    )
    if action is None:
        raise PermissionDenied
    if status not in ActionStatus.values:
        raise ValidationError({"status": [_("Choose a status.")]})
    if action.status == status:
        return action
    before = plan_snapshot(plan)
    action.status = status
    action.save(update_fields=["status"])
    action_sync_task(actor=actor, action=action, case_id=case.pk)
    _record(
        actor=actor,
        case=case,
        plan=plan,
        kind=CasePlanRevisionKind.PROGRESS,
        before=before,
        summary=_("Case plan progress"),
    )
    return action


@transaction.atomic
def case_plan_submit(*, actor, case_id: int, expected_version: int) -> CasePlan:
    """Send the plan to the head of the organisation for approval."""
    case, plan = _locked_plan(actor, case_id)
    check_version(
        current=plan.version,
        expected=expected_version,
        saved_by=plan.updated_by,
        saved_at=plan.updated_at,
    )
    if plan.status != CasePlanStatus.DRAFT:
        raise ValidationError(_("The plan is not a draft: it is already sent or approved."))
    if not CasePlanAction.objects.filter(goal__plan=plan).exists():
        raise ValidationError(_("Add at least one goal with an action before sending the plan."))
    plan.status = CasePlanStatus.AWAITING_APPROVAL
    plan.submitted_by, plan.submitted_at = actor, timezone.now()
    _record(
        actor=actor,
        case=case,
        plan=plan,
        kind=CasePlanRevisionKind.SUBMITTED,
        before=None,
        summary=_("Case plan sent for approval"),
    )
    url = reverse("cases:case_plan", args=[case.pk])
    for head in plan_approvers(case).exclude(pk=actor.pk):
        notification_send(
            user=head,
            title=_("A case plan awaits your approval: %(number)s") % {"number": case.number},
            url=url,
            dedupe_key=f"case-plan-submitted:{plan.pk}:{plan.version}:{head.pk}",
        )
    return plan


def _for_decision(actor, case_id: int, expected_version: int) -> tuple[Case, CasePlan]:
    case, plan = _locked_plan(actor, case_id)
    if not may_approve(user=actor, case=case, plan=plan):
        if plan.status != CasePlanStatus.AWAITING_APPROVAL:
            raise ValidationError(_("The plan does not await approval."))
        raise PermissionDenied
    check_version(
        current=plan.version,
        expected=expected_version,
        saved_by=plan.updated_by,
        saved_at=plan.updated_at,
    )
    return case, plan


@transaction.atomic
def case_plan_approve(*, actor, case_id: int, expected_version: int, note: str = "") -> CasePlan:
    """The head approves the version sent to them — unless they wrote or sent it."""
    case, plan = _for_decision(actor, case_id, expected_version)
    if actor.pk in case_plan_authors(plan):
        raise ValidationError(
            _(
                "You wrote or sent this version of the plan: another head of the "
                "organisation approves it."
            )
        )
    plan.status = CasePlanStatus.APPROVED
    plan.approved_by, plan.approved_at = actor, timezone.now()
    _record(
        actor=actor,
        case=case,
        plan=plan,
        kind=CasePlanRevisionKind.APPROVED,
        before=None,
        note=note,
        summary=_("Case plan approved"),
    )
    _tell_submitter(plan, case, _("The case plan is approved: %(number)s"))
    return plan


@transaction.atomic
def case_plan_return(*, actor, case_id: int, expected_version: int, reason: str) -> CasePlan:
    """The head sends the plan back to its authors with what to change."""
    case, plan = _for_decision(actor, case_id, expected_version)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say what should change in the plan.")]})
    plan.status = CasePlanStatus.DRAFT
    _record(
        actor=actor,
        case=case,
        plan=plan,
        kind=CasePlanRevisionKind.RETURNED,
        before=None,
        note=reason,
        summary=_("Case plan returned for changes"),
    )
    _tell_submitter(plan, case, _("The case plan is returned for changes: %(number)s"))
    return plan


def _tell_submitter(plan: CasePlan, case: Case, title: str) -> None:
    if plan.submitted_by_id is None:
        return
    notification_send(
        user=plan.submitted_by,
        title=title % {"number": case.number},
        url=reverse("cases:case_plan", args=[case.pk]),
        dedupe_key=f"case-plan-decision:{plan.pk}:{plan.version}",
    )
