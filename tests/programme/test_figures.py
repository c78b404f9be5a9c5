from __future__ import annotations

from datetime import date

import pytest

from portal.numbers import format_number, format_pct
from programme.figures import (
    Period,
    age_group,
    change,
    period_for,
    previous_year,
    suppress,
)


@pytest.mark.parametrize(
    ("args", "start", "end"),
    [
        (("quarter", 2024, {"quarter": 1}), date(2024, 1, 1), date(2024, 3, 31)),
        (("quarter", 2024, {"quarter": 4}), date(2024, 10, 1), date(2024, 12, 31)),
        (("months", 2024, {"months": 9}), date(2024, 1, 1), date(2024, 9, 30)),
        (("months", 2024, {"months": 2}), date(2024, 1, 1), date(2024, 2, 29)),
        (("year", 2023, {}), date(2023, 1, 1), date(2023, 12, 31)),
    ],
)
def test_periods(args, start, end):
    kind, year, extra = args
    period = period_for(kind, year, **extra)
    assert (period.start, period.end) == (start, end)


def test_the_counterpart_of_a_leap_february_is_the_whole_february_a_year_earlier():
    assert previous_year(period_for("months", 2024, months=2)).end == date(2023, 2, 28)
    assert previous_year(Period(date(2024, 2, 29), date(2024, 2, 29))).start == date(2023, 2, 28)


@pytest.mark.parametrize(("n", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (12, 12)])
def test_small_counts_are_suppressed_outside_the_system(n, shown):
    assert suppress(n) == shown


def test_change_has_no_percentage_against_zero():
    assert change(5, 0) == {"current": 5, "previous": 0, "diff": 5, "pct": None}
    assert change(12, 10)["pct"] == 20.0
    assert change(None, 3)["pct"] is None


@pytest.mark.parametrize(
    ("age", "group"),
    [
        (0, "0-17"),
        (17, "0-17"),
        (18, "18-35"),
        (35, "18-35"),
        (36, "36-59"),
        (59, "36-59"),
        (60, "60+"),
        (None, "unknown"),  # a victim without any age has a row of their own
    ],
)
def test_age_groups(age, group):
    assert age_group(age) == group


def test_ukrainian_number_formatting():
    assert format_number(11848) == "11\u00a0848"
    assert format_number(84200.0, 1) == "84\u00a0200,0"
    assert format_pct(-9.67) == "-9,7\u00a0%"
    assert format_pct(None) == "—"


def test_an_english_reader_reads_figures_in_english_typography():
    from django.template import Context, Template
    from django.utils import translation

    assert format_number(11848.25, 1, english=True) == "11,848.2"
    assert format_pct(1.54, english=True) == "+1.5\u00a0%"
    page = Template("{% load portal_format %}{{ n|num }} {{ d|num:1 }} {{ c|pct }}")
    values = Context({"n": 11848, "d": 12.5, "c": -4.06})
    with translation.override("en"):
        assert page.render(values) == "11,848 12.5 -4.1\u00a0%"
    with translation.override("uk"):
        assert page.render(values) == "11\u00a0848 12,5 -4,1\u00a0%"
