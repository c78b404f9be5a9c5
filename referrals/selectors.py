"""Reads of referrals, scoped to the user. A provider sees only what its referrals share."""

from __future__ import annotations

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from cases.selectors import visible_cases_q
from portal.roles import Capability, acting_membership, can, get_object_for_user
from referrals.models import (
    OPEN_STATUSES,
    ProviderProfile,
    Referral,
    ReferralStatus,
    RoutingPlanRecord,
)


def referrals_visible_to(user) -> QuerySet[Referral]:
    membership = acting_membership(user)
    if membership is None:
        return Referral.objects.none()
    if can(user, Capability.REFERRAL_COORDINATE):
        return Referral.objects.all()
    condition = Q(pk__in=[])
    if can(user, Capability.REFERRAL_INBOX):
        condition |= Q(provider_id=membership.organisation_id)
    if can(user, Capability.REFERRAL_SEND):
        visible = visible_cases_q(user, prefix="case__")
        if visible is None:
            return Referral.objects.all()
        condition |= visible
    return Referral.objects.filter(condition)


def referral_for_user(*, user, pk) -> Referral:
    return get_object_for_user(
        referrals_visible_to(user).select_related("case", "provider", "sent_by", "answered_by"),
        pk,
    )


def inbox_for(user, *, open_only: bool = True) -> QuerySet[Referral]:
    membership = acting_membership(user)
    if membership is None or not can(user, Capability.REFERRAL_INBOX):
        return Referral.objects.none()
    qs = Referral.objects.filter(provider_id=membership.organisation_id)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    return qs.order_by("status", "due_at")


def referrals_for_case(*, user, case) -> list[Referral]:
    return list(
        referrals_visible_to(user).filter(case=case).select_related("provider").order_by("-sent_at")
    )


def latest_plan(*, case) -> RoutingPlanRecord | None:
    return case.routing_plans.order_by("-created_at").first()


def coordinator_overview(user) -> dict:
    if not can(user, Capability.REFERRAL_COORDINATE):
        return {}
    now = timezone.now()
    open_qs = Referral.objects.filter(status__in=OPEN_STATUSES)
    by_service = list(
        open_qs.values("service")
        .annotate(
            n=Count("pk"), overdue=Count("pk", filter=Q(status=ReferralStatus.SENT, due_at__lt=now))
        )
        .order_by("service")
    )
    by_provider = list(
        open_qs.exclude(provider=None)
        .values("provider__short_name", "provider__name")
        .annotate(n=Count("pk"))
        .order_by("-n")[:15]
    )
    response = Referral.objects.filter(answered_at__isnull=False).aggregate(
        avg=Avg(F("answered_at") - F("sent_at")),
        in_time=Count("pk", filter=Q(answered_at__lte=F("due_at"))),
        answered=Count("pk"),
    )
    overdue = list(
        open_qs.filter(
            Q(status=ReferralStatus.ESCALATED) | Q(status=ReferralStatus.SENT, due_at__lt=now)
        )
        .select_related("case", "provider")
        .order_by("due_at")[:30]
    )
    return {
        "by_service": by_service,
        "by_provider": by_provider,
        "response": response,
        "overdue": overdue,
    }


def shelter_capacity_board(user) -> list[ProviderProfile]:
    if not (can(user, Capability.REFERRAL_COORDINATE) or can(user, Capability.REFERRAL_INBOX)):
        return []
    return list(
        ProviderProfile.objects.filter(capacity_total__isnull=False)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def provider_panel(request) -> dict:
    qs = inbox_for(request.user)
    return {
        "waiting": list(qs.filter(status=ReferralStatus.SENT).select_related("case")[:8]),
        "open_count": qs.count(),
    }


def coordinator_panel(request) -> dict:
    """Overdue and escalated referrals first (cheap, indexed) and the places board."""
    if not can(request.user, Capability.REFERRAL_COORDINATE):
        return {"overdue": [], "capacity": []}
    now = timezone.now()
    overdue = list(
        Referral.objects.filter(
            Q(status=ReferralStatus.ESCALATED) | Q(status=ReferralStatus.SENT, due_at__lt=now)
        )
        .select_related("case")
        .order_by("due_at")[:8]
    )
    return {"overdue": overdue, "capacity": shelter_capacity_board(request.user)}


def case_section_context(request, case) -> dict:
    from referrals.routing.explain import SERVICE_LABELS

    plan = latest_plan(case=case)
    return {
        "referrals": referrals_for_case(user=request.user, case=case),
        "plan": plan,
        "labels": SERVICE_LABELS,
        "can_route": can(request.user, Capability.REFERRAL_SEND),
    }
