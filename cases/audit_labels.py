"""How the audit log names case objects, and which audited objects belong to a case or person.

Registered in CasesConfig.ready() with `portal.audit_labels`; each function is one query for a
whole page of ids. A case is named by its number, a person by surname and initials.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cases.models import (
    Attachment,
    Case,
    CasePlan,
    CaseTransfer,
    ClosureRequest,
    Incident,
    NeedsAssessment,
    Note,
    Participant,
    Person,
    RetentionPolicy,
    RiskAssessment,
    SafetyPlan,
    SavedFilter,
    Task,
    ViolenceSubtype,
)
from cases.team.models import CaseTeam, Conference
from portal.audit_labels import (
    LabelMany,
    numeric_ids,
    person_name,
    register,
    register_named,
    register_scope,
    rows_for,
)
from portal.models import Organisation

# A case with more children than this is not real; the cap keeps the filter's SQL bounded.
SCOPE_LIMIT = 1000

# Objects that live inside one case: named "<kind> № <id> (in case <number>)".
CASE_CHILDREN: list[type[models.Model]] = [
    Incident,
    RiskAssessment,
    NeedsAssessment,
    Note,
    Task,
    Attachment,
    SafetyPlan,
    CasePlan,
    ClosureRequest,
    CaseTransfer,
    CaseTeam,
]


def case_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(Case.objects, ids, "number")
    return {str(pk): _("case %(number)s") % {"number": number} for pk, number in rows}


def case_numbers(ids: list[str]) -> dict[str, str]:
    """Cases listed together by a read (the list, a search): their numbers."""
    return {str(pk): number for pk, number in rows_for(Case.objects, ids, "number")}


def person_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(Person.objects, ids, "last_name", "first_name", "patronymic")
    return {str(pk): _("person %(name)s") % {"name": person_name(*names)} for pk, *names in rows}


def participant_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(
        Participant.objects,
        ids,
        "case__number",
        "person__last_name",
        "person__first_name",
        "person__patronymic",
    )
    return {
        str(pk): _("person %(name)s (in case %(number)s)")
        % {"name": person_name(*names), "number": number}
        for pk, number, *names in rows
    }


def case_child_labels(model: type[models.Model], case_number: str = "case__number") -> LabelMany:
    """Objects inside a case, named by their kind and the case's number (`case_number`: the path
    to it, for an object that lives in the case through another, as a conference in its team)."""

    def label_many(ids: list[str]) -> dict[str, str]:
        rows = rows_for(model._default_manager, ids, case_number)
        kind = str(model._meta.verbose_name)
        return {
            str(pk): _("%(kind)s № %(id)s (in case %(number)s)")
            % {"kind": kind, "id": pk, "number": number}
            for pk, number in rows
        }

    return label_many


def case_objects(number: str) -> dict[str, list[str]]:
    """The case and what the cases app keeps inside it (people, incidents, notes, …).

    People are included through their participation: viewing a person of the case is an access
    to the case's data, even though the same person may appear in another case too.
    """
    case_ids = list(Case.objects.filter(number=number).values_list("pk", flat=True)[:1])
    if not case_ids:
        return {}
    found: dict[str, list[str]] = {"cases.case": [str(case_ids[0])]}
    participants = Participant.objects.filter(case_id=case_ids[0]).values_list("pk", "person_id")
    participants = list(participants[:SCOPE_LIMIT])
    found["cases.participant"] = [str(pk) for pk, _person in participants]
    found["cases.person"] = [str(person) for _pk, person in participants]
    for model in CASE_CHILDREN:
        ids = model._default_manager.filter(case_id=case_ids[0]).values_list("pk", flat=True)
        found[model._meta.label_lower] = [str(pk) for pk in ids[:SCOPE_LIMIT]]
    conferences = Conference.objects.filter(team__case_id=case_ids[0]).values_list("pk", flat=True)
    found["cases.conference"] = [str(pk) for pk in conferences[:SCOPE_LIMIT]]
    return found


def person_objects(person_id: str) -> dict[str, list[str]]:
    """The person and their participations in cases."""
    ids = numeric_ids([person_id])
    if not ids or not Person.objects.filter(pk=ids[0]).exists():
        return {}
    participations = Participant.objects.filter(person_id=ids[0]).values_list("pk", flat=True)
    return {
        "cases.person": [str(ids[0])],
        "cases.participant": [str(pk) for pk in participations[:SCOPE_LIMIT]],
    }


def retention_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(RetentionPolicy.objects, ids, "years_after_closure")
    return {
        str(pk): _("retention policy (%(years)s years after closure)") % {"years": years}
        for pk, years in rows
    }


def register_audit_labels() -> None:
    register("cases.case", case_labels, in_lists=case_numbers)
    register("cases.person", person_labels)
    register("cases.participant", participant_labels)
    for model in CASE_CHILDREN:
        register(model._meta.label_lower, case_child_labels(model))
    register("cases.conference", case_child_labels(Conference, "team__case__number"))
    register_named(SavedFilter.objects)
    register_named(ViolenceSubtype.objects)
    register("cases.retentionpolicy", retention_labels)
    register_scope("case", case_objects)
    register_scope("person", person_objects)
    register_detail_words()


def organisation_named(code: str) -> str:
    """An organisation written in a detail by its code, by its name (a query per code, once per
    page or export: portal.audit_words.name_of); a code that names none is shown as written."""
    from portal.audit_words import name_of

    def look_up(code: str) -> str:
        organisation = Organisation.objects.filter(code=code).first()
        return organisation.display_name if organisation else code

    return name_of("organisation", code, look_up)


def register_detail_words() -> None:
    """How the cases app's audit details read in the log (portal.audit_words): codes by their
    labels, dates as the reader reads them. What a user typed (a reason, a file's name) and a
    case's number stay as they were written."""
    from cases.choices import CaseStatus, RiskLevel
    from cases.lifecycle.models import ClosureReason
    from cases.plans.models import CasePlanRevisionKind
    from cases.team.models import TeamRole
    from portal.audit_words import label_of, register_words

    for phrase, words in {
        "approved": gettext_lazy("Approved"),
        "returned": gettext_lazy("Returned for changes"),
        "reopened": gettext_lazy("Reopened"),
        "accepted": gettext_lazy("Accepted"),
        "declined": gettext_lazy("Declined"),
        "withdrawn": gettext_lazy("Withdrawn"),
        "done": gettext_lazy("Done"),
        "closed": gettext_lazy("Closed"),
        "plan action": gettext_lazy("An action of the plan"),
        "victim's name in a list": gettext_lazy("The victim's name shown in a list"),
        "team page": gettext_lazy("The team's page"),
        "conference": gettext_lazy("A case conference's record"),
        "conference record": gettext_lazy("A case conference's record, as a file"),
        "across cases": gettext_lazy("The person in all her cases"),
        "merge record": gettext_lazy("The record of a merge"),
    }.items():
        register_words(re.escape(phrase), words)
    register_words(
        r"status (?P<status>[a-z_]+)",
        gettext_lazy("Status: %(status)s"),
        labels={"status": CaseStatus.choices},
        object_types=["cases.case"],
    )
    register_words(
        r"consent (?P<given>True|False)",
        lambda m: (
            _("Consent to share her data: given")
            if m["given"] == "True"
            else _("Consent to share her data: not given")
        ),
    )
    register_words(
        r"reason (?P<reason>[a-z_]+)",
        gettext_lazy("Reason for closing: %(reason)s"),
        labels={"reason": ClosureReason.choices},
        object_types=["cases.closurerequest"],
    )
    register_words(
        r"closed: (?P<reason>[a-z_]+)",
        gettext_lazy("Closed: %(reason)s"),
        labels={"reason": ClosureReason.choices},
        object_types=["cases.case"],
    )
    register_words(
        r"(?P<level>low|medium|high)",
        gettext_lazy("Risk level: %(level)s"),
        labels={"level": RiskLevel.choices},
        object_types=["cases.riskassessment"],
    )
    register_words(
        r"responsible (?P<before>\d+|None) -> (?P<after>\d+)",
        lambda m: (
            _("Responsible worker changed (user no. %(before)s → no. %(after)s)")
            % {"before": m["before"] if m["before"] != "None" else "—", "after": m["after"]}
        ),
    )
    register_words(
        r"(?P<number>\S+) summary",
        gettext_lazy("%(number)s: the case summary (PDF)"),
        object_types=["cases.case"],
    )
    register_words(
        r"depersonalised (?P<number>\S+) \(art\. 16\)",
        gettext_lazy("%(number)s depersonalised (art. 16)"),
    )
    register_words(
        r"merged person (?P<duplicate>\d+) into (?P<kept>\d+) \(merge (?P<merge>\d+)\)",
        gettext_lazy("Person no. %(duplicate)s merged into no. %(kept)s (merge no. %(merge)s)"),
    )
    register_words(
        r"undid merge (?P<merge>\d+): person (?P<person>\d+) restored",
        gettext_lazy("Merge no. %(merge)s undone: person no. %(person)s restored"),
    )
    register_words(
        r"duplicate candidates: (?P<ids>[\d,]*)",
        lambda m: (
            _("Possible duplicates shown: %(ids)s")
            % {"ids": ", ".join(m["ids"].split(",")) if m["ids"] else "—"}
        ),
    )
    register_words(
        r"compared with person (?P<person>\d+)",
        gettext_lazy("Compared with person no. %(person)s"),
    )
    register_words(
        r"member (?P<user>\d+) left", gettext_lazy("A member left the team (user no. %(user)s)")
    )
    register_words(
        r"until (?P<day>\d{4}-\d{2}-\d{2})",
        gettext_lazy("Works until %(day)s"),
        dates=["day"],
        object_types=["cases.caseteam"],
    )
    register_words(
        r"break-glass: no case (?P<number>.*)", gettext_lazy("Emergency access: no case %(number)s")
    )
    register_words(
        r"(?s)break-glass until (?P<until>[\d.]+ [\d:]+): (?P<reason>.*)",
        gettext_lazy("Emergency access until %(until)s: %(reason)s"),
    )
    register_words(
        r"grant \S+ to (?P<user>\S+) until (?P<day>\d{4}-\d{2}-\d{2})",
        gettext_lazy("Access given to %(user)s until %(day)s"),
        dates=["day"],
    )
    register_words(
        r"v(?P<version>\d+) (?P<kind>[a-z_]+)",
        gettext_lazy("Version %(version)s: %(kind)s"),
        labels={"kind": CasePlanRevisionKind.choices},
        object_types=["cases.caseplan"],
    )
    register_words(
        r"(?s)v(?P<version>\d+): (?P<kind>.*)",
        gettext_lazy("Version %(version)s: %(kind)s"),
        object_types=["cases.safetyplan"],
    )
    register_words(
        r"case \d+", gettext_lazy("The case's team formed"), object_types=["cases.caseteam"]
    )
    register_words(
        r"member (?P<user>\S+) \((?P<role>[a-z_]+)\); reads case: (?P<reads>True|False)",
        lambda m: (
            (
                _("%(user)s joined the team (%(role)s); reads the case")
                if m["reads"] == "True"
                else _("%(user)s joined the team (%(role)s); does not read the case")
            )
            % {"user": m["user"], "role": label_of(TeamRole.choices, m["role"])}
        ),
    )
    register_words(
        r"team \d+; (?P<n>\d+) decision\(s\)",
        lambda m: (
            ngettext(
                "A conference with %(n)d decision", "A conference with %(n)d decisions", int(m["n"])
            )
            % {"n": int(m["n"])}
        ),
    )
    register_words(
        r"to (?P<code>\S+)",
        lambda m: (
            _("Lead offered to %(organisation)s") % {"organisation": organisation_named(m["code"])}
        ),
        object_types=["cases.casetransfer"],
    )
    register_words(
        r"lead (?P<before>\S+) -> (?P<after>\S+)",
        lambda m: (
            _("The lead passed from %(before)s to %(after)s")
            % {"before": organisation_named(m["before"]), "after": organisation_named(m["after"])}
        ),
    )
    register_words(r"revoke access of (?P<user>.+)", gettext_lazy("Access of %(user)s taken away"))
