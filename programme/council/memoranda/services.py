"""Writes on the memoranda register: add, terminate, the partner's report, and the expiry
reminder. Each one audited; refusals as PermissionDenied (views answer 404 or 403)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit import audit_record
from portal.models import AuditAction, Organisation
from portal.roles import Capability, can
from programme.council import rules
from programme.council.memoranda.models import Memorandum, MemorandumReport
from programme.council.memoranda.selectors import is_partner_of, memoranda_visible_to

# Services a partner reports people served by (the referral catalogue's services, without the
# notices, which only public bodies send).
PARTNER_SERVICES = (
    "psychological",
    "legal_aid",
    "shelter",
    "crisis_room",
    "social_services",
    "needs_assessment",
    "medical",
    "offender_programme",
)


def partner_service_labels() -> dict[str, object]:
    from referrals.routing.explain import SERVICE_LABELS

    return {code: SERVICE_LABELS.get(code, gettext_lazy(code)) for code in PARTNER_SERVICES}


def _require_manage(actor) -> None:
    if not can(actor, Capability.COUNCIL_MANAGE):
        raise PermissionDenied


@transaction.atomic
def memorandum_add(
    *,
    actor,
    number: str,
    signed_on: date,
    partner: Organisation | None,
    partner_name: str,
    parties: str,
    valid_from: date,
    valid_to: date | None,
    areas: str,
    contact_person: str,
) -> Memorandum:
    _require_manage(actor)
    if partner is None and not partner_name.strip():
        raise ValidationError(_("Choose the partner organisation or type its name."))
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError(_("The end of the term is before its start."))
    if not areas.strip():
        raise ValidationError(_("Describe the areas of cooperation."))
    memorandum = Memorandum.objects.create(
        number=number.strip(),
        signed_on=signed_on,
        partner=partner,
        partner_name=partner_name.strip(),
        parties=parties.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        areas=areas.strip(),
        contact_person=contact_person.strip(),
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=memorandum, detail=str(memorandum))
    return memorandum


@transaction.atomic
def memorandum_terminate(*, actor, memorandum_id: int, day: date) -> Memorandum:
    """The memorandum ends early on `day` (recorded by the secretariat)."""
    _require_manage(actor)
    memorandum = Memorandum.objects.select_for_update().filter(pk=memorandum_id).first()
    if memorandum is None:
        raise PermissionDenied
    if memorandum.terminated_on is not None:
        raise ValidationError(_("The memorandum is already terminated."))
    if day < memorandum.valid_from:
        raise ValidationError(_("The memorandum is terminated before it came into force."))
    memorandum.terminated_on = day
    memorandum.save(update_fields=["terminated_on"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=memorandum, detail="terminated")
    return memorandum


@transaction.atomic
def memorandum_report_submit(
    *,
    actor,
    memorandum_id: int,
    period_start: date,
    period_end: date,
    activities: str,
    served: dict[str, int],
) -> MemorandumReport:
    """The partner's report on its work under the memorandum: the partner's executor only."""
    memorandum = memoranda_visible_to(actor).filter(pk=memorandum_id).first()
    if memorandum is None:
        raise PermissionDenied
    if not is_partner_of(actor, memorandum):
        raise PermissionDenied
    if period_end < period_start:
        raise ValidationError(_("The end of the period is before its start."))
    if not activities.strip():
        raise ValidationError(_("Describe the activities."))
    counts = {code: int(n) for code, n in served.items() if code in PARTNER_SERVICES and n}
    if any(n < 0 for n in counts.values()):
        raise ValidationError(_("A number of people cannot be negative."))
    report = MemorandumReport.objects.create(
        memorandum=memorandum,
        period_start=period_start,
        period_end=period_end,
        activities=activities.strip(),
        served=counts,
        submitted_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=report, detail=str(memorandum))
    return report


def memorandum_expiry_reminders_send(*, today: date) -> int:
    """Tell the secretariat once that a memorandum in force ends within 30 days (keyed by the
    memorandum and its end date, so a prolonged one is reminded of again)."""
    from django.urls import reverse

    from portal.models import User
    from portal.notifications import notification_send
    from portal.roles import Role

    ending = Memorandum.objects.filter(
        terminated_on__isnull=True,
        valid_to__gte=today,
        valid_to__lte=today + timedelta(days=rules.EXPIRY_NOTICE_DAYS),
    ).select_related("partner")
    secretariat = list(
        User.objects.filter(
            memberships__role=Role.SECRETARIAT, memberships__is_active=True, is_active=True
        ).distinct()
    )
    sent = 0
    for memorandum in ending:
        title = _("Memorandum %(number)s with %(partner)s ends on %(day)s") % {
            "number": memorandum.number,
            "partner": memorandum.partner_label,
            "day": f"{memorandum.valid_to:%d.%m.%Y}",
        }
        for user in secretariat:
            sent += bool(
                notification_send(
                    user=user,
                    title=title,
                    url=reverse("programme:council:memorandum", args=[memorandum.pk]),
                    dedupe_key=f"memorandum-expiry:{memorandum.pk}:{memorandum.valid_to:%Y%m%d}",
                )
            )
    return sent
