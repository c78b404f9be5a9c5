"""Rendering a report run: the one service the Celery task calls."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation

from portal.calendar import KYIV
from programme.figures import Period
from programme.models import ReportRun, RunStatus


def report_run_render(*, run_id: int) -> str:
    run = ReportRun.objects.get(pk=run_id)
    if run.status == RunStatus.DONE:
        return "already done"  # idempotent: a redelivered task does nothing twice
    ReportRun.objects.filter(pk=run_id).update(
        status=RunStatus.RUNNING, progress=10, started_at=timezone.now(), error=""
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
        run.file.save(name, ContentFile(pdf), save=False)
        run.figures = figures
        run.status, run.progress, run.finished_at = RunStatus.DONE, 100, timezone.now()
        run.save()
    return run.file.name
