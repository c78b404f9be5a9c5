from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from orders.rules import (
    KYIV,
    OrderStatus,
    check_extension,
    check_restrictive_order,
    check_urgent_order,
    order_status,
    periods_overlap,
    restrictive_bounds,
    urgent_max_end,
)


def kyiv(*args) -> datetime:
    return datetime(*args, tzinfo=KYIV)


def codes(violations) -> set[str]:
    return {v.code for v in violations}


ISSUED = kyiv(2024, 10, 1, 10, 0)


@pytest.mark.parametrize(
    ("ends_at", "expected"),
    [
        (ISSUED + timedelta(days=10), set()),  # exactly 10 days is allowed
        (ISSUED + timedelta(days=10, minutes=1), {"urgent_too_long"}),
        (ISSUED + timedelta(minutes=1), set()),
        (ISSUED, {"end_before_start"}),
        (ISSUED - timedelta(hours=1), {"end_before_start"}),
    ],
)
def test_urgent_order_lasts_at_most_ten_days_to_the_minute(ends_at, expected):
    assert (
        codes(check_urgent_order(issued_at=ISSUED, ends_at=ends_at, measures=["no_contact"]))
        == expected
    )


def test_the_refusal_names_the_latest_allowed_end_in_ukrainian_format():
    (violation,) = check_urgent_order(
        issued_at=ISSUED, ends_at=ISSUED + timedelta(days=11), measures=["no_contact"]
    )
    assert "11.10.2024 10:00" in violation.message


@pytest.mark.parametrize(
    ("issued_at", "latest"),
    [
        # spring forward: 31.03.2024 03:00 → 04:00 in Kyiv; ten wall-clock days are 239 hours
        (kyiv(2024, 3, 25, 10, 0), kyiv(2024, 4, 4, 10, 0)),
        # fall back: 27.10.2024 04:00 → 03:00; ten wall-clock days are 241 hours
        (kyiv(2024, 10, 20, 10, 0), kyiv(2024, 10, 30, 10, 0)),
    ],
)
def test_ten_days_are_counted_in_kyiv_wall_clock_across_daylight_saving_changes(issued_at, latest):
    assert urgent_max_end(issued_at) == latest
    assert not check_urgent_order(issued_at=issued_at, ends_at=latest, measures=["no_contact"])
    assert codes(
        check_urgent_order(
            issued_at=issued_at, ends_at=latest + timedelta(minutes=1), measures=["no_contact"]
        )
    ) == {"urgent_too_long"}


@pytest.mark.parametrize(
    ("birth_date", "measures", "refused"),
    [
        (date(2008, 10, 2), ["no_entry"], True),  # 17 years and 364 days on 01.10.2024
        (date(2006, 10, 1), ["no_entry"], False),  # 18 on the day of issue
        (date(2008, 1, 1), ["leave_residence", "no_contact"], True),
        (date(2008, 1, 1), ["no_contact"], False),  # contact ban is allowed for minors
    ],
)
def test_leave_and_no_entry_measures_are_refused_for_an_offender_under_18(
    birth_date, measures, refused
):
    result = check_urgent_order(
        issued_at=ISSUED,
        ends_at=ISSUED + timedelta(days=5),
        measures=measures,
        offender_birth_date=birth_date,
    )
    assert ("minor_offender" in codes(result)) is refused


def test_an_approximate_age_is_used_when_the_date_of_birth_is_unknown():
    result = check_urgent_order(
        issued_at=ISSUED, ends_at=ISSUED + timedelta(days=5), measures=["no_entry"], offender_age=16
    )
    assert codes(result) == {"minor_offender"}
    assert "16" in result[0].message


@pytest.mark.parametrize(("measures", "code"), [([], "no_measure"), (["jail"], "unknown_measure")])
def test_an_order_needs_known_measures(measures, code):
    assert code in codes(
        check_urgent_order(issued_at=ISSUED, ends_at=ISSUED + timedelta(days=1), measures=measures)
    )
    assert code in codes(
        check_restrictive_order(start=date(2024, 1, 1), end=date(2024, 3, 1), measures=measures)
    )


@pytest.mark.parametrize(
    ("start", "shortest", "longest"),
    [
        (date(2024, 1, 1), date(2024, 1, 31), date(2024, 6, 30)),
        (date(2024, 1, 31), date(2024, 2, 28), date(2024, 7, 30)),  # leap year: 29.02 exists
        (date(2023, 1, 31), date(2023, 2, 27), date(2023, 7, 30)),
        (date(2024, 8, 31), date(2024, 9, 29), date(2025, 2, 27)),
        (date(2024, 8, 30), date(2024, 9, 29), date(2025, 2, 27)),
        (date(2024, 2, 29), date(2024, 3, 28), date(2024, 8, 28)),
    ],
)
def test_restrictive_order_bounds_across_month_ends_and_leap_years(start, shortest, longest):
    assert restrictive_bounds(start) == (shortest, longest)
    measures = ["no_correspondence"]
    assert not check_restrictive_order(start=start, end=shortest, measures=measures)
    assert not check_restrictive_order(start=start, end=longest, measures=measures)
    assert codes(
        check_restrictive_order(start=start, end=shortest - timedelta(days=1), measures=measures)
    ) == {"restrictive_too_short"}
    assert codes(
        check_restrictive_order(start=start, end=longest + timedelta(days=1), measures=measures)
    ) == {"restrictive_too_long"}


def test_restrictive_order_ending_before_it_starts_is_refused():
    assert codes(
        check_restrictive_order(
            start=date(2024, 5, 1), end=date(2024, 4, 1), measures=["keep_distance"]
        )
    ) == {"end_before_start"}


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 7, 1), date(2024, 12, 31), set()),  # day after the end, 6 months
        (date(2024, 6, 30), date(2024, 12, 29), set()),  # overlapping the last day is fine
        (date(2024, 7, 2), date(2024, 9, 1), {"extension_after_end"}),
        (date(2024, 7, 1), date(2025, 1, 1), {"extension_too_long"}),
        (date(2024, 7, 1), date(2024, 6, 1), {"end_before_start"}),
    ],
)
def test_extension_rules(start, end, expected):
    assert codes(check_extension(order_end=date(2024, 6, 30), start=start, end=end)) == expected


def test_periods_that_only_touch_do_not_overlap():
    a, b, c = kyiv(2024, 1, 1, 10), kyiv(2024, 1, 5, 10), kyiv(2024, 1, 9, 10)
    assert not periods_overlap(a, b, b, c)
    assert periods_overlap(a, c, b, c)


@pytest.mark.parametrize(
    ("now", "cancelled", "extended", "status"),
    [
        (kyiv(2024, 1, 1, 9), None, None, OrderStatus.PENDING),
        (kyiv(2024, 1, 1, 10), None, None, OrderStatus.ACTIVE),
        (kyiv(2024, 1, 11, 9, 59), None, None, OrderStatus.ACTIVE),
        (kyiv(2024, 1, 11, 10), None, None, OrderStatus.EXPIRED),
        (kyiv(2024, 1, 15), None, kyiv(2024, 2, 1), OrderStatus.EXTENDED),
        (kyiv(2024, 2, 1), None, kyiv(2024, 2, 1), OrderStatus.EXPIRED),
        (kyiv(2024, 1, 5), kyiv(2024, 1, 3), None, OrderStatus.CANCELLED),
        (kyiv(2024, 1, 2), kyiv(2024, 1, 3), None, OrderStatus.ACTIVE),
    ],
)
def test_status_is_derived_from_the_dates(now, cancelled, extended, status):
    assert (
        order_status(
            now=now,
            starts_at=kyiv(2024, 1, 1, 10),
            ends_at=kyiv(2024, 1, 11, 10),
            cancelled_at=cancelled,
            extended_until=extended,
        )
        == status
    )
