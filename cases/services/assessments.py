"""What is recorded on a case after intake as well as at it: incidents, risk and needs
assessments, and people added to the case."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import extensions
from cases import risk as risk_rules
from cases.models import (
    Case,
    Incident,
    Need,
    NeedsAssessment,
    Participant,
    ParticipantRole,
    Person,
    RiskAssessment,
)
from cases.services.common import editable_case, refresh_denormalised, timeline_record
from cases.services.people import PersonData, person_for_case
from portal import domains
from portal.audit import audit_record
from portal.models import AuditAction


def incident_create(*, case: Case, actor, values: Mapping[str, Any]) -> Incident:
    subtypes = values.get("subtypes") or []
    incident = Incident.objects.create(
        case=case,
        occurred_at=values["occurred_at"],
        place=values.get("place", ""),
        forms=sorted(set(values["forms"])),
        children_present=bool(values.get("children_present")),
        injuries=bool(values.get("injuries")),
        weapons=bool(values.get("weapons")),
        police_called=bool(values.get("police_called")),
        description=values.get("description", ""),
        recorded_by=actor,
    )
    if subtypes:
        incident.subtypes.set(subtypes)
    return incident


def prior_orders(offender: Person | None, *, case: Case, at: datetime) -> int:
    """Orders against the offender issued before the assessment moment `at`, on OTHER cases: the
    case's own urgent order is the answer to this violence, not a sign of repeat offending."""
    if offender is None:
        return 0
    return extensions.prior_orders_count(person=offender, before=at, exclude_case_id=case.pk)


def risk_create(
    *, case: Case, actor, answers: Mapping[str, bool | None], offender: Person | None
) -> RiskAssessment:
    questionnaire = risk_rules.load_questionnaire()
    assessed_at = timezone.now()
    result = risk_rules.assess(
        questionnaire, answers, prior_orders=prior_orders(offender, case=case, at=assessed_at)
    )
    return RiskAssessment.objects.create(
        case=case,
        assessed_at=assessed_at,
        assessed_by=actor,
        questionnaire_version=questionnaire.version,
        answers={k: v for k, v in answers.items() if v is not None},
        score=result.score,
        level=result.level,
        rule=result.rule,
        explanation=risk_rules.explain(result, questionnaire, "uk")[:500],
    )


@transaction.atomic
def incident_add(*, actor, case_id: int, values: Mapping[str, Any]) -> Incident:
    case = editable_case(actor, case_id)
    if not values.get("forms"):
        raise ValidationError({"forms": [_("Choose at least one form of violence.")]})
    try:
        domains.validate_past_moment(values["occurred_at"])
    except ValidationError as error:
        raise ValidationError({"occurred_at": error.error_list}) from None
    incident = incident_create(case=case, actor=actor, values=values)
    refresh_denormalised(case)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=incident)
    timeline_record(
        case=case,
        actor=actor,
        kind="incident.added",
        summary=_("Incident of %(date)s recorded")
        % {"date": timezone.localtime(incident.occurred_at).strftime("%d.%m.%Y")},
        obj=incident,
    )
    return incident


@transaction.atomic
def participant_add(*, actor, case_id: int, person: PersonData, role: str) -> Participant:
    case = editable_case(actor, case_id)
    participant = Participant.objects.create(
        case=case,
        person=person_for_case(person, actor=actor),
        role=role,
        relation_to_victim=person.relation_to_victim,
    )
    refresh_denormalised(case)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=participant)
    timeline_record(
        case=case,
        actor=actor,
        kind="person.added",
        summary=_("Person added: %(role)s") % {"role": participant.get_role_display()},
        obj=participant,
    )
    return participant


@transaction.atomic
def risk_assess(*, actor, case_id: int, answers: Mapping[str, bool | None]) -> RiskAssessment:
    case = editable_case(actor, case_id)
    offender = (
        Person.objects.filter(
            participations__case=case, participations__role=ParticipantRole.OFFENDER
        )
        .order_by("pk")
        .first()
    )
    assessment = risk_create(case=case, actor=actor, answers=answers, offender=offender)
    refresh_denormalised(case)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=assessment, detail=assessment.level)
    timeline_record(
        case=case,
        actor=actor,
        kind="risk.assessed",
        summary=_("Risk assessed: %(level)s") % {"level": assessment.get_level_display()},
        obj=assessment,
        detail={"rule": assessment.explanation},
    )
    return assessment


@transaction.atomic
def needs_assess(
    *,
    actor,
    case_id: int,
    needs: Iterable[str],
    accompanying_children: int = 0,
    special_needs: str = "",
    other: str = "",
) -> NeedsAssessment:
    case = editable_case(actor, case_id)
    assessment = NeedsAssessment.objects.create(
        case=case,
        assessed_by=actor,
        needs=sorted(set(needs)),
        accompanying_children=accompanying_children,
        special_needs=special_needs,
        other=other,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=assessment)
    timeline_record(
        case=case,
        actor=actor,
        kind="needs.assessed",
        summary=_("Needs assessed: %(needs)s")
        % {"needs": ", ".join(str(Need(n).label) for n in assessment.needs) or "—"},
        obj=assessment,
    )
    return assessment
