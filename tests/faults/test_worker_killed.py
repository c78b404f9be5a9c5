"""A Celery worker killed (SIGKILL) in the middle of a PDF: the run is started again and finishes;
no half-made file is ever served; the run's page says what happened.

The render is held at a known point without touching the code: the test locks a table the
report reads, so the worker has marked the run "running" and waits on the lock when it is killed.
"""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import psycopg
import pytest
from django.utils import timezone
from pypdf import PdfReader

from programme import services
from programme.models import ReportRun, RunNotice, RunStatus
from programme.reporting import report_runs_resume
from tests.faults.conftest import (
    database_url_for_processes,
    kill,
    served_by,
    wait_for,
    worker_process,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _run(pk: int) -> ReportRun:
    return ReportRun.objects.get(pk=pk)


def test_a_worker_killed_in_the_middle_of_a_pdf_leaves_no_file_and_the_run_is_made_again(
    client,
    programme,
    secretariat,
    fault_redis,
    tmp_path,
):
    client.force_login(secretariat)
    log = tmp_path / "worker.log"
    with served_by(fault_redis):
        with psycopg.connect(database_url_for_processes()) as holder:
            holder.execute("LOCK TABLE cases_case IN ACCESS EXCLUSIVE MODE")
            run = services.report_run_create(actor=secretariat, kind="9months", year=2024)
            assert fault_redis.queue_length("reports") == 1
            with worker_process(redis_url=fault_redis.url, queues="reports", log=log) as first:
                wait_for(
                    lambda: _run(run.pk).status == RunStatus.RUNNING,
                    timeout=120,
                    what="the first worker to start the run",
                )
                kill(first)
            holder.rollback()  # the lock goes; the killed worker's session ends with it

        stalled = _run(run.pk)
        assert stalled.status == RunStatus.RUNNING and not stalled.file
        assert client.get(f"/programme/reports/{run.pk}/download/").status_code == 404

        later = timezone.now() + timedelta(minutes=11)
        assert report_runs_resume(now=later) == {"restarted": 1, "failed": 0}
        assert report_runs_resume(now=later) == {"restarted": 0, "failed": 0}  # once
        page = client.get(f"/programme/reports/{run.pk}/").content.decode()
        assert "Формування звіту перервалося" in page

        with worker_process(redis_url=fault_redis.url, queues="reports", log=log):
            wait_for(
                lambda: _run(run.pk).status == RunStatus.DONE,
                timeout=180,
                what="the second worker to finish the run",
            )

    done = _run(run.pk)
    assert done.attempts == 2 and done.notice == RunNotice.NONE
    response = client.get(f"/programme/reports/{run.pk}/download/")
    assert response.status_code == 200
    pdf = PdfReader(BytesIO(b"".join(response.streaming_content)))
    assert len(pdf.pages) > 3
    page = client.get(f"/programme/reports/{run.pk}/").content.decode()
    assert "перервалося" not in page


def test_a_run_that_keeps_stalling_is_failed_after_the_last_attempt(secretariat, settings):
    run = ReportRun.objects.create(
        kind="9months",
        year=2024,
        period_start="2024-01-01",
        period_end="2024-09-30",
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        attempts=settings.PROGRAMME_REPORT_MAX_ATTEMPTS,
    )
    later = timezone.now() + timedelta(minutes=settings.PROGRAMME_REPORT_STALL_MINUTES + 1)
    assert report_runs_resume(now=later) == {"restarted": 0, "failed": 1}
    assert _run(run.pk).status == RunStatus.FAILED


def test_a_run_still_rendering_within_the_stall_time_is_left_alone(secretariat, settings):
    run = ReportRun.objects.create(
        kind="9months",
        year=2024,
        period_start="2024-01-01",
        period_end="2024-09-30",
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        attempts=1,
    )
    soon = timezone.now() + timedelta(minutes=settings.PROGRAMME_REPORT_STALL_MINUTES - 1)
    assert report_runs_resume(now=soon) == {"restarted": 0, "failed": 0}
    assert _run(run.pk).status == RunStatus.RUNNING
