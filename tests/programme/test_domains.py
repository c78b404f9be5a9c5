"""Money, indicator values and years of the programme have a sane domain: NaN, Infinity, 1e30,
negative amounts and year 40000 are refused in Ukrainian and by the database."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from portal.models import Organisation
from programme.forms import FundingForm, ProgressForm
from programme.models import Funding, Indicator, Measure, Programme, ProgrammeTask, Progress
from programme.services import progress_submit

repair = importlib.import_module("programme.migrations.0002_sane_domains").repair


@pytest.fixture
def measure(executor):
    programme = Programme.objects.create(code="p", title="Програма", year_from=2022, year_to=2026)
    task = ProgrammeTask.objects.create(programme=programme, code="1", title="Завдання")
    measure = Measure.objects.create(task=task, code="1.1", title="Захід")
    measure.executors.add(Organisation.objects.get(code="city-centre"))
    Indicator.objects.create(measure=measure, code="1", title="Люди", unit="осіб")
    return measure


def _form(data: dict, measure) -> ProgressForm:
    return ProgressForm(
        {"status": "in_progress", "spent": "0", "version": "0", **data},
        indicators=measure.indicators.all(),
    )


def _message(data: dict, measure, year: int = 2025) -> str:
    """What the executor is told: the form's errors, or the service's for a valid form."""
    with translation.override("uk"):
        form = _form(data, measure)
        if not form.is_valid():
            return " ".join(form.error_messages())
        executor = measure.executors.get().memberships.get().user
        with pytest.raises(ValidationError) as caught:
            progress_submit(
                actor=executor, measure_id=measure.pk, year=year, quarter=1, **form.submission()
            )
        return " ".join(caught.value.messages)


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("NaN", "Введіть число"),
        ("Infinity", "Введіть число"),
        ("1e30", "має бути меншим за"),
        ("-0,01", "не може бути від'ємним"),
        ("12,55", "знак(ів) після коми"),
    ],
)
def test_spending_refuses_what_is_not_money_in_ukrainian(measure, value, phrase):
    assert phrase in _message({"spent": value}, measure)


def test_an_indicator_value_of_nan_and_a_year_of_40000_are_refused(measure):
    indicator = measure.indicators.get()
    assert "Введіть число" in _message({f"ind-{indicator.pk}": "NaN"}, measure)
    assert "Вкажіть рік від 2000 до 2099" in _message({}, measure, year=40000)


def test_sane_numbers_pass_with_a_decimal_comma(measure):
    indicator = measure.indicators.get()
    form = _form({"spent": "1250,5", f"ind-{indicator.pk}": "12"}, measure)
    assert form.is_valid()
    submission = form.submission()
    assert (submission["spent"], submission["actuals"]) == (
        Decimal("1250.5"),
        {indicator.pk: Decimal("12")},
    )


def test_the_progress_page_writes_nothing_for_nan_spending(client, executor, measure):
    client.force_login(executor)
    response = client.post(
        f"/programme/measures/{measure.pk}/progress/2025/1/",
        {"spent": "NaN", "status": "in_progress"},
    )
    assert response.status_code == 400
    assert "Введіть число" in response.content.decode()
    assert not Progress.objects.exists()


def test_funding_form_refuses_a_negative_amount_and_year_one():
    with translation.override("uk"):
        form = FundingForm({"year": "1", "amount": "-5"})
        assert not form.is_valid()
        assert "не може бути від'ємним" in form.errors["amount"][0]
        assert "2000" in form.errors["year"][0]


def _refused(sql: str, params: list) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError:
        return True
    return False


def test_the_database_refuses_nan_negative_and_huge_amounts(measure):
    progress = Progress.objects.create(measure=measure, year=2025, quarter=1, status="done")
    funding = Funding.objects.create(measure=measure, year=2025, source="city_budget", amount=1)
    pk = [progress.pk]
    assert _refused("UPDATE programme_progress SET spent = 'NaN' WHERE id = %s", pk)
    assert _refused("UPDATE programme_progress SET spent = -0.1 WHERE id = %s", pk)
    assert _refused("UPDATE programme_progress SET year = 1 WHERE id = %s", pk)
    assert _refused("UPDATE programme_funding SET amount = 1000000000 WHERE id = %s", [funding.pk])
    assert not _refused("UPDATE programme_progress SET spent = 999999999.9 WHERE id = %s", pk)


def test_the_repair_zeroes_nan_spending_and_keeps_the_old_value_in_the_narrative(measure):
    progress = Progress.objects.create(
        measure=measure, year=2025, quarter=1, status="done", narrative="Тренінг"
    )
    stray = Progress.objects.create(measure=measure, year=2025, quarter=2, status="done")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE programme_progress DROP CONSTRAINT progress_sane")
        cursor.execute("UPDATE programme_progress SET spent = 'NaN' WHERE id = %s", [progress.pk])
        cursor.execute("UPDATE programme_progress SET year = 1 WHERE id = %s", [stray.pk])

    repair(apps, None)

    progress.refresh_from_db()
    assert progress.spent == 0
    assert "NaN" in progress.narrative and progress.narrative.startswith("Тренінг")
    assert not Progress.objects.filter(pk=stray.pk).exists()
