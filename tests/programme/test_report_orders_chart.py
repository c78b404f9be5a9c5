"""The report draws the year's orders against the same days a year earlier, with hidden values
as the same stub as every other chart."""

from datetime import date

import pytest
from django.utils import translation

from programme.figures import Period
from programme.report import render_html, report_context
from tests.cases.factories import register_case
from tests.orders.factories import urgent

pytestmark = pytest.mark.django_db


def test_the_orders_section_has_a_chart_of_this_year_against_last_year(owner, police):
    urgent(police, register_case(owner))
    period = Period(date(2026, 1, 1), date(2026, 12, 31), "year")
    with translation.override("uk"):
        chart = report_context(period)["charts"]["orders"]
        html = render_html(period)
    assert chart.startswith("<svg") and 'role="img"' in chart
    assert "Термінові заборонні приписи" in chart
    # One urgent order is a small count: drawn as the stub, never at its length.
    assert 'data-suppressed="true"' in chart
    assert chart in html
