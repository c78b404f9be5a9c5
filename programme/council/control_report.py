"""The control report (звіт про стан виконання доручень): every assignment the user may see, by
status and lateness on a day, as PDF (for the next meeting's agenda) and XLSX.

Rendered in Ukrainian and the Kyiv time zone whatever the reader's language, like the minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.pdf import render_pdf
from programme.council.models import SHOWN_STATUSES, Assignment
from programme.council.selectors import assignment_rows, assignments_visible_to

# The order of the report: what needs attention first, what is closed last.
STATUS_ORDER = ("overdue", "assigned", "in_progress", "reported", "done")


@dataclass(frozen=True)
class StatusGroup:
    status: str
    label: str
    rows: list[Assignment]


def control_groups(*, user, today: date) -> list[StatusGroup]:
    """Assignments grouped by shown status in STATUS_ORDER, the latest first within a group."""
    rows = assignment_rows(assignments_visible_to(user), today=today)
    return [
        StatusGroup(status, str(SHOWN_STATUSES[status]), [r for r in rows if r.shown == status])
        for status in STATUS_ORDER
    ]


def control_pdf(*, user, today: date) -> bytes:
    def context() -> dict:
        groups = control_groups(user=user, today=today)
        return {
            "groups": groups,
            "total": sum(len(g.rows) for g in groups),
            "today": today,
            "generated_at": timezone.localtime(),
        }

    return render_pdf("programme/council/control_pdf.html", context)


def control_table(*, user, today: date) -> tuple[list[str], list[list[object]]]:
    """The header and rows of the XLSX: one row per assignment, typed dates and numbers."""
    header = [
        _("Status"),
        _("Days overdue"),
        _("Meeting"),
        _("Meeting date"),
        _("Decision"),
        _("Assignee organisation"),
        _("Responsible person"),
        _("Assignment"),
        _("Deadline"),
        _("Periodic term"),
    ]
    rows = [
        [
            group.label,
            a.late_days,
            a.decision.item.meeting.number,
            a.decision.item.meeting.date,
            a.decision.number,
            a.assignee.display_name,
            a.responsible,
            a.text,
            a.deadline,
            a.term,
        ]
        for group in control_groups(user=user, today=today)
        for a in group.rows
    ]
    return header, rows
