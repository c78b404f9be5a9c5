"""Indicator plans in the admin: both programmes number their indicators alike ("1.1.1."), so
each choice and each row says whose programme it is."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from programme.models import Indicator, IndicatorPlan, Measure, Programme, ProgrammeTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_programmes(measure):
    """The fixture's programme (2022–2026) and a later one numbering its indicator alike."""
    later = Programme.objects.create(code="dv-2027", title="Наступна", year_from=2027, year_to=2029)
    task = ProgrammeTask.objects.create(programme=later, code="1", title="Телефон довіри")
    again = Measure.objects.create(task=task, code="1.1", title="Цілодобове консультування")
    Indicator.objects.create(measure=again, code="1", title="Консультовано", unit="осіб")
    return measure


def test_each_indicator_is_offered_with_its_programmes_years(client, admin_user, two_programmes):
    indicators = Indicator.objects.select_related("measure__task__programme")
    assert indicators.count() == 2
    client.force_login(admin_user)
    page = client.get("/admin/programme/indicatorplan/add/").content.decode()
    options = re.findall(r'<option value="\d+">([^<]*)</option>', page)
    assert len(options) == indicators.count()
    assert options == ["2027–2029 · 1. Консультовано", "2022–2026 · 1. Консультовано"]
    # No two choices read the same.
    assert len(set(options)) == len(options)


def test_a_plans_row_names_its_programme(client, admin_user, two_programmes):
    indicator = Indicator.objects.select_related("measure__task__programme").first()
    programme = indicator.measure.task.programme
    IndicatorPlan.objects.create(indicator=indicator, year=programme.year_to, value=Decimal(5))
    client.force_login(admin_user)
    page = client.get("/admin/programme/indicatorplan/").content.decode()
    assert f"{programme.year_from}–{programme.year_to}" in page


def test_the_retention_policy_is_titled_in_words(client, admin_user):
    from cases.models import RetentionPolicy

    policy = RetentionPolicy.objects.create(years_after_closure=5)
    client.force_login(admin_user)
    page = client.get(f"/admin/cases/retentionpolicy/{policy.pk}/change/").content.decode()
    assert "персональні дані зберігаються 5 років після закриття випадку" in page
