"""Writes on the other two special measures against offenders (Law 2229-VIII art. 24 part 1
items 3 and 4): the police unit's preventive record and the offender programme. Each write is
checked by orders.rules, audited and put on the case timeline, in one transaction."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import Case, ParticipantRole
from cases.selectors import cases_editable_by, cases_visible_to
from orders import rules
from orders.models import (
    OffenderProgramme,
    PreventiveBasis,
    PreventiveRecord,
    ProgrammeReferrer,
    ProgrammeStatus,
)
from orders.selectors import orders_visible_to
from orders.services.restraining import _check_domains, _party, _raise
from portal import domains
from portal.audit import audit_record
from portal.models import AuditAction
from portal.roles import Capability, acting_membership, can


def _case_for_police(actor, case_id: int) -> Case:
    """A case the acting police officer may see; anything else is refused like a missing one."""
    if not can(actor, Capability.ORDER_ISSUE):
        raise PermissionDenied
    case = cases_visible_to(actor).select_for_update().filter(pk=case_id).first()
    if case is None:
        raise PermissionDenied
    return case


def _programme_cases(actor) -> QuerySet[Case]:
    """The police (on a case they see) and the case's social service (on a case they may edit)
    record and move on an offender programme."""
    if can(actor, Capability.ORDER_ISSUE):
        return cases_visible_to(actor)
    if can(actor, Capability.CASE_EDIT):
        return cases_editable_by(actor)
    raise PermissionDenied


def _case_for_programme(actor, case_id: int) -> Case:
    case = _programme_cases(actor).select_for_update().filter(pk=case_id).first()
    if case is None:
        raise PermissionDenied
    return case


@transaction.atomic
def preventive_record_take(
    *,
    actor,
    case_id: int,
    basis: str,
    taken_on: date,
    offender_id: int | None = None,
    order_id: int | None = None,
) -> PreventiveRecord:
    """The acting police unit takes the case's offender onto its preventive record."""
    case = _case_for_police(actor, case_id)
    _check_domains(("taken_on", domains.validate_past_date, taken_on))
    if basis not in PreventiveBasis.values:
        raise ValidationError({"basis": [_("Choose what the record is based on.")]})
    offender = _party(case, ParticipantRole.OFFENDER, offender_id)
    order = None
    if basis == PreventiveBasis.ORDER:
        if order_id is None:
            raise ValidationError({"order": [_("Choose the order the record is based on.")]})
        order = orders_visible_to(actor).filter(pk=order_id, case=case).first()
        if order is None:
            raise ValidationError({"order": [_("The case has no such order.")]})
    record = PreventiveRecord(
        case=case,
        offender=offender,
        basis=basis,
        order=order,
        unit=acting_membership(actor).organisation,
        taken_on=taken_on,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise ValidationError(
            {"basis": [_("This offender is already on the preventive record for this case.")]}
        ) from None
    audit_record(actor=actor, action=AuditAction.CREATE, obj=record)
    case_services.timeline_record(
        case=case,
        actor=actor,
        kind="order.preventive",
        summary=_("Offender taken onto the preventive record on %(date)s (%(basis)s)")
        % {"date": taken_on.strftime("%d.%m.%Y"), "basis": record.get_basis_display()},
        obj=record,
    )
    return record


@transaction.atomic
def preventive_record_remove(
    *, actor, record_id: int, removed_on: date, reason: str
) -> PreventiveRecord:
    """Only the unit that keeps the record removes the offender from it."""
    if not can(actor, Capability.ORDER_ISSUE):
        raise PermissionDenied
    record = (
        PreventiveRecord.objects.select_for_update()
        .filter(
            pk=record_id,
            case__in=cases_visible_to(actor),
            unit_id=acting_membership(actor).organisation_id,
        )
        .first()
    )
    if record is None:
        raise PermissionDenied
    if record.removed_on is not None:
        raise ValidationError({"removed_on": [_("The offender is already off the record.")]})
    _check_domains(("removed_on", domains.validate_past_date, removed_on))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the removal.")]})
    _raise(rules.check_preventive_removal(taken_on=record.taken_on, removed_on=removed_on))
    record.removed_on = removed_on
    record.removal_reason = reason
    record.save(update_fields=["removed_on", "removal_reason"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=record, detail="removed")
    case_services.timeline_record(
        case=record.case,
        actor=actor,
        kind="order.preventive",
        summary=_("Offender removed from the preventive record on %(date)s: %(reason)s")
        % {"date": removed_on.strftime("%d.%m.%Y"), "reason": reason},
        obj=record,
    )
    return record


@transaction.atomic
def offender_programme_refer(
    *,
    actor,
    case_id: int,
    referred_by: str,
    referred_on: date,
    provider: str,
    offender_id: int | None = None,
) -> OffenderProgramme:
    """Record that a court or the police referred the case's offender to a programme."""
    case = _case_for_programme(actor, case_id)
    _check_domains(("referred_on", domains.validate_past_date, referred_on))
    if referred_by not in ProgrammeReferrer.values:
        raise ValidationError({"referred_by": [_("Choose who referred the offender.")]})
    provider = provider.strip()
    if not provider:
        raise ValidationError({"provider": [_("Name the provider of the programme.")]})
    offender = _party(case, ParticipantRole.OFFENDER, offender_id)
    programme = OffenderProgramme.objects.create(
        case=case,
        offender=offender,
        referred_by=referred_by,
        referred_on=referred_on,
        provider=provider,
        created_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=programme)
    case_services.timeline_record(
        case=case,
        actor=actor,
        kind="order.programme",
        summary=_("Offender referred to a programme (%(provider)s) on %(date)s")
        % {"provider": provider, "date": referred_on.strftime("%d.%m.%Y")},
        obj=programme,
    )
    return programme


@transaction.atomic
def offender_programme_update(
    *,
    actor,
    programme_id: int,
    status: str,
    started_on: date | None,
    ended_on: date | None,
    version: int,
) -> OffenderProgramme:
    """Move the programme on: started, completed or dropped out, with its dates. A change made
    by someone else since the form was opened (a newer `version`) is never overwritten."""
    programme = (
        OffenderProgramme.objects.select_for_update()
        .filter(pk=programme_id, case__in=_programme_cases(actor))
        .first()
    )
    if programme is None:
        raise PermissionDenied
    if programme.version != version:
        raise ValidationError(
            {
                "status": [
                    _(
                        "Someone changed this programme after you opened it. Look at the "
                        "current record and make your change again."
                    )
                ]
            }
        )
    if status not in ProgrammeStatus.values:
        raise ValidationError({"status": [_("Choose the programme's status.")]})
    _check_domains(
        ("started_on", domains.validate_past_date, started_on),
        ("ended_on", domains.validate_past_date, ended_on),
    )
    _raise(
        rules.check_programme(
            status=status,
            referred_on=programme.referred_on,
            started_on=started_on,
            ended_on=ended_on,
        )
    )
    before = programme.get_status_display()
    programme.status = status
    programme.started_on = started_on
    programme.ended_on = ended_on
    programme.updated_at = timezone.now()
    programme.version += 1
    programme.save(update_fields=["status", "started_on", "ended_on", "updated_at", "version"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=programme, detail=status)
    case_services.timeline_record(
        case=programme.case,
        actor=actor,
        kind="order.programme",
        summary=_("Offender programme (%(provider)s): %(before)s → %(after)s")
        % {
            "provider": programme.provider,
            "before": before,
            "after": programme.get_status_display(),
        },
        obj=programme,
    )
    return programme
