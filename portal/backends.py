"""The first authentication backend: refuses a locked-out sign-in before any password is checked.

Two locks, both refusing the right password as well as a wrong one:
  account   django-axes: PORTAL_LOGIN_FAILURE_LIMIT failures for one user name from one address.
  address   ours: PORTAL_ADDRESS_FAILURE_LIMIT failures from one address, any user names, within
            PORTAL_ADDRESS_FAILURE_WINDOW (guessing across many accounts from one place).

The refused request carries `login_refused` ("account" or "address") so that the audit records the
attempt as a lock-out, not as a wrong password, and the lock-out page can say which lock it hit.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from portal.middleware import client_ip
from portal.models import AuditAction, AuditEvent


def address_failures(ip: str | None) -> int:
    """Failed sign-ins (passwords and two-factor codes) from `ip` within the window."""
    if not ip:
        return 0
    since = timezone.now() - settings.PORTAL_ADDRESS_FAILURE_WINDOW
    # One query on the (action, at) index: only the window's failures are scanned.
    return AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, at__gte=since, ip=ip).count()


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs,
    ):
        if (
            request is not None
            and settings.AXES_ENABLED
            and address_failures(client_ip(request)) >= settings.PORTAL_ADDRESS_FAILURE_LIMIT
        ):
            request.login_refused = "address"
            # AxesMiddleware turns the flagged request into the lock-out page (HTTP 429).
            request.axes_locked_out = True
            raise AxesBackendPermissionDenied("Too many failed sign-ins from this address")
        try:
            return super().authenticate(request, username, password, **kwargs)
        except AxesBackendPermissionDenied:
            request.login_refused = "account"
            raise
