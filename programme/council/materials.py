"""Materials the portal generates for an agenda item, frozen when attached: a finished
programme report run, the statistics of a period, and the urgent orders since the start of the
year. What is stored is the published figures (portal.disclosure: counts of 1–4 as "<5" and
what would give them away as "x"), exactly as the statistics pages show them to the
secretariat; never exact small counts, never personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit import audit_record
from portal.models import AuditAction, District
from portal.roles import Capability, can
from programme.council.models import AgendaItem, AgendaMaterial, MaterialKind, MeetingStatus
from programme.council.selectors import kyiv_today

STATISTICS_KINDS = {
    "quarter": gettext_lazy("quarter"),
    "9months": gettext_lazy("9 months"),
    "year": gettext_lazy("year"),
}

# The headline series shown from a frozen snapshot, in the order of the 9-month report.
HEADLINES = (
    ("cases", "registered", gettext_lazy("Reports registered")),
    ("cases", "victims", gettext_lazy("Victims")),
    ("cases", "children_affected", gettext_lazy("Cases affecting children")),
    ("orders", "urgent", gettext_lazy("Urgent restraining orders")),
    ("orders", "urgent_police_initiative", gettext_lazy("of them on police initiative")),
    ("orders", "urgent_on_application", gettext_lazy("of them on application")),
    ("orders", "urgent_minor_offenders", gettext_lazy("against offenders under 18")),
    ("orders", "restrictive", gettext_lazy("Restrictive orders")),
    ("orders", "restrictive_extended", gettext_lazy("Restrictive orders extended")),
    ("orders", "breaches_urgent", gettext_lazy("Breaches of urgent orders")),
    ("orders", "breaches_restrictive", gettext_lazy("Breaches of restrictive orders")),
    ("orders", "preventive_records", gettext_lazy("Offenders taken onto the preventive record")),
    ("orders", "offender_programmes", gettext_lazy("Offenders referred to an offender programme")),
    ("referrals", "accepted_in_time", gettext_lazy("Referrals accepted in time")),
    ("referrals", "shelter_persons", gettext_lazy("People placed in the shelter")),
    ("referrals", "crisis_room_persons", gettext_lazy("People placed in crisis rooms")),
)


def finished_runs() -> QuerySet:
    """Report runs that may be attached: finished, with their PDF."""
    from programme.models import ReportRun, RunStatus

    return (
        ReportRun.objects.filter(status=RunStatus.DONE)
        .exclude(file="")
        .order_by("-period_end", "-version")
    )


def _open_item(actor, item_id: int) -> AgendaItem:
    """The item, its meeting locked; materials are attached while the agenda is open."""
    if not can(actor, Capability.COUNCIL_MANAGE):
        raise PermissionDenied
    item = AgendaItem.objects.select_related("meeting").filter(pk=item_id).first()
    if item is None:
        raise PermissionDenied
    from programme.council.models import Meeting

    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.AGENDA_SENT):
        raise ValidationError(_("The meeting is held: its materials cannot be changed."))
    item.meeting = meeting
    return item


def _attach(actor, item: AgendaItem, **fields) -> AgendaMaterial:
    material = AgendaMaterial.objects.create(item=item, created_by=actor, **fields)
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=material, detail=f"{material.kind} {item.pk}"
    )
    return material


@transaction.atomic
def material_attach_run(*, actor, item_id: int, run_id: int) -> AgendaMaterial:
    """A finished programme report run: a reference, its PDF's name and its published
    figures as they were (a later run of the same period is another version)."""
    from programme.report import published

    item = _open_item(actor, item_id)
    run = finished_runs().filter(pk=run_id).first()
    if run is None:
        raise ValidationError(_("Choose a finished report."))
    label = _("%(report)s, version %(version)s") % {"report": run, "version": run.version}
    if not run.final:
        label = f"{label} ({_('draft')})"
    return _attach(
        actor,
        item,
        kind=MaterialKind.REPORT_RUN,
        title=label,
        report_run=run,
        report_file=run.file.name,
        period_start=run.period_start,
        period_end=run.period_end,
        figures=published(run.figures) if run.figures else {},
    )


@transaction.atomic
def material_attach_statistics(
    *, actor, item_id: int, kind: str, year: int, quarter: int | None = None
) -> AgendaMaterial:
    """The statistics of a quarter, 9 months or a year against a year earlier, published as
    the statistics page shows them to the secretariat (no free periods: two free periods a day
    apart would give a day's cases away)."""
    from programme.figures import period_for
    from programme.report import published
    from programme.statistics import statistics

    item = _open_item(actor, item_id)
    if kind not in STATISTICS_KINDS:
        raise ValidationError(_("Choose a quarter, 9 months or a year."))
    if kind == "quarter" and quarter not in (1, 2, 3, 4):
        raise ValidationError(_("Choose the quarter."))
    period = (
        period_for("months", year, months=9)
        if kind == "9months"
        else period_for(kind, year, quarter=quarter)
    )
    if period.start > kyiv_today():
        raise ValidationError(_("The period has not started yet."))
    title = _("Statistics for %(start)s–%(end)s") % {
        "start": f"{period.start:%d.%m.%Y}",
        "end": f"{period.end:%d.%m.%Y}",
    }
    return _attach(
        actor,
        item,
        kind=MaterialKind.STATISTICS,
        title=title,
        period_start=period.start,
        period_end=period.end,
        figures=published(statistics(period)),
    )


@transaction.atomic
def material_attach_orders(*, actor, item_id: int) -> AgendaMaterial:
    """Urgent orders since 1 January against the same days a year earlier, as of the meeting
    date — counted, as on the orders statistics page for the roles that see aggregates only, to
    the last month end on or before it, so that two snapshots a day apart cannot be subtracted."""
    from orders.statistics import last_month_end, order_year_on_year, published_year_on_year

    item = _open_item(actor, item_id)
    as_of = last_month_end(min(item.meeting.date, kyiv_today()))
    figures = published_year_on_year(order_year_on_year(as_of=as_of))
    title = _("Urgent orders from 01.01 to %(day)s against a year earlier") % {
        "day": f"{as_of:%d.%m.%Y}"
    }
    return _attach(
        actor,
        item,
        kind=MaterialKind.ORDERS_YTD,
        title=title,
        period_start=date(as_of.year, 1, 1),
        period_end=as_of,
        figures=figures,
    )


# --- reading a frozen material -----------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    label: str
    current: object
    previous: object
    pct: object


def _line(label, value: dict | None) -> Line | None:
    if not isinstance(value, dict) or "current" not in value:
        return None
    return Line(str(label), value["current"], value["previous"], value.get("pct"))


def material_lines(material: AgendaMaterial) -> dict[str, list[Line]]:
    """The frozen figures as labelled rows: headlines and reports by district for a report or
    a statistics snapshot; urgent orders, restrictive orders and breaches (total and by
    district) for the orders comparison. Labels come from the reference data; values are the
    stored published ones, "<5" and "x" included."""
    figures = material.figures or {}
    districts = District.objects.display_names()
    if material.kind == MaterialKind.ORDERS_YTD:
        if not figures:
            return {}
        current, previous, pct = figures["current"], figures["previous"], figures["change_pct"]
        totals = [
            Line(str(label), current[key], previous[key], pct.get(key))
            for key, label in (
                ("urgent", _("Urgent restraining orders")),
                ("restrictive", _("Restrictive orders")),
                ("breaches", _("Breaches")),
            )
        ]
        by_district = [
            Line(
                name,
                current["by_district"][slug]["urgent"],
                previous["by_district"][slug]["urgent"],
                None,
            )
            for slug, name in districts.items()
            if slug in current["by_district"]
        ]
        return {"totals": totals, "by_district": by_district}
    headlines = [
        line
        for section, key, label in HEADLINES
        if (line := _line(label, figures.get(section, {}).get(key))) is not None
    ]
    reported = figures.get("cases", {}).get("by_district", {})
    by_district = [
        line
        for slug, name in districts.items()
        if (line := _line(name, reported.get(slug))) is not None
    ]
    return {"totals": headlines, "by_district": by_district}
