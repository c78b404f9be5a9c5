"""Memoranda of cooperation between the Department (or the city administration) and partner
organisations, and the partners' periodic reports on their work under them.

The partner is an organisation of the portal when it has an account (its executor then reports),
or a name typed by the secretariat. The figures of a report are the partner's own aggregates
(people served by service); never personal data.
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


def _bounded(field: str) -> Q:
    return Q(**{f"{field}__gte": domains.EARLIEST_DATE, f"{field}__lt": domains.LATEST_DATE})


class MemorandumStatus(models.TextChoices):
    IN_FORCE = "in_force", _("in force")
    EXPIRED = "expired", _("expired")
    TERMINATED = "terminated", _("terminated")


class Memorandum(models.Model):
    number = models.CharField(_("number"), max_length=50)
    signed_on = models.DateField(_("date"))
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memoranda",
        verbose_name=_("partner organisation in the portal"),
    )
    partner_name = models.CharField(_("partner"), max_length=300, blank=True)
    parties = models.TextField(_("other parties"), blank=True)
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    areas = models.TextField(_("areas of cooperation"))
    contact_person = models.CharField(_("contact person"), max_length=300, blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_on", "number"]
        verbose_name = _("memorandum of cooperation")
        verbose_name_plural = _("memoranda of cooperation")
        constraints = [
            models.CheckConstraint(
                condition=_bounded("signed_on")
                & _bounded("valid_from")
                & (Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from"))),
                name="council_memorandum_term_sane",
            ),
            models.CheckConstraint(
                condition=Q(partner__isnull=False) | ~Q(partner_name=""),
                name="council_memorandum_has_a_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"№ {self.number}, {self.signed_on:%d.%m.%Y}"

    @property
    def partner_label(self) -> str:
        return self.partner.display_name if self.partner_id else self.partner_name

    def status_on(self, today: date) -> str:
        return rules.memorandum_status(
            valid_to=self.valid_to, terminated_on=self.terminated_on, today=today
        )


class MemorandumReport(models.Model):
    """The partner's report for a period: what it did, and people served by service."""

    memorandum = models.ForeignKey(Memorandum, on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    activities = models.TextField(_("activities"))
    # {service code: people served}: the partner's own aggregate counts.
    served = models.JSONField(_("people served by service"), default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("partner's report under a memorandum")
        verbose_name_plural = _("partners' reports under memoranda")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=_bounded("period_start")
                & _bounded("period_end")
                & Q(period_end__gte=models.F("period_start")),
                name="council_memorandum_report_period_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.memorandum}: {self.period_start:%d.%m.%Y}–{self.period_end:%d.%m.%Y}"


__all__ = ["Memorandum", "MemorandumReport", "MemorandumStatus"]
