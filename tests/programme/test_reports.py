from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from portal.models import AuditAction, AuditEvent
from programme import services
from programme.models import Measure, Progress, ReportRun
from tests.cases.factories import register_case


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


@pytest.mark.celery
def test_a_failing_report_retries_and_ends_failed_without_a_file(
    celery_worker, programme, secretariat, settings
):
    settings.PROGRAMME_REPORT_TEMPLATE = "programme/no_such_template.html"
    settings.PROGRAMME_REPORT_RETRY_SECONDS = 0
    run = services.report_run_create(actor=secretariat, kind="quarter", year=2024, quarter=1)
    from programme.tasks import render_report

    with pytest.raises(Exception, match="no_such_template"):
        render_report.delay(run.pk).get(timeout=60)
    run.refresh_from_db()
    assert run.status == "failed"
    assert "no_such_template" in run.error
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


def test_statistics_page_is_for_coordinators_and_secretariat_without_names(client, personas, owner):
    register_case(owner)
    for name in ["secretariat", "coordinator"]:
        client.force_login(personas[name])
        page = client.get("/programme/statistics/", {"kind": "year", "year": 2026})
        assert page.status_code == 200
        assert "Шевченко" not in page.content.decode()
        xlsx = client.get(
            "/programme/statistics/", {"kind": "year", "year": 2026, "format": "xlsx"}
        )
        assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    for name in ["owner", "provider", "executor"]:
        client.force_login(personas[name])
        assert client.get("/programme/statistics/").status_code == 404
