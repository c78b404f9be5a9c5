from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task
def depersonalise_due_cases() -> int:
    """Beat, daily: depersonalise the closed cases due today (safe to run twice: a case done is
    no longer due)."""
    from cases.services.depersonalise import depersonalise

    return len(depersonalise(as_of=timezone.localdate()).case_ids)


@shared_task
def remind_tasks_due() -> int:
    """Beat, every morning: tell each assignee of a task due tomorrow (plan actions, conference
    decisions, tasks on a case) that it is coming; once per task and due date, so a second
    delivery, or a run after an outage, sends nothing twice."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django.utils.translation import override

    from cases.models import Task
    from portal.notifications import notification_send

    tomorrow = timezone.localdate() + timedelta(days=1)
    sent = 0
    due = Task.objects.filter(
        done_at__isnull=True, assignee__isnull=False, due_date=tomorrow
    ).select_related("assignee", "decision")
    for task in due:
        # A conference's decision points to its conference: a team member from a service does
        # not open the case itself.
        decision = getattr(task, "decision", None)
        url = (
            reverse("cases:conference", args=[decision.conference_id])
            if decision is not None
            else reverse("cases:detail", args=[task.case_id])
        )
        with override("uk"):
            notice = notification_send(
                user=task.assignee,
                title=_("A task is due tomorrow"),
                body=task.title,
                url=url,
                dedupe_key=f"task-due:{task.pk}:{task.due_date:%Y%m%d}",
            )
        sent += notice is not None
    return sent
