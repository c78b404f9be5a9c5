"""The shared rules of portal.calendar, held at their edges."""

from datetime import date

import pytest

from portal.calendar import (
    age_on,
    change_pct,
    month_end,
    person_age,
    round_half_up,
    same_day_a_year_earlier,
    share,
)


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(2008, 5, 10), date(2026, 5, 9), 17),
        (date(2008, 5, 10), date(2026, 5, 10), 18),
        (date(2008, 2, 29), date(2026, 2, 28), 17),  # a 29 February birthday: not yet
        (date(2008, 2, 29), date(2026, 3, 1), 18),  # … but on 1 March
        (date(2008, 2, 29), date(2028, 2, 29), 20),
        (date(2026, 1, 1), date(2026, 6, 1), 0),  # an infant is 0, not unknown
    ],
)
def test_age_is_whole_years_lived_on_the_day(birth, day, age):
    assert age_on(birth, day) == age


def test_a_person_without_birth_date_has_the_approximate_age_or_none():
    assert person_age(None, 34, date(2026, 1, 1)) == 34
    assert person_age(None, None, date(2026, 1, 1)) is None
    assert person_age(date(2026, 1, 1), None, date(2026, 3, 1)) == 0
    assert person_age(date(2000, 1, 1), 99, date(2026, 3, 1)) == 26  # the birth date wins


@pytest.mark.parametrize(
    ("day", "earlier"),
    [
        (date(2025, 2, 28), date(2024, 2, 29)),
        (date(2024, 2, 29), date(2023, 2, 28)),
        (date(2024, 2, 28), date(2023, 2, 28)),
        (date(2025, 9, 30), date(2024, 9, 30)),
        (date(2025, 1, 1), date(2024, 1, 1)),
    ],
)
def test_the_same_day_a_year_earlier_matches_month_ends_of_february(day, earlier):
    assert same_day_a_year_earlier(day) == earlier


def test_month_end():
    assert month_end(2024, 2) == date(2024, 2, 29)
    assert month_end(2025, 12) == date(2025, 12, 31)


@pytest.mark.parametrize(
    ("value", "rounded"),
    [(68.25, 68.3), (0.05, 0.1), (2.675, 2.7), (-2.25, -2.3), (0.04, 0.0), (None, None)],
)
def test_rounding_is_decimal_half_up(value, rounded):
    assert round_half_up(value) == rounded


def test_a_share_without_a_base_is_none_and_zero_stays_zero():
    assert share(0, 10) == 0.0
    assert share(1, 0) is None
    assert share(None, 10) is None
    assert share(273, 400) == 68.3  # 68.25 exactly


def test_a_change_is_computed_from_unrounded_values_and_has_no_base_when_last_year_was_zero():
    assert change_pct(11, 2) == 450.0
    assert change_pct(5, 0) is None
    assert change_pct(0, 4) == -100.0
    assert change_pct(1, 3) == -66.7
