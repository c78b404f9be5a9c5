"""Reads of the teams, always from the user. A team is seen by those who may manage it (the
case's organisation, the coordinators) and by its current members while it works; to anyone
else — a member who left, a member of a closed team — it does not exist (404)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Case
from cases.selectors import cases_editable_by
from cases.team.models import CaseTeam, Conference, ConferenceDecision, TeamMember, TeamStatus
from portal.roles import Capability, can, get_object_for_user


def teams_visible_to(user) -> QuerySet[CaseTeam]:
    if not getattr(user, "is_authenticated", False):
        return CaseTeam.objects.none()
    if can(user, Capability.CASE_VIEW_ALL):
        return CaseTeam.objects.all()
    serving = TeamMember.objects.filter(team=OuterRef("pk"), user=user, left_at__isnull=True)
    # Each team's case is checked by its key. `case_id IN (the editable cases)` inside this OR
    # cannot become a join: PostgreSQL read every case of the organisation (150 000 in the
    # bench, 200 ms) to open one team.
    manages = Exists(cases_editable_by(user).filter(pk=OuterRef("case_id")))
    return CaseTeam.objects.filter(manages | (Q(status=TeamStatus.OPEN) & Exists(serving)))


def team_for_user(*, user, pk) -> CaseTeam:
    return get_object_for_user(
        teams_visible_to(user).select_related("case", "case__owner", "convened_by", "closed_by"),
        pk,
    )


def conference_for_user(*, user, pk) -> Conference:
    return get_object_for_user(
        Conference.objects.filter(team__in=teams_visible_to(user).values("pk")).select_related(
            "team__case", "case_manager", "recorded_by"
        ),
        pk,
    )


def team_page(team: CaseTeam) -> dict:
    members = list(
        team.members.select_related("user", "organisation").order_by("left_at", "added_at")
    )
    conferences = team.conferences.select_related("case_manager").prefetch_related(
        Prefetch(
            "decisions",
            queryset=ConferenceDecision.objects.select_related("owner", "task").order_by("number"),
        )
    )
    return {
        "members": [m for m in members if m.left_at is None],
        "former": [m for m in members if m.left_at is not None],
        "conferences": list(conferences),
    }


def my_team_decisions(user, team: CaseTeam) -> list[ConferenceDecision]:
    return list(
        ConferenceDecision.objects.filter(conference__team=team, owner=user)
        .select_related("task", "conference")
        .order_by("due_date")
    )


def team_tab_visible(request, case: Case) -> bool:
    """Whether the case page shows the "Команда" tab: to those who may convene a team, and to
    the members of a team of the case that they may see."""
    from cases.team.services import may_manage_case_team

    user = request.user
    return may_manage_case_team(user, case) or teams_visible_to(user).filter(case=case).exists()


def team_section(request, case: Case) -> dict | None:
    """The "Команда" tab of the case page: shown to those who may convene a team and to the
    team's members who read the case."""
    from cases.team.services import may_manage_case_team

    user = request.user
    may_manage = may_manage_case_team(user, case)
    # Who may manage the case's team sees all its teams (teams_visible_to); anyone else only
    # the open team they serve on.
    teams = list(
        (CaseTeam.objects.all() if may_manage else teams_visible_to(user))
        .filter(case=case)
        .select_related("convened_by")
    )
    if not may_manage and not teams:
        return None
    current = next((t for t in teams if t.is_open), None)
    from cases.team.forms import ConveneForm

    return {
        "convene_form": ConveneForm(initial={"ends_on": timezone.localdate() + timedelta(days=90)}),
        "may_manage": may_manage and case.status != "closed",
        "current": current,
        "members": list(
            current.members.filter(left_at__isnull=True).select_related("user", "organisation")
        )
        if current
        else [],
        "past": [t for t in teams if not t.is_open],
    }
