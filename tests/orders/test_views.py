from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import RestrainingOrder
from portal.models import AuditAction, AuditEvent, District, OrganisationKind
from portal.roles import Role
from tests.cases.factories import person, register_case
from tests.factories import OrganisationFactory, member
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
    order = urgent(police, case, number="ТЗП-808")
    client.force_login(owner)
    response = client.get(f"/orders/{order.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "ТЗП-808" in page and case.number in page and str(order.offender) in page
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


def _two_orders(police, owner):
    """One order ending in two days (this week's calendar), one in nine (past the calendar)."""
    soon = urgent(police, register_case(owner), days=2, number="ТЗП-101")
    later_case = register_case(
        owner, victim=person("Коваль", "Марія"), offender=person("Коваль", "Степан", "M")
    )
    later = urgent(police, later_case, days=9, number="ТЗП-102")
    return soon, later


@pytest.fixture
def others_order(outsider):
    """An order of another police unit on a case of another district's social service, ending
    tomorrow: nobody in Darnytskyi may see it, in the list or in the calendar."""
    unit = OrganisationFactory(
        code="police-obolonskyi", kind=OrganisationKind.POLICE_UNIT, district_slugs=["obolonskyi"]
    )
    officer = member(Role.POLICE_OFFICER, unit, "police-obolon")
    case = register_case(
        outsider,
        district_id=District.objects.get(slug="obolonskyi").pk,
        victim=person("Чужа", "Ганна"),
        offender=person("Чужий", "Петро", "M"),
    )
    return urgent(officer, case, days=1, number="ТЗП-ЧУЖИЙ")


def test_the_order_list_shows_the_units_orders_and_no_others(client, police, owner, others_order):
    soon, later = _two_orders(police, owner)
    client.force_login(police)
    response = client.get("/orders/")
    assert response.status_code == 200
    assert {order.number for order in response.context["page"].object_list} == {
        "ТЗП-101",
        "ТЗП-102",
    }
    page = response.content.decode()
    assert f'href="/orders/{soon.pk}/"' in page and f'href="/orders/{later.pk}/"' in page
    assert "Коваль" in page  # the offender of ТЗП-102, named for the unit that issued it
    assert "ТЗП-ЧУЖИЙ" not in page and "Чужий" not in page and "Чужа" not in page


def _numbers(response) -> set[str]:
    return {order.number for order in response.context["page"].object_list}


def test_the_order_list_filters_by_the_days_of_issue_in_kyiv(client, police, owner):
    now = timezone.localtime()
    old = urgent(
        police, register_case(owner), issued_at=now - timedelta(days=20), days=2, number="ТЗП-OLD"
    )
    _two_orders(police, owner)
    client.force_login(police)
    issued = timezone.localtime(old.starts_at).date().strftime("%d.%m.%Y")
    response = client.get("/orders/", {"date_from": issued, "date_to": issued})
    assert _numbers(response) == {"ТЗП-OLD"}
    recent = (now - timedelta(days=2)).strftime("%d.%m.%Y")
    assert _numbers(client.get("/orders/", {"date_from": recent})) == {"ТЗП-101", "ТЗП-102"}


@pytest.mark.parametrize(
    ("query", "field", "phrase"),
    [
        ({"date_from": "31.02.2024"}, "date_from", "Введіть коректну дату"),
        ({"date_to": "вчора"}, "date_to", "Введіть коректну дату"),
        ({"date_from": "01.01.1999"}, "date_from", "01.01.2000"),
        (
            {"date_from": "10.10.2024", "date_to": "01.10.2024"},
            "date_to",
            "Кінець періоду раніше за його початок",
        ),
    ],
)
def test_a_bad_period_in_the_filter_is_a_ukrainian_error_over_the_unfiltered_list(
    client, police, owner, query, field, phrase
):
    _two_orders(police, owner)
    client.force_login(police)
    response = client.get("/orders/", {**query, "kind": "urgent"})
    assert response.status_code == 200
    assert phrase in " ".join(response.context["form"].errors[field])
    assert phrase in response.content.decode()
    # Never another period, never an empty page that looks like "no orders": all of them.
    assert _numbers(response) == {"ТЗП-101", "ТЗП-102"}


def test_the_calendar_lists_each_order_on_the_day_it_ends_this_week(
    client, police, owner, others_order
):
    soon, _later = _two_orders(police, owner)
    client.force_login(police)
    response = client.get("/orders/calendar/")
    assert response.status_code == 200
    days = response.context["days"]
    assert [day["day"] for day in days] == [
        timezone.localdate() + timedelta(days=i) for i in range(8)
    ]
    listed = {day["day"]: [order.number for order in day["orders"]] for day in days}
    ends_on = timezone.localtime(soon.ends_at).date()
    assert listed.pop(ends_on) == ["ТЗП-101"]
    assert all(numbers == [] for numbers in listed.values())  # ТЗП-102 ends after the week
    page = response.content.decode()
    assert "№ ТЗП-101" in page and "ТЗП-102" not in page
    assert "ТЗП-ЧУЖИЙ" not in page  # another unit's order ending tomorrow


def test_secretariat_sees_statistics_not_orders(client, secretariat):
    client.force_login(secretariat)
    assert client.get("/orders/")["Location"] == "/orders/statistics/"
    response = client.get("/orders/statistics/")
    assert response.status_code == 200
    assert 'data-testid="yoy-current-urgent">0<' in response.content.decode()


def test_the_statistics_page_counts_this_years_orders_without_names(
    client, coordinator, secretariat, police, owner
):
    _two_orders(police, owner)
    # The coordinator's page is exact and counts to today; the secretariat's counts to the last
    # month end and shows 1–4 as "<5" (docs/statistics.md).
    client.force_login(coordinator)
    page = client.get("/orders/statistics/").content.decode()
    assert 'data-testid="yoy-current-urgent">2<' in page
    assert "Коваль" not in page and "ТЗП-101" not in page
    client.force_login(secretariat)
    page = client.get("/orders/statistics/").content.decode()
    assert "Коваль" not in page and "ТЗП-101" not in page
