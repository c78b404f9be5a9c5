"""Who owns a new case. A centre of social services keeps the cases it registers; the police hand
theirs to the centre of the case's district (intake scenarios 4 and 5). A district without an
active centre is refused with nothing saved: the case never silently stays with the police unit,
where social services would never see it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services
from cases.models import Case, Person
from orders import services as order_services
from orders.models import RestrainingOrder
from tests.cases.factories import register_case
from tests.factories import district


def test_a_social_worker_registers_a_case_for_their_own_centre(owner):
    case = register_case(owner)
    assert (case.owner.code, case.responsible) == ("css-darnytskyi", owner)


def test_a_police_officer_registers_a_case_for_the_districts_centre_of_social_services(police):
    case = register_case(police, channel="police", intake_scenario=4)
    assert case.owner.code == "css-darnytskyi"
    assert case.responsible is None  # the centre names its worker
    assert case.created_by == police


def test_a_police_case_in_a_district_without_a_centre_is_refused_and_nothing_is_saved(police):
    with pytest.raises(ValidationError) as error:
        register_case(police, district_id=district("pecherskyi").pk, channel="police")
    assert "district" in error.value.message_dict
    assert not Case.objects.exists()
    assert not Person.objects.exists()


def test_a_centre_that_is_no_longer_active_does_not_take_police_cases(police, organisations):
    centre = organisations["css_darnytskyi"]
    centre.is_active = False
    centre.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as error:
        register_case(police, channel="police")
    assert "district" in error.value.message_dict
    assert not Case.objects.exists()


def test_an_owner_that_is_not_the_districts_centre_is_refused(police, organisations):
    for wrong in (organisations["police_darnytskyi"], organisations["css_obolonskyi"]):
        with pytest.raises(ValidationError) as error:
            register_case(police, channel="police", owner_id=wrong.pk)
        assert "district" in error.value.message_dict
    assert not Case.objects.exists()


def test_an_urgent_order_in_a_district_without_a_centre_opens_neither_case_nor_order(police):
    issued_at = timezone.now() - timedelta(minutes=30)
    with pytest.raises(ValidationError) as error:
        order_services.order_issue_urgent(
            actor=police,
            number="ТЗП-9",
            issued_at=issued_at,
            ends_at=issued_at + timedelta(days=3),
            measures=["no_contact"],
            initiated_by="victim",
            new_case=order_services.NewCaseForOrder(
                district_id=district("pecherskyi").pk,
                victim=services.PersonData(last_name="Мороз", first_name="Ганна", sex="F"),
                offender=services.PersonData(
                    last_name="Мороз", first_name="Павло", sex="M", birth_date=date(1980, 1, 1)
                ),
            ),
        )
    assert "district" in error.value.message_dict
    assert not Case.objects.exists()
    assert not RestrainingOrder.objects.exists()


def test_the_intake_page_shows_the_refusal_at_the_district_and_keeps_the_input(client, police):
    now = timezone.localtime()
    client.force_login(police)
    response = client.post(
        "/cases/new/",
        {
            "case-district": str(district("pecherskyi").pk),
            "case-channel": "police",
            "case-intake_scenario": "4",
            "case-reported_at": (now - timedelta(hours=1)).strftime("%d.%m.%Y %H:%M"),
            "victim-last_name": "Ковальчук",
            "victim-first_name": "Ірина",
            "victim-sex": "F",
            "victim-birth_date": "12.04.1990",
            "offender-last_name": "Ковальчук",
            "offender-first_name": "Богдан",
            "offender-sex": "M",
            "incident-occurred_at": (now - timedelta(hours=3)).strftime("%d.%m.%Y %H:%M"),
            "incident-forms": ["physical"],
        },
    )
    assert response.status_code == 200
    assert response.context["forms"]["case"].errors["district"]
    assert 'value="Ковальчук"' in response.content.decode()
    assert not Case.objects.exists()
