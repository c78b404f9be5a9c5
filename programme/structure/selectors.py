"""Reads of programmes and their structure, always from the user. Every programme is public
reference data to those who may see the programme; only the secretariat (PROGRAMME_MANAGE) may
reach the editor, so to anyone else an object of it is answered like a missing one."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.http import Http404

from portal.calendar import KYIV
from portal.roles import Capability, can, get_object_for_user
from programme.models import Indicator, Measure, Programme, ProgrammeTask, ReportingWindow
from programme.structure.models import ProgrammeVersion


def programmes_for(user) -> QuerySet[Programme]:
    if not can(user, Capability.PROGRAMME_VIEW):
        return Programme.objects.none()
    return Programme.objects.select_related("responsible").order_by("-year_from", "code")


def _managed(user, queryset: QuerySet) -> QuerySet:
    return queryset if can(user, Capability.PROGRAMME_MANAGE) else queryset.none()


def programme_to_manage(user, pk) -> Programme:
    return get_object_for_user(_managed(user, Programme.objects.select_related("responsible")), pk)


def task_to_manage(user, pk) -> ProgrammeTask:
    return get_object_for_user(
        _managed(user, ProgrammeTask.objects.select_related("programme")), pk
    )


def measure_to_manage(user, pk) -> Measure:
    return get_object_for_user(
        _managed(user, Measure.objects.select_related("task__programme")), pk
    )


def indicator_to_manage(user, pk) -> Indicator:
    return get_object_for_user(
        _managed(user, Indicator.objects.select_related("measure__task__programme")), pk
    )


def programme_to_copy(user, pk) -> Programme | None:
    """A programme chosen as the model of a new one (a form's choice): None when not the
    user's to use, which the form reports like an empty choice."""
    return _managed(user, Programme.objects.all()).filter(pk=pk).first()


def versions_of(user, programme: Programme) -> QuerySet[ProgrammeVersion]:
    return _managed(user, ProgrammeVersion.objects.filter(programme=programme)).select_related(
        "created_by"
    )


def version_on(user, programme: Programme, day: date) -> ProgrammeVersion | None:
    """The version in force at the end of `day` (Kyiv): the last one recorded by then; None
    when the portal had not yet recorded the structure on that day."""
    end = datetime.combine(day, time.max, tzinfo=KYIV)
    return versions_of(user, programme).filter(created_at__lte=end).order_by("-number").first()


def version_numbered(user, programme: Programme, number: int) -> ProgrammeVersion:
    version = versions_of(user, programme).filter(number=number).first()
    if version is None:
        raise Http404
    return version


def windows_of(user, programme: Programme) -> dict[tuple[int, int], ReportingWindow]:
    """The reporting deadlines over the programme's term, by (year, quarter)."""
    windows = _managed(user, ReportingWindow.objects.all()).filter(
        year__range=(programme.year_from, programme.year_to)
    )
    return {(w.year, w.quarter): w for w in windows}
