"""Writes of the portal core: two-factor enrolment and verification (TOTP, django-otp)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit import audit_record
from portal.models import AuditAction

if TYPE_CHECKING:
    from portal.models import User


@transaction.atomic
def two_factor_device_enrol(*, user: User) -> TOTPDevice:
    """The user's confirmed authenticator; without one, the device being enrolled (made once)."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
        audit_record(
            actor=user, action=AuditAction.CREATE, obj=device, detail="two-factor enrolment started"
        )
    return device


@transaction.atomic
def two_factor_verify(*, user: User, token: str) -> TOTPDevice | None:
    """Check a code from the user's authenticator; the first right code confirms an enrolment.

    Returns the verified device (for django_otp.login), or None after auditing the failure.
    """
    # Locked, so that one code cannot be accepted twice by two requests racing (replay).
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user)
        .order_by("-confirmed", "pk")
        .first()
    )
    if device is not None and device.verify_token(token):
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(
                actor=user,
                action=AuditAction.UPDATE,
                obj=device,
                detail="two-factor device confirmed",
            )
        return device
    audit_record(
        actor=user, action=AuditAction.LOGIN_FAILED, obj=user, detail="wrong two-factor code"
    )
    return None


def audit_log_read(*, user: User, page_number: int, shown: int, filters) -> None:
    """Reading the audit log is itself audited: it says who read whose cases and people. The
    case, person and user looked for are part of the event (as typed: they are what was
    asked)."""
    detail = f"audit log read: page {page_number}, {shown} events"
    for name, value in [
        ("case", filters.case_number),
        ("person", filters.person_id),
        ("user", filters.username),
    ]:
        if value:
            detail += f"; {name} {value}"
    audit_record(
        actor=user, action=AuditAction.VIEW, object_type="portal.auditevent", detail=detail
    )


def audit_log_read_in_admin(*, user: User, page_number: int, shown: int, search: str) -> None:
    """The same log read in the Django admin is audited the same way; its search box is what
    the administrator looked for (a user name, a case number, words of a detail)."""
    detail = f"audit log read in the admin: page {page_number}, {shown} events"
    if search:
        detail += f"; search {search}"
    audit_record(
        actor=user, action=AuditAction.VIEW, object_type="portal.auditevent", detail=detail
    )


def audit_event_read_in_admin(*, user: User, event) -> None:
    """One event opened in the admin: its page shows the record and the detail in full."""
    audit_record(actor=user, action=AuditAction.VIEW, obj=event, detail="audit event read")
