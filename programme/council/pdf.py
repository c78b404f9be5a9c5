"""The minutes (протокол) of a meeting: HTML in the council's form → PDF (WeasyPrint).

Rendered in Ukrainian and the Kyiv time zone whatever the reader's language: the minutes are
one official document. A meeting whose minutes are not signed yet is marked as a draft.
"""

from __future__ import annotations

from django.utils import timezone

from portal.pdf import render_pdf
from programme.council.models import Attendance, CouncilRole, Decision, Meeting
from programme.council.selectors import members_on, quorum_of


def minutes_context(meeting: Meeting) -> dict:
    attendance = list(
        Attendance.objects.filter(meeting=meeting).select_related("member__organisation")
    )
    members = list(members_on(meeting.date))
    by_role = {role: [m for m in members if m.role == role] for role in CouncilRole.values}
    items = meeting.items.select_related("organisation").prefetch_related(
        "decisions__assignments__assignee"
    )
    return {
        "meeting": meeting,
        "draft": meeting.is_draft,
        "present": [a.member for a in attendance if a.present],
        "absent": [a.member for a in attendance if not a.present],
        "quorum": quorum_of(meeting),
        "items": list(items),
        "head": (by_role[CouncilRole.HEAD] or [None])[0],
        "secretary": (by_role[CouncilRole.SECRETARY] or [None])[0],
        "decision_count": Decision.objects.filter(item__meeting=meeting).count(),
        "generated_at": timezone.localtime(),
    }


def minutes_pdf(meeting: Meeting) -> bytes:
    return render_pdf("programme/council/minutes_pdf.html", lambda: minutes_context(meeting))
