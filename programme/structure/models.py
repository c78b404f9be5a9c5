"""Versions of a programme's structure: every change the secretariat makes to tasks, measures,
executors, funding or indicators keeps the whole structure as it stood after the change, what
changed, who changed it and when — so that a page can show the programme as it stood on any
date, and the history can be read back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["ProgrammeVersion"]


class ProgrammeVersion(models.Model):
    programme = models.ForeignKey(
        "programme.Programme", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Why the version exists, in the reader's words: "created by copying", "imported", an edit.
    origin = models.CharField(_("origin"), max_length=16)
    # The structure after the change (programme.structure.snapshot), and the changes from the
    # previous version (programme.structure.diff), both as data, described when shown.
    structure = models.JSONField()
    changes = models.JSONField(default=list)

    class Meta:
        verbose_name = _("version of a programme's structure")
        verbose_name_plural = _("versions of programmes' structure")
        ordering = ["programme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="programme_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} v{self.number}"
