"""The preventive record and the offender programme in the browser's forms: the police and the
case's social worker record them from the case page, see them on the case and on the offender's
page, and meet a Ukrainian message — with nothing changed — when the input is wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import OffenderProgramme, PreventiveRecord
from portal.models import AuditAction, AuditEvent
from tests.cases.factories import person, register_case
from tests.cases.pages import case_tab
from tests.orders.factories import share_case_with, urgent

pytestmark = pytest.mark.django_db


def _day(delta: int = 0) -> str:
    return (timezone.localdate() - timedelta(days=delta)).strftime("%d.%m.%Y")


@pytest.fixture
def case(owner):
    return register_case(
        owner,
        victim=person("Мельник", "Ірина"),
        offender=person("Мельник", "Тарас", "M", relation_to_victim="spouse"),
    )


@pytest.fixture
def offender_id(case):
    return case.participants.get(role="offender").person_id


def test_the_police_take_the_offender_onto_the_record_from_the_case_page(
    client, police, case, offender_id
):
    order = urgent(police, case)
    client.force_login(police)
    page = case_tab(client, case, "orders").content.decode()
    assert 'data-testid="preventive-new"' in page
    form = client.get(reverse("orders:preventive_new", args=[case.pk])).content.decode()
    assert "Мельник Тарас" in form and 'type="date"' not in form
    answer = client.post(
        reverse("orders:preventive_new", args=[case.pk]),
        {"basis": "order", "order": order.pk, "offender": offender_id, "taken_on": _day()},
    )
    assert answer.status_code == 302 and answer["Location"].endswith("#section-orders")
    record = PreventiveRecord.objects.get()
    section = case_tab(client, case, "orders").content.decode()
    assert reverse("orders:preventive", args=[record.pk]) in section
    assert "на обліку" in section


def test_a_record_without_its_order_is_refused_at_the_field_in_ukrainian(
    client, police, case, offender_id
):
    share_case_with(police, case)
    client.force_login(police)
    answer = client.post(
        reverse("orders:preventive_new", args=[case.pk]),
        {"basis": "order", "order": "", "offender": offender_id, "taken_on": "31.02.2026"},
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Оберіть припис" in page
    assert not PreventiveRecord.objects.exists()


def test_a_social_worker_is_not_offered_the_preventive_record_and_is_refused_it(
    client, owner, case
):
    client.force_login(owner)
    page = case_tab(client, case, "orders").content.decode()
    assert 'data-testid="preventive-new"' not in page
    assert 'data-testid="programme-new"' in page
    assert client.get(reverse("orders:preventive_new", args=[case.pk])).status_code == 403


def test_the_unit_removes_the_offender_from_the_record_on_its_page(
    client, police, case, offender_id
):
    order = urgent(police, case)
    client.force_login(police)
    client.post(
        reverse("orders:preventive_new", args=[case.pk]),
        {"basis": "order", "order": order.pk, "offender": offender_id, "taken_on": _day(1)},
    )
    record = PreventiveRecord.objects.get()
    url = reverse("orders:preventive", args=[record.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="preventive-remove"' in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="orders.preventiverecord", object_id=str(record.pk)
    ).exists()
    refused = client.post(url, {"removed_on": _day(2), "reason": "Помилка"})
    assert refused.status_code == 400 and "не може бути раніше" in refused.content.decode()
    done = client.post(url, {"removed_on": _day(), "reason": "Закінчився строк обліку"})
    assert done.status_code == 302
    record.refresh_from_db()
    assert record.removed_on == timezone.localdate()
    assert 'data-testid="preventive-remove"' not in client.get(url).content.decode()


def test_the_social_worker_records_a_programme_and_its_completion(client, owner, case, offender_id):
    client.force_login(owner)
    answer = client.post(
        reverse("orders:programme_new", args=[case.pk]),
        {
            "referred_by": "court",
            "referred_on": _day(60),
            "provider": "Міський центр гендерної рівності",
            "offender": offender_id,
        },
    )
    assert answer.status_code == 302
    programme = OffenderProgramme.objects.get()
    url = reverse("orders:programme", args=[programme.pk])
    refused = client.post(
        url, {"status": "completed", "started_on": _day(50), "ended_on": "", "version": 1}
    )
    assert refused.status_code == 400
    assert "Вкажіть дату завершення програми" in refused.content.decode()
    programme.refresh_from_db()
    assert programme.status == "referred"
    done = client.post(
        url, {"status": "completed", "started_on": _day(50), "ended_on": _day(1), "version": 1}
    )
    assert done.status_code == 302
    page = client.get(reverse("orders:offender", args=[offender_id])).content.decode()
    assert "Міський центр гендерної рівності" in page and "завершено" in page


def test_a_stale_form_does_not_overwrite_a_newer_change(client, owner, colleague, case):
    client.force_login(owner)
    client.post(
        reverse("orders:programme_new", args=[case.pk]),
        {
            "referred_by": "police",
            "referred_on": _day(10),
            "provider": "ГО «Крок»",
            "offender": case.participants.get(role="offender").person_id,
        },
    )
    programme = OffenderProgramme.objects.get()
    url = reverse("orders:programme", args=[programme.pk])
    client.force_login(colleague)
    client.post(url, {"status": "dropped_out", "ended_on": _day(1), "version": 1})
    client.force_login(owner)
    stale = client.post(url, {"status": "attending", "started_on": _day(5), "version": 1})
    assert stale.status_code == 400 and "змінив" in stale.content.decode()
    programme.refresh_from_db()
    assert programme.status == "dropped_out"


def test_a_coordinator_sees_the_measures_but_gets_no_form_and_cannot_post(
    client, owner, coordinator, case, offender_id
):
    client.force_login(owner)
    client.post(
        reverse("orders:programme_new", args=[case.pk]),
        {
            "referred_by": "court",
            "referred_on": _day(3),
            "provider": "ГО «Крок»",
            "offender": offender_id,
        },
    )
    programme = OffenderProgramme.objects.get()
    client.force_login(coordinator)
    url = reverse("orders:programme", args=[programme.pk])
    page = client.get(url).content.decode()
    assert "ГО «Крок»" in page and 'data-testid="programme-update"' not in page
    assert client.post(url, {"status": "attending", "version": 1}).status_code == 403
    assert client.get(reverse("orders:programme_new", args=[case.pk])).status_code == 403
