"""Writes on orders: validate with orders.rules, save, audit and put it on the case timeline,
all in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import services as case_services
from cases.models import Case, ParticipantRole, Person
from cases.selectors import cases_visible_to
from orders import rules
from orders.models import (
    Breach,
    ExpiryNotice,
    OrderExtension,
    OrderKind,
    RestrainingOrder,
)
from orders.selectors import AmbiguousCaseNumber, case_by_number
from portal import domains
from portal.audit import audit_record
from portal.calendar import KYIV, person_age
from portal.models import AuditAction, Organisation
from portal.notifications import notification_send
from portal.roles import Capability, Role, acting_membership, can

CASE_NOT_AVAILABLE = gettext_lazy(
    "No case with this number is available to your unit. Check the number, ask the social "
    "service that owns the case to give your unit access, or leave the number empty and enter "
    "the people to open a new case."
)


def _raise(violations: list[rules.RuleViolation]) -> None:
    if violations:
        errors: dict[str, list[str]] = {}
        for violation in violations:
            errors.setdefault(violation.field, []).append(violation.message)
        raise ValidationError(errors)


def _check_domains(*checks: tuple[str, Callable[[Any], None], Any]) -> None:
    """The bounds of portal.domains, as the forms apply them: callers that skip the forms
    (imports, other apps, tasks) are refused the same way."""
    errors: dict[str, list] = {}
    for field, validator, value in checks:
        if value is None:
            continue
        try:
            validator(value)
        except ValidationError as error:
            errors.setdefault(field, []).extend(error.error_list)
    if errors:
        raise ValidationError(errors)


def _check_overlap(*, offender: Person, victim: Person, kind: str, start, end) -> None:
    clash = RestrainingOrder.objects.filter(
        offender=offender,
        victim=victim,
        kind=kind,
        cancelled_at__isnull=True,
        starts_at__lt=end,
        ends_at__gt=start,
    ).first()
    if clash is not None:
        raise ValidationError(
            {
                "starts_at": [
                    _(
                        "An order of this kind for the same offender and victim is already "
                        "in force: %(order)s (%(start)s – %(end)s)."
                    )
                    % {
                        "order": clash.number,
                        "start": timezone.localtime(clash.starts_at).strftime("%d.%m.%Y %H:%M"),
                        "end": timezone.localtime(clash.ends_at).strftime("%d.%m.%Y %H:%M"),
                    }
                ]
            }
        )


def _save(order: RestrainingOrder) -> RestrainingOrder:
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError as error:
        # The exclusion constraint catches what a concurrent save slipped past the check above.
        if "order_no_overlap" in str(error):
            raise ValidationError(
                {
                    "starts_at": [
                        _(
                            "An order of this kind for the same offender and victim is already "
                            "in force."
                        )
                    ]
                }
            ) from None
        raise
    return order


def _party(case: Case, role: str, person_id: int | None) -> Person:
    participants = case.participants.filter(role=role)
    if person_id:
        participants = participants.filter(person_id=person_id)
    participant = participants.select_related("person").order_by("pk").first()
    if participant is None:
        field = "offender" if role == ParticipantRole.OFFENDER else "victim"
        raise ValidationError({field: [_("The case has no such person.")]})
    return participant.person


@dataclass
class NewCaseForOrder:
    """What the police know when they come first: enough to open the case."""

    district_id: int
    victim: case_services.PersonData
    offender: case_services.PersonData
    forms: Collection[str] = ("physical",)
    occurred_at: datetime | None = None


def _case_for_order(
    *,
    actor,
    case_id: int | None,
    new_case: NewCaseForOrder | None,
    issued_at: datetime,
    case_number: str = "",
) -> Case:
    if case_number:
        # A number typed by the police is resolved through their own scope (cases they opened or
        # were given access to by the owning social service). A number that does not exist and
        # one of a case they may not see get the same answer, so the form is no existence oracle
        # and an order can never pull another case's people onto a police page.
        try:
            case = case_by_number(user=actor, text=case_number)
        except AmbiguousCaseNumber as ambiguous:
            raise ValidationError(
                {
                    "case_number": [
                        _(
                            "Several of your cases end with this number: %(numbers)s. "
                            "Enter the full number."
                        )
                        % {"numbers": ", ".join(ambiguous.numbers)}
                    ]
                }
            ) from None
        if case is None:
            raise ValidationError({"case_number": [CASE_NOT_AVAILABLE]})
        return case
    if case_id:
        case = cases_visible_to(actor).filter(pk=case_id).first()
        if case is None:
            raise ValidationError({"case": [CASE_NOT_AVAILABLE]})
        return case
    if new_case is None:
        raise ValidationError({"case": [_("Choose a case or enter the people to open one.")]})
    css = Organisation.objects.filter(
        kind="social_services", districts__id=new_case.district_id, is_active=True
    ).first()
    return case_services.case_register(
        actor=actor,
        data=case_services.IntakeData(
            district_id=new_case.district_id,
            channel="police",
            reported_at=min(issued_at, timezone.now()),
            intake_scenario=5,
            summary=_("Registered by the police together with an urgent restraining order."),
            children_service_notified=True,
            victim=new_case.victim,
            offender=new_case.offender,
            incident={
                "occurred_at": new_case.occurred_at or min(issued_at, timezone.now()),
                "forms": list(new_case.forms),
            },
            owner_id=css.pk if css else None,
        ),
    )


@transaction.atomic
def order_issue_urgent(
    *,
    actor,
    number: str,
    issued_at: datetime,
    ends_at: datetime,
    measures: Collection[str],
    initiated_by: str,
    case_number: str = "",
    new_case: NewCaseForOrder | None = None,
    offender_id: int | None = None,
    victim_id: int | None = None,
) -> RestrainingOrder:
    """A police unit issues an urgent restraining order (Law 2229-VIII art. 25) on the case with
    `case_number`, or on a new case opened from `new_case` (police often come first)."""
    if not can(actor, Capability.ORDER_ISSUE):
        raise PermissionDenied
    unit = acting_membership(actor).organisation
    _check_domains(
        ("issued_at", domains.validate_past_moment, issued_at),
        ("ends_at", domains.validate_end_date, ends_at),
    )
    if new_case is not None and not case_number:
        offender_data = new_case.offender
        birth, age = offender_data.birth_date, offender_data.approximate_age
    else:
        birth, age = None, None
    # Validate the law first, so that an invalid order opens no case either.
    if birth is not None or age is not None:
        _raise(
            rules.check_urgent_order(
                issued_at=issued_at,
                ends_at=ends_at,
                measures=measures,
                offender_birth_date=birth,
                offender_age=age,
            )
        )
    case = _case_for_order(
        actor=actor, case_id=None, case_number=case_number, new_case=new_case, issued_at=issued_at
    )
    offender = _party(case, ParticipantRole.OFFENDER, offender_id)
    victim = _party(case, ParticipantRole.VICTIM, victim_id)
    _raise(
        rules.check_urgent_order(
            issued_at=issued_at,
            ends_at=ends_at,
            measures=measures,
            offender_birth_date=offender.birth_date,
            offender_age=offender.approximate_age,
        )
    )
    _check_overlap(
        offender=offender, victim=victim, kind=OrderKind.URGENT, start=issued_at, end=ends_at
    )
    # The age on the Kyiv day of issue, as orders.rules.check_urgent_order counts it.
    age_now = person_age(
        offender.birth_date, offender.approximate_age, issued_at.astimezone(KYIV).date()
    )
    order = _save(
        RestrainingOrder(
            kind=OrderKind.URGENT,
            case=case,
            offender=offender,
            victim=victim,
            number=number.strip(),
            issued_by=unit,
            officer=actor,
            initiated_by=initiated_by,
            risk_level=case.risk_level,
            starts_at=issued_at,
            ends_at=ends_at,
            measures=sorted(set(measures)),
            offender_minor=age_now is not None and age_now < rules.ADULT_AGE,
            created_by=actor,
        )
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=order, detail=order.number)
    case_services.timeline_record(
        case=case,
        actor=actor,
        kind="order.issued",
        summary=_("Urgent restraining order № %(number)s issued by %(unit)s until %(end)s")
        % {
            "number": order.number,
            "unit": unit,
            "end": timezone.localtime(ends_at).strftime("%d.%m.%Y %H:%M"),
        },
        obj=order,
    )
    return order


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=KYIV)


def _day_end(day: date) -> datetime:
    # A court order runs to the end of its last day.
    return datetime.combine(day, time(23, 59, 59), tzinfo=KYIV)


@transaction.atomic
def order_record_restrictive(
    *,
    actor,
    case_id: int,
    number: str,
    court: str,
    decision_date: date,
    applicant: str,
    start: date,
    end: date,
    measures: Collection[str],
    offender_id: int | None = None,
    victim_id: int | None = None,
) -> RestrainingOrder:
    """Record a court's restrictive order (Law 2229-VIII art. 26) on a case."""
    if not (can(actor, Capability.ORDER_ISSUE) or can(actor, Capability.CASE_EDIT)):
        raise PermissionDenied
    _check_domains(
        ("decision_date", domains.validate_past_date, decision_date),
        ("start", domains.validate_past_date, start),
        ("end", domains.validate_end_date, end),
    )
    court = court.strip()
    if not court:
        raise ValidationError({"court": [_("Name the court that decided.")]})
    _raise(rules.check_restrictive_order(start=start, end=end, measures=measures))
    case = _case_for_order(actor=actor, case_id=case_id, new_case=None, issued_at=timezone.now())
    offender = _party(case, ParticipantRole.OFFENDER, offender_id)
    victim = _party(case, ParticipantRole.VICTIM, victim_id)
    starts_at, ends_at = _day_start(start), _day_end(end)
    _check_overlap(
        offender=offender, victim=victim, kind=OrderKind.RESTRICTIVE, start=starts_at, end=ends_at
    )
    order = _save(
        RestrainingOrder(
            kind=OrderKind.RESTRICTIVE,
            case=case,
            offender=offender,
            victim=victim,
            number=number.strip(),
            # The court is what the decision names, as typed (Kyiv's district courts are not
            # organisations of the portal). `issued_by` holds the organisation that recorded it:
            # the one answerable for the record, never a court the user did not name.
            issued_by=acting_membership(actor).organisation,
            court=court,
            decision_date=decision_date,
            applicant=applicant,
            starts_at=starts_at,
            ends_at=ends_at,
            measures=sorted(set(measures)),
            risk_level=case.risk_level,
            created_by=actor,
        )
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=order, detail=order.number)
    case_services.timeline_record(
        case=case,
        actor=actor,
        kind="order.issued",
        summary=_("Restrictive order № %(number)s (%(court)s): %(start)s – %(end)s")
        % {
            "number": order.number,
            "court": court,
            "start": start.strftime("%d.%m.%Y"),
            "end": end.strftime("%d.%m.%Y"),
        },
        obj=order,
    )
    return order


def _editable_order(actor, order_id: int) -> RestrainingOrder:
    from orders.selectors import orders_visible_to

    order = orders_visible_to(actor).select_for_update().filter(pk=order_id).first()
    if order is None:
        raise PermissionDenied
    if not (can(actor, Capability.ORDER_ISSUE) or can(actor, Capability.CASE_EDIT)):
        raise PermissionDenied
    return order


@transaction.atomic
def order_extend(
    *,
    actor,
    order_id: int,
    start: date,
    end: date,
    decision_number: str = "",
    decision_date: date | None = None,
) -> OrderExtension:
    order = _editable_order(actor, order_id)
    if order.kind != OrderKind.RESTRICTIVE:
        raise ValidationError({"start": [_("Only a restrictive order can be extended.")]})
    _check_domains(
        ("start", domains.validate_end_date, start),
        ("end", domains.validate_end_date, end),
        ("decision_date", domains.validate_past_date, decision_date),
    )
    current_end = max([order.ends_at, *order.extensions.values_list("ends_at", flat=True)])
    _raise(
        rules.check_extension(
            order_end=timezone.localtime(current_end).date(), start=start, end=end
        )
    )
    extension = OrderExtension.objects.create(
        order=order,
        starts_at=_day_start(start),
        ends_at=_day_end(end),
        decision_number=decision_number,
        decision_date=decision_date,
        created_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=extension)
    case_services.timeline_record(
        case=order.case,
        actor=actor,
        kind="order.extended",
        summary=_("Restrictive order № %(number)s extended until %(end)s")
        % {"number": order.number, "end": end.strftime("%d.%m.%Y")},
        obj=order,
    )
    return extension


@transaction.atomic
def order_cancel(*, actor, order_id: int, reason: str) -> RestrainingOrder:
    """Cancel an order. An urgent order is the police's own act (Law 2229-VIII art. 25): only
    the unit that issued it cancels it. A restrictive order is cancelled by a court; the portal
    records that decision for whoever keeps the order's record."""
    order = _editable_order(actor, order_id)
    if order.kind == OrderKind.URGENT and not (
        can(actor, Capability.ORDER_ISSUE)
        and acting_membership(actor).organisation_id == order.issued_by_id
    ):
        raise PermissionDenied
    if order.cancelled_at is not None:
        raise ValidationError({"reason": [_("The order is already cancelled.")]})
    extended_until = max(order.extensions.values_list("ends_at", flat=True), default=None)
    status = rules.order_status(
        now=timezone.now(),
        starts_at=order.starts_at,
        ends_at=order.ends_at,
        extended_until=extended_until,
    )
    if status == rules.OrderStatus.EXPIRED:
        # Cancelling would rewrite an ended order as cancelled, in its record and the figures.
        raise ValidationError(
            {"reason": [_("The order has already ended: there is nothing to cancel.")]}
        )
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for cancelling.")]})
    order.cancelled_at = timezone.now()
    order.cancel_reason = reason.strip()
    order.save(update_fields=["cancelled_at", "cancel_reason"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=order, detail="cancelled")
    case_services.timeline_record(
        case=order.case,
        actor=actor,
        kind="order.cancelled",
        summary=_("Order № %(number)s cancelled: %(reason)s")
        % {"number": order.number, "reason": order.cancel_reason},
        obj=order,
    )
    return order


@transaction.atomic
def breach_record(
    *, actor, order_id: int, occurred_at: datetime, description: str, consequence: str
) -> Breach:
    order = _editable_order(actor, order_id)
    if order.cancelled_at is not None:
        raise ValidationError({"occurred_at": [_("A cancelled order takes no breach.")]})
    _check_domains(("occurred_at", domains.validate_past_moment, occurred_at))
    if occurred_at < order.starts_at:
        raise ValidationError({"occurred_at": [_("The breach is before the order started.")]})
    extended_until = max(order.extensions.values_list("ends_at", flat=True), default=None)
    if not rules.in_force_at(
        occurred_at,
        starts_at=order.starts_at,
        ends_at=order.ends_at,
        extended_until=extended_until,
    ):
        raise ValidationError(
            {"occurred_at": [_("The order had already ended: it takes no breach after its end.")]}
        )
    breach = Breach.objects.create(
        order=order,
        occurred_at=occurred_at,
        description=description,
        consequence=consequence,
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=breach)
    case_services.timeline_record(
        case=order.case,
        actor=actor,
        kind="order.breach",
        summary=_("Breach of order № %(number)s on %(date)s: %(consequence)s")
        % {
            "number": order.number,
            "date": timezone.localtime(occurred_at).strftime("%d.%m.%Y %H:%M"),
            "consequence": breach.get_consequence_display(),
        },
        obj=breach,
    )
    return breach


def _recipients(case: Case):
    if case.responsible_id:
        return [case.responsible]
    from portal.models import User

    return list(
        User.objects.filter(
            memberships__organisation=case.owner,
            memberships__role=Role.SOCIAL_WORKER,
            memberships__is_active=True,
            is_active=True,
        )
    )


def order_announce_expiry(*, order_id: int) -> bool:
    """Tell the case's responsible worker that an order ends within a day — once per order."""
    with transaction.atomic():
        _notice, created = ExpiryNotice.objects.get_or_create(order_id=order_id)
        if not created:
            return False
        order = RestrainingOrder.objects.select_related(
            "case", "case__owner", "case__responsible"
        ).get(pk=order_id)
        title = _("Order № %(number)s ends %(end)s") % {
            "number": order.number,
            "end": timezone.localtime(order.ends_at).strftime("%d.%m.%Y %H:%M"),
        }
        body = _("Case %(case)s: plan the victim's safety after the order ends.") % {
            "case": order.case.number
        }
        for user in _recipients(order.case):
            notification_send(
                user=user,
                title=title,
                body=body,
                url=order.case.get_absolute_url(),
                dedupe_key=f"order:{order.pk}:expiry",
            )
        return True
