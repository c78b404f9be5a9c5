"""Every endpoint of the programme, once doing its job and once refused.

Behaviour: the quarterly progress, its reopening and an ordered report are saved with the values
posted and audited. Refusal: the programme answers 404 to every role that may not use a page
(it holds no case, so 404 and 403 reveal the same); nothing is written.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from portal.models import AuditAction, AuditEvent, Organisation
from programme import services
from programme.figures import FIRST_REPORT_YEAR
from programme.models import (
    Indicator,
    IndicatorActual,
    Measure,
    Programme,
    ProgrammeTask,
    Progress,
    ReportRun,
)

YEAR, QUARTER = 2025, 1


@pytest.fixture
def measure(executor):
    """A measure the executor persona's organisation (the city centre) reports on."""
    programme = Programme.objects.create(code="p", title="Програма", year_from=2022, year_to=2026)
    task = ProgrammeTask.objects.create(programme=programme, code="1", title="Завдання")
    measure = Measure.objects.create(task=task, code="1.1", title="Тренінги для поліції")
    measure.executors.add(Organisation.objects.get(code="city-centre"))
    Indicator.objects.create(measure=measure, code="1", title="Навчено", unit="осіб")
    return measure


@pytest.fixture
def other_measure(measure, organisations):
    """A measure run by the department: not the executor's."""
    other = Measure.objects.create(task=measure.task, code="1.2", title="Чужий захід")
    other.executors.add(organisations["department"])
    return other


def _progress_url(measure, year=YEAR, quarter=QUARTER) -> str:
    return f"/programme/measures/{measure.pk}/progress/{year}/{quarter}/"


def _post(measure, **extra) -> dict:
    indicator = measure.indicators.get()
    return {
        "status": "done",
        "spent": "1250,5",
        "narrative": "Проведено 3 тренінги",
        f"ind-{indicator.pk}": "45",
        "version": "0",  # the page before the first entry
        **extra,
    }


def _submitted(executor, measure) -> Progress:
    return services.progress_submit(
        actor=executor,
        measure_id=measure.pk,
        year=YEAR,
        quarter=QUARTER,
        status="done",
        spent=Decimal("10"),
        narrative="Зроблено",
        actuals={},
    )


def _written() -> tuple:
    return (
        tuple(Progress.objects.values_list("pk", "version", "reopened_at", "spent")),
        IndicatorActual.objects.count(),
        ReportRun.objects.count(),
        AuditEvent.objects.filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE]).count(),
    )


# --- behaviour -------------------------------------------------------------------------------


def test_the_executor_reports_a_quarter_with_an_indicator(client, executor, measure):
    client.force_login(executor)
    assert client.get(_progress_url(measure)).status_code == 200
    response = client.post(_progress_url(measure), _post(measure))
    assert response.status_code == 302
    assert response["Location"] == f"/programme/?year={YEAR}"
    progress = Progress.objects.get(measure=measure, year=YEAR, quarter=QUARTER)
    assert (progress.status, progress.spent, progress.narrative, progress.submitted_by) == (
        "done",
        Decimal("1250.5"),
        "Проведено 3 тренінги",
        executor,
    )
    assert progress.actuals.get().value == Decimal("45")
    assert AuditEvent.objects.filter(
        username="executor",
        action=AuditAction.UPDATE,
        object_type="programme.progress",
        object_id=str(progress.pk),
        detail__startswith=f"1.1 {YEAR} Q{QUARTER}",
    ).exists()


def test_a_submitted_quarter_is_locked_until_reopened(client, executor, secretariat, measure):
    progress = _submitted(executor, measure)
    client.force_login(executor)
    before = _written()
    locked = client.post(_progress_url(measure), _post(measure, spent="99"))
    assert locked.status_code == 400
    assert _written() == before

    client.force_login(secretariat)
    response = client.post(f"/programme/progress/{progress.pk}/reopen/")
    assert response.status_code == 302
    progress.refresh_from_db()
    assert progress.reopened_at is not None
    assert AuditEvent.objects.filter(
        username="secretariat",
        action=AuditAction.UPDATE,
        object_id=str(progress.pk),
        detail="reopened",
    ).exists()

    client.force_login(executor)
    resubmitted = client.post(_progress_url(measure), _post(measure, spent="99", version="1"))
    assert resubmitted.status_code == 302
    progress.refresh_from_db()
    assert (progress.spent, progress.reopened_at, progress.version) == (Decimal("99"), None, 2)


def test_the_measure_page_is_shown_to_its_executor_and_the_secretariat(
    client, executor, secretariat, measure
):
    for user in (executor, secretariat):
        client.force_login(user)
        response = client.get(f"/programme/measures/{measure.pk}/")
        assert response.status_code == 200
        assert "Тренінги для поліції" in response.content.decode()


def test_the_secretariat_orders_a_report_and_follows_it(client, secretariat, organisations):
    year = timezone.localdate().year - 1
    client.force_login(secretariat)
    assert client.get("/programme/reports/").status_code == 200
    response = client.post("/programme/reports/", {"kind": "year", "year": str(year)})
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert response["Location"] == f"/programme/reports/{run.pk}/"
    assert (run.kind, run.year, run.requested_by, run.version) == ("year", year, secretariat, 1)
    assert AuditEvent.objects.filter(
        username="secretariat", action=AuditAction.CREATE, object_id=str(run.pk)
    ).exists()
    assert client.get(f"/programme/reports/{run.pk}/").status_code == 200


def test_a_report_for_a_period_not_started_is_refused(client, secretariat, organisations):
    client.force_login(secretariat)
    year = timezone.localdate().year + 1
    response = client.post("/programme/reports/", {"kind": "year", "year": str(year)})
    assert response.status_code == 400
    # Django's own message for a year that is not offered, in Ukrainian.
    assert "немає серед варіантів вибору" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_the_report_form_offers_the_latest_complete_period_not_a_fixed_year(
    client, secretariat, organisations
):
    import time_machine

    client.force_login(secretariat)
    for today, kind, year, quarter in [
        ("2025-11-05", "9months", 2025, 3),
        ("2026-02-10", "year", 2025, 4),
        ("2026-05-02", "quarter", 2026, 1),
    ]:
        with time_machine.travel(f"{today} 12:00 +0200", tick=False):
            form = client.get("/programme/reports/").context["form"]
        assert (form["kind"].value(), form["year"].value(), form["quarter"].value()) == (
            kind,
            year,
            quarter,
        )
        # One first year for every period picker (programme.figures.FIRST_REPORT_YEAR).
        first_year, _label = next(iter(form.fields["year"].choices))
        assert first_year == FIRST_REPORT_YEAR


def test_a_quarterly_report_is_ordered_for_any_quarter(client, secretariat, organisations):
    client.force_login(secretariat)
    response = client.post(
        "/programme/reports/", {"kind": "quarter", "year": "2024", "quarter": "3"}
    )
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert (run.kind, run.quarter, str(run.period_start), str(run.period_end)) == (
        "quarter",
        3,
        "2024-07-01",
        "2024-09-30",
    )
    missing = client.post("/programme/reports/", {"kind": "quarter", "year": "2024"})
    assert missing.status_code == 400
    assert "Оберіть квартал від 1 до 4." in missing.content.decode()


def test_the_programme_report_command_gives_any_quarter_and_the_year(organisations, capsys):
    import json

    from django.core.management import call_command

    call_command("programme_report", "--year", "2024", "--quarter", "2", "--format", "json")
    assert json.loads(capsys.readouterr().out)["period"] == {
        "start": "2024-04-01",
        "end": "2024-06-30",
        "kind": "quarter",
    }
    call_command("programme_report", "--year", "2023", "--annual", "--format", "json")
    assert json.loads(capsys.readouterr().out)["period"]["end"] == "2023-12-31"


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "quarter", "year": "2024", "quarter": "5"},
        {"kind": "decade", "year": "2024"},
        {"kind": "year", "year": "20x4"},
    ],
)
def test_a_bad_period_is_answered_in_ukrainian_with_no_other_periods_figures(
    client, secretariat, query
):
    client.force_login(secretariat)
    response = client.get("/programme/statistics/", query)
    assert response.status_code == 400
    text = response.content.decode()
    assert 'class="messages"' in text and 'data-testid="period-error"' in text
    assert 'data-testid="registered"' not in text  # no figures of a period nobody asked for
    assert "cases" not in response.context
    xlsx = client.get("/programme/statistics/", {**query, "format": "xlsx"}, follow=True)
    assert "spreadsheet" not in xlsx["Content-Type"]
    assert [str(m) for m in xlsx.context["messages"]]  # the error is said on the page


def test_a_progress_status_that_is_not_a_status_is_refused_by_the_form(client, executor, measure):
    client.force_login(executor)
    response = client.post(_progress_url(measure), _post(measure, status="finished!"))
    assert response.status_code == 400
    assert not Progress.objects.exists()


def test_the_secretariat_writes_the_narrative_and_orders_the_final_version_on_the_run_page(
    client, secretariat, executor, organisations
):
    run = services.report_run_create(actor=secretariat, kind="year", year=2024)
    client.force_login(executor)
    assert client.post(f"/programme/reports/{run.pk}/", {"narrative": "x"}).status_code == 404
    client.force_login(secretariat)
    saved = client.post(f"/programme/reports/{run.pk}/", {"narrative": "Висновки ради."})
    assert saved.status_code == 302
    run.refresh_from_db()
    assert (run.narrative, run.final) == ("Висновки ради.", False)
    ordered = client.post(
        f"/programme/reports/{run.pk}/", {"narrative": "Висновки ради.", "final": "1"}
    )
    final = ReportRun.objects.get(final=True)
    assert ordered["Location"] == f"/programme/reports/{final.pk}/"
    assert (final.version, final.narrative) == (2, "Висновки ради.")
    assert AuditEvent.objects.filter(
        username="secretariat", action=AuditAction.UPDATE, object_id=str(run.pk)
    ).exists()
    again = client.post(f"/programme/reports/{final.pk}/", {"narrative": "Інше"})
    assert again.status_code == 400  # the final version is not rewritten


# --- refusal ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["secretariat", "coordinator", "owner", "provider", "police", "admin"]
)
def test_only_the_executor_enters_progress(client, personas, measure, persona):
    client.force_login(personas[persona])
    before = _written()
    assert client.get(_progress_url(measure)).status_code == 404
    assert client.post(_progress_url(measure), _post(measure)).status_code == 404
    assert _written() == before


def test_an_executor_cannot_report_another_organisations_measure(client, executor, other_measure):
    client.force_login(executor)
    assert client.get(f"/programme/measures/{other_measure.pk}/").status_code == 404
    assert client.post(_progress_url(other_measure), {"status": "done"}).status_code == 404
    assert not Progress.objects.exists()


@pytest.mark.parametrize("quarter", [0, 5])
def test_there_is_no_fifth_quarter(client, executor, measure, quarter):
    client.force_login(executor)
    assert client.post(_progress_url(measure, quarter=quarter), _post(measure)).status_code == 404
    assert not Progress.objects.exists()


@pytest.mark.parametrize(
    "persona", ["executor", "coordinator", "owner", "provider", "police", "admin"]
)
def test_only_the_secretariat_reopens_a_report(client, personas, measure, persona):
    progress = _submitted(personas["executor"], measure)
    client.force_login(personas[persona])
    before = _written()
    assert client.post(f"/programme/progress/{progress.pk}/reopen/").status_code == 404
    assert _written() == before


def test_reopening_a_report_that_does_not_exist_is_404(client, secretariat, measure):
    client.force_login(secretariat)
    assert client.post("/programme/progress/999999/reopen/").status_code == 404


@pytest.mark.parametrize("persona", ["coordinator", "owner", "provider", "police", "admin"])
def test_the_measure_page_is_404_to_roles_without_it(client, personas, measure, persona):
    client.force_login(personas[persona])
    assert client.get(f"/programme/measures/{measure.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["executor", "owner", "provider", "police", "admin"])
def test_reports_are_404_to_roles_that_may_not_order_or_read_them(
    client, personas, secretariat, persona
):
    run = services.report_run_create(actor=secretariat, kind="year", year=2024)
    client.force_login(personas[persona])
    before = _written()
    assert client.get("/programme/reports/").status_code == 404
    assert client.post("/programme/reports/", {"kind": "year", "year": "2024"}).status_code == 404
    assert client.get(f"/programme/reports/{run.pk}/").status_code == 404
    assert _written() == before
