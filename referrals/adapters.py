"""From the database to the pure engine's plain data: the catalogue, the policy, a case's facts.
One query per table, whatever the size of the catalogue."""

from __future__ import annotations

from datetime import time

from django.db.models import Count, Q
from django.utils import timezone

from cases.models import Case, ParticipantRole
from orders.models import OrderKind, RestrainingOrder
from referrals.models import (
    OPEN_STATUSES,
    Holiday,
    MartialLawPeriod,
    ProviderProfile,
    RoutingPolicy,
)
from referrals.routing import Catalogue, Facts, Policy, Provider, Victim, policy_from_dict
from referrals.routing.policy import MartialLaw

# Who received the report, from the kind of organisation that registered the case.
RECEIVED_BY = {
    "police": "police",
    "social_services": "social_services",
    "children_service": "children_service",
    "district_admin": "district_admin",
    "health": "health",
    "education": "education",
    "hotline": "hotline",
    "ngo": "ngo",
    "legal_aid": "legal_aid",
}


def _hours(raw) -> tuple[tuple[int, time, time], ...]:
    result = []
    for weekday, opens, closes in raw or []:
        result.append((int(weekday), time.fromisoformat(opens), time.fromisoformat(closes)))
    return tuple(result)


def live_catalogue() -> Catalogue:
    profiles = (
        ProviderProfile.objects.filter(organisation__is_active=True)
        .select_related("organisation")
        .annotate(
            open_referrals=Count(
                "organisation__referrals",
                filter=Q(organisation__referrals__status__in=OPEN_STATUSES),
            )
        )
        .prefetch_related("organisation__districts")
    )
    providers = tuple(
        Provider(
            code=p.organisation.code,
            name=str(p.organisation),
            kind=p.organisation.kind,
            services=frozenset(p.services),
            districts=frozenset(d.slug for d in p.organisation.districts.all()),
            sexes=frozenset(p.sexes),
            min_age=p.min_age,
            max_age=p.max_age,
            accepts_children=p.accepts_children,
            accessible=p.accessible,
            always_open=p.always_open,
            opening_hours=_hours(p.opening_hours),
            capacity_total=p.capacity_total,
            capacity_free=p.capacity_free,
            open_referrals=p.open_referrals,
        )
        for p in profiles
    )
    holidays = frozenset(Holiday.objects.values_list("date", flat=True))
    return Catalogue(providers, holidays, martial_law_periods())


def martial_law_periods() -> tuple[MartialLaw, ...]:
    return tuple(
        MartialLaw(starts_on, ends_on)
        for starts_on, ends_on in MartialLawPeriod.objects.values_list("starts_on", "ends_on")
    )


def active_policy() -> Policy:
    record = RoutingPolicy.objects.get(is_active=True)
    return policy_from_dict({"version": record.version, "rules": record.rules})


def facts_for_case(case: Case) -> Facts:
    participants = list(case.participants.select_related("person"))
    day = timezone.localdate(case.reported_at)
    victim_part = next((p for p in participants if p.role == ParticipantRole.VICTIM), None)
    offender_part = next((p for p in participants if p.role == ParticipantRole.OFFENDER), None)
    victim_age = victim_part.person.age_on(day) if victim_part else None
    offender_age = offender_part.person.age_on(day) if offender_part else None
    incidents = list(case.incidents.all())
    sexual = [i.occurred_at for i in incidents if "sexual" in i.forms]
    hours = round((case.reported_at - max(sexual)).total_seconds() / 3600, 1) if sexual else None
    needs = case.needs_assessments.order_by("-assessed_at", "-id").first()
    urgent = RestrainingOrder.objects.filter(case=case, kind=OrderKind.URGENT).exists()
    return Facts(
        reported_at=case.reported_at,
        district=case.district.slug,
        received_by=RECEIVED_BY.get(case.owner.kind, "other")
        if case.channel != "police"
        else "police",
        intake_scenario=case.intake_scenario,
        victim=Victim(
            age=victim_age,
            sex=victim_part.person.sex if victim_part else "F",
            disability=victim_part.person.disability if victim_part else False,
            incapacitated=case.intake_scenario == 3,
        ),
        child_victim=victim_age is not None and victim_age < 18,
        child_witness=any(p.role == ParticipantRole.CHILD_WITNESS for p in participants)
        or any(i.children_present for i in incidents),
        child_offender=offender_age is not None and offender_age < 18,
        accompanying_children=needs.accompanying_children if needs else 0,
        forms=tuple(sorted(case.forms)),
        hours_since_sexual_violence=hours,
        injuries=any(i.injuries for i in incidents),
        risk_level=case.risk_level or "medium",
        needs=tuple(sorted(n for n in (needs.needs if needs else []) if n != "other")),
        consent=case.consent_to_share,
        urgent_order_issued=urgent,
    )
