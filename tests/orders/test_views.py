from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import RestrainingOrder
from portal.models import AuditAction, AuditEvent, District
from tests.cases.factories import register_case
from tests.orders.factories import urgent


def _form(**extra):
    now = timezone.localtime()
    data = {
        "number": "ТЗП-555",
        "initiated_by": "police",
        "issued_at": now.strftime("%d.%m.%Y %H:%M"),
        "ends_at": (now + timedelta(days=5)).strftime("%d.%m.%Y %H:%M"),
        "measures": ["no_contact"],
        "district": str(District.objects.get(slug="darnytskyi").pk),
        "victim_last_name": "Ткач",
        "victim_first_name": "Олена",
        "victim_sex": "F",
        "offender_last_name": "Ткач",
        "offender_first_name": "Іван",
        "offender_sex": "M",
        "offender_birth_date": "01.01.1980",
    }
    data.update(extra)
    return data


def test_police_record_an_urgent_order_for_a_new_case(client, police, organisations):
    client.force_login(police)
    response = client.post("/orders/urgent/new/", _form())
    order = RestrainingOrder.objects.get()
    assert response["Location"] == f"/orders/{order.pk}/"


def test_the_form_refuses_an_eleven_day_order_and_keeps_the_input(client, police, organisations):
    client.force_login(police)
    ends = (timezone.localtime() + timedelta(days=11)).strftime("%d.%m.%Y %H:%M")
    page = client.post("/orders/urgent/new/", _form(ends_at=ends)).content.decode()
    assert "не більше 10 діб" in page
    assert 'value="ТЗП-555"' in page
    assert not RestrainingOrder.objects.exists()


def test_the_form_refuses_no_entry_for_a_sixteen_year_old(client, police, organisations):
    client.force_login(police)
    birth = (timezone.localdate() - timedelta(days=16 * 365 + 40)).strftime("%d.%m.%Y")
    page = client.post(
        "/orders/urgent/new/", _form(offender_birth_date=birth, measures=["no_entry"])
    ).content.decode()
    assert "молодший за 18" in page
    assert not RestrainingOrder.objects.exists()


def test_order_page_is_audited_and_hidden_from_others(client, police, owner, outsider, provider):
    case = register_case(owner)
    order = urgent(police, case)
    client.force_login(owner)
    assert client.get(f"/orders/{order.pk}/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="orders.restrainingorder", object_id=str(order.pk)
    ).exists()
    for user in (outsider, provider):
        client.force_login(user)
        assert client.get(f"/orders/{order.pk}/").status_code == 404


def test_the_case_page_shows_its_orders(client, police, owner):
    case = register_case(owner)
    urgent(police, case, number="ТЗП-4242")
    client.force_login(owner)
    assert "ТЗП-4242" in client.get(f"/cases/{case.pk}/").content.decode()


@pytest.mark.parametrize("url", ["/orders/", "/orders/calendar/"])
def test_order_pages_open_for_police(client, police, owner, url):
    urgent(police, register_case(owner))
    client.force_login(police)
    assert client.get(url).status_code == 200


def test_secretariat_sees_statistics_not_orders(client, secretariat):
    client.force_login(secretariat)
    assert client.get("/orders/")["Location"] == "/orders/statistics/"
    assert client.get("/orders/statistics/").status_code == 200
