"""Holidays: days off that working-day deadlines skip, and the periods of martial law in which
they are working days (Law 2136-IX art. 6 part 6). Each change moves legal deadlines, so each
is a coordinator's audited act."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal import domains
from portal.audit import audit_record
from portal.models import AuditAction
from portal.roles import Capability, can, parse_id
from referrals.models import Holiday, MartialLawPeriod

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


MARTIAL_LAW_NOTE_LENGTH = MartialLawPeriod._meta.get_field("note").max_length


@transaction.atomic
def martial_law_save(
    *,
    actor,
    starts_on: date,
    ends_on: date | None,
    note: str = "",
    period_id: int | str | None = None,
    opened_state: str | None = None,
) -> MartialLawPeriod:
    """Record a period of martial law, or change one (typically: set its end when martial law
    is lifted). Inside it public holidays count as working days. A change names the state its
    page showed (`MartialLawPeriod.state`): when a colleague saved the period meanwhile, it is
    refused and says what the period holds now, instead of writing over their end date."""
    if not can(actor, Capability.POLICY_EDIT):
        raise PermissionDenied
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The period cannot end before it starts.")]})
    note = note.strip()
    if len(note) > MARTIAL_LAW_NOTE_LENGTH or "\x00" in note:
        raise ValidationError(
            {
                "note": [
                    _("Keep the name within %(limit)s characters, without control characters.")
                    % {"limit": MARTIAL_LAW_NOTE_LENGTH}
                ]
            }
        )
    if period_id is not None:
        period = MartialLawPeriod.objects.select_for_update().filter(pk=parse_id(period_id)).first()
        if period is None:
            raise ValidationError(_("This period of martial law no longer exists."))
        if opened_state != period.state:
            raise ValidationError(_changed_meanwhile(period))
        created = False
    else:
        period, created = MartialLawPeriod(), True
    period.starts_on, period.ends_on, period.note = starts_on, ends_on, note
    period.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=period,
        detail=f"martial law {starts_on.isoformat()}–{ends_on.isoformat() if ends_on else ''}",
    )
    return period


def _changed_meanwhile(period: MartialLawPeriod) -> str:
    if period.ends_on is None:
        return _(
            "Someone changed this period while your page was open: it now has no end date. "
            "Check it and save again."
        )
    return _(
        "Someone changed this period while your page was open: it now ends on %(ends)s. "
        "Check it and save again."
    ) % {"ends": f"{period.ends_on:%d.%m.%Y}"}
