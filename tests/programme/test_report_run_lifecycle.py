"""A report run from order to download: who may order one, which periods are refused (in
Ukrainian, with nothing written), versions, the runs the system orders each quarter, the page
that polls a run, the narrative and the final version, and how the audit log names the runs.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from portal.audit_labels import labels_for
from portal.models import AuditAction, AuditEvent, Organisation
from programme import services
from programme.models import (
    Measure,
    Programme,
    ProgrammeTask,
    Progress,
    ReportingWindow,
    ReportRun,
    RunStatus,
)
from programme.reporting import report_run_render
from programme.tasks import order_quarterly_report, render_report


def _run_audit() -> int:
    return AuditEvent.objects.filter(object_type="programme.reportrun").count()


# --- ordering --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["executor", "owner", "provider", "police", "admin"])
def test_a_report_is_ordered_only_by_the_roles_that_order_reports(personas, persona):
    with pytest.raises(PermissionDenied):
        services.report_run_create(actor=personas[persona], kind="year", year=2024)
    assert not ReportRun.objects.exists()
    assert _run_audit() == 0


@pytest.mark.parametrize(
    ("kind", "year", "quarter", "message"),
    [
        ("decade", 2024, None, "Оберіть вид звіту та період."),
        ("quarter", 2024, None, "Оберіть квартал від 1 до 4."),
        ("quarter", 2024, 5, "Оберіть квартал від 1 до 4."),
        ("year", 1999, None, "Оберіть вид звіту та період."),
        ("year", 2100, None, "Оберіть вид звіту та період."),
        ("9months", timezone.localdate().year + 1, None, "Період ще не розпочався."),
    ],
)
def test_a_period_the_service_refuses_is_explained_in_ukrainian_and_nothing_is_queued(
    secretariat, django_capture_on_commit_callbacks, kind, year, quarter, message
):
    with (
        translation.override("uk"),
        django_capture_on_commit_callbacks() as queued,
        pytest.raises(ValidationError) as refused,
    ):
        services.report_run_create(actor=secretariat, kind=kind, year=year, quarter=quarter)
    assert refused.value.messages == [message]
    assert not ReportRun.objects.exists()
    assert _run_audit() == 0
    assert queued == []


def test_each_order_of_the_same_period_is_a_new_version_queued_for_rendering(
    coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        first = services.report_run_create(actor=coordinator, kind="year", year=2024, quarter=2)
        second = services.report_run_create(actor=coordinator, kind="year", year=2024)
        quarterly = services.report_run_create(
            actor=coordinator, kind="quarter", year=2024, quarter=4
        )
    assert (first.version, second.version, quarterly.version) == (1, 2, 1)
    assert first.quarter is None  # a quarter typed with an annual report is not kept
    assert (first.period_start, first.period_end) == (date(2024, 1, 1), date(2024, 12, 31))
    assert (quarterly.period_start, quarterly.period_end) == (date(2024, 10, 1), date(2024, 12, 31))
    assert len(queued) == 3  # one render per run, once the order is committed
    events = AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="programme.reportrun", username="coordinator"
    )
    assert sorted(events.values_list("object_id", flat=True)) == sorted(
        str(r.pk) for r in (first, second, quarterly)
    )


@pytest.mark.parametrize(
    ("today", "quarter", "year"),
    [(date(2026, 1, 15), 4, 2025), (date(2026, 4, 1), 1, 2026), (date(2026, 12, 31), 3, 2026)],
)
def test_the_previous_quarter_is_the_last_one_that_ended(today, quarter, year):
    assert services.previous_quarter(today) == (year, quarter)


def test_after_the_third_quarter_the_system_orders_the_quarter_and_the_nine_months(
    organisations, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel("2025-10-01 00:05 +0300", tick=False),
        django_capture_on_commit_callbacks() as queued,
    ):
        pk = order_quarterly_report()
    quarterly = ReportRun.objects.get(pk=pk)
    assert (quarterly.kind, quarterly.year, quarterly.quarter) == ("quarter", 2025, 3)
    nine = ReportRun.objects.get(kind="9months")
    assert (nine.period_start, nine.period_end) == (date(2025, 1, 1), date(2025, 9, 30))
    assert {r.requested_by for r in (quarterly, nine)} == {None}
    assert {r.locale for r in (quarterly, nine)} == {"uk"}
    assert len(queued) == 2
    assert _run_audit() == 0  # the system orders; nobody acted


def test_in_january_the_system_orders_the_fourth_quarter_of_the_year_before_only(
    organisations, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel("2026-01-01 00:05 +0200", tick=False),
        django_capture_on_commit_callbacks(),
    ):
        order_quarterly_report()
    run = ReportRun.objects.get()
    assert (run.kind, run.year, run.quarter, run.period_end) == (
        "quarter",
        2025,
        4,
        date(2025, 12, 31),
    )


def test_a_run_the_system_ordered_is_listed_as_ordered_automatically(client, secretariat):
    services.report_run_create(actor=None, kind="year", year=2024)
    client.force_login(secretariat)
    text = client.get("/programme/reports/").content.decode()
    assert "автоматично" in text
    assert "чернетка" in text
    assert "Звітів ще немає." not in text


# --- the run's page --------------------------------------------------------------------------


def test_the_page_of_a_run_in_the_queue_polls_and_a_done_run_offers_its_pdf(client, secretariat):
    run = services.report_run_create(actor=secretariat, kind="year", year=2024)
    client.force_login(secretariat)
    fragment = client.get(f"/programme/reports/{run.pk}/", HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert text.lstrip().startswith('<div id="run-status"')  # the fragment, not the whole page
    assert 'data-status="queued"' in text and 'hx-trigger="every 1s"' in text
    assert "Завантажити PDF" not in text
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
        file=f"reports/{run.pk}.pdf",
    )
    done = client.get(f"/programme/reports/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in done
    assert f'href="/programme/reports/{run.pk}/download/"' in done


def test_a_run_that_does_not_exist_or_is_not_done_is_not_downloaded_nor_audited(
    client, coordinator, secretariat
):
    run = services.report_run_create(actor=secretariat, kind="year", year=2024)
    client.force_login(coordinator)
    assert client.get("/programme/reports/999999/").status_code == 404
    assert client.get("/programme/reports/999999/download/").status_code == 404
    assert client.get(f"/programme/reports/{run.pk}/download/").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).exists()


@pytest.mark.parametrize("file", ["", "reports/removed-from-the-disk.pdf"])
def test_a_done_run_without_its_file_is_neither_offered_nor_downloaded_nor_audited(
    client, secretariat, file
):
    """A report whose PDF is not there (never written, or removed from the private files)
    answers like no report at all, and no page links to it: never a 500."""
    run = services.report_run_create(actor=secretariat, kind="year", year=2024)
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, progress=100, finished_at=timezone.now(), file=file
    )
    client.force_login(secretariat)
    assert client.get(f"/programme/reports/{run.pk}/download/").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).exists()
    if not file:
        for page in (f"/programme/reports/{run.pk}/", "/programme/reports/"):
            assert f"/programme/reports/{run.pk}/download/" not in client.get(page).content.decode()


def test_ordering_the_final_version_without_a_narrative_is_refused_and_orders_nothing(
    client, secretariat
):
    draft = services.report_run_create(actor=secretariat, kind="year", year=2024)
    client.force_login(secretariat)
    response = client.post(f"/programme/reports/{draft.pk}/", {"narrative": "   ", "final": "1"})
    assert response.status_code == 400
    assert (
        "Перш ніж замовити остаточну версію, напишіть пояснювальну записку."
        in response.content.decode()
    )
    assert list(ReportRun.objects.values_list("pk", "final")) == [(draft.pk, False)]


def test_a_refused_final_order_leaves_the_saved_narrative_and_the_audit_as_they_were(
    client, secretariat
):
    draft = services.report_run_create(actor=secretariat, kind="year", year=2024)
    services.report_run_narrative_set(actor=secretariat, run_id=draft.pk, narrative="Старе")
    before = _run_audit()
    client.force_login(secretariat)
    response = client.post(f"/programme/reports/{draft.pk}/", {"narrative": "", "final": "1"})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.narrative == "Старе"
    assert _run_audit() == before
    assert not ReportRun.objects.filter(final=True).exists()


def test_a_narrative_longer_than_the_limit_is_refused_and_the_old_one_kept(client, secretariat):
    draft = services.report_run_create(actor=secretariat, kind="year", year=2024)
    services.report_run_narrative_set(actor=secretariat, run_id=draft.pk, narrative="Висновки.")
    before = _run_audit()
    client.force_login(secretariat)
    response = client.post(f"/programme/reports/{draft.pk}/", {"narrative": "я" * 50_001})
    assert response.status_code == 400
    assert "не більше ніж 50000" in response.content.decode()
    draft.refresh_from_db()
    assert draft.narrative == "Висновки."
    assert _run_audit() == before


def test_the_narrative_is_saved_trimmed_and_audited(client, secretariat):
    draft = services.report_run_create(actor=secretariat, kind="year", year=2024)
    client.force_login(secretariat)
    response = client.post(
        f"/programme/reports/{draft.pk}/", {"narrative": "  Рада розглянула звіт.\n"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["Пояснювальну записку збережено."]
    draft.refresh_from_db()
    assert draft.narrative == "Рада розглянула звіт."
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(draft.pk), detail="narrative"
    ).exists()


def test_the_final_version_refuses_a_new_narrative_in_ukrainian(secretariat):
    draft = services.report_run_create(actor=secretariat, kind="year", year=2024)
    services.report_run_narrative_set(actor=secretariat, run_id=draft.pk, narrative="Висновки.")
    final = services.report_run_finalise(actor=secretariat, run_id=draft.pk)
    with translation.override("uk"), pytest.raises(ValidationError) as refused:
        services.report_run_narrative_set(actor=secretariat, run_id=final.pk, narrative="Інше")
    assert refused.value.messages == ["Це остаточна версія: щоб змінити її, замовте нову чернетку."]
    final.refresh_from_db()
    assert final.narrative == "Висновки."


@pytest.mark.parametrize("persona", ["executor", "owner", "admin"])
def test_only_those_who_order_reports_write_a_narrative_or_finalise(personas, secretariat, persona):
    draft = services.report_run_create(actor=secretariat, kind="year", year=2024)
    for write in (services.report_run_narrative_set, services.report_run_finalise):
        kwargs = {"narrative": "x"} if write is services.report_run_narrative_set else {}
        with pytest.raises(PermissionDenied):
            write(actor=personas[persona], run_id=draft.pk, **kwargs)
    assert list(ReportRun.objects.values_list("narrative", "final")) == [("", False)]


def test_a_missing_run_cannot_be_given_a_narrative(secretariat):
    with pytest.raises(PermissionDenied):
        services.report_run_narrative_set(actor=secretariat, run_id=999999, narrative="x")


# --- rendering -------------------------------------------------------------------------------


def test_rendering_a_run_deleted_meanwhile_is_not_retried(db):
    assert render_report(999999) == "no such run"


def test_rendering_a_done_run_again_changes_nothing(secretariat):
    run = services.report_run_create(actor=secretariat, kind="year", year=2024)
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, progress=100)
    assert report_run_render(run_id=run.pk) == "already done"
    run.refresh_from_db()
    assert (run.status, run.started_at, run.file.name) == (RunStatus.DONE, None, "")


# --- how the audit log names programme objects -----------------------------------------------


def test_the_audit_log_names_runs_progress_and_deadlines_in_ukrainian(executor, secretariat):
    programme = Programme.objects.create(code="p", title="Програма", year_from=2024, year_to=2026)
    task = ProgrammeTask.objects.create(programme=programme, code="2", title="Завдання")
    measure = Measure.objects.create(task=task, code="2.3", title="Захід")
    measure.executors.add(Organisation.objects.get(code="city-centre"))
    run = services.report_run_create(actor=secretariat, kind="quarter", year=2024, quarter=2)
    progress = Progress.objects.create(measure=measure, year=2025, quarter=1, status="done")
    window = ReportingWindow.objects.create(year=2025, quarter=3, deadline=timezone.now())
    with translation.override("uk"):
        labels = labels_for(
            [
                ("programme.reportrun", str(run.pk)),
                ("programme.progress", str(progress.pk)),
                ("programme.reportingwindow", str(window.pk)),
                ("programme.reportrun", "not-an-id"),
            ]
        )
    assert labels["programme.reportrun", str(run.pk)] == (
        "звіт (квартал) за 01.04.2024–30.06.2024, версія 1"
    )
    assert labels["programme.progress", str(progress.pk)] == (
        "виконання заходу 2.3, 1 квартал 2025 року"
    )
    assert labels["programme.reportingwindow", str(window.pk)] == (
        "строк звітування, 3 квартал 2025 року"
    )
    # Junk never reaches a query and never borrows another object's name.
    assert "not-an-id" in labels["programme.reportrun", "not-an-id"]


def test_a_quarter_not_yet_started_is_refused_on_the_reports_page_and_nothing_queued(
    client, secretariat
):
    client.force_login(secretariat)
    with time_machine.travel("2026-02-10 12:00 +0200", tick=False):
        response = client.post(
            "/programme/reports/", {"kind": "quarter", "year": "2026", "quarter": "3"}
        )
    assert response.status_code == 400
    assert "Період ще не розпочався." in response.content.decode()
    assert not ReportRun.objects.exists()
    assert _run_audit() == 0


def test_the_secretariats_dashboard_lists_the_latest_runs_with_their_version_and_status(
    client, secretariat
):
    run = services.report_run_create(actor=secretariat, kind="quarter", year=2024, quarter=1)
    client.force_login(secretariat)
    page = client.get("/").content.decode()
    assert f'href="/programme/reports/{run.pk}/"' in page
    assert "версія 1, чернетка — у черзі" in page


def test_a_rendered_draft_reads_as_a_ready_file_of_a_draft_not_as_a_finished_report(
    client, secretariat
):
    run = services.report_run_create(actor=secretariat, kind="quarter", year=2024, quarter=1)
    ReportRun.objects.filter(pk=run.pk).update(status="done")
    client.force_login(secretariat)
    for page in ("/", "/programme/reports/"):
        html = client.get(page).content.decode()
        assert "версія 1, чернетка" in html
        assert re.search(r"(чернетка — готовий|<td>готовий</td>)", html)
        assert "чернетка — виконано" not in html and "<td>виконано</td>" not in html
