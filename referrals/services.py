"""Writes on referrals: plan, apply, accept (with a locked bed count), decline and re-route,
complete, escalate. Every write is audited and lands on the case timeline."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import CaseStatus, ParticipantRole
from cases.selectors import cases_editable_by
from portal import domains
from portal.audit import audit_record
from portal.models import AuditAction, Membership, Organisation
from portal.notifications import notification_send
from portal.roles import Capability, Role, acting_membership, can, grant_object_perm_to_organisation
from referrals.adapters import active_policy, facts_for_case, live_catalogue
from referrals.models import (
    Holiday,
    ProviderProfile,
    Referral,
    ReferralStatus,
    RoutingPlanRecord,
    RoutingPolicy,
)
from referrals.routing import PolicyError, plan, policy_from_dict
from referrals.routing.explain import plan_to_dict, service_label
from referrals.selectors import provider_for_service

BEDS = frozenset({"shelter", "crisis_room"})
# When nobody answers a manual or re-routed referral, it is due this long after sending.
DEFAULT_RESPONSE = timedelta(days=1)


def _facts_json(facts) -> dict:
    return json.loads(json.dumps(dataclasses.asdict(facts), default=str))


def _editable_case(actor, case_id: int):
    if not can(actor, Capability.REFERRAL_SEND):
        raise PermissionDenied
    case = cases_editable_by(actor).filter(pk=case_id).select_related("district", "owner").first()
    if case is None:
        raise PermissionDenied
    return case


@transaction.atomic
def referral_plan_for_case(*, actor, case_id: int, now: datetime | None = None):
    case = _editable_case(actor, case_id)
    facts = facts_for_case(case)
    policy = active_policy()
    result = plan(facts, live_catalogue(), policy, now or timezone.now())
    record = RoutingPlanRecord.objects.create(
        case=case,
        policy_version=policy.version,
        facts=_facts_json(facts),
        plan=plan_to_dict(result),
        created_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=record, detail="routing plan")
    return record


def shared_data(case, service: str) -> dict:
    """The minimum a service needs (DOMAIN.md §4); the narrative only with consent."""
    parts = {p.role: p for p in case.participants.select_related("person")}
    victim = parts.get(ParticipantRole.VICTIM)
    offender = parts.get(ParticipantRole.OFFENDER)
    needs = case.needs_assessments.order_by("-assessed_at", "-id").first()
    name = str(victim.person) if victim else ""
    contact = victim.person.phone if victim else ""
    data: dict = {"case_number": case.number, "district": case.district.name}
    if service in {"shelter", "crisis_room"}:
        data |= {
            "victim": name,
            "contact": contact,
            "risk_level": case.risk_level,
            "accompanying_children": needs.accompanying_children if needs else 0,
            "special_needs": needs.special_needs if needs else "",
        }
    elif service == "medical":
        incidents = list(case.incidents.all())
        sexual = [i.occurred_at for i in incidents if "sexual" in i.forms]
        data |= {
            "victim": name,
            "birth_date": victim.person.birth_date.strftime("%d.%m.%Y")
            if victim and victim.person.birth_date
            else "",
            "injuries": any(i.injuries for i in incidents),
            "hours_since_sexual_violence": round(
                (timezone.now() - max(sexual)).total_seconds() / 3600
            )
            if sexual
            else None,
        }
    elif service == "legal_aid":
        orders = []
        try:
            from orders.models import RestrainingOrder

            orders = [
                f"{o.get_kind_display()} № {o.number}"
                for o in RestrainingOrder.objects.filter(
                    case=case, cancelled_at__isnull=True, ends_at__gt=timezone.now()
                )
            ]
        except ImportError:
            pass
        data |= {"victim": name, "contact": contact, "forms": case.forms, "orders_in_force": orders}
    elif service == "offender_programme":
        data |= {"offender": str(offender.person) if offender else ""}
    elif service.endswith("_notice"):
        data |= {
            "forms": case.forms,
            "risk_level": case.risk_level,
            "children_involved": case.has_children,
            "reporter_contact": case.reporter_contact,
        }
    else:  # needs assessment, psychological help, social services
        data |= {
            "victim": name,
            "contact": contact,
            "risk_level": case.risk_level,
            "needs": needs.needs if needs else [],
        }
    if case.consent_to_share:
        data["summary"] = case.summary
    return data


def _coordinators():
    from portal.models import User

    return User.objects.filter(
        memberships__role=Role.COORDINATOR,
        memberships__is_active=True,
        memberships__organisation__kind="city_centre",
        is_active=True,
    ).distinct()


def _notify_provider(referral: Referral) -> None:
    members = Membership.objects.filter(
        organisation=referral.provider, is_active=True, role=Role.PROVIDER_STAFF
    ).select_related("user")
    for membership in members:
        notification_send(
            user=membership.user,
            title=_("New referral: %(service)s") % {"service": service_label(referral.service)},
            body=_("Answer by %(due)s.")
            % {"due": timezone.localtime(referral.due_at).strftime("%d.%m.%Y %H:%M")},
            url=referral.get_absolute_url(),
            dedupe_key=f"referral:{referral.pk}:sent",
        )


def _notify_coordinators(referral: Referral, reason: str) -> None:
    for user in _coordinators():
        notification_send(
            user=user,
            title=_("Referral escalated: %(service)s, case %(case)s")
            % {"service": service_label(referral.service), "case": referral.case.number},
            body=reason,
            url=referral.get_absolute_url(),
            dedupe_key=f"referral:{referral.pk}:escalated",
        )


def _send(
    *,
    actor,
    case,
    service,
    provider: Organisation | None,
    due_at,
    rules=(),
    mandatory=False,
    remaining=(),
    plan_record=None,
    previous=None,
    manual_reason="",
) -> Referral:
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
        shared_data=shared_data(case, service),
        due_at=due_at,
        sent_by=actor,
        previous=previous,
        manual_reason=manual_reason,
        status=ReferralStatus.SENT if provider else ReferralStatus.ESCALATED,
        escalated_at=None if provider else timezone.now(),
    )
    if provider is not None:
        grant_object_perm_to_organisation(
            perm="referrals.view_referral", organisation_group=provider.group, obj=referral
        )
        transaction.on_commit(lambda: _notify_provider(referral))
        summary = _("Referral sent: %(service)s → %(provider)s, answer by %(due)s") % {
            "service": service_label(service),
            "provider": provider,
            "due": timezone.localtime(due_at).strftime("%d.%m.%Y %H:%M"),
        }
    else:
        transaction.on_commit(
            lambda: _notify_coordinators(
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
    )
    case_services.timeline_record(
        case=case, actor=actor, kind="referral.sent", summary=summary, obj=referral
    )
    return referral


@transaction.atomic
def referral_apply_plan(
    *,
    actor,
    plan_id: int,
    removed_services: Iterable[str] = (),
    manual: Iterable[tuple[str, int, str]] = (),
) -> list[Referral]:
    """The worker confirms a plan: optional items may be removed, manual referrals added (with
    a reason); mandatory items always go."""
    record = RoutingPlanRecord.objects.select_for_update().filter(pk=plan_id).first()
    if record is None:
        raise PermissionDenied
    case = _editable_case(actor, record.case_id)
    if record.applied_at is not None:
        raise ValidationError(_("This plan has already been applied."))
    removed = set(removed_services)
    organisations = {
        o.code: o
        for o in Organisation.objects.filter(
            code__in={i["provider"] for i in record.plan["items"] if i["provider"]}
        )
    }
    referrals = []
    for item in record.plan["items"]:
        if item["service"] in removed and not item["mandatory"]:
            continue
        remaining = [
            c["provider"]
            for c in item["candidates"]
            if c["eligible"] and c["provider"] != item["provider"]
        ]
        referrals.append(
            _send(
                actor=actor,
                case=case,
                service=item["service"],
                provider=organisations.get(item["provider"]),
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
                case=case,
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


def _for_provider(actor, referral_id: int) -> Referral:
    membership = acting_membership(actor)
    if membership is None or not can(actor, Capability.REFERRAL_INBOX):
        raise PermissionDenied
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case", "provider")
        .filter(pk=referral_id, provider_id=membership.organisation_id)
        .first()
    )
    if referral is None:
        raise PermissionDenied
    return referral


def _answer_timeline(referral: Referral, actor, summary: str) -> None:
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=referral, detail=referral.status)
    case_services.timeline_record(
        case=referral.case,
        actor=actor,
        kind=f"referral.{referral.status}",
        summary=summary,
        obj=referral,
    )


@transaction.atomic
def referral_accept(*, actor, referral_id: int) -> Referral:
    referral = _for_provider(actor, referral_id)
    if referral.status != ReferralStatus.SENT:
        raise ValidationError(_("Only a referral waiting for an answer can be accepted."))
    if referral.service in BEDS:
        # The bed count row is locked, so two staff accepting the last bed at once cannot both
        # succeed: the second waits, then sees no free place.
        profile = ProviderProfile.objects.select_for_update().get(
            organisation_id=referral.provider_id
        )
        if profile.capacity_total is not None:
            if not profile.capacity_free:
                raise ValidationError(_("There is no free place: free one or decline."))
            profile.capacity_free -= 1
            profile.save(update_fields=["capacity_free"])
            referral.bed_taken = True
    referral.status = ReferralStatus.ACCEPTED
    referral.answered_at = timezone.now()
    referral.answered_by = actor
    referral.save()
    _answer_timeline(
        referral,
        actor,
        _("%(provider)s accepted the referral: %(service)s")
        % {"provider": referral.provider, "service": service_label(referral.service)},
    )
    return referral


def _next_provider(referral: Referral) -> tuple[Organisation | None, list[str]]:
    remaining = list(referral.remaining_candidates)
    while remaining:
        code = remaining.pop(0)
        organisation = (
            Organisation.objects.filter(code=code, is_active=True)
            .select_related("provider_profile")
            .first()
        )
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
        return organisation, remaining
    return None, []


def _reroute(referral: Referral, actor, reason: str) -> Referral:
    provider, remaining = _next_provider(referral)
    new = _send(
        actor=actor,
        case=referral.case,
        service=referral.service,
        provider=provider,
        due_at=timezone.now() + DEFAULT_RESPONSE,
        rules=referral.rules,
        mandatory=referral.mandatory,
        remaining=remaining,
        plan_record=referral.plan,
        previous=referral,
    )
    return new


@transaction.atomic
def referral_decline(*, actor, referral_id: int, reason: str) -> Referral:
    """Declined with a reason; the next candidate gets it at once (or the coordinator)."""
    referral = _for_provider(actor, referral_id)
    if referral.status != ReferralStatus.SENT:
        raise ValidationError(_("Only a referral waiting for an answer can be declined."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for declining.")]})
    referral.status = ReferralStatus.DECLINED
    referral.decline_reason = reason.strip()
    referral.answered_at = timezone.now()
    referral.answered_by = actor
    referral.save()
    _answer_timeline(
        referral,
        actor,
        _("%(provider)s declined: %(reason)s")
        % {"provider": referral.provider, "reason": referral.decline_reason},
    )
    return _reroute(referral, actor, referral.decline_reason)


@transaction.atomic
def referral_start(*, actor, referral_id: int) -> Referral:
    referral = _for_provider(actor, referral_id)
    if referral.status != ReferralStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted referral can be started."))
    referral.status = ReferralStatus.IN_PROGRESS
    referral.started_at = timezone.now()
    referral.save()
    _answer_timeline(
        referral,
        actor,
        _("Service started: %(service)s") % {"service": service_label(referral.service)},
    )
    return referral


def _free_bed(referral: Referral) -> None:
    if referral.bed_taken:
        profile = ProviderProfile.objects.select_for_update().get(
            organisation_id=referral.provider_id
        )
        profile.capacity_free = min((profile.capacity_free or 0) + 1, profile.capacity_total)
        profile.save(update_fields=["capacity_free"])
        referral.bed_taken = False


@transaction.atomic
def referral_complete(*, actor, referral_id: int, outcome: str) -> Referral:
    """The service was delivered (or the stay ended): the bed is freed."""
    referral = _for_provider(actor, referral_id)
    if referral.status not in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS):
        raise ValidationError(_("Only an accepted referral can be completed."))
    if not outcome.strip():
        raise ValidationError({"outcome": [_("Describe the outcome.")]})
    _free_bed(referral)
    referral.status = ReferralStatus.COMPLETED
    referral.completed_at = timezone.now()
    referral.outcome = outcome.strip()
    referral.save()
    _answer_timeline(
        referral,
        actor,
        _("Service completed: %(service)s — %(outcome)s")
        % {"service": service_label(referral.service), "outcome": referral.outcome},
    )
    return referral


@transaction.atomic
def referral_cancel(*, actor, referral_id: int, reason: str) -> Referral:
    referral = (
        Referral.objects.select_for_update().select_related("case").filter(pk=referral_id).first()
    )
    if referral is None:
        raise PermissionDenied
    _editable_case(actor, referral.case_id)
    if referral.status in (
        ReferralStatus.COMPLETED,
        ReferralStatus.CANCELLED,
        ReferralStatus.DECLINED,
    ):
        raise ValidationError(_("This referral is already closed."))
    _free_bed(referral)
    referral.status = ReferralStatus.CANCELLED
    referral.decline_reason = reason.strip()
    referral.save()
    _answer_timeline(
        referral,
        actor,
        _("Referral cancelled: %(service)s") % {"service": service_label(referral.service)},
    )
    return referral


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
    if referral.status != ReferralStatus.ESCALATED:
        raise ValidationError(_("Only an escalated referral can be assigned."))
    provider = provider_for_service(service=referral.service, pk=provider_id)
    if provider is None:
        raise ValidationError(_("Choose a provider that offers this service."))
    referral.status = ReferralStatus.CANCELLED
    referral.decline_reason = _("assigned by the coordinator")
    referral.save()
    return _send(
        actor=actor,
        case=referral.case,
        service=referral.service,
        provider=provider,
        due_at=timezone.now() + DEFAULT_RESPONSE,
        rules=referral.rules,
        mandatory=referral.mandatory,
        plan_record=referral.plan,
        previous=referral,
        manual_reason=_("assigned by the coordinator"),
    )


def referral_escalate_overdue(*, now: datetime | None = None) -> int:
    """Referrals not answered by their deadline go to the next candidate and the city
    coordinator is told. Idempotent: each referral escalates once (locked, skipped if taken)."""
    now = now or timezone.now()
    count = 0
    while True:
        with transaction.atomic():
            referral = (
                Referral.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("case", "provider")
                .filter(status=ReferralStatus.SENT, due_at__lt=now, escalated_at__isnull=True)
                .order_by("due_at")
                .first()
            )
            if referral is None:
                return count
            referral.status = ReferralStatus.CANCELLED
            referral.decline_reason = _("no answer by the deadline")
            referral.escalated_at = now
            referral.save()
            actor = referral.sent_by
            case_services.timeline_record(
                case=referral.case,
                actor=None,
                kind="referral.overdue",
                summary=_("%(provider)s did not answer by %(due)s: escalated")
                % {
                    "provider": referral.provider,
                    "due": timezone.localtime(referral.due_at).strftime("%d.%m.%Y %H:%M"),
                },
                obj=referral,
            )
            new = _reroute(referral, actor, referral.decline_reason)
            transaction.on_commit(
                lambda r=referral: _notify_coordinators(
                    r, _("Not answered in time; the next provider has it now.")
                )
            )
            audit_record(
                actor=None,
                action=AuditAction.UPDATE,
                obj=referral,
                detail=f"escalated to {new.provider or 'coordinator'}",
                username="system",
            )
            count += 1


@transaction.atomic
def policy_publish(*, actor, rules_json: str, note: str = "") -> RoutingPolicy:
    """A coordinator publishes a new version of the policy; old plans keep their version."""
    if not can(actor, Capability.POLICY_EDIT):
        raise PermissionDenied
    try:
        data = json.loads(rules_json)
    except json.JSONDecodeError as error:
        raise ValidationError(
            {"rules": [_("Not valid JSON: %(error)s") % {"error": error}]}
        ) from None
    rules = data["rules"] if isinstance(data, dict) and "rules" in data else data
    try:
        policy_from_dict({"version": 0, "rules": rules})
    except PolicyError as error:
        raise ValidationError(
            {"rules": [_("The policy is not valid: %(error)s") % {"error": error}]}
        ) from None
    current = RoutingPolicy.objects.select_for_update().filter(is_active=True).first()
    version = (
        RoutingPolicy.objects.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    if current:
        current.is_active = False
        current.save(update_fields=["is_active"])
    record = RoutingPolicy.objects.create(
        version=version, rules=rules, is_active=True, note=note, created_by=actor
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=record, detail=f"policy v{version}")
    return record


def policy_preview(*, rules_json: str, cases) -> list[dict]:
    """What a draft policy would change on recent cases, against the active one."""
    data = json.loads(rules_json)
    rules = data["rules"] if isinstance(data, dict) and "rules" in data else data
    draft = policy_from_dict({"version": 0, "rules": rules})
    current = active_policy()
    catalogue = live_catalogue()
    now = timezone.now()
    rows = []
    for case in cases:
        facts = facts_for_case(case)
        before = {i.service: i.provider for i in plan(facts, catalogue, current, now).items}
        after = {i.service: i.provider for i in plan(facts, catalogue, draft, now).items}
        rows.append(
            {
                "case": case,
                "added": sorted(set(after) - set(before)),
                "removed": sorted(set(before) - set(after)),
                "changed": sorted(s for s in set(after) & set(before) if after[s] != before[s]),
            }
        )
    return rows


HOLIDAY_NAME_LENGTH = Holiday._meta.get_field("name").max_length


@transaction.atomic
def holiday_add(*, actor, day: date, name: str = "") -> Holiday:
    """A day off for working-day deadlines: adding one moves the legal deadlines after it."""
    if not can(actor, Capability.POLICY_EDIT):
        raise PermissionDenied
    try:
        domains.validate_end_date(day)
    except ValidationError as error:
        raise ValidationError({"date": error.messages}) from None
    name = name.strip()
    if len(name) > HOLIDAY_NAME_LENGTH or "\x00" in name:
        raise ValidationError(
            {
                "name": [
                    _("Keep the name within %(limit)s characters, without control characters.")
                    % {"limit": HOLIDAY_NAME_LENGTH}
                ]
            }
        )
    holiday, created = Holiday.objects.update_or_create(date=day, defaults={"name": name})
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=holiday,
        detail=f"holiday {day.isoformat()}",
    )
    return holiday


@transaction.atomic
def holiday_remove(*, actor, day: date) -> bool:
    """Remove a day off; deadlines computed afterwards count it as a working day again."""
    if not can(actor, Capability.POLICY_EDIT):
        raise PermissionDenied
    deleted, _rows = Holiday.objects.filter(date=day).delete()
    if deleted:
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            object_type="referrals.holiday",
            object_id=day.isoformat(),
            detail=f"holiday {day.isoformat()}",
        )
    return bool(deleted)
