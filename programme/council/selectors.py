"""Reads of the council's work, always starting from the user.

The secretariat and coordinators see every meeting and assignment; an executor sees only the
assignments of the organisation they act for — another organisation's assignment is not
there at all, so its id is answered like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from portal.calendar import KYIV
from portal.roles import Capability, acting_organisation_id, can
from programme.council import rules
from programme.council.models import (
    AgendaItem,
    AgendaMaterial,
    Assignment,
    AssignmentStatus,
    Attendance,
    AttendanceConfirmation,
    CouncilMember,
    Decision,
    Meeting,
    MeetingStatus,
    council_rank,
)


def kyiv_today() -> date:
    return timezone.localdate(timezone=KYIV)


def meetings_visible_to(user) -> QuerySet[Meeting]:
    """The secretariat and coordinators see every meeting; a member of the council with a
    portal account sees the meetings held while they served on it, and nothing else."""
    meetings = Meeting.objects.annotate(item_count=Count("items", distinct=True))
    if can(user, Capability.COUNCIL_VIEW):
        return meetings
    if not getattr(user, "is_authenticated", False):
        return Meeting.objects.none()
    serving = CouncilMember.objects.filter(
        Q(date_to__isnull=True) | Q(date_to__gte=OuterRef("date")),
        user=user,
        date_from__lte=OuterRef("date"),
    )
    return meetings.filter(Exists(serving))


def seat_of(user, meeting: Meeting) -> CouncilMember | None:
    """The user's own membership on the meeting's date, if they serve on the council then."""
    if not getattr(user, "is_authenticated", False):
        return None
    return members_on(meeting.date).filter(user=user).first()


def assignments_visible_to(user) -> QuerySet[Assignment]:
    base = Assignment.objects.select_related("decision__item__meeting", "assignee")
    if can(user, Capability.COUNCIL_VIEW):
        return base
    organisation_id = acting_organisation_id(user)
    if can(user, Capability.COUNCIL_REPORT) and organisation_id is not None:
        return base.filter(assignee_id=organisation_id)
    return base.none()


def items_visible_to(user) -> QuerySet[AgendaItem]:
    if not can(user, Capability.COUNCIL_VIEW):
        return AgendaItem.objects.none()
    return AgendaItem.objects.select_related("meeting", "organisation")


def decisions_visible_to(user) -> QuerySet[Decision]:
    if not can(user, Capability.COUNCIL_VIEW):
        return Decision.objects.none()
    return Decision.objects.select_related("item__meeting")


def members_on(day: date) -> QuerySet[CouncilMember]:
    """The council as it stood on `day`."""
    return CouncilMember.objects.filter(
        Q(date_to__isnull=True) | Q(date_to__gte=day), date_from__lte=day
    ).select_related("organisation")


def members_for(user) -> QuerySet[CouncilMember]:
    if not can(user, Capability.COUNCIL_VIEW):
        return CouncilMember.objects.none()
    return CouncilMember.objects.select_related("organisation").order_by(
        "-date_to", council_rank(), "full_name"
    )


@dataclass(frozen=True)
class AttendanceRow:
    member: CouncilMember
    reply: AttendanceConfirmation | None
    present: bool | None  # None: not recorded yet


@dataclass(frozen=True)
class Quorum:
    members: int
    present: int
    recorded: bool

    @property
    def reached(self) -> bool:
        return rules.has_quorum(present=self.present, members=self.members)

    @property
    def needed(self) -> int:
        return self.members // 2 + 1


def quorum_of(meeting: Meeting) -> Quorum:
    """Quorum against the council's members on the meeting's date."""
    members = members_on(meeting.date).count()
    rows = list(Attendance.objects.filter(meeting=meeting).values_list("present", flat=True))
    return Quorum(members=members, present=sum(rows), recorded=bool(rows))


def meeting_page(*, user, meeting: Meeting) -> dict:
    """Everything the meeting page shows; assignments filtered to what the user may see."""
    visible = assignments_visible_to(user)
    items = meeting.items.select_related("organisation").prefetch_related(
        Prefetch(
            "decisions",
            queryset=Decision.objects.prefetch_related(
                Prefetch(
                    "assignments",
                    queryset=visible.filter(decision__item__meeting=meeting),
                    to_attr="visible_assignments",
                )
            ),
        )
    )
    items = items.prefetch_related(
        Prefetch("materials", queryset=AgendaMaterial.objects.order_by("pk"))
    )
    can_view_all = can(user, Capability.COUNCIL_VIEW)
    confirmations = list(
        AttendanceConfirmation.objects.filter(meeting=meeting).select_related("member")
    )
    seat = seat_of(user, meeting)
    attendance = list(meeting.attendance.select_related("member__organisation"))
    current_members = list(members_on(meeting.date))
    replies = {c.member_id: c for c in confirmations}
    # In the council's order; the recorded attendance once there is one, else the members.
    rows = (
        [AttendanceRow(a.member, replies.get(a.member_id), a.present) for a in attendance]
        if attendance
        else [AttendanceRow(m, replies.get(m.pk), None) for m in current_members]
    )
    return {
        "meeting": meeting,
        "items": list(items),
        "attendance": attendance,
        "attendance_rows": rows if can_view_all else [],
        "current_members": current_members,
        "quorum": quorum_of(meeting),
        "today": kyiv_today(),
        # Members' own answers are the secretariat's working list; a member sees their own.
        "seat": seat,
        "my_reply": next((c for c in confirmations if seat and c.member_id == seat.pk), None),
        "may_confirm": seat is not None and meeting.status == MeetingStatus.AGENDA_SENT,
    }


def materials_visible_to(user) -> QuerySet[AgendaMaterial]:
    """Materials of the meetings the user may see."""
    return AgendaMaterial.objects.filter(
        item__meeting__in=meetings_visible_to(user).values("pk")
    ).select_related("item__meeting", "report_run")


def assignment_rows(
    queryset: QuerySet[Assignment], *, today: date, status: str = ""
) -> list[Assignment]:
    """Assignments with their shown status and days overdue on `today`, filtered by the
    shown status ("overdue" included) and ordered latest-first within open ones."""
    rows = []
    for assignment in queryset.order_by("deadline", "pk"):
        assignment.shown = assignment.shown_status(today)
        assignment.late_days = assignment.days_overdue(today)
        if not status or assignment.shown == status:
            rows.append(assignment)
    rows.sort(key=lambda a: (a.status == AssignmentStatus.DONE, -a.late_days))
    return rows


def status_counts(rows: list[Assignment]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.shown] = counts.get(row.shown, 0) + 1
    return counts
