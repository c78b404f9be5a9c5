"""How the audit log names programme objects: a report by its kind and period, a progress
report by its measure and quarter. Registered in ProgrammeConfig.ready(); one query per type."""

from __future__ import annotations

from django.utils.translation import gettext as _

from portal.audit_labels import register, rows_for
from programme.models import Progress, ReportingWindow, ReportKind, ReportRun


def report_run_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(ReportRun.objects, ids, "kind", "period_start", "period_end", "version")
    return {
        str(pk): _("report (%(kind)s) for %(start)s–%(end)s, version %(version)s")
        % {
            "kind": ReportKind(kind).label if kind in ReportKind.values else kind,
            "start": f"{start:%d.%m.%Y}",
            "end": f"{end:%d.%m.%Y}",
            "version": version,
        }
        for pk, kind, start, end, version in rows
    }


def progress_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(Progress.objects, ids, "measure__code", "year", "quarter")
    return {
        str(pk): _("progress on measure %(code)s, quarter %(quarter)s of %(year)s")
        % {"code": code, "quarter": quarter, "year": year}
        for pk, code, year, quarter in rows
    }


def window_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(ReportingWindow.objects, ids, "year", "quarter")
    return {
        str(pk): _("reporting window, quarter %(quarter)s of %(year)s")
        % {"quarter": quarter, "year": year}
        for pk, year, quarter in rows
    }


def register_audit_labels() -> None:
    register("programme.reportrun", report_run_labels)
    register("programme.progress", progress_labels)
    register("programme.reportingwindow", window_labels)
