"""Reads of referrals, scoped to the user. A provider sees only what its referrals share."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.selectors import visible_cases_q
from portal.models import Organisation
from portal.roles import Capability, acting_membership, can, get_object_for_user, parse_id
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


# --- what a provider sees ------------------------------------------------------------------

# The states in which a provider still needs the victim's data to deliver the service.
PROVIDER_WORKING_STATUSES = (
    ReferralStatus.SENT,
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
)
# Kept by a provider for ever: enough to know what it was asked and what it answered.
ALWAYS_SHOWN = {"case_number", "district"}
SHARED_LABELS = {
    "case_number": _("Case number"),
    "district": _("District"),
    "victim": _("Victim"),
    "contact": _("Contact"),
    "birth_date": _("Date of birth"),
    "risk_level": _("Risk level"),
    "accompanying_children": _("Accompanying children"),
    "special_needs": _("Special needs"),
    "injuries": _("Injuries"),
    "hours_since_sexual_violence": _("Hours since sexual violence"),
    "forms": _("Forms of violence"),
    "orders_in_force": _("Orders in force"),
    "offender": _("Offender"),
    "children_involved": _("Children involved"),
    "reporter_contact": _("Reporter's contact"),
    "needs": _("Needs"),
    "summary": _("What happened (with the victim's consent)"),
}


@dataclass(frozen=True)
class SharedView:
    rows: list[tuple[str, str]]
    # Why part of the data is hidden now, for the provider to read; "" when nothing is.
    notice: str


def _human(key: str, value) -> str:
    from cases.models import Need, RiskLevel, ViolenceForm

    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    if value in (None, "", []):
        return "—"
    if key == "risk_level":
        return str(dict(RiskLevel.choices).get(value, "—"))
    if key == "forms":
        labels = dict(ViolenceForm.choices)
        return ", ".join(str(labels.get(v, "—")) for v in value)
    if key == "needs":
        labels = dict(Need.choices)
        return ", ".join(str(labels.get(v, "—")) for v in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def referral_shared_view(*, user, referral: Referral) -> SharedView:
    """What `user` may read of the data a referral shared, computed now — not when it was sent.

    - The provider sees the shared minimum only while it works on the referral (sent, accepted,
      in progress). Once the referral is declined, passed on, escalated, cancelled or completed,
      it keeps the case number, the service and the outcome only.
    - Consent is read from the case today: after the victim withdraws it, the narrative is gone
      from every referral, and a referral that was not mandatory shows no personal data at all.
    - The social services and the coordinator, who see the case anyway, see what was shared.
    """
    membership = acting_membership(user)
    is_provider = (
        membership is not None
        and can(user, Capability.REFERRAL_INBOX)
        and membership.organisation_id == referral.provider_id
    )
    data = dict(referral.shared_data or {})
    notice = ""
    consent = referral.case.consent_to_share
    if not consent:
        if "summary" in data:
            data.pop("summary")
        if is_provider and not referral.mandatory:
            data = {k: v for k, v in data.items() if k in ALWAYS_SHOWN}
            notice = str(_("The victim has withdrawn consent: personal data is no longer shared."))
    if is_provider and referral.status not in PROVIDER_WORKING_STATUSES:
        data = {k: v for k, v in data.items() if k in ALWAYS_SHOWN}
        notice = str(
            _("The referral is closed: only the case number, the service and the outcome remain.")
        )
    rows = [(str(SHARED_LABELS.get(k, _("Other"))), _human(k, v)) for k, v in data.items()]
    return SharedView(rows=rows, notice=notice)


def provider_for_service(*, service: str, pk) -> Organisation | None:
    """A provider chosen by id in a form (manual referral, coordinator's assignment), only if it
    is an active organisation that offers `service`; anything else is None."""
    from referrals.models import SERVICES

    if service not in SERVICES:
        return None
    pk = parse_id(pk)
    if pk is None:
        return None
    return Organisation.objects.filter(
        pk=pk, is_active=True, provider_profile__services__contains=[service]
    ).first()
