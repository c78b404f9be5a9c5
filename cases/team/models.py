"""The multidisciplinary team a coordinator or the case's organisation convenes for a complex
case (DOMAIN §4), its members — people, each acting for an organisation — and its case
conferences, whose decisions become tasks for their owners.

A member who works on cases (a social worker, a head, a police officer) reads the case for the
team's lifetime only: a guardian grant of `view_case` that expires on the team's end date and
is revoked when the member leaves or the team closes. A member from a service (provider staff)
does not read the case: they see the team's page — its members, conferences and decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal import domains
from portal.models import Organisation

__all__ = [
    "CaseTeam",
    "Conference",
    "ConferenceDecision",
    "ConferenceForm",
    "TeamMember",
    "TeamRole",
    "TeamStatus",
]


def _sane(field: str, *, nullable: bool = False) -> Q:
    bounded = Q(**{f"{field}__gte": domains.EARLIEST_DATE, f"{field}__lt": domains.LATEST_DATE})
    return Q(**{f"{field}__isnull": True}) | bounded if nullable else bounded


class TeamStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("a team", "working")
    CLOSED = "closed", pgettext_lazy("a team", "closed")


class TeamRole(models.TextChoices):
    """What a member brings to the team (DOMAIN §4: the subjects of interaction)."""

    CASE_MANAGER = "case_manager", _("case manager")
    SOCIAL_SERVICES = "social_services", _("social services")
    POLICE = "police", _("police")
    CHILDREN = "children", _("children's service")
    HEALTH = "health", _("health care")
    EDUCATION = "education", _("education")
    LEGAL_AID = "legal_aid", _("free legal aid")
    SPECIALISED = "specialised", _("specialised support service")
    COORDINATOR = "coordinator", _("coordinator")
    OTHER = "other", _("other")


class CaseTeam(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="teams")
    status = models.CharField(
        _("status"), max_length=8, choices=TeamStatus.choices, default=TeamStatus.OPEN
    )
    purpose = models.TextField(_("why the team is convened"))
    ends_on = models.DateField(_("works until"))
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    convened_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(_("why the team closed"), blank=True)

    class Meta:
        verbose_name = _("multidisciplinary team")
        verbose_name_plural = _("multidisciplinary teams")
        ordering = ["-convened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="open"), name="one_open_team_per_case"
            ),
            models.CheckConstraint(condition=_sane("ends_on"), name="team_ends_on_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.convened_at:%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        return self.status == TeamStatus.OPEN


class TeamMember(models.Model):
    team = models.ForeignKey(CaseTeam, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role in the team"), max_length=16, choices=TeamRole.choices)
    # Whether the member reads the case (a grant until the team's end) or only the team's page.
    reads_case = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"], condition=Q(left_at__isnull=True), name="member_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class ConferenceForm(models.TextChoices):
    IN_PERSON = "in_person", pgettext_lazy("a conference", "in person")
    ONLINE = "online", pgettext_lazy("a conference", "online")
    MIXED = "mixed", pgettext_lazy("a conference", "mixed")


class Conference(models.Model):
    team = models.ForeignKey(CaseTeam, on_delete=models.CASCADE, related_name="conferences")
    held_on = models.DateField(_("held on"))
    form = models.CharField(_("form"), max_length=10, choices=ConferenceForm.choices)
    situation = models.TextField(_("the situation"))
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("case manager"),
    )
    present = models.ManyToManyField(TeamMember, related_name="+", verbose_name=_("present"))
    next_review = models.DateField(_("next review"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case conference")
        verbose_name_plural = _("case conferences")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=_sane("held_on") & _sane("next_review", nullable=True),
                name="conference_dates_sane",
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y}"


class ConferenceDecision(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("decision"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    # The owner's task on the case (cases.Task): the worklist and the reminders follow it.
    task = models.OneToOneField(
        "cases.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="decision"
    )

    class Meta:
        verbose_name = _("conference decision")
        verbose_name_plural = _("conference decisions")
        ordering = ["conference", "number"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "number"], name="decision_number_once"),
            models.CheckConstraint(condition=_sane("due_date"), name="decision_due_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:40]}"
