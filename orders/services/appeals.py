"""Writes on appeals against orders: the filing, then the court's outcome. An order cancelled on
appeal stops binding from the decision date (orders.rules.appeal_cancels_from)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as case_services
from orders import rules
from orders.models import AppealOutcome, OrderAppeal
from orders.services.restraining import _check_domains, _editable_order, _raise
from portal import domains
from portal.audit import audit_record
from portal.models import AuditAction

MAX_COURT = 200
MAX_NOTE = 500


def _bounded(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError({field: [_("At most %(n)s characters, please.") % {"n": limit}]})
    return value


@transaction.atomic
def order_appeal_file(*, actor, order_id: int, filed_on: date, court: str) -> OrderAppeal:
    order = _editable_order(actor, order_id)
    _check_domains(("filed_on", domains.validate_past_date, filed_on))
    court = _bounded(court, "court", MAX_COURT)
    if not court:
        raise ValidationError({"court": [_("Name the court that hears the appeal.")]})
    if order.appeals.filter(outcome=AppealOutcome.PENDING).exists():
        raise ValidationError({"filed_on": [_("An appeal against this order is still pending.")]})
    _raise(
        rules.check_appeal_filing(
            order_start_day=timezone.localtime(order.starts_at).date(), filed_on=filed_on
        )
    )
    try:
        with transaction.atomic():
            appeal = OrderAppeal.objects.create(
                order=order, filed_on=filed_on, court=court, recorded_by=actor
            )
    except IntegrityError:  # recorded in another tab at the same moment
        raise ValidationError(
            {"filed_on": [_("An appeal against this order is still pending.")]}
        ) from None
    if not order.appealed:
        order.appealed = True
        order.save(update_fields=["appealed"])
    audit_record(actor=actor, action=AuditAction.CREATE, obj=appeal)
    case_services.timeline_record(
        case=order.case,
        actor=actor,
        kind="order.appealed",
        summary=_("Order № %(number)s appealed to %(court)s on %(date)s")
        % {"number": order.number, "court": court, "date": filed_on.strftime("%d.%m.%Y")},
        obj=order,
    )
    return appeal


@transaction.atomic
def order_appeal_decide(
    *, actor, order_id: int, outcome: str, decision_date: date | None, note: str = ""
) -> OrderAppeal:
    """The court's outcome of the order's pending appeal. "Cancelled" ends the order from the
    decision date (an earlier cancellation stays); "changed" says how, in the note."""
    order = _editable_order(actor, order_id)
    appeal = order.appeals.select_for_update().filter(outcome=AppealOutcome.PENDING).first()
    if appeal is None:
        raise ValidationError({"outcome": [_("This order has no pending appeal.")]})
    if decision_date is not None:
        _check_domains(("decision_date", domains.validate_past_date, decision_date))
    note = _bounded(note, "note", MAX_NOTE)
    _raise(
        rules.check_appeal_decision(
            filed_on=appeal.filed_on, outcome=outcome, decision_date=decision_date, note=note
        )
    )
    appeal.outcome = outcome
    appeal.decision_date = decision_date
    appeal.note = note
    appeal.decided_by = actor
    appeal.save(update_fields=["outcome", "decision_date", "note", "decided_by"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=appeal, detail=f"outcome {outcome}")
    if outcome == rules.APPEAL_CANCELLED:
        ends = rules.appeal_cancels_from(decision_date)
        if order.cancelled_at is None or order.cancelled_at > ends:
            order.cancelled_at = ends
            order.cancel_reason = (
                _("Cancelled on appeal by %(court)s on %(date)s")
                % {"court": appeal.court, "date": decision_date.strftime("%d.%m.%Y")}
            )[:300]
            order.save(update_fields=["cancelled_at", "cancel_reason"])
            audit_record(
                actor=actor, action=AuditAction.UPDATE, obj=order, detail="cancelled on appeal"
            )
    case_services.timeline_record(
        case=order.case,
        actor=actor,
        kind="order.appeal_decided",
        summary=_("Appeal against order № %(number)s decided on %(date)s: %(outcome)s")
        % {
            "number": order.number,
            "date": decision_date.strftime("%d.%m.%Y"),
            "outcome": appeal.get_outcome_display(),
        },
        obj=order,
        detail={"outcome": outcome, "note": note},
    )
    return appeal
