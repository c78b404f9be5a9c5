"""How the audit log names programme objects: a report by its kind and period, a progress
report by its measure and quarter. Registered in ProgrammeConfig.ready(); one query per type."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.audit_labels import register, register_named, rows_for
from programme.models import (
    IndicatorPlan,
    Measure,
    Programme,
    ProgrammeTask,
    Progress,
    ReportingWindow,
    ReportKind,
    ReportRun,
)


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


def agenda_item_labels(ids: list[str]) -> dict[str, str]:
    from programme.council.models import AgendaItem

    rows = rows_for(AgendaItem.objects, ids, "position", "meeting__number", "meeting__date")
    return {
        str(pk): _("question %(position)s of council meeting № %(meeting)s, %(date)s")
        % {"position": position, "meeting": meeting, "date": f"{day:%d.%m.%Y}"}
        for pk, position, meeting, day in rows
    }


def decision_labels(ids: list[str]) -> dict[str, str]:
    from programme.council.models import Decision

    rows = rows_for(Decision.objects, ids, "number", "item__meeting__number", "item__meeting__date")
    return {
        str(pk): _("decision %(number)s of council meeting № %(meeting)s, %(date)s")
        % {"number": number, "meeting": meeting, "date": f"{day:%d.%m.%Y}"}
        for pk, number, meeting, day in rows
    }


def register_audit_labels() -> None:
    from programme.council.memoranda.models import Memorandum
    from programme.council.models import AgendaMaterial, Assignment, CouncilMember, Meeting

    # A programme's title says what it is ("Міська цільова програма …"); the others say their kind.
    register_named(Programme.objects, kind=False)
    for queryset in (Measure.objects, Meeting.objects, CouncilMember.objects):
        register_named(queryset)
    register_named(ProgrammeTask.objects)
    register_named(IndicatorPlan.objects, related=("indicator",))
    register_named(Assignment.objects, related=("decision", "assignee"))
    register_named(AgendaMaterial.objects)
    register_named(Memorandum.objects)
    register("programme.agendaitem", agenda_item_labels)
    register("programme.decision", decision_labels)
    register("programme.reportrun", report_run_labels)
    register("programme.progress", progress_labels)
    register("programme.reportingwindow", window_labels)
    register_detail_words()


def _programme_named(code: str) -> str:
    """A programme written in a detail by its code, by its title (a query per code, once per
    page or export: portal.audit_words.name_of)."""
    from portal.audit_words import name_of

    def look_up(code: str) -> str:
        programme = Programme.objects.filter(code=code).first()
        return programme.display_title if programme else code

    return name_of("programme", code, look_up)


def register_detail_words() -> None:
    """How the programme's and the council's audit details read in the log
    (portal.audit_words): statuses, answers and kinds by their names."""
    from portal.audit_words import register_words
    from programme.council.models import (
        AssignmentEventKind,
        AttendanceReply,
        MaterialKind,
        MeetingStatus,
    )

    register_words(r"narrative", gettext_lazy("The report's narrative"))
    register_words(r"terminated", gettext_lazy("Terminated"))
    register_words(r"heard/spoke", gettext_lazy("Who reported and who spoke"))
    register_words(r"minutes", gettext_lazy("The minutes"))
    register_words(r"minutes draft", gettext_lazy("The minutes, a draft"))
    register_words(
        r"(?P<code>\S+) (?P<year>\d{4}) Q(?P<quarter>[1-4])(?P<flag> draft| late)?",
        lambda m: (
            {
                " draft": _("Measure %(code)s, quarter %(quarter)s of %(year)s: draft saved"),
                " late": _("Measure %(code)s, quarter %(quarter)s of %(year)s: submitted late"),
                None: _("Measure %(code)s, quarter %(quarter)s of %(year)s: submitted"),
            }[m["flag"]]
            % m.groupdict()
        ),
        object_types=["programme.progress"],
    )
    register_words(
        r"structure v(?P<version>\d+): (?P<n>\d+) change\(s\)",
        lambda m: (
            ngettext(
                "The structure, version %(version)s: %(n)d change",
                "The structure, version %(version)s: %(n)d changes",
                int(m["n"]),
            )
            % {"version": m["version"], "n": int(m["n"])}
        ),
        object_types=["programme.programme"],
    )
    register_words(
        r"copy of (?P<code>\S+)",
        lambda m: _("A copy of the programme “%(title)s”") % {"title": _programme_named(m["code"])},
        object_types=["programme.programme"],
    )
    register_words(
        r"attendance (?P<present>\d+)/(?P<total>\d+)",
        gettext_lazy("Attendance: %(present)s of %(total)s"),
    )
    register_words(
        r"status (?P<status>[a-z_]+)",
        gettext_lazy("Meeting: %(status)s"),
        labels={"status": MeetingStatus.choices},
        object_types=["programme.meeting"],
    )
    register_words(
        r"reply (?P<reply>[a-z_]+)",
        gettext_lazy("Answer to the agenda: %(reply)s"),
        labels={"reply": AttendanceReply.choices},
        object_types=["programme.meeting"],
    )
    register_words(
        r"(?P<event>started|reported|accepted|returned|extended)",
        gettext_lazy("Assignment: %(event)s"),
        labels={"event": AssignmentEventKind.choices},
        object_types=["programme.assignment"],
    )
    register_words(
        r"(?P<kind>[a-z_]+)(?: \d+)?",
        gettext_lazy("Material: %(kind)s"),
        labels={"kind": MaterialKind.choices},
        object_types=["programme.agendamaterial"],
    )
