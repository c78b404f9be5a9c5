from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from portal.audit import RequestContext, reset_request_context, set_request_context
from portal.roles import acting_membership


def client_ip(request) -> str | None:
    # Behind the production reverse proxy the LAST X-Forwarded-For hop is the client: nginx
    # appends the address it saw ($proxy_add_x_forwarded_for, docs/deployment.md); earlier hops
    # are whatever the client sent, and would let anyone dodge or aim a lock-out.
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Sets the acting membership on request.user and the audit context for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        request.other_memberships = []
        if user.is_authenticated:
            # One query for the acting membership (chosen in the session, or the first usable
            # one, as roles.acting_membership) and for the header's "act for another
            # organisation" list.
            memberships = list(
                user.memberships.filter(is_active=True)
                .select_related("organisation")
                .order_by("pk")
            )
            usable = [m for m in memberships if m.organisation.is_active]
            chosen = request.session.get("membership_id")
            acting = next((m for m in usable if m.pk == chosen), usable[0] if usable else None)
            if acting is not None:
                user._acting_membership = acting
            request.membership = acting
            request.other_memberships = [m for m in memberships if m != acting]
        else:
            request.membership = None
        token = set_request_context(RequestContext(ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            reset_request_context(token)


def two_factor_required(user) -> bool:
    """The role's policy requires it, or the user has enrolled: once someone has confirmed an
    authenticator, a stolen password alone must never be enough for their account."""
    from django_otp import user_has_device

    from portal.models import RolePolicy

    membership = acting_membership(user)
    if membership is None:
        # A superuser made with createsuperuser has no membership but full admin rights.
        role = "administrator" if user.is_superuser else None
    else:
        role = membership.role
    if role is not None:
        policy = RolePolicy.objects.filter(role=role).first()
        if policy is not None and policy.require_two_factor:
            return True
        if policy is None and role in settings.PORTAL_TWO_FACTOR_ROLES:
            return True
    return user_has_device(user, confirmed=True)


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
