"""The case summary printed on paper (WeasyPrint): for a case conference, a handover or the
file. It carries what the case page shows to the same user, and no more: the people, the
incidents, the latest risk and needs, the next steps, the open tasks and the latest timeline.
Every page says it is confidential and who printed it when, so a lost sheet can be traced."""

from __future__ import annotations

from django.utils import timezone

from cases.models import Case
from cases.selectors import case_next_steps, case_page, case_timeline
from portal.pdf import render_pdf

TIMELINE_ROWS = 15


def case_summary_context(*, user, case: Case) -> dict:
    page = case_page(case=case)
    return {
        "case": case,
        "participants": page["participants"],
        "incidents": page["incidents"],
        "risk": page["risks"][0] if page["risks"] else None,
        "needs": page["needs"],
        "tasks": [task for task in page["tasks"] if task.done_at is None],
        "next_steps": case_next_steps(user=user, case=case),
        "timeline": case_timeline(case=case, limit=TIMELINE_ROWS),
        "printed_by": user,
        "printed_at": timezone.localtime(),
    }


def case_summary_pdf(*, user, case: Case) -> bytes:
    return render_pdf(
        "cases/case_summary_pdf.html", lambda: case_summary_context(user=user, case=case)
    )
