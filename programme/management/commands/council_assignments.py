"""Every assignment of the council with its lateness on a date, as JSON: for scripts and tests.

The contract (a list, ordered by meeting date, decision number and id):
  {"id", "meeting": {"number", "date"}, "decision", "assignee": {"code", "name"}, "text",
   "deadline" (yyyy-mm-dd or null), "term", "status", "days_overdue"}
"status" is assigned / in_progress / reported / done, or "overdue" for an assignment still open
after its deadline on --as-of; "days_overdue" counts the days past the deadline on that date.
"""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from programme.council.models import Assignment
from programme.council.selectors import kyiv_today


def assignments_as_of(as_of: date) -> list[dict]:
    rows = Assignment.objects.select_related("decision__item__meeting", "assignee").order_by(
        "decision__item__meeting__date", "decision__item__position", "decision__sequence", "pk"
    )
    return [
        {
            "id": a.pk,
            "meeting": {
                "number": a.decision.item.meeting.number,
                "date": a.decision.item.meeting.date.isoformat(),
            },
            "decision": a.decision.number,
            "assignee": {"code": a.assignee.code, "name": a.assignee.name},
            "text": a.text,
            "deadline": a.deadline.isoformat() if a.deadline else None,
            "term": a.term,
            "status": a.shown_status(as_of),
            "days_overdue": a.days_overdue(as_of),
        }
        for a in rows
    ]


class Command(BaseCommand):
    help = "Every council assignment with its status and days overdue on --as-of (Kyiv today)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", default="", help="yyyy-mm-dd; today in Kyiv if omitted")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, **options) -> None:
        raw = options["as_of"]
        try:
            as_of = date.fromisoformat(raw) if raw else kyiv_today()
        except ValueError:
            raise CommandError("--as-of must be a date as yyyy-mm-dd") from None
        self.stdout.write(json.dumps(assignments_as_of(as_of), ensure_ascii=False, indent=2))
