"""portal.domains at every boundary: pure, no database."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portal import domains

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=domains.KYIV)
TODAY = NOW.date()


def refused(check, *args, **kwargs) -> bool:
    try:
        check(*args, **kwargs)
    except ValidationError:
        return True
    return False


def test_a_moment_from_the_first_of_january_2000_is_sane_and_one_before_is_not():
    assert not refused(domains.validate_past_moment, domains.EARLIEST_MOMENT, now=NOW)
    assert refused(
        domains.validate_past_moment, domains.EARLIEST_MOMENT - timedelta(minutes=1), now=NOW
    )
    assert refused(
        domains.validate_past_moment, datetime(1999, 12, 31, 23, 59, tzinfo=domains.KYIV), now=NOW
    )


def test_a_moment_ten_minutes_ahead_is_clock_skew_but_eleven_is_the_future():
    assert not refused(domains.validate_past_moment, NOW + timedelta(minutes=10), now=NOW)
    assert refused(domains.validate_past_moment, NOW + timedelta(minutes=11), now=NOW)


def test_a_date_of_birth_from_1900_to_today_is_sane():
    assert not refused(domains.validate_birth_date, date(1900, 1, 1), today=TODAY)
    assert refused(domains.validate_birth_date, date(1899, 12, 31), today=TODAY)
    assert not refused(domains.validate_birth_date, TODAY, today=TODAY)
    assert refused(domains.validate_birth_date, TODAY + timedelta(days=1), today=TODAY)


def test_a_past_date_runs_from_2000_to_today():
    assert not refused(domains.validate_past_date, date(2000, 1, 1), today=TODAY)
    assert refused(domains.validate_past_date, date(1999, 12, 31), today=TODAY)
    assert refused(domains.validate_past_date, TODAY + timedelta(days=1), today=TODAY)


def test_an_end_date_stops_before_2100():
    assert not refused(domains.validate_end_date, date(2099, 12, 31))
    assert refused(domains.validate_end_date, date(2100, 1, 1))
    assert refused(domains.validate_end_date, date(1, 1, 1))


def test_a_planning_date_reaches_five_years_ahead_and_no_further():
    assert not refused(domains.validate_planning_date, date(2030, 3, 10), today=TODAY)
    assert refused(domains.validate_planning_date, date(2030, 3, 11), today=TODAY)
    assert refused(domains.validate_planning_date, date(1999, 12, 31), today=TODAY)
    assert domains.planning_limit(date(2024, 2, 29)) == date(2029, 2, 28)


def test_years_run_from_2000_to_2099():
    assert not refused(domains.validate_year, 2000)
    assert not refused(domains.validate_year, 2099)
    assert refused(domains.validate_year, 1999)
    assert refused(domains.validate_year, 40000)
    assert domains.is_sane_year(2025) and not domains.is_sane_year(40000)


@pytest.mark.parametrize(
    "value",
    ["NaN", "sNaN", "Infinity", "-Infinity", "1e30", "-0.01", "1000000000", "0.05"],
)
def test_money_refuses_what_is_not_a_sane_amount(value):
    assert refused(domains.validate_money, Decimal(value))


@pytest.mark.parametrize("value", ["0", "0.1", "1250.5", "1.50", "999999999.9"])
def test_money_accepts_zero_up_to_just_below_the_maximum(value):
    assert not refused(domains.validate_money, Decimal(value))


def test_counts_are_bounded_at_both_ends():
    assert not refused(domains.validate_children, 0)
    assert not refused(domains.validate_children, 30)
    assert refused(domains.validate_children, 31)
    assert refused(domains.validate_children, -1)
    assert not refused(domains.validate_capacity, 10_000)
    assert refused(domains.validate_capacity, 10_001)
    assert not refused(domains.validate_age, 120)
    assert refused(domains.validate_age, 121)


def test_the_module_imports_no_app():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(domains))
    modules = [
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    ]
    assert not [
        m
        for m in modules
        if m.split(".")[0] in {"cases", "orders", "referrals", "programme", "portal"}
    ]
