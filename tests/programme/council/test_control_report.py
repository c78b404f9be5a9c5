"""The control report: every assignment by status and lateness, as PDF and XLSX, for the
secretariat (and coordinators, who see the control list); every download audited."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from portal.models import AuditAction, AuditEvent
from programme.council.demo import council_demo_load
from tests.programme.council.test_outputs import _text, _uk

pytestmark = pytest.mark.django_db

TODAY = "2026-11-20 10:00 +0200"


@pytest.fixture
def demo(organisations):
    council_demo_load(today=date(2026, 11, 20))


@time_machine.travel(TODAY, tick=False)
def test_the_pdf_groups_every_assignment_by_status_with_days_overdue(client, secretariat, demo):
    client.force_login(secretariat)
    answer = client.get(reverse("programme:council:control_pdf"))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer["Cache-Control"] == "private, no-store"
    text = _text(answer.content)
    assert "20.11.2026" in text
    for status in ("overdue", "assigned", "in progress", "reported", "done, removed from control"):
        assert _uk(status) in text, status
    # overdue first, with its lateness; the 17.10.2024 assignment done at the end
    assert text.index(_uk("overdue")) < text.index(_uk("done, removed from control"))
    assert "10.11.2026 10" in text  # deadline, then 10 days overdue


@time_machine.travel(TODAY, tick=False)
def test_the_xlsx_has_one_typed_row_per_assignment(client, secretariat, demo):
    client.force_login(secretariat)
    answer = client.get(reverse("programme:council:control_xlsx"))
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith('attachment; filename="council-control-')
    sheet = load_workbook(BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 7
    overdue = [r for r in rows[1:] if r[0] == _uk("overdue")]
    assert len(overdue) == 1 and overdue[0][1] == 10
    assert all(isinstance(r[1], int) for r in rows[1:])


@time_machine.travel(TODAY, tick=False)
def test_every_download_is_audited(client, secretariat, demo):
    client.force_login(secretariat)
    client.get(reverse("programme:council:control_pdf"))
    client.get(reverse("programme:council:control_xlsx"))
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="council.control")
    assert sorted(e.detail.split()[0] for e in events) == ["pdf", "xlsx"]


def test_the_control_list_links_both_formats(client, secretariat, demo):
    client.force_login(secretariat)
    page = client.get(reverse("programme:council:control")).content.decode()
    assert reverse("programme:council:control_pdf") in page
    assert reverse("programme:council:control_xlsx") in page


def test_executors_case_workers_and_police_get_no_control_report(client, personas, demo):
    for name in ("executor", "owner", "police", "provider", "admin"):
        client.force_login(personas[name])
        for url_name in ("control_pdf", "control_xlsx"):
            assert client.get(reverse(f"programme:council:{url_name}")).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
