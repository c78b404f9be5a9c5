"""Writes on a case's multidisciplinary team: convening it, its members and their access,
case conferences with decisions that become tasks, extending and closing the team. Each
checks who acts, runs in one transaction, is audited and written on the case's timeline.

Access follows the team: a member who works on cases gets a `view_case` grant that expires at
the end of the team's last day (Kyiv) and is revoked when they leave or the team closes; the
grant is marked with the team, so a coordinator's own grant to the same person is left alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseUserObjectPermission, Task
from cases.selectors import case_is_editable
from cases.services.common import timeline_record
from cases.team.models import (
    CaseTeam,
    Conference,
    ConferenceDecision,
    TeamMember,
    TeamRole,
    TeamStatus,
)
from portal import domains
from portal.audit import audit_record
from portal.calendar import KYIV
from portal.models import AuditAction, Membership
from portal.notifications import notification_send
from portal.roles import ROLE_CAPABILITIES, Capability, Role, can, grant_object_perm

MAX_TEAM_DAYS = 366
MAX_DECISIONS = 10
# Who may sit on a team: people who work on cases, and the services' staff.
MEMBER_ROLES = (Role.SOCIAL_WORKER, Role.HEAD, Role.POLICE_OFFICER, Role.PROVIDER_STAFF)


def _grant_reason(team: CaseTeam) -> str:
    return f"team:{team.pk}"


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=KYIV)


def may_manage_case_team(user, case: Case) -> bool:
    """Those who may change the case (its organisation), and the city coordinators."""
    return can(user, Capability.CASE_VIEW_ALL) or case_is_editable(user=user, case=case)


def _team_to_manage(actor, team_id: int) -> CaseTeam:
    team = CaseTeam.objects.select_for_update().select_related("case").filter(pk=team_id).first()
    if team is None or not may_manage_case_team(actor, team.case):
        raise PermissionDenied
    if not team.is_open:
        raise ValidationError(_("The team is closed."), code="closed")
    return team


def _check_end(ends_on: date) -> None:
    today = timezone.localdate()
    if ends_on < today:
        raise ValidationError({"ends_on": [_("The team cannot end in the past.")]})
    if (ends_on - today).days > MAX_TEAM_DAYS:
        raise ValidationError(
            {"ends_on": [_("A team works for at most a year; extend it later if needed.")]}
        )


def _text(value: str, field: str) -> str:
    value = " ".join((value or "").split()) if field != "situation" else (value or "").strip()
    if not value:
        raise ValidationError({field: [_("This field is required.")]})
    return value


@transaction.atomic
def team_convene(*, actor, case_id: int, purpose: str, ends_on: date) -> CaseTeam:
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not may_manage_case_team(actor, case):
        raise PermissionDenied
    if case.status == "closed":
        raise ValidationError(_("A closed case has no team; reopen it first."), code="closed")
    if CaseTeam.objects.filter(case=case, status=TeamStatus.OPEN).exists():
        raise ValidationError(_("The case already has a working team."), code="exists")
    _check_end(ends_on)
    team = CaseTeam.objects.create(
        case=case, purpose=_text(purpose, "purpose"), ends_on=ends_on, convened_by=actor
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=team, detail=f"case {case.pk}")
    timeline_record(
        case=case,
        actor=actor,
        kind="case.team",
        summary=_("Multidisciplinary team convened until %(date)s")
        % {"date": ends_on.strftime("%d.%m.%Y")},
        obj=team,
    )
    return team


def member_candidates(team: CaseTeam):
    """Memberships that may be added: active people acting in a role that sits on teams, who
    are not members already. Officials of public bodies: names and organisations only."""
    current = team.members.filter(left_at__isnull=True).values("user_id")
    return (
        Membership.objects.filter(
            is_active=True,
            user__is_active=True,
            organisation__is_active=True,
            role__in=MEMBER_ROLES,
        )
        .exclude(user_id__in=current)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__last_name", "user__first_name")
    )


def _reads_case(membership: Membership, case: Case) -> bool:
    """A member reads the case when their role works on cases; never a confidential case's
    team member other than its responsible worker (a coordinator decides that, by a grant)."""
    works_on_cases = Capability.CASE_VIEW in ROLE_CAPABILITIES.get(membership.role, frozenset())
    return works_on_cases and not case.confidential


def _grant(team: CaseTeam, user) -> None:
    case = team.case
    expires_at = _end_of(team.ends_on)
    existing = CaseUserObjectPermission.objects.filter(
        content_object=case, user=user, permission__codename="view_case"
    ).first()
    # A person who already reads the case by another grant lasting longer keeps that grant:
    # the team does not shorten it (nor take it away when it closes).
    if (
        existing is not None
        and existing.reason != _grant_reason(team)
        and (existing.expires_at is None or existing.expires_at >= expires_at)
    ):
        return
    grant_object_perm(perm="cases.view_case", user=user, obj=case)
    CaseUserObjectPermission.objects.filter(
        content_object=case, user=user, permission__codename="view_case"
    ).update(
        granted_by=team.convened_by,
        granted_at=timezone.now(),
        expires_at=expires_at,
        reason=_grant_reason(team),
        break_glass=False,
    )


def _revoke(team: CaseTeam, user_ids) -> None:
    CaseUserObjectPermission.objects.filter(
        content_object=team.case, user_id__in=list(user_ids), reason=_grant_reason(team)
    ).delete()


@transaction.atomic
def team_member_add(*, actor, team_id: int, membership_id: int, role: str) -> TeamMember:
    team = _team_to_manage(actor, team_id)
    membership = member_candidates(team).filter(pk=membership_id).first()
    if membership is None:
        raise ValidationError({"membership": [_("Choose a person from the list.")]})
    if role not in TeamRole.values:
        raise ValidationError({"role": [_("Choose the member's role in the team.")]})
    reads = _reads_case(membership, team.case)
    member = TeamMember.objects.create(
        team=team,
        user=membership.user,
        organisation=membership.organisation,
        role=role,
        reads_case=reads,
        added_by=actor,
    )
    if reads:
        _grant(team, membership.user)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=team,
        detail=f"member {membership.user.get_username()} ({role}); reads case: {reads}",
    )
    timeline_record(
        case=team.case,
        actor=actor,
        kind="case.team",
        summary=_("%(person)s (%(organisation)s) joined the team")
        % {"person": membership.user, "organisation": membership.organisation},
        obj=team,
    )
    notification_send(
        user=membership.user,
        title=_("You are a member of a multidisciplinary team"),
        body=_("The team works until %(date)s.") % {"date": team.ends_on.strftime("%d.%m.%Y")},
        url=reverse("cases:team", args=[team.pk]),
        dedupe_key=f"team-member:{member.pk}",
    )
    return member


@transaction.atomic
def team_member_remove(*, actor, team_id: int, member_id: int) -> TeamMember:
    team = _team_to_manage(actor, team_id)
    member = team.members.filter(pk=member_id, left_at__isnull=True).first()
    if member is None:
        raise PermissionDenied
    member.left_at = timezone.now()
    member.save(update_fields=["left_at"])
    _revoke(team, [member.user_id])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=team, detail=f"member {member.user_id} left"
    )
    timeline_record(
        case=team.case,
        actor=actor,
        kind="case.team",
        summary=_("%(person)s left the team") % {"person": member.user},
        obj=team,
    )
    return member


@transaction.atomic
def team_extend(*, actor, team_id: int, ends_on: date) -> CaseTeam:
    team = _team_to_manage(actor, team_id)
    _check_end(ends_on)
    team.ends_on = ends_on
    team.save(update_fields=["ends_on"])
    CaseUserObjectPermission.objects.filter(
        content_object=team.case, reason=_grant_reason(team)
    ).update(expires_at=_end_of(ends_on))
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=team, detail=f"until {ends_on}")
    return team


@transaction.atomic
def team_close(*, actor, team_id: int, reason: str) -> CaseTeam:
    team = _team_to_manage(actor, team_id)
    team.status = TeamStatus.CLOSED
    team.closed_by, team.closed_at = actor, timezone.now()
    team.close_reason = _text(reason, "reason")
    team.save(update_fields=["status", "closed_by", "closed_at", "close_reason"])
    team.members.filter(left_at__isnull=True).update(left_at=team.closed_at)
    CaseUserObjectPermission.objects.filter(
        content_object=team.case, reason=_grant_reason(team)
    ).delete()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=team, detail="closed")
    timeline_record(
        case=team.case,
        actor=actor,
        kind="case.team",
        summary=_("The multidisciplinary team closed: %(reason)s") % {"reason": team.close_reason},
        obj=team,
    )
    return team


@dataclass(frozen=True)
class DecisionInput:
    text: str
    owner_id: int
    due_date: date


@transaction.atomic
def conference_record(
    *,
    actor,
    team_id: int,
    held_on: date,
    form: str,
    situation: str,
    case_manager_id: int,
    present_ids: list[int],
    next_review: date | None,
    decisions: list[DecisionInput],
) -> Conference:
    """A case conference with its decisions; each decision becomes a task for its owner."""
    team = _team_to_manage(actor, team_id)
    members = {m.pk: m for m in team.members.filter(left_at__isnull=True).select_related("user")}
    users = {m.user_id: m.user for m in members.values()}
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if held_on > today:
        errors["held_on"] = [_("A conference is recorded after it was held.")]
    if case_manager_id not in users:
        errors["case_manager"] = [_("The case manager is a member of the team.")]
    present = [members[pk] for pk in present_ids if pk in members]
    if not present or len(present) != len(set(present_ids)):
        errors["present"] = [_("Mark the members who were present.")]
    if next_review is not None and next_review <= held_on:
        errors["next_review"] = [_("The next review comes after the conference.")]
    if len(decisions) > MAX_DECISIONS:
        errors["decisions"] = [_("At most ten decisions per conference.")]
    for decision in decisions:
        if decision.owner_id not in users:
            errors["decisions"] = [_("Each decision's owner is a member of the team.")]
        elif decision.due_date < held_on:
            errors["decisions"] = [_("A decision is due after the conference.")]
        else:
            domains.validate_planning_date(decision.due_date)
    if errors:
        raise ValidationError(errors)
    conference = Conference.objects.create(
        team=team,
        held_on=held_on,
        form=form,
        situation=_text(situation, "situation"),
        case_manager=users[case_manager_id],
        next_review=next_review,
        recorded_by=actor,
    )
    conference.present.set(present)
    for number, decision in enumerate(decisions, start=1):
        text = _text(decision.text, "decisions")
        task = Task.objects.create(
            case=team.case,
            title=(
                _("Conference %(date)s: %(text)s") % {"date": f"{held_on:%d.%m.%Y}", "text": text}
            )[:255],
            due_date=decision.due_date,
            assignee=users[decision.owner_id],
            created_by=actor,
        )
        ConferenceDecision.objects.create(
            conference=conference,
            number=number,
            text=text,
            owner=users[decision.owner_id],
            due_date=decision.due_date,
            task=task,
        )
        notification_send(
            user=users[decision.owner_id],
            title=_("A case conference gave you a task"),
            body=_("Due %(date)s.") % {"date": decision.due_date.strftime("%d.%m.%Y")},
            url=reverse("cases:conference", args=[conference.pk]),
            dedupe_key=f"conference-decision:{conference.pk}:{number}",
        )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=conference,
        detail=f"team {team.pk}; {len(decisions)} decision(s)",
    )
    timeline_record(
        case=team.case,
        actor=actor,
        kind="case.team",
        summary=_("Case conference of %(date)s recorded: %(count)s decision(s)")
        % {"date": held_on.strftime("%d.%m.%Y"), "count": len(decisions)},
        obj=conference,
    )
    return conference
