"""Reads of referrals, scoped to the user. A provider sees only what its referrals share."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseStatus, RiskLevel
from cases.selectors import case_shown_to, cases_visible_to, visible_cases_q
from portal.models import Organisation
from portal.roles import Capability, Role, acting_membership, can, get_object_for_user, parse_id
from referrals.coordination import overdue_rows
from referrals.models import (
    BEDS,
    OPEN_STATUSES,
    Holiday,
    MartialLawPeriod,
    ProviderProfile,
    Referral,
    ReferralStatus,
    RoutingPlanRecord,
    RoutingPolicy,
    overdue_q,
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
        referrals_visible_to(user)
        .select_related("case", "provider", "sent_by", "answered_by", "plan")
        .defer("plan__plan", "plan__facts"),
        pk,
    )


def inbox_for(user, *, open_only: bool = True) -> QuerySet[Referral]:
    membership = acting_membership(user)
    if membership is None or not can(user, Capability.REFERRAL_INBOX):
        return Referral.objects.none()
    qs = Referral.objects.filter(provider_id=membership.organisation_id).annotate(
        is_overdue=ExpressionWrapper(overdue_q(timezone.now()), output_field=BooleanField())
    )
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    return qs.order_by("status", "due_at")


def referrals_for_case(*, user, case) -> list[Referral]:
    # Those who send or coordinate referrals see every referral of a case they see
    # (referrals_visible_to): on the case page the case is proven, so the rule is not planned.
    if case_shown_to(user, case) and (
        can(user, Capability.REFERRAL_SEND) or can(user, Capability.REFERRAL_COORDINATE)
    ):
        referrals = Referral.objects.filter(case=case)
    else:
        referrals = referrals_visible_to(user).filter(case=case)
    return list(referrals.select_related("provider").order_by("-sent_at"))


def latest_plan(*, case) -> RoutingPlanRecord | None:
    return case.routing_plans.order_by("-created_at").first()


def district_choices():
    from portal.models import District

    return sorted(District.objects.display_names().items(), key=lambda pair: pair[1])


def _is_provider_staff(user, membership) -> bool:
    return (
        membership is not None
        and membership.role == Role.PROVIDER_STAFF
        and can(user, Capability.REFERRAL_INBOX)
    )


@dataclass(frozen=True)
class CapacityRow:
    """One provider on the places board. Who corrected the count and why is shown to the
    coordinators and to the provider's own staff; other providers see only when."""

    profile: ProviderProfile
    occupied: int
    total: int
    free: int
    own: bool
    updated_by: str
    note: str


def shelter_capacity_board(user) -> list[CapacityRow]:
    """The places board, for coordinators and providers' staff; a police unit receives notices
    through the inbox but has no business with the shelters' places."""
    membership = acting_membership(user)
    coordinator = can(user, Capability.REFERRAL_COORDINATE)
    if not (coordinator or _is_provider_staff(user, membership)):
        return []
    own_id = membership.organisation_id if membership else None
    rows = []
    for profile in (
        ProviderProfile.objects.filter(capacity_total__isnull=False)
        .select_related("organisation", "capacity_updated_by")
        .order_by("organisation__name")
    ):
        own = profile.organisation_id == own_id
        told = coordinator or own
        rows.append(
            CapacityRow(
                profile=profile,
                occupied=profile.occupied,
                total=profile.capacity_total,
                free=profile.capacity_free or 0,
                own=own,
                updated_by=str(profile.capacity_updated_by or "") if told else "",
                note=profile.capacity_note if told else "",
            )
        )
    return rows


def own_capacity(user) -> ProviderProfile | None:
    """The places of the user's own organisation, when it counts them and the user is one of
    its provider staff (who correct them)."""
    membership = acting_membership(user)
    if not _is_provider_staff(user, membership):
        return None
    return ProviderProfile.objects.filter(
        organisation_id=membership.organisation_id, capacity_total__isnull=False
    ).first()


def places_held(profile: ProviderProfile) -> int:
    """Places that stays accepted in the portal hold now: the staff cannot count them free by
    hand, only by completing the stay (which also tells the worker)."""
    return (
        Referral.objects.filter(provider_id=profile.organisation_id, bed_taken=True).aggregate(
            n=Sum("places")
        )["n"]
        or 0
    )


def capacity_to_correct(user, *, organisation_id: object) -> ProviderProfile | None:
    """The count a correction form names by its organisation's id, locked for the change: only
    the user's own organisation's (any other id, junk or none is None, as for a missing one)."""
    membership = acting_membership(user)
    if not _is_provider_staff(user, membership):
        return None
    if parse_id(organisation_id) != membership.organisation_id:
        return None
    return (
        ProviderProfile.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id, capacity_total__isnull=False)
        .first()
    )


def provider_panel(request) -> dict:
    qs = inbox_for(request.user)
    board = shelter_capacity_board(request.user)
    return {
        "waiting": list(qs.filter(status=ReferralStatus.SENT).select_related("case")[:8]),
        "open_count": qs.count(),
        "own_row": next((row for row in board if row.own), None),
    }


def coordinator_panel(request) -> dict:
    """Overdue and escalated referrals first (cheap, indexed) and the places board."""
    if not can(request.user, Capability.REFERRAL_COORDINATE):
        return {"overdue": [], "capacity": []}
    overdue = [row.referral for row in overdue_rows(now=timezone.now(), limit=8)]
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


# --- one referral's page ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralActions:
    """What `user` may do on a referral's page now: the buttons the template shows. The same
    state machine (Referral.allows) decides in the services."""

    is_provider: bool  # the user works for the provider the referral was sent to
    answer: bool  # accept or decline
    start: bool
    complete: bool
    assign: bool


def referral_actions(*, user, referral: Referral) -> ReferralActions:
    membership = acting_membership(user)
    is_provider = (
        membership is not None
        and can(user, Capability.REFERRAL_INBOX)
        and membership.organisation_id == referral.provider_id
    )
    return ReferralActions(
        is_provider=is_provider,
        answer=is_provider and referral.allows("accept"),
        start=is_provider and referral.allows("start"),
        complete=is_provider and referral.allows("complete"),
        assign=can(user, Capability.REFERRAL_COORDINATE) and referral.allows("assign"),
    )


@dataclass(frozen=True)
class AcceptancePlaces:
    """For the accept form of a stay: the places proposed (the victim and the accompanying
    children the referral shares) and the places free now in the provider's count."""

    proposed: int
    free: int
    total: int

    @property
    def enough(self) -> bool:
        return self.proposed <= self.free


def acceptance_places(*, user, referral: Referral) -> AcceptancePlaces | None:
    """None unless the user may accept `referral` now and it is a stay in a provider that
    counts its places."""
    if referral.service not in BEDS or not referral_actions(user=user, referral=referral).answer:
        return None
    profile = ProviderProfile.objects.filter(
        organisation_id=referral.provider_id, capacity_total__isnull=False
    ).first()
    if profile is None:
        return None
    return AcceptancePlaces(
        proposed=referral.proposed_places,
        free=profile.capacity_free or 0,
        total=profile.capacity_total,
    )


# A chain longer than this is cut on the page (each hop is a decline or a missed deadline).
CHAIN_LIMIT = 20


def referral_chain(referral: Referral) -> list[Referral]:
    """The referrals this one replaced, newest first. One query: every referral of the case
    (a hop never leaves the case), walked here instead of one query per hop."""
    if referral.previous_id is None:
        return []
    by_pk = {
        r.pk: r
        for r in Referral.objects.filter(case_id=referral.case_id)
        .select_related("provider")
        .defer("shared_data")
    }
    items, current = [], referral
    while current.previous_id and len(items) < CHAIN_LIMIT:
        current = by_pk.get(current.previous_id)
        if current is None:
            break
        items.append(current)
    return items


def providers_of(service: str) -> QuerySet[Organisation]:
    """The organisations that offer `service`, for the coordinator's assignment."""
    return Organisation.objects.filter(provider_profile__services__contains=[service]).order_by(
        "name"
    )


@dataclass(frozen=True)
class ServiceProviders:
    service: str
    label: str
    providers: list[Organisation]


def manual_referral_choices() -> list[ServiceProviders]:
    """For a manual referral: each service with the active organisations that offer it (one
    query). The service resolves the chosen pair again with provider_for_service."""
    from referrals.routing.explain import service_label
    from referrals.routing.facts import SERVICES

    by_service: dict[str, list[Organisation]] = {code: [] for code in SERVICES}
    for profile in (
        ProviderProfile.objects.filter(organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    ):
        for code in profile.services:
            if code in by_service:
                by_service[code].append(profile.organisation)
    return [
        ServiceProviders(code, service_label(code), organisations)
        for code, organisations in by_service.items()
        if organisations
    ]


# --- the coordinator's settings ----------------------------------------------------------------


def holidays_for(user) -> list[Holiday]:
    if not can(user, Capability.POLICY_EDIT):
        return []
    return list(Holiday.objects.all())


def martial_law_periods_for(user) -> list[MartialLawPeriod]:
    if not can(user, Capability.POLICY_EDIT):
        return []
    return list(MartialLawPeriod.objects.all())


def active_policy_record() -> RoutingPolicy:
    return RoutingPolicy.objects.select_related("procedure").get(is_active=True)


def policy_versions(user) -> list[RoutingPolicy]:
    if not can(user, Capability.POLICY_EDIT):
        return []
    return list(RoutingPolicy.objects.select_related("created_by")[:20])


def recent_cases_for_preview(user, *, limit: int = 20) -> list[Case]:
    """The cases a draft policy is tried on: the latest the coordinator can see."""
    return list(cases_visible_to(user).order_by("-reported_at")[:limit])


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


def _district_names() -> dict[str, str]:
    """A district's Ukrainian name, as a referral's shared data keeps it, → its name in the
    reader's language."""
    from portal.models import District

    return {d.name: d.display_name for d in District.objects.all()}


def _human(key: str, value, *, districts: dict[str, str]) -> str:
    from cases.models import Need, RiskLevel, ViolenceForm

    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    if value in (None, "", []):
        return "—"
    if key == "risk_level":
        return str(dict(RiskLevel.choices).get(value, "—"))
    if key == "district":
        return districts.get(value, str(value))
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
    data, notice = _visible_data(referral, is_provider=is_provider)
    districts = _district_names()
    rows = [
        (str(SHARED_LABELS.get(k, _("Other"))), _human(k, v, districts=districts))
        for k, v in data.items()
    ]
    return SharedView(rows=rows, notice=notice)


def _visible_data(referral: Referral, *, is_provider: bool) -> tuple[dict, str]:
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
    return data, notice


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


def next_step_routing_plan(*, user, case):
    """A high-risk case without a referral needs its routing plan (DOMAIN §4)."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from cases.extensions import NextStep

    if case.risk_level != RiskLevel.HIGH or case.status == CaseStatus.CLOSED:
        return None
    if Referral.objects.filter(case=case).exists():
        return None
    url = reverse("referrals:case", args=[case.pk]) if can(user, Capability.REFERRAL_SEND) else ""
    return NextStep(gettext("No referral yet: make the routing plan."), url)


def open_referrals_of_case(*, case: Case) -> list:
    """The case's referrals a provider still works on: closing the case lists them as a warning
    (cases.extensions.register_open_work). Closing does not cancel them: whether a service the
    victim still receives should stop is the worker's decision, on the referral."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from cases.extensions import NextStep

    referrals = (
        Referral.objects.filter(case=case, status__in=OPEN_STATUSES)
        .select_related("provider")
        .order_by("sent_at", "pk")
    )
    return [
        NextStep(
            text=gettext("Referral: %(service)s — %(provider)s (%(status)s)")
            % {
                "service": referral.get_service_display(),
                "provider": referral.provider or "—",
                "status": referral.get_status_display(),
            },
            url=reverse("referrals:detail", args=[referral.pk]),
        )
        for referral in referrals
    ]
