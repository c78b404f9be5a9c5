"""A supervised merge of two records of one person: which record stays, which field came from
where, the staying record's fields before the merge, and every row moved from the duplicate —
so that the merge can be undone, exactly, for 30 days."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["PersonMerge"]


class PersonMerge(models.Model):
    kept = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="merges_kept", verbose_name=_("kept")
    )
    duplicate = models.ForeignKey(
        "cases.Person",
        on_delete=models.PROTECT,
        related_name="merges_absorbed",
        verbose_name=_("duplicate"),
    )
    # {field: "kept" | "duplicate"}: where each differing field's value came from.
    choices = models.JSONField(default=dict)
    # The kept record's fields as they were, to put back on undo.
    kept_before = models.JSONField(default=dict)
    # …and as the merge left them: an undo after someone changed the record is refused rather
    # than silently overwriting that change.
    kept_after = models.JSONField(default=dict)
    # {"participants": [ids], "orders.restrainingorder.offender": [ids], …}: the rows moved.
    moved = models.JSONField(default=dict)
    reason = models.TextField(_("why they are one person"))
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("merge of duplicate records")
        verbose_name_plural = _("merges of duplicate records")
        ordering = ["-merged_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kept=models.F("duplicate")), name="merge_two_records"
            )
        ]

    def __str__(self) -> str:
        return f"{self.duplicate_id} → {self.kept_id}"
