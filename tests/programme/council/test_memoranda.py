"""The register of memoranda with partners: status from the term unless terminated, the
partner's reports seen by the partner and the secretariat only, and the expiry reminder."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.models import AuditEvent, Notification
from portal.roles import Role
from programme.council import rules
from programme.council.memoranda import services
from programme.council.memoranda.models import MemorandumReport
from programme.council.tasks import remind_council_assignments
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_status_is_computed_from_the_term_unless_terminated():
    end = date(2026, 12, 31)
    assert rules.memorandum_status(valid_to=end, terminated_on=None, today=end) == "in_force"
    assert (
        rules.memorandum_status(valid_to=end, terminated_on=None, today=date(2027, 1, 1))
        == "expired"
    )
    assert rules.memorandum_status(valid_to=None, terminated_on=None, today=date(2099, 1, 1)) == (
        "in_force"
    )
    terminated = date(2026, 6, 1)
    assert (
        rules.memorandum_status(valid_to=end, terminated_on=terminated, today=date(2026, 5, 31))
        == "in_force"
    )
    assert (
        rules.memorandum_status(valid_to=end, terminated_on=terminated, today=terminated)
        == "terminated"
    )


@pytest.fixture
def memorandum(secretariat, organisations):
    return services.memorandum_add(
        actor=secretariat,
        number="М-12",
        signed_on=date(2025, 2, 1),
        partner=organisations["css_obolonskyi"],
        partner_name="",
        parties="Департамент соціальної та ветеранської політики",
        valid_from=date(2025, 2, 1),
        valid_to=date(2026, 12, 20),
        areas="Психологічна допомога; правнича допомога",
        contact_person="Координаторка проєкту",
    )


@pytest.fixture
def partner(organisations):
    return member(Role.EXECUTOR, organisations["css_obolonskyi"], "partner-executor")


def _report(actor, memorandum, **overrides):
    data = {
        "actor": actor,
        "memorandum_id": memorandum.pk,
        "period_start": date(2026, 7, 1),
        "period_end": date(2026, 9, 30),
        "activities": "Групи підтримки, консультації",
        "served": {"psychological": 41, "legal_aid": 12, "police_notice": 3},
    }
    return services.memorandum_report_submit(**{**data, **overrides})


def test_a_memorandum_needs_a_partner_and_is_audited(secretariat, memorandum):
    assert AuditEvent.objects.filter(object_type="programme.memorandum", action="create").exists()
    with pytest.raises(ValidationError, match="partner"):
        services.memorandum_add(
            actor=secretariat,
            number="М-13",
            signed_on=date(2025, 2, 1),
            partner=None,
            partner_name=" ",
            parties="",
            valid_from=date(2025, 2, 1),
            valid_to=None,
            areas="Співпраця",
            contact_person="",
        )


def test_the_partner_reports_people_served_by_service(partner, memorandum):
    report = _report(partner, memorandum)
    # only the partner's services are kept: a notice is not a service a partner provides
    assert report.served == {"psychological": 41, "legal_aid": 12}
    assert AuditEvent.objects.filter(object_type="programme.memorandumreport").exists()


def test_nobody_but_the_partners_executor_reports(secretariat, executor, memorandum):
    for actor in (secretariat, executor):
        with pytest.raises(PermissionDenied):
            _report(actor, memorandum)
    assert not MemorandumReport.objects.exists()


def test_reports_are_seen_by_the_partner_and_the_secretariat_only(
    client, partner, secretariat, coordinator, executor, memorandum
):
    _report(partner, memorandum)
    url = reverse("programme:council:memorandum", args=[memorandum.pk])
    for user in (partner, secretariat):
        client.force_login(user)
        assert "Групи підтримки" in client.get(url).content.decode()
    client.force_login(coordinator)
    page = client.get(url)
    assert page.status_code == 200 and "Групи підтримки" not in page.content.decode()
    client.force_login(executor)
    assert client.get(url).status_code == 404
    assert "М-12" not in client.get(reverse("programme:council:memoranda")).content.decode()


def test_the_register_and_the_partners_report_form_in_the_browser_forms(
    client, secretariat, partner, organisations
):
    client.force_login(secretariat)
    answer = client.post(
        reverse("programme:council:memoranda"),
        {
            "number": "М-20",
            "signed_on": "2026-01-15",
            "partner": organisations["css_obolonskyi"].pk,
            "valid_from": "2026-01-15",
            "valid_to": "2027-01-14",
            "areas": "Денний центр",
        },
    )
    assert answer.status_code == 302
    register = client.get(reverse("programme:council:memoranda")).content.decode()
    assert "М-20" in register and "ЦСС Оболонського району" in register
    from programme.council.memoranda.models import Memorandum

    created = Memorandum.objects.get(number="М-20")
    client.force_login(partner)
    url = reverse("programme:council:memorandum", args=[created.pk])
    assert 'data-testid="memorandum-report-form"' in client.get(url).content.decode()
    client.post(
        reverse("programme:council:memorandum_report", args=[created.pk]),
        {
            "period_start": "2026-01-15",
            "period_end": "2026-03-31",
            "activities": "Прийом у денному центрі",
            "served_psychological": "17",
        },
    )
    assert created.reports.get().served == {"psychological": 17}


def test_the_secretariat_terminates_a_memorandum(client, secretariat, partner, memorandum):
    client.force_login(partner)
    terminate = reverse("programme:council:memorandum_terminate", args=[memorandum.pk])
    assert client.post(terminate, {"day": "2026-06-01"}).status_code == 403
    client.force_login(secretariat)
    client.post(terminate, {"day": "2026-06-01"})
    memorandum.refresh_from_db()
    assert memorandum.terminated_on == date(2026, 6, 1)
    assert memorandum.status_on(date(2026, 6, 2)) == "terminated"


@time_machine.travel("2026-11-20 08:00 +0200", tick=False)
def test_the_secretariat_is_reminded_30_days_before_the_end_once(secretariat, memorandum):
    assert remind_council_assignments()["memoranda"] == 1
    note = Notification.objects.get(user=secretariat, dedupe_key__startswith="memorandum-expiry:")
    assert "20.12.2026" in note.title and "М-12" in note.title
    assert remind_council_assignments()["memoranda"] == 0


@time_machine.travel("2026-11-19 08:00 +0200", tick=False)
def test_no_reminder_31_days_before_the_end(secretariat, memorandum):
    assert remind_council_assignments()["memoranda"] == 0
