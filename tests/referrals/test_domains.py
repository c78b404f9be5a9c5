"""Holidays and shelter places have a sane domain: the form and the database refuse a holiday
in year one, a 121-character name and 10 001 places; the migration repairs old rows."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from referrals.forms import REASON_LENGTH, HolidayForm, PolicyForm, text_input
from referrals.models import Holiday, ProviderProfile

repair = importlib.import_module("referrals.migrations.0003_sane_domains").repair


def test_the_holiday_form_refuses_year_one_and_a_name_longer_than_its_column():
    with translation.override("uk"):
        form = HolidayForm({"date": "01.01.0001", "name": "Я" * 121})
        assert not form.is_valid()
        assert "не може бути раніше за 01.01.2000" in form.errors["date"][0]
        assert "Переконайтеся" in form.errors["name"][0]
        assert HolidayForm({"date": "24.08.2025", "name": "Я" * 120}).is_valid()


def test_a_policy_note_and_a_decline_reason_are_kept_within_their_columns():
    with translation.override("uk"):
        assert "Переконайтеся" in PolicyForm({"rules": "{}", "note": "я" * 501}).errors["note"][0]
        with pytest.raises(ValidationError) as caught:
            text_input({"reason": "я" * (REASON_LENGTH + 1)}, "reason", max_length=REASON_LENGTH)
        assert "Скоротіть текст до 300 символів" in caught.value.messages[0]
    assert text_input({"reason": " зайнято "}, "reason", max_length=REASON_LENGTH) == "зайнято"


def _refused(sql: str, params: list) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError:
        return True
    return False


@pytest.fixture
def shelter_profile(organisations):
    return ProviderProfile.objects.create(
        organisation=organisations["shelter"],
        services=["shelter"],
        capacity_total=10,
        capacity_free=5,
    )


def test_the_database_refuses_a_holiday_in_year_one_and_ten_thousand_and_one_places(
    shelter_profile,
):
    assert _refused("INSERT INTO referrals_holiday (date, name) VALUES ('0001-01-01', 'x')", [])
    pk = [shelter_profile.pk]
    assert _refused("UPDATE referrals_providerprofile SET capacity_total = 10001 WHERE id = %s", pk)
    assert _refused("UPDATE referrals_providerprofile SET max_age = 121 WHERE id = %s", pk)


def test_the_repair_drops_a_holiday_in_year_one_and_clamps_places(shelter_profile):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE referrals_holiday DROP CONSTRAINT holiday_date_sane")
        cursor.execute(
            "ALTER TABLE referrals_providerprofile DROP CONSTRAINT provider_capacity_sane"
        )
        cursor.execute("INSERT INTO referrals_holiday (date, name) VALUES ('0001-01-01', 'x')")
        cursor.execute(
            "UPDATE referrals_providerprofile SET capacity_total = 20000, capacity_free = 15000"
            " WHERE id = %s",
            [shelter_profile.pk],
        )

    repair(apps, None)

    assert not Holiday.objects.filter(date__lt=date(2000, 1, 1)).exists()
    shelter_profile.refresh_from_db()
    assert (shelter_profile.capacity_total, shelter_profile.capacity_free) == (10_000, 10_000)
