"""The worker's worklist on the dashboard (issue 12): what to do today on the cases they lead.

Each section comes from the app that owns its facts (cases.extensions.register_worklist_source):
this module gives the tasks due today or overdue; `referrals` gives the new answers to the
worker's referrals and the referrals still waiting for an answer; `orders` gives the high-risk
cases without an urgent order. Every section starts from the user's own open cases
(`cases_visible_to(user)`, led by the user, not closed), so nothing of another worker's or
another district's case is counted or shown.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import extensions
from cases.extensions import WorkItem, WorkSection, first_and_total
from cases.models import CaseStatus, Task
from cases.selectors import cases_led_by, visible_case_exists


def days_late(due: date, today: date) -> str:
    """'прострочено на 3 дні' / 'сьогодні' — lateness in words."""
    late = (today - due).days
    if late <= 0:
        return _("due today")
    return ngettext("overdue by %(n)d day", "overdue by %(n)d days", late) % {"n": late}


def tasks_due(*, user, cases) -> WorkSection:
    """Open tasks due today or earlier that are the user's: assigned to them on any case they
    see, or unassigned on a case they lead. The most overdue first."""
    today = timezone.localdate()
    tasks = (
        Task.objects.filter(
            Q(visible_case_exists(user), assignee=user) | Q(assignee__isnull=True, case__in=cases),
            done_at__isnull=True,
            due_date__lte=today,
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case")
        .order_by("due_date", "pk")
    )
    rows, total = first_and_total(tasks)
    return WorkSection(
        key="tasks",
        title=_("Tasks due today and overdue"),
        empty=_("No task is due today."),
        items=[
            WorkItem(
                case_number=task.case.number,
                text=task.title,
                url=reverse("cases:detail", args=[task.case_id]) + "#notes",
                when=task.due_date,
                late=task.due_date < today,
                note=days_late(task.due_date, today),
            )
            for task in rows
        ],
        total=total,
    )


def worklist_panel(request) -> dict[str, object]:
    user = request.user
    sections = extensions.worklist_sections(user=user, cases=cases_led_by(user))
    return {
        "sections": sections,
        "to_do": sum(section.total for section in sections),
    }
