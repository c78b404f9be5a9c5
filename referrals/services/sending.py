"""Sending referrals: the routing plan for a case, applying it, the coordinator's assignment
and the re-routing to the next candidate after a decline or a missed deadline."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cases import services as case_services
from cases.models import Case, CaseStatus
from cases.selectors import cases_editable_by
from portal.audit import audit_record
from portal.models import AuditAction, Membership, Organisation, User
from portal.notifications import notification_send
from portal.roles import Capability, Role, can
from referrals.adapters import active_policy, facts_for_case, live_catalogue
from referrals.models import BEDS, Referral, ReferralStatus, RoutingPlanRecord
from referrals.routing import plan
from referrals.routing.explain import plan_to_dict, service_label
from referrals.selectors import provider_for_service
from referrals.services.notices import (
    escalation_key,
    new_referral_key,
    settle_new_referral_notices,
)
from referrals.services.sharing import CaseMaterial, shared_data

MANUAL_NEEDS_CONSENT = _lazy(
    "Without the victim's consent only the mandatory notices are sent: record the consent on "
    "the case page before adding a manual referral."
)
PLAN_BEFORE_CONSENT_CHANGE = _lazy(
    "The victim's consent changed after this plan was made: make the plan again."
)
# When nobody answers a manual or re-routed referral, it is due this long after sending.
DEFAULT_RESPONSE = timedelta(days=1)
# The audit's name for a step no person took (a re-route, an escalation by the beat task).
SYSTEM_USERNAME = "system"


def _facts_json(facts) -> dict:
    return json.loads(json.dumps(dataclasses.asdict(facts), default=str))


def editable_case(actor, case_id: int, *, lock: bool = False) -> Case:
    """The case if `actor` may send its referrals; `lock` holds its row until the transaction
    ends, as the case's own writes do (a consent withdrawn meanwhile waits, or is seen)."""
    if not can(actor, Capability.REFERRAL_SEND):
        raise PermissionDenied
    cases = cases_editable_by(actor).filter(pk=case_id).select_related("district", "owner")
    if lock:
        cases = cases.select_for_update(of=("self",))
    case = cases.first()
    if case is None:
        raise PermissionDenied
    return case


@transaction.atomic
def referral_plan_for_case(
    *, actor, case_id: int, now: datetime | None = None
) -> RoutingPlanRecord:
    case = editable_case(actor, case_id)
    facts = facts_for_case(case)
    policy = active_policy()
    result = plan(facts, live_catalogue(), policy, now or timezone.now())
    record = RoutingPlanRecord.objects.create(
        case=case,
        policy_version=policy.version,
        facts=_facts_json(facts),
        plan=plan_to_dict(result, with_reasons=True),
        created_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=record, detail="routing plan")
    return record


def _coordinators():
    return User.objects.filter(
        memberships__role=Role.COORDINATOR,
        memberships__is_active=True,
        memberships__organisation__kind="city_centre",
        is_active=True,
    ).distinct()


def _notify_provider(referral: Referral) -> None:
    # A police unit receives the procedure's police notices as a provider does its referrals.
    members = Membership.objects.filter(
        organisation=referral.provider,
        is_active=True,
        role__in=[Role.PROVIDER_STAFF, Role.POLICE_OFFICER],
    ).select_related("user")
    for membership in members:
        # The case number is on every referral the provider receives (its staff quote it to
        # the worker); nothing else of the case goes into a notice or its e-mail copy.
        notification_send(
            user=membership.user,
            title=_("New referral: %(service)s, case %(case)s")
            % {"service": service_label(referral.service), "case": referral.case.number},
            body=_("Answer by %(due)s.")
            % {"due": timezone.localtime(referral.due_at).strftime("%d.%m.%Y %H:%M")},
            url=referral.get_absolute_url(),
            dedupe_key=new_referral_key(referral),
        )


def notify_coordinators(referral: Referral, reason: str) -> None:
    for user in _coordinators():
        notification_send(
            user=user,
            title=_("Referral escalated: %(service)s, case %(case)s")
            % {"service": service_label(referral.service), "case": referral.case.number},
            body=reason,
            url=referral.get_absolute_url(),
            dedupe_key=escalation_key(referral),
        )


def _send(
    *,
    actor: User | None,
    sent_by_id: int,
    material: CaseMaterial,
    service: str,
    provider: Organisation | None,
    due_at: datetime,
    rules: Iterable[str] = (),
    mandatory: bool = False,
    remaining: Iterable[str] = (),
    plan_record: RoutingPlanRecord | None = None,
    previous: Referral | None = None,
    manual_reason: str = "",
) -> Referral:
    """One referral, audited and on the case's timeline. `actor` is who took the step (None:
    the system, re-routing); `sent_by_id` is the worker who answers for the referral."""
    case = material.case
    # A referral is never sent already overdue (DOMAIN §4): when the procedure's deadline has
    # passed (or nearly), the provider still gets a minimum window to answer, and the lateness
    # is recorded against the sender on the case's timeline.
    now = timezone.now()
    procedure_due = due_at
    due_at = max(due_at, now + timedelta(minutes=settings.PORTAL_REFERRAL_MIN_WINDOW_MINUTES))
    referral = Referral.objects.create(
        case=case,
        plan=plan_record,
        service=service,
        provider=provider,
        rules=list(rules),
        mandatory=mandatory,
        remaining_candidates=list(remaining),
        shared_data=shared_data(material, service),
        due_at=due_at,
        sent_by_id=sent_by_id,
        previous=previous,
        manual_reason=manual_reason,
        status=ReferralStatus.SENT if provider else ReferralStatus.ESCALATED,
        escalated_at=None if provider else now,
    )
    if provider is not None:
        transaction.on_commit(lambda: _notify_provider(referral))
        summary = _("Referral sent: %(service)s → %(provider)s, answer by %(due)s") % {
            "service": service_label(service),
            "provider": provider,
            "due": timezone.localtime(due_at).strftime("%d.%m.%Y %H:%M"),
        }
    else:
        transaction.on_commit(
            lambda: notify_coordinators(
                referral, _("No eligible provider is left: resolve it by hand.")
            )
        )
        summary = _("No provider for %(service)s: passed to the city coordinator") % {
            "service": service_label(service)
        }
    if procedure_due < now:
        summary += " " + _("Sent after the procedure's deadline of %(due)s.") % {
            "due": timezone.localtime(procedure_due).strftime("%d.%m.%Y %H:%M")
        }
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=referral,
        detail=service
        if procedure_due >= now
        else f"{service}; late: due {procedure_due:%Y-%m-%d %H:%M}",
        username="" if actor is not None else SYSTEM_USERNAME,
    )
    case_services.timeline_record(
        case=case, actor=actor, kind="referral.sent", summary=summary, obj=referral
    )
    return referral


def _chosen_providers(items: list[dict], choices: Iterable[str]) -> dict[str, str]:
    """Service → the provider code the worker chose among that item's eligible candidates.
    Anything else (another item's candidate, a ruled-out one, junk) is refused."""
    by_service = {item["service"]: item for item in items}
    chosen = {}
    for choice in choices:
        service, _sep, index = str(choice).partition(":")
        item = by_service.get(service)
        candidates = item["candidates"] if item else []
        if not index.isascii() or not index.isdigit() or int(index) >= len(candidates):
            raise ValidationError(_("Choose one of the item's eligible providers."))
        candidate = candidates[int(index)]
        if not candidate["eligible"] or not item["provider"]:
            raise ValidationError(_("Choose one of the item's eligible providers."))
        chosen[service] = candidate["provider"]
    return chosen


@transaction.atomic
def referral_apply_plan(
    *,
    actor,
    plan_id: int,
    removed_services: Iterable[str] = (),
    manual: Iterable[tuple[str, int, str]] = (),
    choices: Iterable[str] = (),
) -> list[Referral]:
    """The worker confirms a plan: optional items may be removed, another of an item's eligible
    candidates chosen ("service:index" in the item's candidates), manual referrals added (with
    a reason); mandatory items always go."""
    record = RoutingPlanRecord.objects.select_for_update().filter(pk=plan_id).first()
    if record is None:
        raise PermissionDenied
    case = editable_case(actor, record.case_id, lock=True)
    if record.applied_at is not None:
        raise ValidationError(_("This plan has already been applied."))
    if record.consent_at_plan != case.consent_to_share:
        raise ValidationError(str(PLAN_BEFORE_CONSENT_CHANGE))
    manual = list(manual)
    if manual and not case.consent_to_share:
        # The engine sends only the mandatory notices without consent (Kyiv procedure). A manual
        # referral went around that rule: the provider learnt of the case, and then saw no
        # personal data (referral_shared_view) and a notice that consent had been withdrawn.
        raise ValidationError({"consent": [MANUAL_NEEDS_CONSENT]})
    removed = set(removed_services)
    chosen = _chosen_providers(record.plan["items"], choices)
    organisations = {
        o.code: o
        for o in Organisation.objects.filter(
            code__in={chosen.get(i["service"], i["provider"]) for i in record.plan["items"]}
            - {None}
        )
    }
    # The case's people, needs, incidents and orders are read once for all the referrals.
    material = CaseMaterial(case)
    referrals = []
    for item in record.plan["items"]:
        if item["service"] in removed and not item["mandatory"]:
            continue
        provider_code = chosen.get(item["service"], item["provider"])
        remaining = [
            c["provider"]
            for c in item["candidates"]
            if c["eligible"] and c["provider"] != provider_code
        ]
        referrals.append(
            _send(
                actor=actor,
                sent_by_id=actor.pk,
                material=material,
                service=item["service"],
                provider=organisations.get(provider_code),
                due_at=datetime.fromisoformat(item["due_at"]),
                rules=item["rules"],
                mandatory=item["mandatory"],
                remaining=remaining,
                plan_record=record,
            )
        )
    for service, provider_id, reason in manual:
        if not reason.strip():
            raise ValidationError({"reason": [_("Give the reason for a manual referral.")]})
        provider = provider_for_service(service=service, pk=provider_id)
        if provider is None:
            raise ValidationError({"provider": [_("Choose a provider that offers this service.")]})
        referrals.append(
            _send(
                actor=actor,
                sent_by_id=actor.pk,
                material=material,
                service=service,
                provider=provider,
                due_at=timezone.now() + DEFAULT_RESPONSE,
                manual_reason=reason.strip(),
                plan_record=record,
            )
        )
    record.applied_at = timezone.now()
    record.save(update_fields=["applied_at"])
    if case.status in (CaseStatus.NEW, CaseStatus.IN_WORK) and referrals:
        case_services.case_change_status(actor=actor, case_id=case.pk, status=CaseStatus.REFERRED)
    return referrals


@transaction.atomic
def referral_assign(*, actor, referral_id: int, provider_id: int) -> Referral:
    """The coordinator resolves an escalated referral by hand."""
    if not can(actor, Capability.REFERRAL_COORDINATE):
        raise PermissionDenied
    referral = (
        Referral.objects.select_for_update().select_related("case").filter(pk=referral_id).first()
    )
    if referral is None:
        raise PermissionDenied
    if not referral.allows("assign"):
        raise ValidationError(_("Only an escalated referral can be assigned."))
    provider = provider_for_service(service=referral.service, pk=provider_id)
    if provider is None:
        raise ValidationError(_("Choose a provider that offers this service."))
    referral.status = ReferralStatus.CANCELLED
    referral.decline_reason = _("assigned by the coordinator")
    referral.save()
    settle_new_referral_notices(referral)
    return _send(
        actor=actor,
        sent_by_id=actor.pk,
        material=CaseMaterial(referral.case),
        service=referral.service,
        provider=provider,
        due_at=timezone.now() + DEFAULT_RESPONSE,
        rules=referral.rules,
        mandatory=referral.mandatory,
        plan_record=referral.plan,
        previous=referral,
        manual_reason=_("assigned by the coordinator"),
    )


def _next_provider(referral: Referral) -> tuple[Organisation | None, list[str]]:
    """The first remaining candidate still active and, for a bed, with a free place; one query
    for all the candidates."""
    remaining = list(referral.remaining_candidates)
    if not remaining:
        return None, []
    by_code = {
        o.code: o
        for o in Organisation.objects.filter(code__in=remaining, is_active=True).select_related(
            "provider_profile"
        )
    }
    for index, code in enumerate(remaining):
        organisation = by_code.get(code)
        if organisation is None:
            continue
        profile = getattr(organisation, "provider_profile", None)
        if (
            referral.service in BEDS
            and profile
            and profile.capacity_total is not None
            and not profile.capacity_free
        ):
            continue  # full since the plan was made
        return organisation, remaining[index + 1 :]
    return None, []


def reroute_to_next_candidate(referral: Referral) -> Referral:
    """The system passes a declined or unanswered referral to the next candidate (or to the
    coordinator). The worker who sent the first referral stays its sender."""
    provider, remaining = _next_provider(referral)
    return _send(
        actor=None,
        sent_by_id=referral.sent_by_id,
        material=CaseMaterial(referral.case),
        service=referral.service,
        provider=provider,
        due_at=timezone.now() + DEFAULT_RESPONSE,
        rules=referral.rules,
        mandatory=referral.mandatory,
        remaining=remaining,
        plan_record=referral.plan,
        previous=referral,
    )
