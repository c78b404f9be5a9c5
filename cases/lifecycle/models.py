"""How a case's lead ends or moves: closure requests with the head's approval, and transfers of
the lead to another organisation. Registered under the `cases` app (cases/models.py imports
this module at its end), so the tables are `cases_closurerequest` and `cases_casetransfer`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation

__all__ = [
    "CaseTransfer",
    "ClosureReason",
    "ClosureRequest",
    "ClosureStatus",
    "TransferStatus",
]


class ClosureReason(models.TextChoices):
    GOALS_REACHED = "goals_reached", _("the goals of the case plan were reached")
    MOVED_AWAY = "moved_away", _("the victim moved away")
    REFUSED = "refused", _("the victim refused further help")
    CONTACT_LOST = "contact_lost", _("contact with the victim was lost")
    DEATH = "death", _("death")
    # Free-text reasons written before the list existed were migrated to "other" with the text.
    OTHER = "other", _("other reason")


class ClosureStatus(models.TextChoices):
    PENDING = "pending", _("awaiting approval")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ClosureRequest(models.Model):
    """A worker's request to close a case, and the head's answer. One pending per case."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="closure_requests"
    )
    reason = models.CharField(_("reason for closing"), max_length=20, choices=ClosureReason.choices)
    reason_text = models.CharField(_("in words"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The role the requester acted in: a head's own request needs another approver.
    requested_by_role = models.CharField(max_length=32)
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=ClosureStatus.choices, default=ClosureStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("closure request")
        verbose_name_plural = _("closure requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="pending"),
                name="closure_one_pending_per_case",
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(reason_text=""),
                name="closure_other_needs_text",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="closure_decided_has_moment",
            ),
        ]
        indexes = [models.Index(fields=["status", "case"])]

    def __str__(self) -> str:
        return f"{self.case} {self.get_reason_display()}"

    @property
    def reason_shown(self) -> str:
        label = str(self.get_reason_display())
        return f"{label}: {self.reason_text}" if self.reason_text else label


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("awaiting an answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class CaseTransfer(models.Model):
    """A request to move a case's lead to another organisation, and its answer. The rows are
    the case's history of leads; one pending per case."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="transfers")
    from_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from organisation"),
    )
    to_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to organisation"),
    )
    reason = models.CharField(_("why the lead moves"), max_length=500)
    # The sender asks to keep reading the case; the receiver decides.
    keep_read_requested = models.BooleanField(_("asks to keep read access"), default=False)
    keep_read_granted = models.BooleanField(_("read access kept"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    new_responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("responsible worker"),
    )

    class Meta:
        verbose_name = _("transfer of the case lead")
        verbose_name_plural = _("transfers of the case lead")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="pending"),
                name="transfer_one_pending_per_case",
            ),
            models.CheckConstraint(
                condition=~Q(from_organisation=models.F("to_organisation")),
                name="transfer_to_another_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="transfer_decline_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(new_responsible__isnull=False),
                name="transfer_accepted_names_worker",
            ),
        ]
        indexes = [
            models.Index(fields=["to_organisation", "status"]),
            models.Index(fields=["from_organisation", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_organisation} → {self.to_organisation}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:transfer", args=[self.pk])
