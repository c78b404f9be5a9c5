"""The provider catalogue for every district and the city, and referrals in every state on the
demo cases. Idempotent; runs after the cases and orders demos."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cases.models import Case
from portal.models import Organisation, User
from referrals import services
from referrals.models import ProviderProfile, Referral

OFFICE_HOURS = [[d, "09:00", "18:00"] for d in range(5)]

# code prefix or code → profile (DOMAIN.md §4 mapping of services to subjects)
PROFILES = {
    "rda-": {"services": ["coordinator_notice", "guardianship_notice"], "hours": OFFICE_HOURS},
    "ssd-": {"services": ["children_service_notice"], "hours": OFFICE_HOURS},
    "police-": {"services": ["police_notice"], "always_open": True},
    "css-": {"services": ["needs_assessment", "social_services"], "hours": OFFICE_HOURS},
    "shelter-1": {
        "services": ["shelter"],
        "always_open": True,
        "capacity": 12,
        "sexes": ["F"],
        "min_age": 18,
        "accessible": False,
    },
    "shelter-2": {"services": ["shelter"], "always_open": True, "capacity": 20},
    "crisis-room-1": {"services": ["crisis_room"], "always_open": True, "capacity": 4},
    "mobile-team-1": {"services": ["psychological"], "always_open": True},
    "mobile-team-2": {"services": ["psychological"], "always_open": True},
    "day-centre-1": {"services": ["psychological"], "hours": OFFICE_HOURS},
    "hospital-1": {"services": ["medical"], "always_open": True},
    "hospital-left": {"services": ["medical"], "always_open": True},
    "legal-aid-city": {"services": ["legal_aid"], "hours": OFFICE_HOURS},
    "legal-aid-left": {"services": ["legal_aid"], "hours": OFFICE_HOURS},
    "probation-city": {"services": ["offender_programme"], "hours": OFFICE_HOURS},
    "ngo-partner": {"services": ["offender_programme", "psychological"], "hours": OFFICE_HOURS},
}


def _profile_for(code: str):
    if code in PROFILES:
        return PROFILES[code]
    for prefix, profile in PROFILES.items():
        if prefix.endswith("-") and code.startswith(prefix):
            return profile
    return None


def seed_catalogue() -> int:
    made = 0
    for organisation in Organisation.objects.all():
        spec = _profile_for(organisation.code)
        if spec is None:
            continue
        capacity = spec.get("capacity")
        ProviderProfile.objects.update_or_create(
            organisation=organisation,
            defaults={
                "services": spec["services"],
                "sexes": spec.get("sexes", []),
                "min_age": spec.get("min_age"),
                "accessible": spec.get("accessible", True),
                "always_open": spec.get("always_open", False),
                "opening_hours": spec.get("hours", []),
                "capacity_total": capacity,
                "capacity_free": capacity,
            },
        )
        made += 1
    return made


def _staff(organisation: Organisation) -> User:
    """A demo staff account for a provider without one (password as every demo user)."""
    from portal.demo import staff_account
    from portal.models import Membership
    from portal.roles import Role

    user = staff_account(f"staff-{organisation.code}")
    Membership.objects.get_or_create(user=user, organisation=organisation, role=Role.PROVIDER_STAFF)
    return user


def _shelter_inbox() -> int:
    """The shelter persona's inbox is never empty in the demo: two of the Darnytskyi worker's
    open cases ask shelter No. 1 for places — a mother with two children and a woman alone —
    so triage, places per person and the places board can be tried at once. Idempotent: only
    while the shelter has no referral at all."""
    from cases import services as case_services

    shelter = Organisation.objects.filter(code="shelter-1").first()
    worker = User.objects.filter(username="worker").first()
    if shelter is None or worker is None or Referral.objects.filter(provider=shelter).exists():
        return 0
    # Shelter No. 1 admits women: cases whose victim is a woman.
    cases = Case.objects.filter(
        summary__startswith="[демо]",
        responsible=worker,
        status__in=["in_work", "new", "monitoring"],
        participants__role="victim",
        participants__person__sex="F",
    ).order_by("-reported_at")[:2]
    sent = 0
    for case, children in zip(cases, (2, 0), strict=False):
        worker._acting_membership = None
        case_services.needs_assess(
            actor=worker, case_id=case.pk, needs=["shelter"], accompanying_children=children
        )
        # A shelter learns who is coming only with the victim's consent, as the worker records.
        if not case.consent_to_share:
            case_services.case_record_consent(actor=worker, case_id=case.pk, consent=True)
        record = services.referral_plan_for_case(actor=worker, case_id=case.pk)
        items = record.plan["items"]
        to_shelter = any(i["service"] == "shelter" and i["provider"] == shelter.code for i in items)
        services.referral_apply_plan(
            actor=worker,
            plan_id=record.pk,
            removed_services={i["service"] for i in items if i["service"] != "shelter"},
            manual=[] if to_shelter else [("shelter", shelter.pk, "Потрібне безпечне місце")],
        )
        sent += 1
    return sent


def seed(*, stdout) -> None:
    profiles = seed_catalogue()
    if Referral.objects.exists():
        inbox = _shelter_inbox()
        stdout.write(
            f"  provider profiles: {profiles}; demo referrals already present"
            + (f"; shelter inbox: {inbox}" if inbox else "")
        )
        return
    provider_user = User.objects.get(username="provider")
    shelter = Organisation.objects.get(code="shelter-1")
    # Recent open cases only: older ones would all be long overdue and flood the coordinator.
    cases = list(
        Case.objects.filter(
            summary__startswith="[демо]",
            reported_at__gte=timezone.now() - timedelta(days=60),
            status__in=["in_work", "new", "monitoring"],
        )
        .select_related("responsible")
        .order_by("pk")
    )
    sent = 0
    for index, case in enumerate(cases):
        worker = case.responsible
        if worker is None:
            continue
        worker._acting_membership = None
        record = services.referral_plan_for_case(actor=worker, case_id=case.pk)
        referrals = services.referral_apply_plan(actor=worker, plan_id=record.pk)
        sent += len(referrals)
        # Providers answer most referrals, as their staff would; a few stay unanswered and the
        # escalation below passes them on.
        for referral in referrals:
            if referral.provider_id is None:
                continue
            staff = (
                provider_user if referral.provider_id == shelter.pk else _staff(referral.provider)
            )
            staff._acting_membership = None
            step = (index + referral.pk) % 10
            if step == 0:
                continue  # waiting for an answer
            if step == 1 and referral.remaining_candidates:
                services.referral_decline(
                    actor=staff, referral_id=referral.pk, reason="Немає умов для дітей такого віку"
                )
                continue
            services.referral_accept(actor=staff, referral_id=referral.pk)
            if step >= 5:
                services.referral_start(actor=staff, referral_id=referral.pk)
            if step >= 8:
                services.referral_complete(
                    actor=staff, referral_id=referral.pk, outcome="Послугу надано"
                )
    # Referrals that were never answered in time are escalated as the beat task would.
    escalated = services.referral_escalate_overdue(now=timezone.now())
    sent += _shelter_inbox()
    stdout.write(f"  provider profiles: {profiles}, referrals sent: {sent}, escalated: {escalated}")
