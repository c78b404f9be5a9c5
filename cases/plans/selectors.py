"""Reads of the plans, always from a case the user already sees (cases.selectors.case_for_user).

Who sees the plans: those who may change the case (its workers and head, a colleague granted
`edit_case`) and, read-only, the coordinators. Everyone else who sees the case — the police
officer who opened it, an administrator behind the glass — does not: the safety plan says
where the victim will go and whom she will call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from cases.models import Case, RiskAssessment
from cases.plans import suggestions
from cases.plans.content import Change, SafetyContent, describe
from cases.plans.models import (
    ActionStatus,
    CasePlan,
    CasePlanAction,
    CasePlanGoal,
    CasePlanRevisionKind,
    CasePlanStatus,
    SafetyPlan,
)
from cases.selectors import case_for_user, case_is_editable
from portal.models import Organisation, User
from portal.roles import Capability, Role, acting_organisation_id, can, parse_id

HISTORY_ROWS = 30


def plans_visible(*, user, case: Case, editable: bool | None = None) -> bool:
    if editable is None:
        editable = case_is_editable(user=user, case=case)
    return editable or can(user, Capability.CASE_VIEW_ALL)


def plan_case_for_user(*, user, pk) -> tuple[Case, bool]:
    """The case whose plans the user may see, and whether they may change them; 404 for
    everyone else, the same answer as for a case that does not exist."""
    case = case_for_user(user=user, pk=pk)
    editable = case_is_editable(user=user, case=case)
    if not plans_visible(user=user, case=case, editable=editable):
        raise Http404
    return case, editable


def latest_risk_answers(case: Case) -> dict[str, Any]:
    latest = (
        RiskAssessment.objects.filter(case=case)
        .order_by("-assessed_at", "-id")
        .values_list("answers", flat=True)
        .first()
    )
    return dict(latest or {})


# --- whom an action may name -----------------------------------------------------------------


def plan_organisations() -> QuerySet[Organisation]:
    """Organisations an action may name as responsible: every active one (public data)."""
    return Organisation.objects.filter(is_active=True).order_by("name")


def plan_people(case: Case) -> QuerySet[User]:
    """People an action may name as responsible: those who work on this case — the owning
    organisation's workers and head; for a confidential case only its responsible worker. An
    action's person gets a task on the case, so it must be someone who can open it."""
    if case.confidential:
        return User.objects.filter(pk=case.responsible_id, is_active=True)
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=case.owner_id,
            memberships__is_active=True,
            memberships__role__in=[Role.SOCIAL_WORKER, Role.HEAD],
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def plan_approvers(case: Case) -> QuerySet[User]:
    """Heads of the case's organisation: they approve its case plan."""
    return User.objects.filter(
        is_active=True,
        memberships__organisation_id=case.owner_id,
        memberships__is_active=True,
        memberships__role=Role.HEAD,
    ).distinct()


# --- the safety plan -------------------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    number: int
    saved_at: Any
    saved_by: Any
    kind: str
    note: str
    changes: list[str]
    decision: bool = False  # sent, approved or returned: not a review of the content


def _words(changes: list[dict], values: dict[str, dict[str, str]] | None = None) -> list[str]:
    return [describe(Change.from_json(c), values=values) for c in changes]


def safety_plan_page(*, case: Case) -> dict[str, Any]:
    plan = SafetyPlan.objects.filter(case=case).select_related("updated_by").first()
    revisions = []
    if plan is not None:
        revisions = [
            Revision(r.number, r.saved_at, r.saved_by, "", r.note, _words(r.changes))
            for r in plan.revisions.select_related("saved_by").order_by("-number")[:HISTORY_ROWS]
        ]
    content = SafetyContent.from_json(plan.content) if plan else None
    return {
        "safety_plan": plan,
        "safety": content,
        "safety_history": revisions,
        "documents": [
            (code, suggestions.DOCUMENT_LABELS.get(code, code)) for code in content.documents
        ]
        if content
        else [],
        "hotlines": suggestions.hotlines(has_children=case.has_children),
    }


# --- the case plan ---------------------------------------------------------------------------

STATUS_LABELS = dict(ActionStatus.choices)


def case_plan_of(case: Case) -> CasePlan | None:
    actions = CasePlanAction.objects.select_related(
        "responsible_organisation", "responsible_person", "task"
    ).order_by("position", "pk")
    return (
        CasePlan.objects.filter(case=case)
        .select_related("submitted_by", "approved_by", "updated_by")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=CasePlanGoal.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("actions", queryset=actions)
                ),
            )
        )
        .first()
    )


def case_plan_authors(plan: CasePlan) -> set[int]:
    """Who wrote the version awaiting approval: whoever sent it, and whoever changed goals or
    actions since the last approval. None of them may approve it."""
    last_approval = (
        plan.revisions.filter(kind=CasePlanRevisionKind.APPROVED)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    ) or 0
    authors = set(
        plan.revisions.filter(kind=CasePlanRevisionKind.EDITED, number__gt=last_approval)
        .exclude(saved_by=None)
        .values_list("saved_by_id", flat=True)
    )
    if plan.submitted_by_id:
        authors.add(plan.submitted_by_id)
    return authors


def may_approve(*, user, case: Case, plan: CasePlan | None) -> bool:
    return (
        plan is not None
        and plan.status == CasePlanStatus.AWAITING_APPROVAL
        and can(user, Capability.CASE_PLAN_APPROVE)
        and acting_organisation_id(user) == case.owner_id
        and case_is_editable(user=user, case=case)
    )


def case_plan_page(*, user, case: Case) -> dict[str, Any]:
    plan = case_plan_of(case)
    history: list[Revision] = []
    approvable = may_approve(user=user, case=case, plan=plan)
    own_version = False
    if plan is not None:
        history = [
            Revision(
                r.number,
                r.saved_at,
                r.saved_by,
                r.get_kind_display(),
                r.note,
                _words(r.changes, {"status": STATUS_LABELS}),
                decision=r.kind not in (CasePlanRevisionKind.EDITED, CasePlanRevisionKind.PROGRESS),
            )
            for r in plan.revisions.select_related("saved_by").order_by("-number", "-pk")[
                :HISTORY_ROWS
            ]
        ]
        own_version = approvable and user.pk in case_plan_authors(plan)
    return {
        "case_plan": plan,
        "goals": list(plan.goals.all()) if plan else [],
        "case_plan_history": history,
        "may_approve": approvable and not own_version,
        "own_version": own_version,
    }


def goal_of_case(*, case: Case, goal_pk) -> CasePlanGoal:
    """A goal of this case's plan, or 404 (a goal of another case is answered as missing)."""
    pk = parse_id(goal_pk)
    goal = (
        CasePlanGoal.objects.filter(plan__case=case, pk=pk)
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=CasePlanAction.objects.select_related(
                    "responsible_organisation", "responsible_person"
                ).order_by("position", "pk"),
            )
        )
        .first()
        if pk
        else None
    )
    if goal is None:
        raise Http404
    return goal


def action_of_case(*, case: Case, action_pk) -> CasePlanAction:
    pk = parse_id(action_pk)
    action = CasePlanAction.objects.filter(goal__plan__case=case, pk=pk).first() if pk else None
    if action is None:
        raise Http404
    return action


def plans_tab_visible(request, case: Case) -> bool:
    """Whether the case page shows the "План" tab: to whoever may see the plans."""
    return plans_visible(user=request.user, case=case)


def plans_section(request, case: Case) -> dict[str, Any] | None:
    """The "План" tab of the case page (cases.sections); None hides it from whoever may not
    see the plans."""
    editable = case_is_editable(user=request.user, case=case)
    if not plans_visible(user=request.user, case=case, editable=editable):
        return None
    return {
        "editable": editable,
        **safety_plan_page(case=case),
        **case_plan_page(user=request.user, case=case),
        "status_labels": STATUS_LABELS,
    }
