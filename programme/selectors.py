"""Reads of the programme, scoped to the user: executors see their own measures' sections."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from portal.roles import Capability, acting_membership, can
from programme.models import Measure, Programme, ProgrammeTask, Progress, ReportRun


def programme_for(user) -> Programme | None:
    if not (can(user, Capability.PROGRAMME_VIEW)):
        return None
    return Programme.objects.select_related("responsible").order_by("pk").first()


def tasks_for(user, *, year: int) -> list[ProgrammeTask]:
    """Tasks with their measures; an executor sees only the measures their organisation runs."""
    measures = Measure.objects.prefetch_related(
        "executors",
        "indicators",
        Prefetch(
            "progress",
            queryset=Progress.objects.filter(year=year).order_by("quarter"),
            to_attr="year_progress",
        ),
    )
    if not (can(user, Capability.PROGRAMME_MANAGE) or can(user, Capability.STATISTICS_VIEW)):
        membership = acting_membership(user)
        measures = measures.filter(executors=membership.organisation_id if membership else None)
    tasks = ProgrammeTask.objects.prefetch_related(Prefetch("measures", queryset=measures))
    return [t for t in tasks if t.measures.all()]


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
    return {"measures": list(measures_of(request.user).select_related("task")[:10]), "year": year}
