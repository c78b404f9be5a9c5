"""Special measures against offenders (Law 2229-VIII art. 24): urgent and restrictive orders,
their extensions and breaches. Status is never stored: it is derived from the dates."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Person
from portal import domains
from portal.models import Organisation

# portal.domains: the forms also refuse a start in the future; the database keeps the century.
SANE_PERIOD = Q(starts_at__gte=domains.EARLIEST_MOMENT, ends_at__lt=domains.LATEST_MOMENT)
SANE_DECISION_DATE = Q(decision_date__isnull=True) | Q(
    decision_date__gte=domains.EARLIEST_DATE, decision_date__lt=domains.LATEST_DATE
)


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = models.DateTimeField()  # only used inside the exclusion constraint


class OrderKind(models.TextChoices):
    URGENT = "urgent", _("urgent restraining order")
    RESTRICTIVE = "restrictive", _("restrictive order")


class Initiator(models.TextChoices):
    POLICE = "police", _("on police initiative")
    VICTIM = "victim", _("on the victim's application")


class Applicant(models.TextChoices):
    VICTIM = "victim", _("the victim or their representative")
    PARENT = "parent", _("a parent of a child victim")
    CHILDREN_SERVICE = "children_service", _("the service for children")
    GUARDIAN = "guardian", _("a guardian")


class RestrainingOrder(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=OrderKind.choices)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="orders", verbose_name=_("case")
    )
    offender = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="orders_against", verbose_name=_("offender")
    )
    victim = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="orders_protecting", verbose_name=_("victim")
    )
    number = models.CharField(_("number"), max_length=60)
    # An urgent order: the police unit that issued it. A restrictive order: the organisation that
    # recorded the court's decision; the court itself is `court`, as the decision names it.
    issued_by = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="orders", verbose_name=_("issued by")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer"),
    )
    initiated_by = models.CharField(
        _("initiated"), max_length=16, choices=Initiator.choices, blank=True
    )
    risk_level = models.CharField(_("risk level at issue"), max_length=8, blank=True)
    court = models.CharField(_("court"), max_length=200, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    applicant = models.CharField(
        _("applicant"), max_length=20, choices=Applicant.choices, blank=True
    )
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    measures = ArrayField(models.CharField(max_length=32), verbose_name=_("measures"))
    offender_minor = models.BooleanField(_("offender under 18"), default=False)
    appealed = models.BooleanField(_("appealed"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["kind", "starts_at"]),
            models.Index(fields=["ends_at"]),
            models.Index(fields=["issued_by", "-starts_at"]),
            # The city's orders list, newest first (coordinators), read in index order.
            models.Index(fields=["-starts_at", "-id"], name="order_newest"),
            models.Index(fields=["offender"]),
            models.Index(fields=["case"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="order_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(measures__len__gt=0), name="order_has_measure"),
            models.CheckConstraint(condition=SANE_PERIOD, name="order_period_sane"),
            models.CheckConstraint(condition=SANE_DECISION_DATE, name="order_decision_date_sane"),
            # Two orders of the same kind for the same offender and victim may not run at once.
            ExclusionConstraint(
                name="order_no_overlap",
                expressions=[
                    ("offender", RangeOperators.EQUAL),
                    ("victim", RangeOperators.EQUAL),
                    ("kind", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=Q(cancelled_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} № {self.number}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("orders:detail", args=[self.pk])


class OrderExtension(models.Model):
    order = models.ForeignKey(RestrainingOrder, on_delete=models.CASCADE, related_name="extensions")
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.CheckConstraint(condition=SANE_PERIOD, name="extension_period_sane"),
            models.CheckConstraint(
                condition=SANE_DECISION_DATE, name="extension_decision_date_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} → {self.ends_at:%d.%m.%Y}"


class Consequence(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("administrative offence report (KUpAP art. 173-2)")
    CRIMINAL = "criminal", _("criminal proceedings (Criminal Code art. 390-1)")
    WARNING = "warning", _("warning, no proceedings")
    PENDING = "pending", _("to be decided")


class Breach(models.Model):
    order = models.ForeignKey(RestrainingOrder, on_delete=models.PROTECT, related_name="breaches")
    occurred_at = models.DateTimeField(_("when"))
    description = models.TextField(_("description"))
    consequence = models.CharField(_("what followed"), max_length=20, choices=Consequence.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")
        indexes = [models.Index(fields=["occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    occurred_at__gte=domains.EARLIEST_MOMENT, occurred_at__lt=domains.LATEST_MOMENT
                ),
                name="breach_occurred_at_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}: {self.occurred_at:%d.%m.%Y}"


class ExpiryNotice(models.Model):
    """One row per order whose coming expiry was announced: makes the watch task idempotent."""

    order = models.OneToOneField(
        RestrainingOrder, on_delete=models.CASCADE, related_name="expiry_notice"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notice of an order's expiry")
        verbose_name_plural = _("notices of orders' expiry")

    def __str__(self) -> str:
        return str(self.order)


# The other two special measures (Law 2229-VIII art. 24 part 1 items 3 and 4): records with a
# start, an end and a status, kept on the offender's case.


class PreventiveBasis(models.TextChoices):
    ORDER = "order", _("a restraining order")
    PROTOCOL = "protocol", _("an administrative offence report (KUpAP art. 173-2)")
    CRIMINAL = "criminal", _("criminal proceedings")


class PreventiveRecord(models.Model):
    """Профілактичний облік: the police unit takes the offender onto its preventive record
    after an order, an offence report or criminal proceedings, and later removes them."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="preventive_records")
    offender = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="preventive_records"
    )
    basis = models.CharField(_("basis"), max_length=16, choices=PreventiveBasis.choices)
    order = models.ForeignKey(
        RestrainingOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="preventive_records",
        verbose_name=_("order"),
    )
    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("police unit")
    )
    taken_on = models.DateField(_("taken onto the record on"))
    removed_on = models.DateField(_("removed from the record on"), null=True, blank=True)
    removal_reason = models.CharField(_("reason for removal"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-taken_on", "-id"]
        verbose_name = _("preventive record")
        verbose_name_plural = _("preventive records")
        indexes = [models.Index(fields=["taken_on"]), models.Index(fields=["case"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(taken_on__gte=domains.EARLIEST_DATE, taken_on__lt=domains.LATEST_DATE),
                name="preventive_taken_on_sane",
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("taken_on")),
                name="preventive_removed_after_taken",
            ),
            # One open record per offender and case: a second one is a typing mistake.
            models.UniqueConstraint(
                fields=["case", "offender"],
                condition=Q(removed_on__isnull=True),
                name="preventive_one_open_per_offender",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Preventive record')} {self.taken_on:%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        return self.removed_on is None


class ProgrammeReferrer(models.TextChoices):
    COURT = "court", _("court")
    POLICE = "police", _("police")


class ProgrammeStatus(models.TextChoices):
    REFERRED = "referred", _("referred, not started")
    ATTENDING = "attending", _("attending")
    COMPLETED = "completed", _("completed")
    DROPPED_OUT = "dropped_out", _("dropped out")


# Statuses after which the programme is over; its end date is then required.
PROGRAMME_FINISHED = frozenset({ProgrammeStatus.COMPLETED, ProgrammeStatus.DROPPED_OUT})


class OffenderProgramme(models.Model):
    """Програма для кривдників: the offender is referred (by a court or the police) to a
    provider's programme, starts it, and completes it or drops out."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="offender_programmes")
    offender = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="offender_programmes"
    )
    referred_by = models.CharField(
        _("referred by"), max_length=8, choices=ProgrammeReferrer.choices
    )
    referred_on = models.DateField(_("referred on"))
    provider = models.CharField(_("provider of the programme"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProgrammeStatus.choices,
        default=ProgrammeStatus.REFERRED,
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Raised on every change: an edit made on an older version is refused, never overwrites.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("offender programme")
        verbose_name_plural = _("offender programmes")
        indexes = [models.Index(fields=["referred_on"]), models.Index(fields=["case"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    referred_on__gte=domains.EARLIEST_DATE, referred_on__lt=domains.LATEST_DATE
                ),
                name="programme_referred_on_sane",
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(started_on__gte=models.F("referred_on")),
                name="programme_started_after_referral",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | (Q(started_on__isnull=False) & Q(ended_on__gte=models.F("started_on")))
                | (Q(status="dropped_out") & Q(ended_on__gte=models.F("referred_on"))),
                name="programme_ended_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Offender programme')}: {self.provider}"


class AppealOutcome(models.TextChoices):
    # The values are orders.rules.APPEAL_*; the rules compare them as plain strings.
    PENDING = "pending", _("not yet decided")
    UPHELD = "upheld", _("the order was upheld")
    CANCELLED = "cancelled", _("the order was cancelled")
    CHANGED = "changed", _("the order was changed")


class OrderAppeal(models.Model):
    """An appeal against an order (Law 2229-VIII art. 25 part 5 for an urgent order; the civil
    procedure for a restrictive one) and the court's outcome. An appeal does not suspend the
    order; an order cancelled on appeal stops binding from the decision date (orders.rules)."""

    order = models.ForeignKey(RestrainingOrder, on_delete=models.PROTECT, related_name="appeals")
    filed_on = models.DateField(_("appeal filed on"))
    court = models.CharField(_("court hearing the appeal"), max_length=200)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=AppealOutcome.choices, default=AppealOutcome.PENDING
    )
    decision_date = models.DateField(_("date of the decision"), null=True, blank=True)
    note = models.CharField(_("what the decision says"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.CheckConstraint(
                condition=Q(filed_on__gte=domains.EARLIEST_DATE, filed_on__lt=domains.LATEST_DATE),
                name="appeal_filed_on_sane",
            ),
            # A decided appeal has its date, not before the filing; a pending one has none.
            models.CheckConstraint(
                condition=(Q(outcome="pending") & Q(decision_date__isnull=True))
                | (~Q(outcome="pending") & Q(decision_date__gte=models.F("filed_on"))),
                name="appeal_decision_after_filing",
            ),
            models.UniqueConstraint(
                fields=["order"], condition=Q(outcome="pending"), name="appeal_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}: {self.get_outcome_display()}"
