"""The statistics page's period, its spreadsheet and the report command.

The period form answers each mistake at its field in Ukrainian and never replaces the period
asked for by another; free dates are for coordinators only. The spreadsheet carries the same
published figures as the page (1–4 people as "<5", no percentage built on them), names its
period in the file name and is audited as an export. The command refuses a period that does not
exist and writes a PDF where asked.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import QueryDict
from django.utils import translation
from openpyxl import load_workbook

from portal.calendar import KYIV
from portal.models import AuditAction, AuditEvent
from portal.numbers import format_pct, format_share
from programme.figures import (
    Period,
    age_group,
    period_for,
    spreadsheet_value,
)
from programme.forms import StatisticsPeriodForm
from programme.selectors import statistics_default_year
from tests.cases.factories import person, register_case

# --- the period form -------------------------------------------------------------------------


def _form(query: str, *, free: bool = True, default_year: int = 2023) -> StatisticsPeriodForm:
    form = StatisticsPeriodForm(QueryDict(query), free_periods=free, default_year=default_year)
    with translation.override("uk"):
        form.is_valid()
    return form


def test_without_a_kind_or_year_the_period_is_the_default_years_nine_months():
    form = _form("")
    assert form.is_valid()
    assert form.period() == Period(date(2023, 1, 1), date(2023, 9, 30), "months")


@pytest.mark.parametrize(
    ("query", "period"),
    [
        (
            "kind=quarter&year=2024&quarter=2",
            Period(date(2024, 4, 1), date(2024, 6, 30), "quarter"),
        ),
        ("kind=year&year=+2022+", Period(date(2022, 1, 1), date(2022, 12, 31), "year")),
        (
            "kind=custom&start=05.02.2024&end=2024-02-20",
            Period(date(2024, 2, 5), date(2024, 2, 20), "custom"),
        ),
    ],
)
def test_each_kind_of_period_gives_its_days(query, period):
    form = _form(query)
    assert form.is_valid(), form.errors
    assert form.period() == period


def test_free_dates_asked_by_a_role_without_them_are_refused_at_the_kind():
    form = _form("kind=custom&start=01.01.2024&end=31.01.2024", free=False)
    assert form.errors == {
        "kind": [
            "Оберіть квартал, 9 місяців або рік: довільні періоди доступні лише координаторам."
        ]
    }


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("kind=custom&start=01.01.2024", "end", "Введіть дату у форматі дд.мм.рррр."),
        ("kind=custom&end=01.01.2024", "start", "Введіть дату у форматі дд.мм.рррр."),
        (
            "kind=custom&start=31.12.1999&end=01.01.2024",
            "start",
            "Введіть дати від 01.01.2000 до 31.12.2099.",
        ),
        (
            "kind=custom&start=01.01.2024&end=01.01.2100",
            "end",
            "Введіть дати від 01.01.2000 до 31.12.2099.",
        ),
        (
            "kind=custom&start=31.02.2024&end=01.03.2024",
            "start",
            "Введіть дату у форматі дд.мм.рррр.",
        ),
        ("kind=year&year=1999", "year", "Вкажіть рік від 2000 до 2099."),
        ("kind=quarter&year=2024&quarter=0", "quarter", "Оберіть квартал від 1 до 4."),
    ],
)
def test_a_wrong_field_of_the_period_is_refused_at_that_field(query, field, message):
    form = _form(query)
    assert form.errors[field] == [message]
    assert message in form.error_messages()


def test_a_mistyped_day_is_shown_back_as_typed_and_a_good_one_as_day_month_year():
    form = _form("kind=custom&start=31.02.2024&end=2024-03-01")
    assert form["start"].value() == "31.02.2024"
    assert form["end"].value() == "01.03.2024"


def test_an_unknown_kind_shows_the_year_field_only():
    assert _form("kind=decade").shown_fields() == ("year",)
    assert _form("kind=custom").shown_fields() == ("start", "end")


def test_the_default_year_for_a_role_without_statistics_is_the_latest_complete_one(executor):
    assert statistics_default_year(executor, today=date(2025, 10, 1)) == 2025
    assert statistics_default_year(executor, today=date(2025, 9, 30)) == 2024


# --- the page and its spreadsheet ------------------------------------------------------------


def _case(owner, when: datetime, surname: str, district: str = "darnytskyi"):
    from portal.models import District

    return register_case(
        owner,
        district_id=District.objects.get(slug=district).pk,
        reported_at=when,
        victim=person(last_name=surname),
        incident={"occurred_at": when - timedelta(hours=2), "forms": ["physical"]},
    )


@pytest.fixture
def three_cases(owner):
    """Three reports in Darnytskyi in February 2024; nothing a year earlier."""
    for day, surname in [(5, "Гнатюк"), (12, "Остапчук"), (26, "Литвиненко")]:
        _case(owner, datetime(2024, 2, day, 12, tzinfo=KYIV), surname)


def _rows(response) -> list[tuple]:
    sheet = load_workbook(BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def _section(rows: list[tuple], title: str) -> list[tuple]:
    start = rows.index(next(r for r in rows if r[0] == title))
    end = next((i for i in range(start + 1, len(rows)) if not any(rows[i])), len(rows))
    return rows[start:end]


def test_the_spreadsheet_shows_three_people_as_less_than_five_without_a_change(
    client, coordinator, three_cases
):
    client.force_login(coordinator)
    response = client.get(
        "/programme/statistics/", {"kind": "quarter", "year": "2024", "quarter": "1"}
    )
    darnytskyi = next(
        r for r in response.context["tables"]["district"] if r["label"] == "Дарницький"
    )
    assert (darnytskyi["current"], darnytskyi["previous"], darnytskyi["pct"]) == ("<5", 0, None)
    xlsx = client.get(
        "/programme/statistics/",
        {"kind": "quarter", "year": "2024", "quarter": "1", "format": "xlsx"},
    )
    assert xlsx["Content-Disposition"] == 'attachment; filename="statistics-20240101-20240331.xlsx"'
    rows = _rows(xlsx)
    assert rows[0][:2] == ("Київ: статистика домашнього насильства", "01.01.2024 – 31.03.2024")
    districts = _section(rows, "Повідомлення за районами")
    assert districts[0] == (
        "Повідомлення за районами",
        "01.01–31.03.2024",
        "01.01–31.03.2023",
        "Зміна, %",
    )
    body = {row[0]: row[1:] for row in districts[1:]}
    assert body["Дарницький"] == ("<5", 0, "—")
    assert body["Оболонський"] == (0, 0, "—")
    cells = " ".join(str(c) for row in rows for c in row if c is not None)
    for surname in ("Гнатюк", "Остапчук", "Литвиненко"):
        assert surname not in cells
    assert 3 not in [cell for row in rows for cell in row[1:3]]  # the exact count never leaves


def test_a_spreadsheet_export_is_audited_with_its_period_and_the_page_is_not(
    client, secretariat, three_cases
):
    client.force_login(secretariat)
    client.get("/programme/statistics/", {"kind": "year", "year": "2024"})
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    client.get("/programme/statistics/", {"kind": "year", "year": "2024", "format": "xlsx"})
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.username, event.object_type, event.detail) == (
        "secretariat",
        "statistics",
        "01.01.2024 – 31.12.2024",
    )


def test_a_coordinator_counts_only_the_reports_inside_free_dates(client, coordinator, three_cases):
    client.force_login(coordinator)
    page = client.get(
        "/programme/statistics/", {"kind": "custom", "start": "10.02.2024", "end": "29.02.2024"}
    )
    assert page.status_code == 200
    assert page.context["period"] == Period(date(2024, 2, 10), date(2024, 2, 29), "custom")
    xlsx = client.get(
        "/programme/statistics/",
        {"kind": "custom", "start": "10.02.2024", "end": "29.02.2024", "format": "xlsx"},
    )
    assert "statistics-20240210-20240229.xlsx" in xlsx["Content-Disposition"]
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail == "10.02.2024 – 29.02.2024"


def test_free_dates_are_refused_to_the_secretariat_and_no_spreadsheet_is_made(
    client, secretariat, three_cases
):
    client.force_login(secretariat)
    query = {"kind": "custom", "start": "10.02.2024", "end": "29.02.2024"}
    page = client.get("/programme/statistics/", query)
    assert page.status_code == 400
    assert "довільні періоди доступні лише координаторам" in page.content.decode()
    assert "tables" not in page.context
    xlsx = client.get("/programme/statistics/", {**query, "format": "xlsx"})
    assert (xlsx.status_code, xlsx["Location"]) == (302, "/programme/statistics/")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("persona", ["executor", "owner", "police", "provider", "admin"])
def test_the_spreadsheet_is_404_to_roles_without_statistics_and_nothing_is_audited(
    client, personas, persona
):
    client.force_login(personas[persona])
    response = client.get(
        "/programme/statistics/", {"kind": "year", "year": "2024", "format": "xlsx"}
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


# --- the report command ----------------------------------------------------------------------


@pytest.mark.parametrize("months", ["0", "13"])
def test_the_command_refuses_a_number_of_months_that_is_not_a_month_of_the_year(
    organisations, months
):
    with pytest.raises(CommandError, match=r"months must be 1\.\.12"):
        call_command("programme_report", "--year", "2024", "--months", months)


def test_the_command_asks_for_a_file_before_making_a_pdf(organisations):
    with pytest.raises(CommandError, match="--output"):
        call_command("programme_report", "--year", "2024", "--quarter", "1", "--format", "pdf")


def test_the_command_writes_the_pdf_to_the_file_asked_for(organisations, tmp_path, capsys):
    from pypdf import PdfReader

    target = tmp_path / "q1.pdf"
    call_command(
        "programme_report",
        "--year",
        "2024",
        "--quarter",
        "1",
        "--format",
        "pdf",
        "--output",
        str(target),
    )
    assert capsys.readouterr().out.strip() == f"written {target}"
    text = " ".join(page.extract_text() for page in PdfReader(target).pages)
    assert "01.01" in text and "31.03.2024" in text


def test_the_command_json_has_no_programme_when_none_covers_the_period(organisations, capsys):
    import json

    call_command("programme_report", "--year", "2024", "--annual", "--language", "en")
    data = json.loads(capsys.readouterr().out)
    assert (data["programme"], data["programme_covering"], data["funding_by_source"]) == (
        [],
        None,
        {},
    )


# --- the pure helpers the outputs share ------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "extra", "error"),
    [
        ("quarter", {"quarter": 5}, "quarter must be 1..4"),
        ("quarter", {}, "quarter must be 1..4"),
        ("months", {}, "months must be 1..12"),
        ("months", {"months": 13}, "months must be 1..12"),
        ("decade", {}, "unknown period kind 'decade'"),
    ],
)
def test_a_period_that_does_not_exist_is_a_value_error(kind, extra, error):
    with pytest.raises(ValueError, match=re.escape(error)):
        period_for(kind, 2024, **extra)


@pytest.mark.parametrize(("age", "group"), [(-1, "unknown"), (200, "60+"), (201, "unknown")])
def test_an_age_outside_every_group_is_unknown_never_dropped(age, group):
    assert age_group(age) == group


@pytest.mark.parametrize("marker", ["<5", "x"])
def test_a_suppression_marker_passes_every_format_unchanged(marker):
    assert format_pct(marker) == marker
    assert format_share(marker) == marker
    assert spreadsheet_value(marker) == marker


def test_a_share_without_a_base_is_a_dash_in_every_output():
    assert format_share(None) == "—"
    assert spreadsheet_value(None) == "—"
    assert spreadsheet_value(0) == 0
