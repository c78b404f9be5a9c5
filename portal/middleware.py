from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from portal.audit import RequestContext, reset_request_context, set_request_context
from portal.roles import acting_membership


def client_ip(request) -> str | None:
    # Behind the production reverse proxy the first X-Forwarded-For hop is the client.
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def _renew_session(request) -> None:
    """Slide the idle expiry: touch the session when it was last renewed over a minute ago."""
    import time

    now = int(time.time())
    if now - request.session.get("_renewed", 0) >= settings.PORTAL_SESSION_RENEW_SECONDS:
        request.session["_renewed"] = now


class RequestContextMiddleware:
    """Sets the acting membership on request.user and the audit context for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            membership_id = request.session.get("membership_id")
            if membership_id:
                membership = (
                    user.memberships.select_related("organisation")
                    .filter(pk=membership_id, is_active=True, organisation__is_active=True)
                    .first()
                )
                if membership is not None:
                    user._acting_membership = membership
            request.membership = acting_membership(user)
        else:
            request.membership = None
            _renew_session(request)
        token = set_request_context(RequestContext(ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            reset_request_context(token)


def two_factor_required(user) -> bool:
    from portal.models import RolePolicy

    membership = acting_membership(user)
    if membership is None:
        # A superuser made with createsuperuser has no membership but full admin rights.
        role = "administrator" if user.is_superuser else None
    else:
        role = membership.role
    if role is None:
        return False
    policy = RolePolicy.objects.filter(role=role).first()
    if policy is not None:
        return policy.require_two_factor
    return role in settings.PORTAL_TWO_FACTOR_ROLES


class TwoFactorRequiredMiddleware:
    """Roles that must use two-factor sign-in reach nothing but the TOTP pages until verified."""

    EXEMPT_PREFIXES = ("/account/", "/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and not user.is_verified()
            and two_factor_required(user)
        ):
            return redirect(reverse("portal:two_factor") + f"?next={request.path}")
        return self.get_response(request)
