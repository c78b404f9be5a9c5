"""The safety plan and the case plan of a case, each versioned: the plan row holds the current
state and a version counter (the optimistic lock of its forms); every save adds a revision with
who, when, a snapshot and what changed.

Imported into `cases.models`, so the models belong to the `cases` app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal import domains


class SafetyPlan(models.Model):
    """The safety plan made with the victim (one per case); `content` is
    `cases.plans.content.SafetyContent` as JSON."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="safety_plan")
    content = models.JSONField(_("content"), default=dict)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("safety plan")
        verbose_name_plural = _("safety plans")

    def __str__(self) -> str:
        return f"{self.case} v{self.version}"


class SafetyPlanRevision(models.Model):
    plan = models.ForeignKey(SafetyPlan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(default=dict)
    changes = models.JSONField(default=list)  # cases.plans.content.Change.as_json()
    note = models.CharField(_("review note"), max_length=500, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("safety plan version")
        verbose_name_plural = _("safety plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="safety_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan} #{self.number}"


class CasePlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("scheduled")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class CasePlan(models.Model):
    """Goals with actions, approved by the head of the owning organisation (never by the one
    who asked for the approval). A change of goals or actions after approval needs a new one;
    progress (an action's status) does not."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="case_plan")
    status = models.CharField(
        _("status"), max_length=20, choices=CasePlanStatus.choices, default=CasePlanStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("case plan")
        verbose_name_plural = _("case plans")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | models.Q(approved_by__isnull=False, approved_at__isnull=False),
                name="case_plan_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="awaiting_approval")
                | models.Q(submitted_by__isnull=False),
                name="case_plan_awaiting_has_submitter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} v{self.version}"


class CasePlanGoal(models.Model):
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("goal"), max_length=500)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("goal of the case plan")
        verbose_name_plural = _("goals of the case plan")

    def __str__(self) -> str:
        return self.text[:60]


class CasePlanAction(models.Model):
    """An action towards a goal. With a responsible person it is also a `cases.Task` of that
    person (`task`), kept consistent by `cases.plans.services.actions`."""

    goal = models.ForeignKey(CasePlanGoal, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("action"), max_length=500)
    responsible_organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("responsible person"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    task = models.OneToOneField(
        "cases.Task",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_action",
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("action of the case plan")
        verbose_name_plural = _("actions of the case plan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    due_date__gte=domains.EARLIEST_DATE, due_date__lt=domains.LATEST_DATE
                ),
                name="plan_action_due_date_sane",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class CasePlanRevisionKind(models.TextChoices):
    EDITED = "edited", _("changed")
    PROGRESS = "progress", _("progress")
    SUBMITTED = "submitted", _("sent for approval")
    APPROVED = "approved", pgettext_lazy("a version of a plan", "approved")
    RETURNED = "returned", _("returned for changes")


class CasePlanRevision(models.Model):
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(max_length=16, choices=CasePlanRevisionKind.choices)
    snapshot = models.JSONField(default=dict)
    changes = models.JSONField(default=list)  # cases.plans.content.Change.as_json()
    note = models.CharField(_("review note"), max_length=500, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number", "-pk"]
        verbose_name = _("case plan version")
        verbose_name_plural = _("case plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="case_plan_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan} #{self.number}"
