from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation


@shared_task
def refresh_statistics_rollups() -> int:
    """Recompute the statistics rollups of the days changed since the last refresh. Safe to
    deliver twice: the second finds nothing noted (refreshes take one lock in turn)."""
    from programme import rollups

    return rollups.refresh()


@shared_task(bind=True, max_retries=3)
def render_report(self, run_id: int) -> str:
    """Render one report run to PDF. A failure is retried with backoff; after the last try the
    run is marked failed with the error, and no half-written file is ever left."""
    from programme.models import ReportRun, RunNotice, RunStatus
    from programme.reporting import report_run_render

    try:
        return report_run_render(run_id=run_id)
    except ReportRun.DoesNotExist:
        return "no such run"  # deleted meanwhile: nothing to retry
    except Exception as error:
        if self.request.retries < self.max_retries:
            ReportRun.objects.filter(pk=run_id).update(
                status=RunStatus.QUEUED,
                notice=RunNotice.RETRYING,
                error=f"{type(error).__name__}: {error} (retry {self.request.retries + 1})",
            )
            delay = getattr(settings, "PROGRAMME_REPORT_RETRY_SECONDS", 10)
            raise self.retry(exc=error, countdown=delay * 2**self.request.retries) from error
        ReportRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED,
            error=f"{type(error).__name__}: {error}",
            finished_at=timezone.now(),
            progress=0,
        )
        raise


@shared_task
def order_quarterly_report() -> int | None:
    """Beat, the day after each quarter ends: the quarter's report (and the 9-month report
    after the third quarter), requested by the system."""
    from programme.models import ReportKind
    from programme.services import previous_quarter, report_run_create

    year, quarter = previous_quarter(timezone.localdate())
    with translation.override("uk"):
        run = report_run_create(actor=None, kind=ReportKind.QUARTER, year=year, quarter=quarter)
        if quarter == 3:
            report_run_create(actor=None, kind=ReportKind.NINE_MONTHS, year=year)
    return run.pk


@shared_task
def resume_stalled_reports() -> dict[str, int]:
    """Beat, every few minutes: runs whose worker died in the middle are started again."""
    from programme.reporting import report_runs_resume

    return report_runs_resume()
