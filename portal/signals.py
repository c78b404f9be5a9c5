"""Sign-in events go to the audit log."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from portal.audit import audit_record
from portal.models import AuditAction


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs) -> None:
    audit_record(actor=user, action=AuditAction.LOGIN, obj=user)


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT, obj=user)


def _known_user(username: str):
    return get_user_model().objects.filter(username=username).first() if username else None


# What portal.backends.LockoutBackend refused, as the audit detail.
_REFUSED = {
    "account": "sign-in refused: account locked for this address",
    "address": "sign-in refused: too many failed sign-ins from this address",
}


@receiver(user_login_failed)
def _audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    user = _known_user(username)
    refused = getattr(request, "login_refused", None)
    if refused:
        # The password was never checked: right or wrong, the attempt is a lock-out.
        action, detail = AuditAction.LOCKED_OUT, _REFUSED[refused]
    else:
        action = AuditAction.LOGIN_FAILED
        detail = "wrong password" if user else "unknown user name"
    audit_record(
        actor=None,
        action=action,
        object_type="portal.user" if user else "",
        object_id=user.pk if user else "",
        username=username,
        detail=detail,
    )


@receiver(user_locked_out)
def _audit_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    if getattr(request, "login_refused", None):
        return  # an attempt during a lock-out, already audited above
    user = _known_user(username or "")
    audit_record(
        actor=None,
        action=AuditAction.LOCKED_OUT,
        object_type="portal.user" if user else "",
        object_id=user.pk if user else "",
        username=username or "",
        detail="too many failed sign-ins: account locked for this address",
    )
