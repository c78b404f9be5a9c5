"""Writes on the programme: import of its structure, quarterly progress by executors (with the
deadline, late marks and reopening), and report runs. All audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import domains
from portal.audit import audit_record
from portal.models import AuditAction
from portal.outbox import outbox_enqueue
from portal.roles import Capability, acting_membership, can
from programme.figures import Period
from programme.models import (
    IndicatorActual,
    Measure,
    Programme,
    Progress,
    ProgressStatus,
    ReportingWindow,
    ReportKind,
    ReportRun,
)

DATA_FILE = Path(__file__).resolve().parent / "data" / "programme_2022_2024.yaml"


def programme_import(*, path: Path = DATA_FILE, actor=None) -> Programme:
    """Create or update a programme from its YAML file, matched by codes: idempotent. The
    structure it leaves is recorded as a version when it changed (programme.structure)."""
    from programme.structure.services import programme_load

    data = yaml.safe_load(path.read_text(encoding="utf-8"))["programme"]
    return programme_load(data=data, actor=actor)


def measures_of(user):
    """The measures whose progress this user's organisation reports."""
    membership = acting_membership(user)
    if membership is None or not can(user, Capability.PROGRAMME_PROGRESS):
        return Measure.objects.none()
    return Measure.objects.filter(executors=membership.organisation_id)


def _progress_to_write(
    *,
    actor,
    measure_id: int,
    year: int,
    quarter: int,
    status: str,
    spent: Decimal | None,
    expected_version: int | None,
) -> tuple[Measure, Progress | None]:
    """The measure and its locked report row (None for a first entry), once everything that
    bounds a draft and a submission alike is checked: the measure is the actor's, the period
    and the figures are sane, the report is not locked and the form is not stale."""
    measure = measures_of(actor).filter(pk=measure_id).first()
    if measure is None:
        raise PermissionDenied
    domains.validate_year(year)
    if status and status not in ProgressStatus.values:
        raise ValidationError({"status": [_("Choose the status of the measure.")]})
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(_("Choose a quarter from 1 to 4."))
    if spent is not None and spent < 0:
        raise ValidationError({"spent": [_("Spending cannot be negative.")]})
    progress = (
        Progress.objects.select_for_update()
        .filter(measure=measure, year=year, quarter=quarter)
        .first()
    )
    if progress is not None and progress.submitted_at and not progress.reopened_at:
        raise ValidationError(_("This report was submitted. Ask the secretariat to reopen it."))
    # A form opened before the first entry carries version 0; None is a caller without a form.
    current = progress.version if progress is not None else 0
    if expected_version is not None and expected_version != current:
        raise ValidationError(_("Someone else changed this report meanwhile. Reload the page."))
    return measure, progress


def _progress_write(
    progress: Progress, *, measure: Measure, actuals: dict[int, Decimal], fields: dict
) -> None:
    """Save the row and make its indicator facts what the form says: a value cleared in the
    form is cleared here too; a value for another measure's indicator is dropped."""
    for name, value in fields.items():
        setattr(progress, name, value)
    if progress.pk is not None:
        progress.version += 1
    progress.save()
    own = {i.pk for i in measure.indicators.all()}
    kept = {pk: value for pk, value in actuals.items() if pk in own and value is not None}
    progress.actuals.exclude(indicator_id__in=kept).delete()
    for indicator_id, value in kept.items():
        IndicatorActual.objects.update_or_create(
            progress=progress, indicator_id=indicator_id, defaults={"value": value}
        )


@transaction.atomic
def progress_save_draft(
    *,
    actor,
    measure_id: int,
    year: int,
    quarter: int,
    status: str,
    spent: Decimal | None,
    narrative: str,
    actuals: dict[int, Decimal],
    expected_version: int | None = None,
) -> Progress:
    """The executor keeps what they have typed so far. Nothing is required (only the bounds
    hold), the report stays unsubmitted, and nothing counts it until it is submitted. A report
    that was submitted and reopened is corrected and submitted again, never turned back into
    a draft: its submitted figures stay in the reports meanwhile."""
    measure, progress = _progress_to_write(
        actor=actor,
        measure_id=measure_id,
        year=year,
        quarter=quarter,
        status=status,
        spent=spent,
        expected_version=expected_version,
    )
    if progress is not None and progress.submitted_at:
        raise ValidationError(
            _("A reopened report cannot go back to a draft: correct it and submit it again.")
        )
    progress = progress or Progress(measure=measure, year=year, quarter=quarter)
    fields = {
        "status": status or "",
        "spent": spent,
        "narrative": narrative,
        "draft_saved_at": timezone.now(),
        "draft_saved_by": actor,
    }
    _progress_write(progress, measure=measure, actuals=actuals, fields=fields)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=progress,
        detail=f"{measure.code} {year} Q{quarter} draft",
    )
    return progress


@transaction.atomic
def progress_submit(
    *,
    actor,
    measure_id: int,
    year: int,
    quarter: int,
    status: str,
    spent: Decimal | None,
    narrative: str,
    actuals: dict[int, Decimal],
    expected_version: int | None = None,
) -> Progress:
    """An executor reports one measure for one quarter. After submission the entry is locked
    until the secretariat reopens it; an entry after the deadline is marked late."""
    measure, progress = _progress_to_write(
        actor=actor,
        measure_id=measure_id,
        year=year,
        quarter=quarter,
        status=status,
        spent=spent,
        expected_version=expected_version,
    )
    missing = {}
    if not status:
        missing["status"] = [_("Choose the status of the measure.")]
    if spent is None:
        missing["spent"] = [_("Enter the spending since 1 January (0 when nothing was spent).")]
    if missing:
        raise ValidationError(missing)
    window = ReportingWindow.objects.filter(year=year, quarter=quarter).first()
    late = bool(window and timezone.now() > window.deadline)
    progress = progress or Progress(measure=measure, year=year, quarter=quarter)
    fields = {
        "status": status,
        "spent": spent,
        "narrative": narrative,
        "submitted_at": timezone.now(),
        "submitted_by": actor,
        "late": late,
        "reopened_at": None,
    }
    _progress_write(progress, measure=measure, actuals=actuals, fields=fields)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=progress,
        detail=f"{measure.code} {year} Q{quarter}{' late' if late else ''}",
    )
    return progress


@transaction.atomic
def progress_reopen(*, actor, progress_id: int) -> Progress:
    """The secretariat gives a submitted report back to its executor for a correction."""
    if not can(actor, Capability.PROGRAMME_MANAGE):
        raise PermissionDenied
    progress = (
        Progress.objects.select_for_update()
        .filter(pk=progress_id, submitted_at__isnull=False)
        .first()
    )
    if progress is None:
        # A draft is the executor's own: to the secretariat it does not exist (the view: 404).
        raise PermissionDenied
    progress.reopened_at = timezone.now()
    progress.save(update_fields=["reopened_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=progress, detail="reopened")
    return progress


@transaction.atomic
def window_set(*, actor, year: int, quarter: int, deadline) -> ReportingWindow:
    if not can(actor, Capability.PROGRAMME_MANAGE):
        raise PermissionDenied
    window, _c = ReportingWindow.objects.update_or_create(
        year=year, quarter=quarter, defaults={"deadline": deadline}
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=window, detail=str(deadline))
    return window


def report_period(kind: str, year: int, quarter: int | None) -> Period:
    from programme.figures import period_for

    if kind == ReportKind.QUARTER:
        return period_for("quarter", year, quarter=quarter)
    if kind == ReportKind.NINE_MONTHS:
        return period_for("months", year, months=9)
    return period_for("year", year)


@transaction.atomic
def report_run_create(
    *,
    actor,
    kind: str,
    year: int,
    quarter: int | None = None,
    locale: str = "uk",
    final: bool = False,
    narrative: str = "",
) -> ReportRun:
    """Queue a report; a run for the same period is a new version, never a replacement. A run
    is a draft unless it is the final version ordered from a draft with its narrative."""
    if actor is not None and not can(actor, Capability.REPORT_ORDER):
        raise PermissionDenied
    if kind not in ReportKind.values:
        raise ValidationError(_("Choose the kind of report and the period."))
    if kind == ReportKind.QUARTER and quarter not in (1, 2, 3, 4):
        raise ValidationError(_("Choose a quarter from 1 to 4."))
    if not 2000 <= year <= 2099:
        raise ValidationError(_("Choose the kind of report and the period."))
    period = report_period(kind, year, quarter)
    if period.start > timezone.localdate():
        raise ValidationError(_("The period has not started yet."))
    latest = ReportRun.objects.filter(
        kind=kind, period_start=period.start, period_end=period.end
    ).aggregate(v=Max("version"))["v"]
    run = ReportRun.objects.create(
        kind=kind,
        year=year,
        quarter=quarter if kind == ReportKind.QUARTER else None,
        period_start=period.start,
        period_end=period.end,
        version=(latest or 0) + 1,
        locale=locale,
        requested_by=actor,
        final=final,
        narrative=narrative,
    )
    if actor is not None:
        audit_record(actor=actor, action=AuditAction.CREATE, obj=run, detail=str(run))
    # Through the outbox: with Redis down the run waits, queued, and starts when it is back.
    outbox_enqueue(task="programme.tasks.render_report", kwargs={"run_id": run.pk})
    return run


def _draft_for(actor, run_id: int) -> ReportRun:
    if not can(actor, Capability.REPORT_ORDER):
        raise PermissionDenied
    run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None:
        raise PermissionDenied  # the view answers 404
    if run.final:
        raise ValidationError(_("This is the final version: order a new draft to change it."))
    return run


@transaction.atomic
def report_run_narrative_set(*, actor, run_id: int, narrative: str) -> ReportRun:
    """The secretariat writes the report's narrative (DOMAIN.md §5, part 5) on a draft run."""
    run = _draft_for(actor, run_id)
    run.narrative = narrative.strip()
    run.save(update_fields=["narrative"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=run, detail="narrative")
    return run


@transaction.atomic
def report_run_finalise(*, actor, run_id: int, narrative: str | None = None) -> ReportRun:
    """Order the final version of a draft: a new run of the same period, with the draft's
    narrative and without the draft mark. A `narrative` given with the order is saved in the
    same transaction: a refused order leaves the saved narrative as it was."""
    if narrative is not None:
        report_run_narrative_set(actor=actor, run_id=run_id, narrative=narrative)
    draft = _draft_for(actor, run_id)
    if not draft.narrative:
        raise ValidationError(
            {"narrative": [_("Write the narrative before ordering the final version.")]}
        )
    return report_run_create(
        actor=actor,
        kind=draft.kind,
        year=draft.year,
        quarter=draft.quarter,
        locale=draft.locale,
        final=True,
        narrative=draft.narrative,
    )


def previous_quarter(today: date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3
    return (today.year - 1, 4) if quarter == 0 else (today.year, quarter)
