"""How the audit log names case objects, and which audited objects belong to a case or person.

Registered in CasesConfig.ready() with `portal.audit_labels`; each function is one query for a
whole page of ids. A case is named by its number, a person by surname and initials.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

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
    RiskAssessment,
    SafetyPlan,
    Task,
)
from portal.audit_labels import (
    LabelMany,
    numeric_ids,
    person_name,
    register,
    register_scope,
    rows_for,
)

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
]


def case_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(Case.objects, ids, "number")
    return {str(pk): _("case %(number)s") % {"number": number} for pk, number in rows}


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


def case_child_labels(model: type[models.Model]) -> LabelMany:
    def label_many(ids: list[str]) -> dict[str, str]:
        rows = rows_for(model._default_manager, ids, "case__number")
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


def register_audit_labels() -> None:
    register("cases.case", case_labels)
    register("cases.person", person_labels)
    register("cases.participant", participant_labels)
    for model in CASE_CHILDREN:
        register(model._meta.label_lower, case_child_labels(model))
    register_scope("case", case_objects)
    register_scope("person", person_objects)
