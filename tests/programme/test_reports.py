from __future__ import annotations

import threading
from contextlib import contextmanager
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.models import AuditAction, AuditEvent
from programme import services
from programme.models import Measure, Progress, ReportRun
from tests.cases.factories import person, register_case


@pytest.fixture
def programme(organisations):
    from tests.factories import OrganisationFactory

    for code in [
        "department",
        "city-centre",
        "shelter-1",
        "shelter-2",
        "mobile-team-1",
        "mobile-team-2",
        "legal-aid-city",
        "legal-aid-left",
        "hospital-1",
        "hospital-left",
        "ngo-hotline",
        "ngo-partner",
        "day-centre-1",
        "crisis-room-1",
        "probation-city",
    ]:
        OrganisationFactory(code=code)
    for prefix in ["css", "ssd", "rda", "police"]:
        for slug in [
            "holosiivskyi",
            "darnytskyi",
            "desnianskyi",
            "dniprovskyi",
            "obolonskyi",
            "pecherskyi",
            "podilskyi",
            "sviatoshynskyi",
            "solomianskyi",
            "shevchenkivskyi",
        ]:
            OrganisationFactory(code=f"{prefix}-{slug}")
    return services.programme_import()


def _pdf_text(run) -> str:
    with run.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u00a0", " ")


@pytest.mark.celery
def test_a_nine_month_report_is_rendered_by_a_real_worker_into_a_real_pdf(
    celery_worker, programme, secretariat, owner, settings, tmp_path
):
    settings.PORTAL_PRIVATE_ROOT = settings.MEDIA_ROOT = tmp_path
    register_case(owner)
    run = services.report_run_create(actor=secretariat, kind="9months", year=2024)
    from programme.tasks import render_report

    # report_run_create queued the task on commit; with the worker's solo pool this second,
    # idempotent delivery returns only after the first one has finished.
    render_report.delay(run.pk).get(timeout=60)
    run.refresh_from_db()
    assert run.status == "done" and run.progress == 100
    text = _pdf_text(run)
    assert "01.01.2024 – 30.09.2024" in text
    assert "Виконання міської цільової програми" in text
    assert "84 200,0" in text  # the programme's planned funding for 2024, thousand UAH
    again = services.report_run_create(actor=secretariat, kind="9months", year=2024)
    assert again.version == 2  # runs are kept as versions
    # The second run renders too; wait for it, so that the worker is idle when the test's
    # tables are emptied (a render still writing deadlocks the flush).
    render_report.delay(again.pk).get(timeout=60)


@contextmanager
def _attempts_of(run_id: int, *, on_retry=None):
    """What the worker did with the render task of one run, attempt by attempt, from Celery's own
    signals: the task state after each attempt, the run's row as each retry left it, and an event
    set once the task stops retrying. The signals fire in the worker thread of this process."""
    from celery import signals

    seen = {"states": [], "rows_at_retry": [], "errors": [], "finished": threading.Event()}

    def mine(args) -> bool:
        return list(args or []) == [run_id]

    def retried(sender=None, request=None, **kwargs):
        if sender.name == "programme.tasks.render_report" and mine(request.args):
            row = ReportRun.objects.get(pk=run_id)
            seen["rows_at_retry"].append((row.status, row.error))
            if on_retry is not None:
                on_retry(len(seen["rows_at_retry"]))

    def ran(sender=None, args=None, state=None, retval=None, **kwargs):
        if sender.name == "programme.tasks.render_report" and mine(args):
            seen["states"].append(state)
            if state != "RETRY":
                seen["errors"].append(str(retval) if state == "FAILURE" else "")
                seen["finished"].set()

    signals.task_retry.connect(retried, weak=False)
    signals.task_postrun.connect(ran, weak=False)
    try:
        yield seen
    finally:
        signals.task_retry.disconnect(retried)
        signals.task_postrun.disconnect(ran)


@pytest.mark.celery
def test_a_report_that_fails_once_is_retried_and_then_rendered(
    celery_worker, programme, settings, tmp_path
):
    settings.PORTAL_PRIVATE_ROOT = settings.MEDIA_ROOT = tmp_path
    settings.PROGRAMME_REPORT_TEMPLATE = "programme/no_such_template.html"
    settings.PROGRAMME_REPORT_RETRY_SECONDS = 0

    def mend_the_template(retry: int) -> None:
        settings.PROGRAMME_REPORT_TEMPLATE = "programme/report_pdf.html"

    run = ReportRun.objects.create(
        kind="quarter", year=2024, quarter=1, period_start="2024-01-01", period_end="2024-03-31"
    )
    from programme.tasks import render_report

    with _attempts_of(run.pk, on_retry=mend_the_template) as seen:
        render_report.delay(run.pk)
        assert seen["finished"].wait(timeout=60)
    assert seen["states"] == ["RETRY", "SUCCESS"]  # two attempts: a failure, then the PDF
    [(status, error)] = seen["rows_at_retry"]
    assert status == "queued"  # the page shows it waiting again, not failed
    assert "no_such_template" in error and "(retry 1)" in error
    run.refresh_from_db()
    assert run.status == "done" and run.progress == 100
    assert run.error == ""
    assert _pdf_text(run)


@pytest.mark.celery
def test_a_failing_report_retries_and_ends_failed_without_a_file(
    celery_worker, programme, settings
):
    settings.PROGRAMME_REPORT_TEMPLATE = "programme/no_such_template.html"
    settings.PROGRAMME_REPORT_RETRY_SECONDS = 0
    run = ReportRun.objects.create(
        kind="quarter", year=2024, quarter=1, period_start="2024-01-01", period_end="2024-03-31"
    )
    from programme.tasks import render_report

    with _attempts_of(run.pk) as seen:
        render_report.delay(run.pk)
        assert seen["finished"].wait(timeout=60)
    # max_retries=3: the first try and three retries, then the run is given up.
    assert seen["states"] == ["RETRY", "RETRY", "RETRY", "FAILURE"]
    assert [status for status, _error in seen["rows_at_retry"]] == ["queued"] * 3
    assert [error.rsplit(" ", 2)[-2:] for _status, error in seen["rows_at_retry"]] == [
        ["(retry", "1)"],
        ["(retry", "2)"],
        ["(retry", "3)"],
    ]
    assert "no_such_template" in seen["errors"][0]
    run.refresh_from_db()
    assert run.status == "failed"
    assert "no_such_template" in run.error and "retry" not in run.error
    assert run.finished_at is not None
    assert not run.file


def test_download_is_for_the_secretariat_and_coordinators_only_and_audited(
    client, programme, personas, settings, tmp_path
):
    from django.core.files.base import ContentFile

    settings.PORTAL_PRIVATE_ROOT = settings.MEDIA_ROOT = tmp_path
    run = ReportRun.objects.create(
        kind="9months", year=2024, period_start="2024-01-01", period_end="2024-09-30", status="done"
    )
    run.file.save("r.pdf", ContentFile(b"%PDF-1.7 test"))
    for name in ["secretariat", "coordinator"]:
        client.force_login(personas[name])
        assert client.get(f"/programme/reports/{run.pk}/download/").status_code == 200
    assert (
        AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, object_id=str(run.pk)).count() == 2
    )
    for name in ["owner", "provider", "police", "executor"]:
        client.force_login(personas[name])
        assert client.get(f"/programme/reports/{run.pk}/download/").status_code == 404


def test_executors_report_only_their_measures_and_submitted_reports_lock(
    programme, executor, secretariat
):
    from django.core.exceptions import PermissionDenied, ValidationError

    own = Measure.objects.filter(executors__code="city-centre").first()
    other = Measure.objects.exclude(executors__code="city-centre").first()
    progress = services.progress_submit(
        actor=executor,
        measure_id=own.pk,
        year=2024,
        quarter=1,
        status="in_progress",
        spent=Decimal("10.5"),
        narrative="",
        actuals={},
    )
    with pytest.raises(PermissionDenied):
        services.progress_submit(
            actor=executor,
            measure_id=other.pk,
            year=2024,
            quarter=1,
            status="done",
            spent=Decimal(1),
            narrative="",
            actuals={},
        )
    with pytest.raises(ValidationError, match="секретаріат"):
        services.progress_submit(
            actor=executor,
            measure_id=own.pk,
            year=2024,
            quarter=1,
            status="done",
            spent=Decimal(1),
            narrative="",
            actuals={},
        )
    services.progress_reopen(actor=secretariat, progress_id=progress.pk)
    services.progress_submit(
        actor=executor,
        measure_id=own.pk,
        year=2024,
        quarter=1,
        status="done",
        spent=Decimal(20),
        narrative="",
        actuals={},
    )
    assert Progress.objects.get(pk=progress.pk).status == "done"
    with pytest.raises(PermissionDenied):
        services.progress_reopen(actor=executor, progress_id=progress.pk)


def test_late_entries_are_marked(programme, executor):
    from datetime import timedelta

    from django.utils import timezone

    from programme.models import ReportingWindow

    ReportingWindow.objects.create(
        year=2024, quarter=2, deadline=timezone.now() - timedelta(days=1)
    )
    own = Measure.objects.filter(executors__code="city-centre").first()
    progress = services.progress_submit(
        actor=executor,
        measure_id=own.pk,
        year=2024,
        quarter=2,
        status="done",
        spent=Decimal(1),
        narrative="",
        actuals={},
    )
    assert progress.late


SURNAMES = ["Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко"]


def _xlsx_rows(response) -> list[tuple]:
    sheet = load_workbook(BytesIO(response.content)).active
    return [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]


def test_statistics_page_is_for_coordinators_and_secretariat_without_names(client, personas, owner):
    from django.utils import timezone

    year = timezone.localdate().year  # the cases are reported today
    cases = [
        register_case(owner, victim=person(surname, "Олена"), offender=person(surname, "Іван", "M"))
        for surname in SURNAMES
    ]
    for name in ["secretariat", "coordinator"]:
        client.force_login(personas[name])
        page = client.get("/programme/statistics/", {"kind": "year", "year": year})
        assert page.status_code == 200
        # Five cases in Darnytskyi: counted, and at five shown (under five would be suppressed).
        darnytskyi = next(
            row for row in page.context["tables"]["district"] if row["label"] == "Дарницький"
        )
        assert darnytskyi["current"] == 5
        assert "raw_current" not in darnytskyi  # exact figures never reach the page
        text = page.content.decode()
        for surname in SURNAMES:
            assert surname not in text
        for case in cases:
            assert case.number not in text
        xlsx = client.get(
            "/programme/statistics/", {"kind": "year", "year": year, "format": "xlsx"}
        )
        assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
        rows = _xlsx_rows(xlsx)
        assert rows[0][1].endswith(str(year))
        by_district = rows.index(next(r for r in rows if r[0] == "Повідомлення за районами"))
        assert next(r for r in rows[by_district:] if r[0] == "Дарницький")[1] == 5
        cells = " ".join(str(cell) for row in rows for cell in row if cell is not None)
        for surname in SURNAMES:
            assert surname not in cells
    for name in ["owner", "provider", "executor"]:
        client.force_login(personas[name])
        assert client.get("/programme/statistics/").status_code == 404


# --- the programme section, the draft and the narrative (issue 11, issue 16) ----------------


def _json_report(capsys, *args) -> dict:
    import json

    from django.core.management import call_command

    call_command("programme_report", *args, "--format", "json")
    return json.loads(capsys.readouterr().out)


def test_a_recorded_zero_stays_zero_in_the_json(programme, capsys):
    # Online counselling was planned at 0 sessions for 2022: zero, not "not reported".
    data = _json_report(capsys, "--year", "2022")
    indicators = {
        i["indicator"]: i for t in data["programme"] for m in t["measures"] for i in m["indicators"]
    }
    assert indicators["1.3.1"]["plan"] == 0.0
    assert indicators["1.1.1"]["plan"] == 4200.0


def test_a_share_of_the_plan_spent_carries_no_sign(programme, executor):
    from programme.figures import period_for
    from programme.report import programme_execution, render_html

    measure = Measure.objects.filter(executors__code="city-centre").order_by("pk").first()
    services.progress_submit(
        actor=executor,
        measure_id=measure.pk,
        year=2024,
        quarter=3,
        status="in_progress",
        spent=Decimal("10.5"),
        narrative="",
        actuals={},
    )
    period = period_for("months", 2024, months=9)
    row = next(
        r for t in programme_execution(period) for r in t["measures"] if r["measure"] == measure
    )
    assert row["spent_pct"] > 0
    html = render_html(period)
    assert row["spent_pct_text"] in html
    assert "+" + row["spent_pct_text"] not in html


def test_the_programme_section_shows_the_programme_covering_the_period(programme, capsys):
    from programme.figures import period_for
    from programme.models import Programme
    from programme.report import programme_covering, render_html

    later = Programme.objects.create(
        code="dv-2025", title="Програма 2025–2027", year_from=2025, year_to=2027
    )
    assert programme_covering(period_for("months", 2024, months=9)) == programme
    assert programme_covering(period_for("months", 2025, months=9)) == later
    assert programme_covering(period_for("year", 2021)) is None
    html = render_html(period_for("year", 2021))
    assert "data-no-programme" in html and "84 200,0" not in html
    assert _json_report(capsys, "--year", "2021", "--annual")["programme"] == []


def test_executors_of_every_district_collapse_into_one_line(programme):
    from portal.models import District, Organisation, OrganisationKind
    from programme.figures import period_for
    from programme.report import programme_execution

    for district in District.objects.all():
        organisation = Organisation.objects.get(code=f"css-{district.slug}")
        organisation.kind = OrganisationKind.SOCIAL_SERVICES_CENTRE
        organisation.save(update_fields=["kind"])
        organisation.districts.set([district])
    with translation.override("en"):
        rows = {
            r["measure"].code: r
            for t in programme_execution(period_for("months", 2024, months=9))
            for r in t["measures"]
        }
    css = next(
        r for r in rows.values() if any("css-" in e.code for e in r["measure"].executors.all())
    )
    assert "centres of social services of all 10 districts" in css["executors"]
    css_names = {str(o) for o in Organisation.objects.filter(code__startswith="css-")}
    assert not css_names & set(css["executors"])  # no centre is listed on its own any more
    assert len(css["executors"]) == css["measure"].executors.count() - 9


def test_a_draft_is_marked_on_every_page_and_the_final_version_carries_the_narrative(
    programme, secretariat, settings, tmp_path, django_capture_on_commit_callbacks
):
    from programme.reporting import report_run_render

    settings.PORTAL_PRIVATE_ROOT = settings.MEDIA_ROOT = tmp_path
    draft = services.report_run_create(actor=secretariat, kind="quarter", year=2024, quarter=2)
    assert (draft.period_start.isoformat(), draft.period_end.isoformat()) == (
        "2024-04-01",
        "2024-06-30",
    )
    draft.locale = "en"
    draft.save(update_fields=["locale"])
    report_run_render(run_id=draft.pk)
    draft.refresh_from_db()
    with draft.file.open("rb") as handle:
        pages = PdfReader(BytesIO(handle.read())).pages
    assert len(pages) > 2
    assert all("DRAFT" in page.extract_text() for page in pages)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.report_run_finalise(actor=secretariat, run_id=draft.pk)  # no narrative yet
    services.report_run_narrative_set(
        actor=secretariat, run_id=draft.pk, narrative="Рада розглянула звіт про виконання."
    )
    final = services.report_run_finalise(actor=secretariat, run_id=draft.pk)
    assert (final.final, final.version, final.narrative) == (
        True,
        2,
        "Рада розглянула звіт про виконання.",
    )
    final.locale = "en"
    final.save(update_fields=["locale"])
    report_run_render(run_id=final.pk)
    final.refresh_from_db()
    text = _pdf_text(final)
    assert "DRAFT" not in text
    assert "Рада розглянула звіт про виконання." in text
    assert "Reports by form of violence (a report counts once per form)" in text.replace("\n", " ")
