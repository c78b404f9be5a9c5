"""Ages in cases follow the one rule (portal.calendar.person_age): an infant is 0 years old, never
"unknown", and 18 is reached on the birthday."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError

from cases.models import Person
from portal.calendar import KYIV
from tests.cases.factories import person, register_case


def _infant(**extra):
    return person("Шевченко", "Марійка", birth_date=None, approximate_age=0, **extra)


@pytest.mark.parametrize(
    ("birth_date", "approximate_age", "day", "age"),
    [
        (date(2008, 2, 29), None, date(2026, 2, 28), 17),
        (date(2008, 2, 29), None, date(2026, 3, 1), 18),
        (date(2008, 3, 14), 40, date(2026, 3, 14), 18),  # the birth date wins over a guess
        (None, 0, date(2026, 3, 14), 0),
        (None, None, date(2026, 3, 14), None),
    ],
)
def test_a_persons_age_is_the_calendar_rule(birth_date, approximate_age, day, age):
    assert Person(birth_date=birth_date, approximate_age=approximate_age).age_on(day) == age


def test_an_infant_victim_needs_the_service_for_children_notified(owner):
    with pytest.raises(ValidationError) as error:
        register_case(owner, victim=_infant())
    assert "children_service_notified" in error.value.message_dict


def test_an_infant_victim_makes_a_case_with_children(owner):
    case = register_case(owner, victim=_infant(), children_service_notified=True)
    assert case.has_children


def test_a_victim_turning_18_on_the_day_of_the_report_is_an_adult_and_a_day_younger_a_child(
    owner,
):
    reported_at = datetime(2025, 6, 10, 0, 30, tzinfo=KYIV)  # just after Kyiv midnight
    case = register_case(
        owner, reported_at=reported_at, victim=person(birth_date=date(2007, 6, 10))
    )
    assert not case.has_children
    with pytest.raises(ValidationError) as error:
        register_case(owner, reported_at=reported_at, victim=person(birth_date=date(2007, 6, 11)))
    assert "children_service_notified" in error.value.message_dict


def test_the_case_page_shows_an_infants_approximate_age_as_zero_not_as_unknown(client, owner):
    case = register_case(owner, victim=_infant(), children_service_notified=True)
    client.force_login(owner)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "≈ 0</td>" in page
