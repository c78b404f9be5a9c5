"""Reads of the programme, scoped to the user: executors see their own measures' sections."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone

from portal.roles import Capability, acting_membership, can, get_object_for_user
from programme.figures import FIRST_REPORT_YEAR, period_for
from programme.models import (
    Funding,
    IndicatorPlan,
    Measure,
    Programme,
    ProgrammeTask,
    Progress,
    ReportRun,
)
from programme.statistics import has_reports


def programme_for(user, *, code: str | None = None, today: date | None = None) -> Programme | None:
    """The programme asked for by its code, or by default the one in force today (the latest
    one when none is); None when the user may not see programmes or the code is not one."""
    if not (can(user, Capability.PROGRAMME_VIEW)):
        return None
    programmes = Programme.objects.select_related("responsible")
    if code is not None:
        return programmes.filter(code=code).first()
    year = (today or timezone.localdate()).year
    return (
        programmes.filter(year_from__lte=year, year_to__gte=year).order_by("-year_from").first()
        or programmes.order_by("-year_to", "pk").first()
    )


def _progress_seen_by(user) -> QuerySet[Progress]:
    """Quarterly reports as this user sees them. A draft is the executor's own work: only the
    executors (who see only their organisation's measures) see it; for everyone else, and for
    every figure, a report exists once it is submitted."""
    if can(user, Capability.PROGRAMME_PROGRESS):
        return Progress.objects.all()
    return Progress.objects.filter(submitted_at__isnull=False)


def measures_visible_to(user) -> QuerySet[Measure]:
    """The measures this user sees in the programme: all of them for those who manage the
    programme or read its statistics, else those their organisation runs."""
    if not can(user, Capability.PROGRAMME_VIEW):
        return Measure.objects.none()
    if can(user, Capability.PROGRAMME_MANAGE) or can(user, Capability.STATISTICS_VIEW):
        return Measure.objects.all()
    membership = acting_membership(user)
    if membership is None:
        return Measure.objects.none()
    return Measure.objects.filter(executors=membership.organisation_id)


def measures_openable_by(user) -> QuerySet[Measure]:
    """The measures whose own page (its reports, drafts and who wrote them) the user may open:
    every one for the secretariat, which manages the programme, and an executor's own. Whoever
    reads the statistics sees the measures' quarterly marks in the programme, not their pages."""
    from programme.services import measures_of

    if can(user, Capability.PROGRAMME_MANAGE):
        return Measure.objects.all()
    return measures_of(user)


def measure_for_user(*, user, pk) -> Measure:
    """One measure the user may open (measures_openable_by), or 404 for any other id."""
    return get_object_for_user(measures_openable_by(user).select_related("task"), pk)


def tasks_for(user, *, programme: Programme, year: int) -> list[ProgrammeTask]:
    """Tasks with their measures; an executor sees only the measures their organisation runs."""
    measures = measures_visible_to(user).prefetch_related(
        "executors",
        "indicators",
        Prefetch(
            "progress",
            queryset=_progress_seen_by(user).filter(year=year).order_by("quarter"),
            to_attr="year_progress",
        ),
    )
    tasks = ProgrammeTask.objects.filter(programme=programme).prefetch_related(
        Prefetch("measures", queryset=measures)
    )
    return [t for t in tasks if t.measures.all()]


def progress_of_measure(user, *, measure: Measure) -> QuerySet[Progress]:
    """A measure's quarterly reports, newest first, for its page (the measure comes from
    measure_for_user)."""
    return (
        _progress_seen_by(user)
        .filter(measure=measure)
        .select_related("submitted_by", "draft_saved_by")
        .order_by("-year", "-quarter")
    )


def report_runs_for(user) -> QuerySet[ReportRun]:
    if not (can(user, Capability.REPORT_DOWNLOAD) or can(user, Capability.REPORT_ORDER)):
        return ReportRun.objects.none()
    return ReportRun.objects.select_related("requested_by").order_by("-created_at")


def secretariat_panel(request) -> dict:
    return {"runs": list(report_runs_for(request.user)[:5])}


def executor_panel(request) -> dict:
    from django.utils import timezone

    from programme.services import measures_of

    year = timezone.localdate().year
    measures = measures_of(request.user).filter(task__programme__year_to__gte=year)
    return {"measures": list(measures.select_related("task")[:10]), "year": year}


def statistics_default_year(user, *, today: date) -> int:
    """The year of the statistics page's default period (9 months): the latest complete one
    whose figures and whose counterpart a year earlier both have reports, so that the first
    comparison a user sees is not against an empty year; the latest complete one otherwise."""
    latest = today.year if today.month > 9 else today.year - 1
    if not can(user, Capability.STATISTICS_VIEW):
        return latest
    for year in range(latest, FIRST_REPORT_YEAR, -1):
        if has_reports(period_for("months", year, months=9)) and has_reports(
            period_for("months", year - 1, months=9)
        ):
            return year
    return latest


def progress_plan(user, *, measure: Measure, year: int) -> dict:
    """What the programme plans for a measure in a year, shown beside the executor's inputs:
    the spending from every source and each indicator's planned value (None when not set)."""
    if not (
        can(user, Capability.PROGRAMME_PROGRESS)
        or can(user, Capability.PROGRAMME_MANAGE)
        or can(user, Capability.STATISTICS_VIEW)
    ):
        return {"spending": None, "indicators": {}}
    spending = Funding.objects.filter(measure=measure, year=year).aggregate(total=Sum("amount"))
    plans = IndicatorPlan.objects.filter(indicator__measure=measure, year=year)
    return {
        "spending": spending["total"],
        "indicators": dict(plans.values_list("indicator_id", "value")),
    }
