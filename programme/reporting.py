"""Rendering a report run: the one service the Celery task calls, and the watchdog that starts
again a run whose worker died in the middle of it."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from portal.calendar import KYIV
from portal.models import OutboxMessage
from portal.outbox import outbox_enqueue
from programme.figures import Period
from programme.models import ReportRun, RunNotice, RunStatus

logger = logging.getLogger(__name__)
RENDER_TASK = "programme.tasks.render_report"


def report_run_render(*, run_id: int) -> str:
    run = ReportRun.objects.get(pk=run_id)
    if run.status == RunStatus.DONE:
        return "already done"  # idempotent: a redelivered task does nothing twice
    ReportRun.objects.filter(pk=run_id).update(
        status=RunStatus.RUNNING,
        progress=10,
        started_at=timezone.now(),
        error="",
        attempts=F("attempts") + 1,
    )
    period = Period(run.period_start, run.period_end, run.kind)
    with translation.override(run.locale), timezone.override(KYIV):
        from programme.report import render_pdf
        from programme.statistics import statistics

        figures = statistics(period)
        ReportRun.objects.filter(pk=run_id).update(progress=40)
        pdf = render_pdf(period, run=run)
    ReportRun.objects.filter(pk=run_id).update(progress=80)
    name = f"report-{run.kind}-{run.period_start:%Y%m%d}-{run.period_end:%Y%m%d}-v{run.version}.pdf"
    # The file is written whole from memory and the row flips to done in one transaction: a
    # failure before this point leaves neither a file nor a "done" run.
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if run.status == RunStatus.DONE:
            # A second delivery rendered it meanwhile: its file stands, this one is dropped.
            return run.file.name
        run.file.save(name, ContentFile(pdf), save=False)
        run.figures = figures
        run.status, run.progress, run.finished_at = RunStatus.DONE, 100, timezone.now()
        run.notice = RunNotice.NONE
        run.save()
    return run.file.name


def waiting_for_queue(run: ReportRun) -> bool:
    """The run's rendering is asked for but not handed to Celery yet (Redis is away)."""
    return OutboxMessage.objects.filter(
        task=RENDER_TASK, kwargs__run_id=run.pk, sent_at__isnull=True
    ).exists()


def report_runs_resume(*, now=None) -> dict[str, int]:
    """Start again the runs that stalled: running for longer than a render can take (its worker
    was killed), or queued that long with nothing waiting in the outbox (the broker lost the
    message, e.g. Redis restarted empty). After PROGRAMME_REPORT_MAX_ATTEMPTS starts a run is
    failed instead. Safe to run at any time and twice: rendering a done run does nothing."""
    now = now or timezone.now()
    stalled = now - timedelta(minutes=settings.PROGRAMME_REPORT_STALL_MINUTES)
    counts = {"restarted": 0, "failed": 0}
    candidates = ReportRun.objects.filter(
        status__in=[RunStatus.RUNNING, RunStatus.QUEUED]
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            run = ReportRun.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if run is None:
                continue
            if run.status == RunStatus.RUNNING:
                if run.started_at is None or run.started_at >= stalled:
                    continue
            elif run.status == RunStatus.QUEUED:
                since = run.started_at or run.created_at
                if since >= stalled or waiting_for_queue(run):
                    continue
            else:
                continue
            if run.attempts >= settings.PROGRAMME_REPORT_MAX_ATTEMPTS:
                run.status, run.progress, run.finished_at = RunStatus.FAILED, 0, now
                run.error = f"stalled after {run.attempts} attempts"
                run.save(update_fields=["status", "progress", "finished_at", "error"])
                counts["failed"] += 1
                logger.error("Report run %s stalled %s times; marked failed", pk, run.attempts)
                continue
            run.status, run.progress, run.notice = RunStatus.QUEUED, 0, RunNotice.INTERRUPTED
            # `started_at` restarts the stall clock for the queued run.
            run.started_at = now
            run.save(update_fields=["status", "progress", "notice", "started_at"])
            outbox_enqueue(task=RENDER_TASK, kwargs={"run_id": run.pk})
            counts["restarted"] += 1
            logger.warning("Report run %s stalled; started again", pk)
    return counts
