"""orders.rules at every edge: an 18th birthday across Kyiv midnight, 29 February, an order ending
in the daylight-saving gap or in the repeated hour, month-end restrictive periods and successive
extensions, and the SQL status agreeing with the pure rule on every state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from orders import services
from orders.models import RestrainingOrder
from orders.rules import (
    STATUS_BOUNDARIES,
    OrderStatus,
    check_extension,
    check_restrictive_order,
    check_urgent_order,
    order_status,
    restrictive_bounds,
    urgent_max_end,
)
from orders.selectors import with_status
from portal.calendar import KYIV, age_on
from tests.cases.factories import person, register_case
from tests.orders.factories import urgent


def kyiv(*args, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=KYIV, fold=fold)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def codes(violations) -> set[str]:
    return {v.code for v in violations}


MINUTE = timedelta(minutes=1)
MICROSECOND = timedelta(microseconds=1)

# --- the offender's 18th birthday across midnight in Kyiv ------------------------------------

BORN_1_OCTOBER_2006 = date(2006, 10, 1)  # 18 on 01.10.2024


@pytest.mark.parametrize(
    ("issued_at", "minor"),
    [
        (kyiv(2024, 9, 30, 23, 59), True),
        (kyiv(2024, 9, 30, 23, 59, 59, 999999), True),
        (kyiv(2024, 10, 1, 0, 0), False),
        # The same moments written in UTC: Kyiv is UTC+3 in October, so Kyiv's midnight is 21:00
        # UTC of the day before. The calendar day is Kyiv's, never UTC's.
        (utc(2024, 9, 30, 20, 59), True),
        (utc(2024, 9, 30, 21, 0), False),
        (utc(2024, 10, 1, 0, 0), False),
    ],
)
def test_the_offender_is_a_minor_until_midnight_in_kyiv_of_the_18th_birthday(issued_at, minor):
    result = check_urgent_order(
        issued_at=issued_at,
        ends_at=issued_at + timedelta(days=5),
        measures=["no_entry"],
        offender_birth_date=BORN_1_OCTOBER_2006,
    )
    assert ("minor_offender" in codes(result)) is minor


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("issued_at", "refused"),
    [
        (kyiv(2024, 9, 30, 23, 59), True),
        (kyiv(2024, 10, 1, 0, 0), False),
        (utc(2024, 9, 30, 21, 0), False),
    ],
)
def test_police_may_not_order_a_minor_out_of_the_home_one_minute_before_the_18th_birthday(
    owner, police, issued_at, refused
):
    case = register_case(owner, offender=person("Коваль", "Денис", "M", BORN_1_OCTOBER_2006))
    if refused:
        with pytest.raises(ValidationError) as error:
            urgent(police, case, issued_at=issued_at, measures=["no_entry"])
        assert "18" in error.value.message_dict["measures"][0]
    else:
        order = urgent(police, case, issued_at=issued_at, measures=["no_entry"])
        assert not order.offender_minor


# --- born on 29 February ---------------------------------------------------------------------

BORN_29_FEBRUARY_2008 = date(2008, 2, 29)


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (date(2026, 2, 27), 17),
        # 2026 has no 29 February: the birthday is taken as 1 March (see the report: the Civil
        # Code's month-end rule could be read as 28 February instead).
        (date(2026, 2, 28), 17),
        (date(2026, 3, 1), 18),
        (date(2028, 2, 28), 19),
        (date(2028, 2, 29), 20),  # leap year: the birthday itself
    ],
)
def test_a_person_born_on_29_february_ages_on_1_march_in_a_common_year(day, age):
    assert age_on(BORN_29_FEBRUARY_2008, day) == age


@pytest.mark.parametrize(
    ("issued_at", "minor"),
    [
        (kyiv(2026, 2, 28, 23, 59), True),
        (kyiv(2026, 3, 1, 0, 0), False),
    ],
)
def test_an_offender_born_on_29_february_is_an_adult_from_1_march_of_a_common_year(
    issued_at, minor
):
    result = check_urgent_order(
        issued_at=issued_at,
        ends_at=issued_at + timedelta(days=1),
        measures=["leave_residence"],
        offender_birth_date=BORN_29_FEBRUARY_2008,
    )
    assert ("minor_offender" in codes(result)) is minor


# --- an urgent order ending in the daylight-saving gap or in the repeated hour ---------------

# Spring: 31.03.2024 03:00 EET → 04:00 EEST; 03:30 that night does not exist.
SPRING_ISSUE = kyiv(2024, 3, 21, 3, 30)
# Autumn: 27.10.2024 04:00 EEST → 03:00 EET; 03:30 that night happens twice.
AUTUMN_ISSUE = kyiv(2024, 10, 17, 3, 30)


@pytest.mark.parametrize(
    ("issued_at", "latest_in_utc"),
    [
        # 10 × 24 hours in both cases: the change happens after 03:30 wall-clock on the last day
        (SPRING_ISSUE, utc(2024, 3, 31, 1, 30)),  # 03:30 EET does not exist: 04:30 EEST
        (AUTUMN_ISSUE, utc(2024, 10, 27, 0, 30)),  # the first 03:30 (EEST), not the second
    ],
)
def test_the_latest_end_in_a_daylight_saving_night_is_a_real_moment(issued_at, latest_in_utc):
    # (in UTC: by PEP 495 a moment in the repeated hour never equals one in another zone)
    assert urgent_max_end(issued_at).astimezone(UTC) == latest_in_utc


@pytest.mark.parametrize(
    ("issued_at", "ends_at", "expected"),
    [
        # spring gap, the same moments written three ways
        (SPRING_ISSUE, SPRING_ISSUE + timedelta(days=10), set()),
        (SPRING_ISSUE, utc(2024, 3, 31, 1, 30), set()),
        (SPRING_ISSUE, kyiv(2024, 3, 31, 4, 30), set()),
        (SPRING_ISSUE, kyiv(2024, 3, 31, 4, 0), set()),  # before the limit: it was refused
        (SPRING_ISSUE, kyiv(2024, 3, 31, 4, 31), {"urgent_too_long"}),
        (SPRING_ISSUE, SPRING_ISSUE + timedelta(days=10) + MINUTE, {"urgent_too_long"}),
        (SPRING_ISSUE, utc(2024, 3, 31, 1, 31), {"urgent_too_long"}),
        # autumn repeated hour: the first 03:30 is the limit, the second one is an hour late
        (AUTUMN_ISSUE, AUTUMN_ISSUE + timedelta(days=10), set()),
        (AUTUMN_ISSUE, kyiv(2024, 10, 27, 3, 30), set()),
        (AUTUMN_ISSUE, utc(2024, 10, 27, 0, 30), set()),
        (AUTUMN_ISSUE, kyiv(2024, 10, 27, 3, 31), {"urgent_too_long"}),
        (AUTUMN_ISSUE, AUTUMN_ISSUE + timedelta(days=10) + MINUTE, {"urgent_too_long"}),
        (AUTUMN_ISSUE, kyiv(2024, 10, 27, 3, 0, fold=1), {"urgent_too_long"}),  # was accepted
        (AUTUMN_ISSUE, kyiv(2024, 10, 27, 3, 30, fold=1), {"urgent_too_long"}),  # was accepted
        (AUTUMN_ISSUE, utc(2024, 10, 27, 1, 30), {"urgent_too_long"}),
    ],
)
def test_an_urgent_order_ending_in_a_daylight_saving_night_lasts_ten_days_to_the_minute(
    issued_at, ends_at, expected
):
    assert (
        codes(check_urgent_order(issued_at=issued_at, ends_at=ends_at, measures=["no_contact"]))
        == expected
    )


@pytest.mark.parametrize(
    ("issued_at", "named"),
    [(SPRING_ISSUE, "31.03.2024 04:30"), (AUTUMN_ISSUE, "27.10.2024 03:30")],
)
def test_the_refusal_names_a_latest_end_that_exists_on_the_clock(issued_at, named):
    (violation,) = check_urgent_order(
        issued_at=issued_at, ends_at=issued_at + timedelta(days=11), measures=["no_contact"]
    )
    assert named in violation.message


def test_an_order_ending_an_hour_after_issue_in_the_repeated_hour_is_not_before_its_start():
    first = kyiv(2024, 10, 27, 3, 30)  # EEST
    second = kyiv(2024, 10, 27, 3, 10, fold=1)  # EET: 40 minutes later, earlier on the clock
    assert not check_urgent_order(issued_at=first, ends_at=second, measures=["no_contact"])
    assert codes(check_urgent_order(issued_at=second, ends_at=first, measures=["no_contact"])) == {
        "end_before_start"
    }


# --- restrictive periods from a month end and successive extensions --------------------------


@pytest.mark.parametrize(
    ("start", "months", "last_day"),
    [
        # The last day is the day before the same day N months later; where that day does not
        # exist, relativedelta takes the month's last day, and the period ends the day before.
        (date(2025, 1, 31), 1, date(2025, 2, 27)),
        (date(2024, 1, 31), 1, date(2024, 2, 28)),  # leap year
        (date(2024, 8, 31), 6, date(2025, 2, 27)),
        (date(2023, 8, 31), 6, date(2024, 2, 28)),  # ends in a leap February
        (date(2024, 12, 31), 6, date(2025, 6, 29)),
        (date(2025, 3, 31), 1, date(2025, 4, 29)),
    ],
)
def test_an_extension_from_a_month_end_lasts_at_most_up_to_the_day_before_the_same_day(
    start, months, last_day
):
    order_end = start - timedelta(days=1)
    assert not check_extension(order_end=order_end, start=start, end=last_day, max_months=months)
    assert codes(
        check_extension(
            order_end=order_end, start=start, end=last_day + timedelta(days=1), max_months=months
        )
    ) == {"extension_too_long"}


@pytest.mark.parametrize(
    ("start", "one_month", "six_months"),
    [
        (date(2025, 1, 31), date(2025, 2, 27), date(2025, 7, 30)),
        (date(2024, 8, 31), date(2024, 9, 29), date(2025, 2, 27)),
    ],
)
def test_a_restrictive_order_from_a_month_end_has_the_same_bounds_as_its_extension(
    start, one_month, six_months
):
    assert restrictive_bounds(start) == (one_month, six_months)
    assert not check_restrictive_order(start=start, end=six_months, measures=["keep_distance"])
    assert codes(
        check_restrictive_order(
            start=start, end=six_months + timedelta(days=1), measures=["keep_distance"]
        )
    ) == {"restrictive_too_long"}


def test_successive_six_month_extensions_each_start_the_day_after_the_previous_end():
    end = date(2024, 8, 30)  # the order's last day; the first extension starts at a month end
    chain = []
    for _ in range(4):
        start = end + timedelta(days=1)
        longest = restrictive_bounds(start, 1, 6)[1]
        assert not check_extension(order_end=end, start=start, end=longest)
        assert codes(
            check_extension(order_end=end, start=start, end=longest + timedelta(days=1))
        ) == {"extension_too_long"}
        assert codes(
            check_extension(order_end=end, start=start + timedelta(days=1), end=longest)
        ) == {"extension_after_end"}
        chain.append((start, longest))
        end = longest
    assert chain == [
        (date(2024, 8, 31), date(2025, 2, 27)),
        (date(2025, 2, 28), date(2025, 8, 27)),
        (date(2025, 8, 28), date(2026, 2, 27)),
        (date(2026, 2, 28), date(2026, 8, 27)),
    ]


# --- the SQL status agrees with orders.rules on every state ----------------------------------


@pytest.fixture
def orders_in_every_state(owner, police):
    """An urgent order, a restrictive order with an extension, a cancelled urgent order, and an
    urgent order that has already ended after a breach."""
    first = register_case(owner)
    live = urgent(police, first, number="ТЗП-1")
    second = register_case(owner, victim=person("Бондар", "Олена"))
    start = timezone.localdate() - timedelta(days=60)
    restrictive = services.order_record_restrictive(
        actor=owner,
        case_id=second.pk,
        number="754/1/24",
        court="Дарницький районний суд",
        decision_date=start,
        applicant="victim",
        start=start,
        end=start + timedelta(days=40),
        measures=["keep_distance"],
    )
    services.order_extend(
        actor=owner,
        order_id=restrictive.pk,
        start=start + timedelta(days=41),
        end=start + timedelta(days=100),
    )
    third = register_case(owner, victim=person("Гнатюк", "Марія"))
    cancelled = urgent(police, third, number="ТЗП-3")
    services.order_cancel(actor=police, order_id=cancelled.pk, reason="помилка")
    fourth = register_case(owner, victim=person("Савчук", "Ірина"))
    breached = urgent(
        police, fourth, number="ТЗП-4", issued_at=timezone.now() - timedelta(days=3), days=2
    )
    services.breach_record(
        actor=police,
        order_id=breached.pk,
        occurred_at=breached.ends_at - MICROSECOND,
        description="прийшов",
        consequence="administrative",
    )
    return {
        "urgent": live,
        "restrictive": restrictive,
        "cancelled": cancelled,
        "breached": breached,
    }


def _extended_until(order):
    return max(order.extensions.values_list("ends_at", flat=True), default=None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("order", "moment", "status"),
    [
        ("urgent", lambda o: o.starts_at - MICROSECOND, OrderStatus.PENDING),
        ("urgent", lambda o: o.starts_at, OrderStatus.ACTIVE),
        ("urgent", lambda o: o.ends_at - MICROSECOND, OrderStatus.ACTIVE),
        ("urgent", lambda o: o.ends_at, OrderStatus.EXPIRED),
        ("restrictive", lambda o: o.starts_at - MICROSECOND, OrderStatus.PENDING),
        ("restrictive", lambda o: o.ends_at - MICROSECOND, OrderStatus.ACTIVE),
        ("restrictive", lambda o: o.ends_at, OrderStatus.EXTENDED),
        ("restrictive", lambda o: _extended_until(o) - MICROSECOND, OrderStatus.EXTENDED),
        ("restrictive", lambda o: _extended_until(o), OrderStatus.EXPIRED),
        ("cancelled", lambda o: o.starts_at - MICROSECOND, OrderStatus.PENDING),
        ("cancelled", lambda o: o.cancelled_at - MICROSECOND, OrderStatus.ACTIVE),
        ("cancelled", lambda o: o.cancelled_at, OrderStatus.CANCELLED),
        ("cancelled", lambda o: o.ends_at + timedelta(days=1), OrderStatus.CANCELLED),
        ("breached", lambda o: o.starts_at, OrderStatus.ACTIVE),
        ("breached", lambda o: o.ends_at - MICROSECOND, OrderStatus.ACTIVE),
        ("breached", lambda o: o.ends_at, OrderStatus.EXPIRED),
    ],
)
def test_the_status_computed_in_sql_is_the_status_of_orders_rules(
    orders_in_every_state, order, moment, status
):
    row = RestrainingOrder.objects.get(pk=orders_in_every_state[order].pk)
    now = moment(row)
    in_sql = with_status(RestrainingOrder.objects.filter(pk=row.pk), now=now).get()
    in_rules = order_status(
        now=now,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        cancelled_at=row.cancelled_at,
        extended_until=_extended_until(row),
    )
    assert in_sql.status == in_rules == status
    assert in_sql.extended_until == _extended_until(row)


@pytest.mark.django_db
def test_every_order_in_one_query_has_the_status_of_orders_rules_at_each_boundary(
    orders_in_every_state,
):
    """All the orders at once, at every boundary instant of each: one SQL CASE, built from
    orders.rules.STATUS_BOUNDARIES, against the pure rule; every status appears."""
    rows = list(RestrainingOrder.objects.order_by("pk"))
    instants = set()
    for row in rows:
        for moment in (row.starts_at, row.ends_at, row.cancelled_at, _extended_until(row)):
            if moment is not None:
                instants |= {moment - MICROSECOND, moment, moment + MICROSECOND}
    seen = set()
    for now in sorted(instants):
        in_sql = dict(
            with_status(RestrainingOrder.objects.all(), now=now).values_list("pk", "status")
        )
        for row in rows:
            in_rules = order_status(
                now=now,
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                cancelled_at=row.cancelled_at,
                extended_until=_extended_until(row),
            )
            assert in_sql[row.pk] == in_rules, (row.number, now)
            seen.add(in_rules)
    assert seen == set(OrderStatus)
    assert {edge.status for edge in STATUS_BOUNDARIES} | {OrderStatus.EXPIRED} == seen


@pytest.mark.django_db
def test_a_breach_at_the_very_end_of_an_order_is_refused_as_after_its_end(owner, police):
    """The order is in force up to, not including, its end (the status turns "expired" at that
    instant): a breach at that instant is after the order, as one before its start is before."""
    order = urgent(
        police, register_case(owner), issued_at=timezone.now() - timedelta(days=3), days=2
    )
    with pytest.raises(ValidationError) as refused:
        services.breach_record(
            actor=police,
            order_id=order.pk,
            occurred_at=order.ends_at,
            description="прийшов",
            consequence="administrative",
        )
    assert "occurred_at" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.breach_record(
            actor=police,
            order_id=order.pk,
            occurred_at=order.starts_at - MICROSECOND,
            description="прийшов",
            consequence="administrative",
        )
    assert not order.breaches.exists()
    breach = services.breach_record(
        actor=police,
        order_id=order.pk,
        occurred_at=order.ends_at - MICROSECOND,
        description="прийшов",
        consequence="administrative",
    )
    assert breach.order == order
    annotated = with_status(RestrainingOrder.objects.filter(pk=order.pk)).get()
    assert (annotated.status, annotated.breach_count) == (OrderStatus.EXPIRED, 1)
