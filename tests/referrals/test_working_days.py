"""Working days follow the law in force: under martial law (Law 2136-IX art. 6 part 6) public
holidays are working days; outside it they are days off. Weekends are days off either way."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from portal.calendar import KYIV
from referrals.models import Holiday, MartialLawPeriod
from referrals.routing.policy import MartialLaw, add_working_days

NEW_YEAR = frozenset({date(2026, 1, 1)})
# Wednesday 31.12.2025, 10:00 in Kyiv; 1 January 2026 is a Thursday.
NEW_YEARS_EVE = datetime(2025, 12, 31, 10, tzinfo=KYIV)
UNDER_MARTIAL_LAW = (MartialLaw(date(2022, 3, 24)),)


def test_one_working_day_after_new_years_eve_is_new_years_day_under_martial_law():
    assert add_working_days(NEW_YEARS_EVE, 1, NEW_YEAR, UNDER_MARTIAL_LAW) == datetime(
        2026, 1, 1, 10, tzinfo=KYIV
    )


def test_without_martial_law_new_years_day_is_skipped():
    assert add_working_days(NEW_YEARS_EVE, 1, NEW_YEAR, ()) == datetime(2026, 1, 2, 10, tzinfo=KYIV)


def test_a_holiday_the_day_after_martial_law_ended_is_a_day_off_again():
    ended_the_day_before = (MartialLaw(date(2022, 3, 24), date(2025, 12, 31)),)
    assert add_working_days(NEW_YEARS_EVE, 1, NEW_YEAR, ended_the_day_before) == datetime(
        2026, 1, 2, 10, tzinfo=KYIV
    )
    ended_that_day = (MartialLaw(date(2022, 3, 24), date(2026, 1, 1)),)
    assert add_working_days(NEW_YEARS_EVE, 1, NEW_YEAR, ended_that_day) == datetime(
        2026, 1, 1, 10, tzinfo=KYIV
    )


def test_weekends_stay_days_off_under_martial_law():
    friday = datetime(2026, 1, 2, 10, tzinfo=KYIV)
    assert add_working_days(friday, 1, NEW_YEAR, UNDER_MARTIAL_LAW) == datetime(
        2026, 1, 5, 10, tzinfo=KYIV
    )


@pytest.mark.django_db
def test_the_calendar_covers_this_year_and_the_next_and_knows_martial_law_lasts():
    from referrals.adapters import live_catalogue

    days = set(Holiday.objects.values_list("date", flat=True))
    assert {date(2026, 1, 1), date(2026, 12, 25), date(2027, 1, 1), date(2027, 12, 25)} <= days
    catalogue = live_catalogue()
    assert any(p.covers(date(2026, 11, 25)) for p in catalogue.martial_law)
    assert MartialLawPeriod.objects.filter(ends_on__isnull=True).exists()
