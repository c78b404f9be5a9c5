"""Registering a report: the case number, who owns the case, and the case with its people, first
incident, risk and needs in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseNumberCounter, NeedsAssessment, Participant, ParticipantRole
from cases.services.assessments import incident_create, risk_create
from cases.services.common import refresh_denormalised, timeline_record
from cases.services.people import PersonData, domain_errors, person_domain_errors, person_for_case
from portal import domains
from portal.audit import audit_record
from portal.calendar import person_age
from portal.models import AuditAction, Membership, Organisation, OrganisationKind
from portal.roles import Capability, acting_membership, can

NUMBER_PREFIX = "КИЇВ"


@dataclass
class IntakeData:
    district_id: int
    channel: str
    reported_at: datetime
    intake_scenario: int = 1
    reporter_contact: str = ""
    summary: str = ""
    confidential: bool = False
    consent_to_share: bool = False
    children_service_notified: bool = False
    victim: PersonData | None = None
    offender: PersonData | None = None
    children: list[PersonData] = field(default_factory=list)
    incident: Mapping[str, Any] | None = None
    needs: Iterable[str] = ()
    accompanying_children: int = 0
    special_needs: str = ""
    risk_answers: Mapping[str, bool | None] | None = None
    # Optional: the centre of social services the caller found for the district. It is checked
    # like any other (case_owner_for); leave it empty and the service finds the centre itself.
    owner_id: int | None = None


def next_case_number(year: int) -> str:
    """The next number of `year`, without races: the year's counter row is locked."""
    with connection.cursor() as cursor:
        # Creating the row for a new year must not race either: INSERT … ON CONFLICT DO NOTHING.
        cursor.execute(
            "INSERT INTO cases_casenumbercounter (year, last) VALUES (%s, 0) "
            "ON CONFLICT (year) DO NOTHING",
            [year],
        )
    counter = CaseNumberCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{NUMBER_PREFIX}-{year}-{counter.last:06d}"


def case_owner_for(*, membership: Membership, district_id: int, requested_id: int | None) -> int:
    """The organisation that will work on a new case.

    A centre of social services keeps the cases it registers. Any other subject that learns of
    violence first — the police above all (CMU Resolution 658, intake scenarios 4 and 5) — hands
    the case to the centre of social services of the case's district: it does the needs
    assessment and the social work (routing rules R5, R13). When no active centre serves that
    district the case is refused, never left with the police unit, where social services would
    never see it. DOMAIN.md names no city-level organisation that takes such cases over: the
    city centre coordinates and already sees every case.
    """
    organisation = membership.organisation
    if requested_id is None and organisation.kind == OrganisationKind.SOCIAL_SERVICES_CENTRE:
        return organisation.pk
    centres = Organisation.objects.filter(
        kind=OrganisationKind.SOCIAL_SERVICES_CENTRE, districts__id=district_id, is_active=True
    ).order_by("name", "pk")
    if requested_id is not None:
        centres = centres.filter(pk=requested_id)
    owner_id = centres.values_list("pk", flat=True).first()
    if owner_id is None:
        raise ValidationError(
            {
                "district": [
                    _(
                        "No centre of social services works in this district, so there is no "
                        "one to pass the case to. Nothing was saved: tell the city coordinator."
                    )
                ]
            }
        )
    return owner_id


def validate_intake(data: IntakeData) -> None:
    # Orders register cases without the intake form: the domains are checked here as well,
    # with the same clock-skew allowance as the form (portal.domains).
    errors: dict[str, list] = {}
    now = timezone.now()
    domain_errors(errors, "reported_at", domains.validate_past_moment, data.reported_at, now=now)
    incident = data.incident or {}
    occurred_at = incident.get("occurred_at")
    if occurred_at:
        domain_errors(errors, "occurred_at", domains.validate_past_moment, occurred_at, now=now)
    for person, key in (
        (data.victim, "victim_existing_person"),
        (data.offender, "offender_existing_person"),
        *((child, "children") for child in data.children),
    ):
        if person is not None:
            person_domain_errors(person, errors, key)
    if data.incident is not None and not incident.get("forms"):
        errors.setdefault("forms", []).append(_("Choose at least one form of violence."))
    victim = data.victim
    if (
        victim is not None
        and victim.birth_date is not None
        and occurred_at
        and victim.birth_date > timezone.localdate(occurred_at)
    ):
        errors.setdefault("victim_birth_date", []).append(
            _("The date of birth is after the incident.")
        )
    if victim is not None:
        age = person_age(
            victim.birth_date, victim.approximate_age, timezone.localdate(data.reported_at)
        )
        if age is not None and age < 18 and not data.children_service_notified:
            errors.setdefault("children_service_notified", []).append(
                _(
                    "The victim is a child: the service for children must be notified. "
                    "Tick it when done."
                )
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_register(*, actor, data: IntakeData) -> Case:
    """Record a new report: the case, its people, the first incident, risk and needs at once."""
    if not can(actor, Capability.CASE_REGISTER):
        raise PermissionDenied
    membership = acting_membership(actor)
    validate_intake(data)
    owner_id = case_owner_for(
        membership=membership, district_id=data.district_id, requested_id=data.owner_id
    )
    year = timezone.localdate(data.reported_at).year
    case = Case.objects.create(
        number=next_case_number(year),
        year=year,
        owner_id=owner_id,
        responsible=actor if owner_id == membership.organisation_id else None,
        district_id=data.district_id,
        channel=data.channel,
        intake_scenario=data.intake_scenario,
        reported_at=data.reported_at,
        reporter_contact=data.reporter_contact,
        summary=data.summary,
        confidential=data.confidential,
        consent_to_share=data.consent_to_share,
        consent_recorded_by=actor if data.consent_to_share else None,
        consent_recorded_at=timezone.now() if data.consent_to_share else None,
        children_service_notified=data.children_service_notified,
        created_by=actor,
    )
    offender_person = None
    if data.victim is not None:
        Participant.objects.create(
            case=case,
            person=person_for_case(data.victim, actor=actor, field="victim_existing_person"),
            role=ParticipantRole.VICTIM,
        )
    if data.offender is not None:
        offender_person = person_for_case(
            data.offender, actor=actor, field="offender_existing_person"
        )
        Participant.objects.create(
            case=case,
            person=offender_person,
            role=ParticipantRole.OFFENDER,
            relation_to_victim=data.offender.relation_to_victim,
        )
    for child in data.children:
        Participant.objects.create(
            case=case,
            person=person_for_case(child, actor=actor, field="children"),
            role=ParticipantRole.CHILD_WITNESS if child.witnessed else ParticipantRole.CHILD,
            relation_to_victim=child.relation_to_victim,
        )
    if data.incident is not None:
        incident_create(case=case, actor=actor, values=data.incident)
    if data.needs or data.accompanying_children or data.special_needs:
        NeedsAssessment.objects.create(
            case=case,
            assessed_by=actor,
            needs=sorted(set(data.needs)),
            accompanying_children=data.accompanying_children,
            special_needs=data.special_needs,
        )
    if data.risk_answers is not None:
        risk_create(case=case, actor=actor, answers=data.risk_answers, offender=offender_person)
    refresh_denormalised(case)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=case, detail=case.number)
    timeline_record(
        case=case,
        actor=actor,
        kind="case.created",
        summary=_("Case %(number)s registered") % {"number": case.number},
        obj=case,
    )
    return case
