"""The record of a case conference as paper (WeasyPrint): the case by its number, the team,
who was present, the situation, the numbered decisions with owners and due dates, the case
manager and the next review. The victim is named by her code (initials and the case number),
never in full: the record travels among the services of the team."""

from __future__ import annotations

from django.utils import timezone

from cases.team.models import Conference
from portal.pdf import render_pdf


def conference_context(conference: Conference) -> dict:
    case = conference.team.case
    return {
        "conference": conference,
        "team": conference.team,
        "case": case,
        "present": list(conference.present.select_related("user", "organisation")),
        "decisions": list(conference.decisions.select_related("owner")),
        "printed_at": timezone.localtime(),
    }


def conference_pdf(conference: Conference) -> bytes:
    return render_pdf("cases/team/conference_pdf.html", lambda: conference_context(conference))
