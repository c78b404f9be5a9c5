"""Writes on the council's work: meetings (agenda, attendance, status), decisions, and
assignments under control (report, accept, return, extend). Each one audited.

A write the user may not make on an object they may not see raises PermissionDenied; views
answer 404 for it, the same as for a missing id.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import AuditAction, Organisation
from portal.roles import Capability, can
from programme.council import rules
from programme.council.models import (
    AgendaItem,
    Assignment,
    AssignmentEvent,
    AssignmentEventKind,
    AssignmentStatus,
    Attendance,
    AttendanceConfirmation,
    AttendanceReply,
    CouncilMember,
    Decision,
    Meeting,
    MeetingStatus,
)
from programme.council.selectors import (
    assignments_visible_to,
    kyiv_today,
    members_on,
    quorum_of,
    seat_of,
)
from referrals.services.procedure import procedure_presented_by_council

# The one way forward of a meeting; each step is a separate action.
NEXT_STATUS = {
    MeetingStatus.PLANNED: MeetingStatus.AGENDA_SENT,
    MeetingStatus.AGENDA_SENT: MeetingStatus.HELD,
    MeetingStatus.HELD: MeetingStatus.MINUTES_SIGNED,
}


def _require_manage(actor) -> None:
    if not can(actor, Capability.COUNCIL_MANAGE):
        raise PermissionDenied


def _meeting_for_update(meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        raise PermissionDenied
    return meeting


def _refuse_if_signed(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.MINUTES_SIGNED:
        raise ValidationError(_("The minutes of this meeting are signed: it cannot be changed."))


# --- members and meetings ---------------------------------------------------------------------


@transaction.atomic
def council_member_add(
    *,
    actor,
    full_name: str,
    position: str,
    organisation: Organisation | None,
    role: str,
    date_from: date,
    date_to: date | None = None,
    username: str = "",
) -> CouncilMember:
    """A member of the council; `username` links their portal account, if they have one."""
    from portal.models import User

    _require_manage(actor)
    if date_to is not None and date_to < date_from:
        raise ValidationError(_("The end of membership is before its start."))
    user = None
    if username.strip():
        user = User.objects.filter(username=username.strip(), is_active=True).first()
        if user is None:
            raise ValidationError(_("There is no active portal account with this login."))
    member = CouncilMember.objects.create(
        user=user,
        full_name=full_name.strip(),
        position=position.strip(),
        organisation=organisation,
        role=role,
        date_from=date_from,
        date_to=date_to,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=member, detail=member.full_name)
    return member


@transaction.atomic
def meeting_create(*, actor, number: int, day: date, form: str, place: str = "") -> Meeting:
    _require_manage(actor)
    if Meeting.objects.filter(number=number).exists():
        raise ValidationError(_("A meeting with this number already exists."))
    meeting = Meeting.objects.create(number=number, date=day, form=form, place=place.strip())
    audit_record(actor=actor, action=AuditAction.CREATE, obj=meeting, detail=str(meeting))
    return meeting


def next_meeting_number() -> int:
    return (Meeting.objects.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def meeting_item_add(
    *,
    actor,
    meeting_id: int,
    title: str,
    presenter: str = "",
    organisation: Organisation | None = None,
    notes: str = "",
    speakers: str = "",
    procedure=None,
) -> AgendaItem:
    """An item at the end of the agenda; the agenda closes once the meeting is held."""
    _require_manage(actor)
    meeting = _meeting_for_update(meeting_id)
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.AGENDA_SENT):
        raise ValidationError(_("The meeting is held: its agenda cannot be changed."))
    position = (meeting.items.aggregate(n=Max("position"))["n"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=position,
        title=title.strip(),
        presenter=presenter.strip(),
        organisation=organisation,
        notes=notes.strip(),
        speakers=speakers.strip(),
        procedure=procedure,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=item, detail=f"{meeting} {position}")
    return item


@transaction.atomic
def meeting_item_record(
    *, actor, item_id: int, notes: str, speakers: str, opened_state: str | None = None
) -> AgendaItem:
    """What was heard and who spoke on an item, for the minutes. `opened_state` is the record
    as the page showed it (rules.record_state): if someone saved meanwhile, nothing is written
    and the caller shows both texts."""
    _require_manage(actor)
    item = AgendaItem.objects.select_related("meeting").filter(pk=item_id).first()
    if item is None:
        raise PermissionDenied
    _refuse_if_signed(_meeting_for_update(item.meeting_id))
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    stored = rules.record_state(notes=item.notes, speakers=item.speakers)
    if opened_state is not None and opened_state != stored:
        raise ValidationError(
            _(
                "Someone else saved the record of this item while you were writing. Nothing "
                "was saved: their text is shown above yours; save again to replace it."
            ),
            code="changed_meanwhile",
        )
    item.notes, item.speakers = notes.strip(), speakers.strip()
    item.save(update_fields=["notes", "speakers"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=item, detail="heard/spoke")
    return item


@transaction.atomic
def meeting_attendance_record(
    *, actor, meeting_id: int, present_ids: set[int], opened_state: str | None = None
) -> int:
    """Mark every member of the council on the meeting's date present or absent; returns
    how many were present. Ids that are not members on that date are ignored. `opened_state`
    is who the page showed as present (rules.attendance_state): if someone saved the
    attendance meanwhile, nothing is written."""
    _require_manage(actor)
    meeting = _meeting_for_update(meeting_id)
    if meeting.status not in (MeetingStatus.AGENDA_SENT, MeetingStatus.HELD):
        raise ValidationError(_("Attendance is recorded once the agenda is sent."))
    if opened_state is not None:
        stored = meeting.attendance.filter(present=True).values_list("member_id", flat=True)
        if opened_state != rules.attendance_state(stored):
            raise ValidationError(
                _(
                    "Someone else saved the attendance while you had this page open. Nothing "
                    "was saved: who they marked present is listed above; save again to "
                    "replace it."
                ),
                code="changed_meanwhile",
            )
    members = list(members_on(meeting.date))
    Attendance.objects.filter(meeting=meeting).delete()
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member=m, present=m.pk in present_ids) for m in members
    )
    present = sum(1 for m in members if m.pk in present_ids)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=meeting,
        detail=f"attendance {present}/{len(members)}",
    )
    return present


@transaction.atomic
def meeting_advance(*, actor, meeting_id: int) -> Meeting:
    """planned → agenda sent → held → minutes signed, each with its precondition."""
    _require_manage(actor)
    meeting = _meeting_for_update(meeting_id)
    target = NEXT_STATUS.get(MeetingStatus(meeting.status))
    if target is None:
        raise ValidationError(_("The minutes of this meeting are signed: it cannot be changed."))
    if target == MeetingStatus.AGENDA_SENT and not meeting.items.exists():
        raise ValidationError(_("Add at least one item to the agenda before sending it."))
    if target == MeetingStatus.HELD:
        quorum = quorum_of(meeting)
        if not quorum.recorded:
            raise ValidationError(_("Record the attendance first."))
        if not quorum.reached:
            raise ValidationError(
                _("No quorum: %(present)s of %(members)s members present, %(needed)s needed.")
                % {"present": quorum.present, "members": quorum.members, "needed": quorum.needed}
            )
    if (
        target == MeetingStatus.MINUTES_SIGNED
        and not Decision.objects.filter(item__meeting=meeting).exists()
    ):
        raise ValidationError(_("The minutes need at least one decision."))
    meeting.status = target
    meeting.save(update_fields=["status"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=meeting, detail=f"status {target}")
    if target == MeetingStatus.HELD:
        # The drafts of the interaction procedure this meeting heard are now "presented".
        procedure_presented_by_council(
            actor=actor,
            procedure_ids=list(
                meeting.items.filter(procedure__isnull=False).values_list("procedure", flat=True)
            ),
            on=meeting.date,
        )
    if target == MeetingStatus.AGENDA_SENT:
        _agenda_send(actor, meeting)
    return meeting


def _agenda_send(actor, meeting: Meeting) -> int:
    """Every member serving on the meeting's date who has an active portal account gets the
    agenda in the portal and by e-mail (mailed after commit). Once per member and meeting."""
    from django.urls import reverse

    from portal.notifications import notification_send

    agenda = "\n".join(f"{item.position}. {item.title}" for item in meeting.items.all())
    title = _("Agenda of the council meeting № %(number)s of %(day)s") % {
        "number": meeting.number,
        "day": f"{meeting.date:%d.%m.%Y}",
    }
    url = reverse("programme:council:meeting", args=[meeting.pk])
    sent = 0
    for member in members_on(meeting.date).filter(user__isnull=False, user__is_active=True):
        sent += bool(
            notification_send(
                user=member.user,
                title=title,
                body=agenda[:2000],
                url=url,
                dedupe_key=f"council-agenda:{meeting.pk}:{member.user_id}",
            )
        )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=meeting, detail=f"agenda sent {sent}")
    return sent


@transaction.atomic
def meeting_attendance_confirm(*, actor, meeting_id: int, reply: str) -> AttendanceConfirmation:
    """A member answers the agenda: will attend or will not. Only a member serving on the
    meeting's date, and only while the agenda is out (before the meeting is held)."""
    meeting = _meeting_for_update(meeting_id)
    seat = seat_of(actor, meeting)
    if seat is None:
        raise PermissionDenied
    if meeting.status != MeetingStatus.AGENDA_SENT:
        raise ValidationError(_("Attendance is confirmed once the agenda is sent."))
    if reply not in AttendanceReply.values:
        raise ValidationError(_("Choose whether you will attend."))
    confirmation, _created = AttendanceConfirmation.objects.update_or_create(
        meeting=meeting, member=seat, defaults={"reply": reply, "answered_at": timezone.now()}
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=meeting, detail=f"reply {reply}")
    return confirmation


@transaction.atomic
def decision_add(*, actor, item_id: int, text: str) -> Decision:
    """ВИРІШИЛИ: the next numbered point of the decision on an item, once the meeting is held."""
    _require_manage(actor)
    item = AgendaItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise PermissionDenied
    meeting = _meeting_for_update(item.meeting_id)
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(_("Decisions are recorded for a held meeting, before signing."))
    if not text.strip():
        raise ValidationError(_("Enter the text of the decision."))
    sequence = (item.decisions.aggregate(n=Max("sequence"))["n"] or 0) + 1
    decision = Decision.objects.create(
        item=item, sequence=sequence, number=f"{item.position}.{sequence}", text=text.strip()
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=decision, detail=decision.number)
    return decision


# --- assignments under control ----------------------------------------------------------------


@transaction.atomic
def assignment_add(
    *,
    actor,
    decision_id: int,
    assignee: Organisation,
    text: str,
    responsible: str = "",
    deadline: date | None = None,
    term: str = "",
) -> Assignment:
    _require_manage(actor)
    decision = Decision.objects.select_related("item").filter(pk=decision_id).first()
    if decision is None:
        raise PermissionDenied
    meeting = _meeting_for_update(decision.item.meeting_id)
    if meeting.status not in (MeetingStatus.HELD, MeetingStatus.MINUTES_SIGNED):
        raise ValidationError(_("Assignments come from decisions of a held meeting."))
    if deadline is None and not term.strip():
        raise ValidationError(_("Give a deadline or a periodic term."))
    if deadline is not None and deadline < meeting.date:
        raise ValidationError(_("The deadline is before the meeting."))
    assignment = Assignment.objects.create(
        decision=decision,
        assignee=assignee,
        text=text.strip(),
        responsible=responsible.strip(),
        deadline=deadline,
        term=term.strip(),
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=assignment, detail=f"{decision.number}"
    )
    return assignment


def _assignment_for_update(actor, assignment_id: int) -> Assignment:
    """The assignment, locked, if the actor may see it at all; otherwise PermissionDenied."""
    assignment = (
        assignments_visible_to(actor).select_for_update(of=("self",)).filter(pk=assignment_id)
    ).first()
    if assignment is None:
        raise PermissionDenied
    return assignment


def _event(actor, assignment: Assignment, kind: str, text: str = "", **deadlines) -> None:
    AssignmentEvent.objects.create(
        assignment=assignment, kind=kind, text=text, actor=actor, **deadlines
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=assignment, detail=kind)


def _require_assignee(actor, assignment: Assignment) -> None:
    """Reports come from the assignee's own members only (not from the secretariat)."""
    from portal.roles import acting_organisation_id

    if not can(actor, Capability.COUNCIL_REPORT) or (
        acting_organisation_id(actor) != assignment.assignee_id
    ):
        raise PermissionDenied


@transaction.atomic
def assignment_start(*, actor, assignment_id: int) -> Assignment:
    assignment = _assignment_for_update(actor, assignment_id)
    _require_assignee(actor, assignment)
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise ValidationError(_("Only a newly given assignment can be taken into work."))
    assignment.status = AssignmentStatus.IN_PROGRESS
    assignment.save(update_fields=["status"])
    _event(actor, assignment, AssignmentEventKind.STARTED)
    return assignment


@transaction.atomic
def assignment_report(*, actor, assignment_id: int, text: str) -> Assignment:
    """The assignee's report on execution; it waits for the secretariat's answer."""
    assignment = _assignment_for_update(actor, assignment_id)
    _require_assignee(actor, assignment)
    if assignment.status not in (AssignmentStatus.ASSIGNED, AssignmentStatus.IN_PROGRESS):
        raise ValidationError(_("This assignment is not waiting for a report."))
    if not text.strip():
        raise ValidationError(_("Describe what was done."))
    assignment.status = AssignmentStatus.REPORTED
    assignment.save(update_fields=["status"])
    _event(actor, assignment, AssignmentEventKind.REPORTED, text.strip())
    return assignment


@transaction.atomic
def assignment_accept(*, actor, assignment_id: int) -> Assignment:
    """The secretariat accepts the report: done, removed from control."""
    _require_manage(actor)
    assignment = _assignment_for_update(actor, assignment_id)
    if assignment.status != AssignmentStatus.REPORTED:
        raise ValidationError(_("Only a reported assignment can be removed from control."))
    assignment.status, assignment.done_at = AssignmentStatus.DONE, timezone.now()
    assignment.save(update_fields=["status", "done_at"])
    _event(actor, assignment, AssignmentEventKind.ACCEPTED)
    return assignment


@transaction.atomic
def assignment_return(*, actor, assignment_id: int, reason: str) -> Assignment:
    """The secretariat returns a report: back in progress, with the reason."""
    _require_manage(actor)
    assignment = _assignment_for_update(actor, assignment_id)
    if assignment.status != AssignmentStatus.REPORTED:
        raise ValidationError(_("Only a reported assignment can be returned."))
    if not reason.strip():
        raise ValidationError(_("Give the reason."))
    assignment.status = AssignmentStatus.IN_PROGRESS
    assignment.save(update_fields=["status"])
    _event(actor, assignment, AssignmentEventKind.RETURNED, reason.strip())
    return assignment


@transaction.atomic
def assignment_extend(*, actor, assignment_id: int, deadline: date, reason: str) -> Assignment:
    """The secretariat moves the deadline later, with the reason; the status stays."""
    _require_manage(actor)
    assignment = _assignment_for_update(actor, assignment_id)
    if assignment.status == AssignmentStatus.DONE:
        raise ValidationError(_("The assignment is removed from control."))
    if not reason.strip():
        raise ValidationError(_("Give the reason."))
    if assignment.deadline is not None and deadline <= assignment.deadline:
        raise ValidationError(_("The new deadline must be later than the current one."))
    if deadline < kyiv_today():
        raise ValidationError(_("The new deadline is in the past."))
    previous = assignment.deadline
    assignment.deadline = deadline
    assignment.save(update_fields=["deadline"])
    _event(
        actor,
        assignment,
        AssignmentEventKind.EXTENDED,
        reason.strip(),
        previous_deadline=previous,
        new_deadline=deadline,
    )
    return assignment


# --- reminders (Celery beat) ------------------------------------------------------------------

REMIND_DAYS_BEFORE = 3


def assignment_reminders_send(*, today: date) -> dict[str, int]:
    """Remind the assignee's executors of a deadline within three days, and the secretariat of
    an open assignment past its deadline. Idempotent: each reminder is keyed by the
    assignment and its deadline, so an extended deadline is reminded of again."""
    from datetime import timedelta

    from django.urls import reverse

    from portal.models import User
    from portal.notifications import notification_send
    from portal.roles import Role

    open_ = Assignment.objects.filter(
        status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.IN_PROGRESS],
        deadline__isnull=False,
    ).select_related("decision__item__meeting", "assignee")
    active = {"memberships__is_active": True, "is_active": True}
    secretariat = list(User.objects.filter(memberships__role=Role.SECRETARIAT, **active).distinct())
    sent = {"due": 0, "overdue": 0}
    for assignment in open_.filter(
        deadline__gte=today, deadline__lte=today + timedelta(days=REMIND_DAYS_BEFORE)
    ):
        executors = User.objects.filter(
            memberships__role=Role.EXECUTOR,
            memberships__organisation=assignment.assignee_id,
            **active,
        ).distinct()
        for user in executors:
            sent["due"] += bool(
                notification_send(
                    user=user,
                    title=_("Assignment %(number)s of the council is due on %(day)s")
                    % _labels(assignment),
                    body=assignment.text[:500],
                    url=reverse("programme:council:assignment", args=[assignment.pk]),
                    dedupe_key=f"council-due:{assignment.pk}:{assignment.deadline:%Y%m%d}",
                )
            )
    for assignment in open_.filter(deadline__lt=today):
        for user in secretariat:
            sent["overdue"] += bool(
                notification_send(
                    user=user,
                    title=_("Assignment %(number)s to %(assignee)s is overdue since %(day)s")
                    % _labels(assignment),
                    url=reverse("programme:council:assignment", args=[assignment.pk]),
                    dedupe_key=f"council-overdue:{assignment.pk}:{assignment.deadline:%Y%m%d}",
                )
            )
    return sent


def council_reminders_send(*, today: date) -> dict[str, int]:
    """The council's daily reminders: assignments due and overdue, memoranda ending."""
    from programme.council.memoranda.services import memorandum_expiry_reminders_send

    return {
        **assignment_reminders_send(today=today),
        "memoranda": memorandum_expiry_reminders_send(today=today),
    }


def _labels(assignment: Assignment) -> dict[str, str]:
    return {
        "number": assignment.decision.number,
        "assignee": str(assignment.assignee),
        "day": f"{assignment.deadline:%d.%m.%Y}",
    }
