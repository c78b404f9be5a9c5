"""What leaves the council's part: the minutes PDF, the assignments JSON and the reminders."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from portal.models import AuditAction, AuditEvent, Notification
from portal.roles import Role
from programme.council import services
from programme.council.demo import council_demo_load
from programme.council.models import Assignment, Meeting, Memorandum
from programme.council.tasks import remind_council_assignments
from tests.factories import member

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    done = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


def _uk(msgid: str) -> str:
    with translation.override("uk"):
        return gettext(msgid)


def test_the_draft_minutes_say_draft_and_carry_every_section(
    client, secretariat, held, decision, assignment
):
    client.force_login(secretariat)
    answer = client.get(reverse("programme:council:minutes", args=[held.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = _text(answer.content)
    for label in ("DRAFT", "MINUTES", "HEARD", "DECIDED", "Head of the council"):
        assert _uk(label) in text, label
    assert "1.1. Схвалити проєкт Порядку." in text
    assert "Голова Ради" in text and "Секретар Ради" in text
    assert "Підготувати проєкт розпорядження" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.DOWNLOAD, object_type="programme.meeting", object_id=str(held.pk)
    ).exists()


def test_signed_minutes_are_not_marked_draft(client, secretariat, held, decision):
    services.meeting_advance(actor=secretariat, meeting_id=held.pk)
    client.force_login(secretariat)
    answer = client.get(reverse("programme:council:minutes", args=[held.pk]))
    assert _uk("DRAFT") not in _text(answer.content)


def test_the_assignments_command_prints_the_contract(organisations):
    council_demo_load(today=date(2026, 11, 20))
    out = StringIO()
    call_command("council_assignments", "--as-of", "2026-11-20", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert len(rows) == Assignment.objects.count() == 7
    first = rows[0]
    assert set(first) == {
        "id",
        "meeting",
        "decision",
        "assignee",
        "text",
        "deadline",
        "term",
        "status",
        "days_overdue",
    }
    assert first["meeting"] == {"number": 3, "date": "2024-10-17"}
    assert first["decision"] == "4.2" and first["assignee"]["code"] == "department"
    assert (first["deadline"], first["status"], first["days_overdue"]) == ("2024-12-20", "done", 0)
    assert {r["status"] for r in rows} == {"assigned", "in_progress", "reported", "done", "overdue"}
    overdue = [r for r in rows if r["status"] == "overdue"]
    assert [r["days_overdue"] for r in overdue] == [10]
    # the same assignments a month earlier: nothing overdue yet
    out = StringIO()
    call_command("council_assignments", "--as-of", "2026-10-20", stdout=out)
    assert all(r["days_overdue"] == 0 for r in json.loads(out.getvalue()))


def test_the_demo_loads_once(organisations):
    council_demo_load(today=date(2026, 11, 20))
    council_demo_load(today=date(2026, 11, 20))
    assert Meeting.objects.count() == 3
    october = Meeting.objects.get(date=date(2024, 10, 17))
    assert october.items.count() == 5
    memorandum = Memorandum.objects.get()
    assert memorandum.partner.code == "ngo-partner" and memorandum.reports.count() == 1


@time_machine.travel("2026-11-20 08:00 +0200", tick=False)
def test_reminders_go_to_the_assignee_before_the_deadline_and_to_the_secretariat_when_late(
    organisations, secretariat
):
    council_demo_load(today=date(2026, 11, 20))
    centre_executor = member(Role.EXECUTOR, organisations["city_centre"], "centre-executor")
    first = remind_council_assignments()
    assert first == {"due": 1, "overdue": 1, "memoranda": 0}
    due = Notification.objects.get(user=centre_executor)
    assert "22.11.2026" in due.title and due.dedupe_key.startswith("council-due:")
    late = Notification.objects.get(user=secretariat)
    assert "10.11.2026" in late.title
    # a second run the same day sends nothing again
    assert remind_council_assignments() == {"due": 0, "overdue": 0, "memoranda": 0}
