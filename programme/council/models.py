"""The council's own work: its members over time, meetings with agenda, attendance and
decisions, and assignments (доручення) under control with their history.

Aggregates only: nothing here names a person of a case. The people named (members, presenters,
responsible persons) are officials acting in their office.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import domains
from portal.models import Organisation
from programme.council import rules
from programme.council.memoranda.models import *  # noqa: F403
from programme.council.memoranda.models import __all__ as _memoranda


def _sane(field: str, *, nullable: bool = False) -> Q:
    bounded = Q(**{f"{field}__gte": domains.EARLIEST_DATE, f"{field}__lt": domains.LATEST_DATE})
    return Q(**{f"{field}__isnull": True}) | bounded if nullable else bounded


class CouncilRole(models.TextChoices):
    HEAD = "head", _("head of the council")
    DEPUTY = "deputy", _("deputy head of the council")
    SECRETARY = "secretary", _("secretary of the council")
    MEMBER = "member", _("member of the council")


# The council's own order of precedence: the head presides, the deputy stands in, the secretary
# keeps the minutes, then the members. Every list of members (attendance, minutes) uses it.
COUNCIL_ORDER = (CouncilRole.HEAD, CouncilRole.DEPUTY, CouncilRole.SECRETARY, CouncilRole.MEMBER)


def council_rank(prefix: str = "") -> models.Case:
    """An ordering expression: the role's place in COUNCIL_ORDER, not its stored code."""
    return models.Case(
        *(
            models.When(**{f"{prefix}role": role}, then=rank)
            for rank, role in enumerate(COUNCIL_ORDER)
        ),
        default=len(COUNCIL_ORDER),
        output_field=models.PositiveSmallIntegerField(),
    )


class CouncilMember(models.Model):
    """One person's membership in the council, from a date to a date (open while serving).
    `user` is the member's portal account, when they have one: the agenda is sent to it and
    the member confirms attendance with it."""

    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=300)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role in the council"),
        max_length=10,
        choices=CouncilRole.choices,
        default=CouncilRole.MEMBER,
    )
    date_from = models.DateField(_("member from"))
    date_to = models.DateField(_("member until"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="council_memberships",
        verbose_name=_("portal user"),
    )

    class Meta:
        ordering = [council_rank(), "full_name"]
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        constraints = [
            models.CheckConstraint(
                condition=_sane("date_from")
                & _sane("date_to", nullable=True)
                & (Q(date_to__isnull=True) | Q(date_to__gte=models.F("date_from"))),
                name="council_member_dates_sane",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class MeetingForm(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    ONLINE = "online", _("online")
    MIXED = "mixed", _("mixed")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    AGENDA_SENT = "agenda_sent", _("agenda sent")
    HELD = "held", _("held")
    MINUTES_SIGNED = "minutes_signed", _("minutes signed")


class Meeting(models.Model):
    number = models.PositiveIntegerField(_("number"), unique=True)
    date = models.DateField(_("date"))
    form = models.CharField(
        _("form"), max_length=10, choices=MeetingForm.choices, default=MeetingForm.IN_PERSON
    )
    place = models.CharField(_("place"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-number"]
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        constraints = [
            models.CheckConstraint(condition=_sane("date"), name="council_meeting_date_sane"),
        ]

    def __str__(self) -> str:
        return f"№ {self.number}, {self.date:%d.%m.%Y}"

    @property
    def is_draft(self) -> bool:
        """Minutes are a draft (ПРОЄКТ) until they are signed."""
        return self.status != MeetingStatus.MINUTES_SIGNED


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"))

    class Meta:
        verbose_name = _("attendance at a meeting")
        verbose_name_plural = _("attendance at meetings")
        ordering = [council_rank("member__"), "member__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="council_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.present}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("number in the agenda"))
    title = models.TextField(_("question"))
    presenter = models.CharField(_("presenter"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    notes = models.TextField(_("heard: summary"), blank=True)
    speakers = models.TextField(_("spoke"), blank=True)
    # A draft of the interaction procedure the item presents: held, the meeting marks it so.
    procedure = models.ForeignKey(
        "referrals.InteractionProcedure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("presents the procedure"),
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="council_item_position"),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="council_item_position_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Decision(models.Model):
    """ВИРІШИЛИ: one numbered point of the decision on an agenda item ("2.1", "2.2")."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    number = models.CharField(_("number"), max_length=12)
    sequence = models.PositiveSmallIntegerField()
    text = models.TextField(_("decided"))

    class Meta:
        verbose_name = _("point of a council decision")
        verbose_name_plural = _("points of council decisions")
        ordering = ["item__position", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["item", "sequence"], name="council_decision_sequence"),
        ]

    def __str__(self) -> str:
        return self.number


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("assigned")
    IN_PROGRESS = "in_progress", _("in progress")
    REPORTED = "reported", _("reported")
    DONE = "done", _("done, removed from control")


# "Overdue" is never stored: it is computed from the deadline and today in Kyiv (rules.py).
SHOWN_STATUSES = {**dict(AssignmentStatus.choices), "overdue": _("overdue")}


class Assignment(models.Model):
    """An assignment (доручення) of a decision to an organisation, under control until the
    secretariat accepts its report."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="assignments")
    assignee = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="council_assignments",
        verbose_name=_("assignee organisation"),
    )
    responsible = models.CharField(_("responsible person"), max_length=300, blank=True)
    text = models.TextField(_("assignment"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    term = models.CharField(_("periodic term"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.ASSIGNED,
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=_sane("deadline", nullable=True)
                & (Q(deadline__isnull=False) | ~Q(term="")),
                name="council_assignment_has_a_term",
            ),
        ]
        indexes = [models.Index(fields=["assignee", "status"])]

    def __str__(self) -> str:
        return f"{self.decision.number}: {self.assignee}"

    def days_overdue(self, today: date) -> int:
        return rules.days_overdue(status=self.status, deadline=self.deadline, today=today)

    def shown_status(self, today: date) -> str:
        return rules.effective_status(status=self.status, deadline=self.deadline, today=today)


class AssignmentEventKind(models.TextChoices):
    STARTED = "started", _("taken into work")
    REPORTED = "reported", _("report on execution")
    ACCEPTED = "accepted", _("report accepted, removed from control")
    RETURNED = "returned", _("returned for completion")
    EXTENDED = "extended", _("deadline extended")


class AssignmentEvent(models.Model):
    """The history of an assignment: reports of the assignee and the secretariat's answers."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=AssignmentEventKind.choices)
    text = models.TextField(blank=True)
    previous_deadline = models.DateField(null=True, blank=True)
    new_deadline = models.DateField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("step of an assignment")
        verbose_name_plural = _("steps of assignments")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.kind}"


class AttendanceReply(models.TextChoices):
    WILL_ATTEND = "will_attend", _("will attend")
    WILL_NOT_ATTEND = "will_not", _("will not attend")


class AttendanceConfirmation(models.Model):
    """A member's answer to the agenda: will attend or not. The recorded attendance stays the
    secretariat's; the answers are shown beside it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="confirmations")
    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="+")
    reply = models.CharField(_("reply"), max_length=12, choices=AttendanceReply.choices)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reply to a meeting's agenda")
        verbose_name_plural = _("replies to meetings' agendas")
        ordering = [council_rank("member__"), "member__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="council_confirmation_once")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.reply}"


class MaterialKind(models.TextChoices):
    REPORT_RUN = "report_run", _("programme report")
    STATISTICS = "statistics", _("statistics for the period")
    ORDERS_YTD = "orders_ytd", _("urgent orders since the start of the year")


class AgendaMaterial(models.Model):
    """A material generated by the portal for an agenda item, frozen when attached: `figures`
    holds the published (disclosure-controlled) aggregates as they were, so later data never
    changes what the council saw. Aggregates only; never personal data."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("kind"), max_length=12, choices=MaterialKind.choices)
    title = models.CharField(_("title"), max_length=300)
    report_run = models.ForeignKey(
        "programme.ReportRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("report run"),
    )
    # The run's PDF as it was attached (runs are versions; a later run is a new file).
    report_file = models.CharField(max_length=255, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    figures = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item__position", "pk"]
        verbose_name = _("agenda material")
        verbose_name_plural = _("agenda materials")

    def __str__(self) -> str:
        return self.title


__all__ = [
    "AgendaItem",
    "AgendaMaterial",
    "Assignment",
    "AssignmentEvent",
    "AssignmentEventKind",
    "AssignmentStatus",
    "Attendance",
    "AttendanceConfirmation",
    "AttendanceReply",
    "CouncilMember",
    "CouncilRole",
    "Decision",
    "Meeting",
    "MeetingForm",
    "MeetingStatus",
    "MaterialKind",
    *_memoranda,
]
