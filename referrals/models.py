"""Referrals: the routing policy as versioned data, the provider catalogue, plans and the
referral records that providers accept or decline."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import Case
from portal import domains
from portal.models import Organisation
from referrals.hours import validate_opening_hours
from referrals.routing.facts import SERVICES

SERVICE_CHOICES = [(code, code) for code in SERVICES]
# The services that place people in beds: accepting one holds places in the provider's count.
BEDS = frozenset({"shelter", "crisis_room"})


class ProviderProfile(models.Model):
    """What an organisation offers in the routing catalogue: services, eligibility, hours,
    capacity. Shelter beds are counted here and locked on acceptance."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="provider_profile",
        verbose_name=_("organisation"),
    )
    services = ArrayField(
        models.CharField(max_length=32, choices=SERVICE_CHOICES), verbose_name=_("services")
    )
    sexes = ArrayField(
        models.CharField(max_length=1),
        default=list,
        blank=True,
        verbose_name=_("admits sexes (empty: any)"),
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[domains.validate_age]
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[domains.validate_age]
    )
    accepts_children = models.BooleanField(_("admits accompanying children"), default=True)
    accessible = models.BooleanField(_("accessible"), default=True)
    always_open = models.BooleanField(_("open 24/7"), default=False)
    opening_hours = models.JSONField(
        _("opening hours"),
        default=list,
        blank=True,
        help_text=_('A list of [weekday 0–6, "HH:MM", "HH:MM"]; Monday is 0.'),
        validators=[validate_opening_hours],
    )
    capacity_total = models.PositiveSmallIntegerField(
        _("places"), null=True, blank=True, validators=[domains.validate_capacity]
    )
    capacity_free = models.PositiveSmallIntegerField(
        _("free places"), null=True, blank=True, validators=[domains.validate_capacity]
    )
    # When, by whom and why the provider's staff last corrected the count by hand (acceptances
    # move it too, but the reader wants to know how fresh the staff's own count is).
    capacity_updated_at = models.DateTimeField(_("places updated at"), null=True, blank=True)
    capacity_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("places updated by"),
    )
    capacity_note = models.CharField(
        _("reason for the last correction"), max_length=300, blank=True
    )
    # Every change of the count (an acceptance, a stay ending, a correction) moves it on, so a
    # correction typed on a count that changed meanwhile is refused instead of undoing it.
    capacity_version = models.PositiveIntegerField(
        _("version of the places count"), default=0, db_default=0
    )

    class Meta:
        verbose_name = _("provider profile")
        verbose_name_plural = _("provider profiles")
        constraints = [
            # A bed count can never go below zero or above the total: no overbooking.
            models.CheckConstraint(
                condition=Q(capacity_total__isnull=True)
                | Q(capacity_free__gte=0, capacity_free__lte=F("capacity_total")),
                name="provider_capacity_within_bounds",
            ),
            models.CheckConstraint(
                condition=Q(capacity_total__isnull=True)
                | Q(capacity_total__lte=domains.MAX_CAPACITY),
                name="provider_capacity_sane",
                violation_error_message=_("The number of places is outside the allowed range."),
            ),
            models.CheckConstraint(
                condition=(Q(min_age__isnull=True) | Q(min_age__lte=domains.MAX_AGE))
                & (Q(max_age__isnull=True) | Q(max_age__lte=domains.MAX_AGE)),
                name="provider_ages_sane",
                violation_error_message=_("The age is outside the allowed range."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def occupied(self) -> int | None:
        """Places taken now; None where places are not counted."""
        if self.capacity_total is None:
            return None
        return self.capacity_total - (self.capacity_free or 0)

    def take_places(self, places: int) -> None:
        """Count `places` as occupied (the caller holds the row locked and checked them free)."""
        self.capacity_free -= places
        self.capacity_version += 1

    def give_back_places(self, places: int) -> None:
        """Count `places` as free again, never above the total (the staff may have counted them
        free by hand before a count per person existed)."""
        self.capacity_free = min((self.capacity_free or 0) + places, self.capacity_total)
        self.capacity_version += 1


class RoutingPolicy(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    rules = models.JSONField(_("rules"))
    is_active = models.BooleanField(_("active"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The version of the interaction procedure this policy implements (in force when published).
    procedure = models.ForeignKey(
        "InteractionProcedure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policies",
        verbose_name=_("interaction procedure"),
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("routing policy")
        verbose_name_plural = _("routing policies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_policy"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class Holiday(models.Model):
    date = models.DateField(_("date"), unique=True, validators=[domains.validate_end_date])
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.CheckConstraint(
                condition=Q(date__gte=domains.EARLIEST_DATE, date__lt=domains.LATEST_DATE),
                name="holiday_date_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.name}"


class MartialLawPeriod(models.Model):
    """A period of martial law, both ends inclusive (`ends_on` empty while it lasts). Law 2136-IX
    art. 6 part 6 suspends art. 73 of the Labour Code for that time: public holidays are working
    days, so working-day deadlines count them (referrals/routing/policy.py)."""

    starts_on = models.DateField(_("from"), validators=[domains.validate_end_date])
    ends_on = models.DateField(
        _("to (empty while it lasts)"),
        null=True,
        blank=True,
        validators=[domains.validate_end_date],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("period of martial law")
        verbose_name_plural = _("periods of martial law")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="martial_law_ends_after_start",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(
                    starts_on__gte=domains.EARLIEST_DATE, starts_on__lt=domains.LATEST_DATE
                ),
                name="martial_law_dates_sane",
            ),
        ]

    def __str__(self) -> str:
        end = f"{self.ends_on:%d.%m.%Y}" if self.ends_on else "…"
        return f"{self.starts_on:%d.%m.%Y}–{end}"

    @property
    def state(self) -> str:
        """What the holidays page showed of this period: a save made on an older state would
        write over a colleague's end date (referrals.services.martial_law_save)."""
        shown = f"{self.starts_on}\x00{self.ends_on}\x00{self.note}"
        return hashlib.sha256(shown.encode()).hexdigest()[:32]


class RoutingPlanRecord(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="routing_plans")
    policy_version = models.PositiveIntegerField()
    facts = models.JSONField()
    plan = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("routing plan of a case")
        verbose_name_plural = _("routing plans of cases")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case} v{self.policy_version}"

    @property
    def consent_at_plan(self) -> bool:
        """The victim's consent when the plan was made: it chose what needs consent by it."""
        return bool(self.facts.get("consent"))


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")
    ESCALATED = "escalated", _("with the coordinator")


OPEN_STATUSES = (
    ReferralStatus.SENT,
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.ESCALATED,
)


def overdue_q(now) -> Q:
    """Sent and not answered by its deadline: shown red, and escalated by the beat task."""
    return Q(status=ReferralStatus.SENT, due_at__lt=now)


# The referral's state machine: the statuses each step may be taken from. The services enforce
# it and the pages ask it which buttons to show, so the two cannot disagree.
STEPS_FROM: dict[str, frozenset[str]] = {
    "accept": frozenset({ReferralStatus.SENT}),
    "decline": frozenset({ReferralStatus.SENT}),
    "start": frozenset({ReferralStatus.ACCEPTED}),
    "complete": frozenset({ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS}),
    "cancel": frozenset(OPEN_STATUSES),
    "assign": frozenset({ReferralStatus.ESCALATED}),
}


class Referral(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    plan = models.ForeignKey(
        RoutingPlanRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    service = models.CharField(_("service"), max_length=32, choices=SERVICE_CHOICES)
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("provider"),
    )
    rules = ArrayField(models.CharField(max_length=16), default=list, blank=True)
    mandatory = models.BooleanField(default=False)
    manual_reason = models.CharField(_("reason for a manual referral"), max_length=300, blank=True)
    # Candidates still to try after a decline or a missed deadline, best first.
    remaining_candidates = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    shared_data = models.JSONField(_("data shared with the provider"), default=dict)
    due_at = models.DateTimeField(_("answer due"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    # A shelter or crisis-room stay takes `places`: the victim and each accompanying child placed
    # (a mother with two children takes three), chosen by the provider on acceptance and kept
    # as a record after the stay. `bed_taken` says the stay holds them now: it is set on
    # acceptance and cleared when the stay is completed or cancelled and the places given back.
    bed_taken = models.BooleanField(_("holds places now"), default=False)
    places = models.PositiveSmallIntegerField(_("places"), default=0, db_default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    previous = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next"
    )

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["provider", "status", "due_at"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["case", "-sent_at"]),
            # The coordinator's "overdue and escalated" panel walks this in due order and stops
            # after a page (referrals.coordination.overdue_rows).
            models.Index(
                fields=["due_at", "id"],
                condition=Q(status__in=["sent", "escalated"]),
                name="referral_waiting_due",
            ),
            # A provider's inbox, "in work": the latest answered first, a page at a time
            # (referrals.inbox.inbox_for_provider; "new" reads provider, status, due_at).
            models.Index(
                F("provider"),
                Coalesce("answered_at", "sent_at").desc(),
                F("id").desc(),
                condition=Q(status__in=["accepted", "in_progress"]),
                name="referral_provider_in_work",
            ),
            # The median answer time of a period (programme.statistics): an index-only scan.
            models.Index(
                fields=["sent_at"],
                include=["answered_at"],
                condition=Q(answered_at__isnull=False),
                name="referral_answered_by_sent",
            ),
        ]
        constraints = [
            # A stay that holds places holds at least one, and never more than a shelter has.
            models.CheckConstraint(
                condition=Q(bed_taken=False) | Q(places__gte=1),
                name="referral_held_places_counted",
            ),
            models.CheckConstraint(
                condition=Q(places__lte=domains.MAX_CAPACITY),
                name="referral_places_sane",
                violation_error_message=_("The number of places is outside the allowed range."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.service}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("referrals:detail", args=[self.pk])

    def allows(self, step: str) -> bool:
        """Whether `step` (a key of STEPS_FROM) may be taken in the referral's status."""
        return self.status in STEPS_FROM[step]

    @property
    def proposed_places(self) -> int:
        """The places proposed when a stay is accepted: the victim and each accompanying child
        that the referral shares with the provider (what the provider sees, nothing more)."""
        children = (self.shared_data or {}).get("accompanying_children")
        if isinstance(children, bool) or not isinstance(children, int):
            children = 0
        return 1 + min(max(children, 0), domains.MAX_CAPACITY - 1)


class ProcedureStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("a procedure", "draft")
    PRESENTED = "presented", pgettext_lazy("a procedure", "presented to the council")
    APPROVED = "approved", pgettext_lazy("a procedure", "approved")
    IN_FORCE = "in_force", pgettext_lazy("a procedure", "in force")
    REPLACED = "replaced", pgettext_lazy("a procedure", "replaced")


class InteractionProcedure(models.Model):
    """A version of the Kyiv interaction procedure as a document: drafted, presented to the
    council, approved by an order, in force from a date, replaced by the next one. The routing
    policy versions name the procedure they implement (RoutingPolicy.procedure)."""

    title = models.CharField(_("title"), max_length=300)
    label = models.CharField(_("version"), max_length=40)
    status = models.CharField(
        _("status"), max_length=12, choices=ProcedureStatus.choices, default=ProcedureStatus.DRAFT
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    presented_on = models.DateField(
        _("presented to the council on"),
        null=True,
        blank=True,
        validators=[domains.validate_end_date],
    )
    approved_by = models.CharField(_("approving order"), max_length=200, blank=True)
    approved_on = models.DateField(
        _("approved on"), null=True, blank=True, validators=[domains.validate_end_date]
    )
    in_force_from = models.DateField(
        _("in force from"), null=True, blank=True, validators=[domains.validate_end_date]
    )
    replaced_on = models.DateField(_("replaced on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)  # optimistic locking of the page's forms

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("interaction procedure")
        verbose_name_plural = _("interaction procedures")
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="in_force"), name="one_procedure_in_force"
            ),
            models.UniqueConstraint(fields=["label"], name="procedure_label_once"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.label})"

    @property
    def citation(self) -> str:
        """How a plan's reason cites it: the title, its version and the approving order."""
        if self.approved_by:
            return f"{self.title}, {self.label} ({self.approved_by})"
        return f"{self.title}, {self.label}"
