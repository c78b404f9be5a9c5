"""Sane domains for the dates, money and counts people type in: the bounds in one place.

Forms call the validators (a clear message to the person), models use the constants in their
CheckConstraints (the database refuses whatever slips past a form), services may call the
validators too. Pure: no models, no app imports; `now`/`today` can be passed in for tests.

A CHECK cannot compare with now() (not immutable), so the database holds the fixed bounds
(2000-01-01, 2100-01-01) and the "not in the future" half lives here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KYIV = ZoneInfo("Europe/Kyiv")

# The register starts here: no report, incident, order or deadline on it is older.
EARLIEST_DATE = date(2000, 1, 1)
EARLIEST_MOMENT = datetime(2000, 1, 1, tzinfo=KYIV)
# Nobody alive was born earlier; a birth date before it is a typing slip.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
# Exclusive far bound for end dates and for the CHECKs' upper bound.
LATEST_DATE = date(2100, 1, 1)
LATEST_MOMENT = datetime(2100, 1, 1, tzinfo=KYIV)
EARLIEST_YEAR, LATEST_YEAR = EARLIEST_DATE.year, LATEST_DATE.year - 1
# Clocks of a phone, a police tablet and the server differ by a few minutes.
CLOCK_SKEW = timedelta(minutes=10)
# Due dates, deadlines and reporting windows are planned at most this far ahead.
PLANNING_HORIZON_YEARS = 5

# Amounts are in thousand UAH (numeric(12, 1) columns): 10^9 thousand UAH = 10^12 UAH,
# far above any city budget; one decimal place is what the columns keep (100 UAH).
MONEY_MAX = Decimal(10) ** 9
MONEY_DECIMAL_PLACES = 1
# Indicator plans and facts (people, events, places) share the columns' shape.
INDICATOR_MAX = Decimal(10) ** 9
INDICATOR_DECIMAL_PLACES = 1

MAX_ACCOMPANYING_CHILDREN = 30
MAX_CAPACITY = 10_000
MAX_AGE = 120


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value, KYIV).date() if timezone.is_aware(value) else value.date()
    return value


def _today(today: date | None) -> date:
    return today or timezone.localdate(timezone=KYIV)


def _too_early(earliest: date) -> ValidationError:
    return ValidationError(
        _("The date cannot be earlier than %(earliest)s."),
        code="too_early",
        params={"earliest": _day(earliest)},
    )


def validate_past_moment(value: datetime, *, now: datetime | None = None) -> None:
    """Report, incident, breach and urgent-order moments: 2000-01-01 … now + clock skew."""
    if value < EARLIEST_MOMENT:
        raise _too_early(EARLIEST_DATE)
    if value > (now or timezone.now()) + CLOCK_SKEW:
        raise ValidationError(_("The date cannot be in the future."), code="future")


def validate_past_date(value: date, *, today: date | None = None) -> None:
    """Court decision dates and order starts: 2000-01-01 … today."""
    if value < EARLIEST_DATE:
        raise _too_early(EARLIEST_DATE)
    if value > _today(today):
        raise ValidationError(_("The date cannot be in the future."), code="future")


def validate_birth_date(value: date, *, today: date | None = None) -> None:
    if value < EARLIEST_BIRTH_DATE:
        raise _too_early(EARLIEST_BIRTH_DATE)
    if value > _today(today):
        raise ValidationError(_("The date of birth cannot be in the future."), code="future")


def validate_end_date(value: date | datetime) -> None:
    """The end of an order or an extension: 2000-01-01 … 31.12.2099."""
    day = _as_date(value)
    if day < EARLIEST_DATE:
        raise _too_early(EARLIEST_DATE)
    if day >= LATEST_DATE:
        raise ValidationError(
            _("The date must be before %(latest)s."),
            code="too_late",
            params={"latest": _day(LATEST_DATE)},
        )


def planning_limit(today: date | None = None) -> date:
    today = _today(today)
    try:
        return today.replace(year=today.year + PLANNING_HORIZON_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + PLANNING_HORIZON_YEARS, day=28)


def validate_planning_date(value: date | datetime, *, today: date | None = None) -> None:
    """Task due dates, measure deadlines, reporting windows: 2000-01-01 … today + 5 years."""
    day = _as_date(value)
    if day < EARLIEST_DATE:
        raise _too_early(EARLIEST_DATE)
    limit = planning_limit(today)
    if day > limit:
        raise ValidationError(
            _("The date cannot be later than %(latest)s."),
            code="too_late",
            params={"latest": _day(limit)},
        )


def validate_year(value: int) -> None:
    if not EARLIEST_YEAR <= value <= LATEST_YEAR:
        raise ValidationError(
            _("Enter a year from %(earliest)s to %(latest)s."),
            code="year",
            params={"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        )


def is_sane_year(value: int) -> bool:
    return EARLIEST_YEAR <= value <= LATEST_YEAR


def _validate_decimal(value: Decimal, *, maximum: Decimal, places: int) -> None:
    if not value.is_finite():
        raise ValidationError(_("Enter a number."), code="invalid")
    if value < 0:
        raise ValidationError(_("The number cannot be negative."), code="negative")
    if value >= maximum:
        raise ValidationError(
            _("The number must be less than %(maximum)s."),
            code="too_large",
            params={"maximum": f"{maximum:,.0f}".replace(",", " ")},
        )
    exponent = value.as_tuple().exponent
    if (
        isinstance(exponent, int)
        and -exponent > places
        and value != value.quantize(Decimal(1).scaleb(-places))
    ):
        raise ValidationError(
            _("Enter at most %(places)s digit(s) after the decimal point."),
            code="decimal_places",
            params={"places": places},
        )


def validate_money(value: Decimal) -> None:
    """Funding, spending, plans in thousand UAH: finite, 0 … < 10^9, one decimal place."""
    _validate_decimal(value, maximum=MONEY_MAX, places=MONEY_DECIMAL_PLACES)


def validate_indicator_value(value: Decimal) -> None:
    _validate_decimal(value, maximum=INDICATOR_MAX, places=INDICATOR_DECIMAL_PLACES)


def validate_count(value: int, *, maximum: int) -> None:
    if value < 0:
        raise ValidationError(_("The number cannot be negative."), code="negative")
    if value > maximum:
        raise ValidationError(
            _("The number cannot be greater than %(maximum)s."),
            code="too_large",
            params={"maximum": maximum},
        )


def validate_children(value: int) -> None:
    validate_count(value, maximum=MAX_ACCOMPANYING_CHILDREN)


def validate_capacity(value: int) -> None:
    validate_count(value, maximum=MAX_CAPACITY)


def validate_age(value: int) -> None:
    validate_count(value, maximum=MAX_AGE)
