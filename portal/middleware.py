from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db.models import OuterRef
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
            # organisation" list. The same query brings what the two-factor check decides on
            # (two_factor_required): one query fewer on every page.
            facts = two_factor_facts(user, OuterRef("role"))
            memberships = list(
                user.memberships.filter(is_active=True)
                .select_related("organisation")
                .annotate(**facts)
                .order_by("pk")
            )
            for membership in memberships:
                membership.two_factor_facts = {name: getattr(membership, name) for name in facts}
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


@cache
def _device_models() -> tuple[type, ...]:
    """django_otp's device models, found once: its own lookup walks every app's models."""
    from django_otp import device_classes

    return tuple(device_classes())


def two_factor_facts(user, role) -> dict[str, object]:
    """What two_factor_required decides on, as expressions for one row: whether the user has
    confirmed an authenticator (of each kind django_otp has) and what the policy of `role` says
    (a role, or OuterRef("role") on a membership; None: no policy is read)."""
    from django.db.models import Exists, Subquery

    from portal.models import RolePolicy

    facts: dict[str, object] = {
        f"two_factor_enrolled_{index}": Exists(model.objects.devices_for_user(user, confirmed=True))
        for index, model in enumerate(_device_models())
    }
    if role is not None:
        facts["two_factor_policy"] = Subquery(
            RolePolicy.objects.filter(role=role).order_by("pk").values("require_two_factor")[:1]
        )
    return facts


def two_factor_required(user) -> bool:
    """The role's policy requires it, or the user has enrolled: once someone has confirmed an
    authenticator, a stolen password alone must never be enough for their account.

    Asked on every page a signed-in user opens. The facts come with the acting membership
    (RequestContextMiddleware reads them in its query); without one, from a query of their own."""
    from portal.models import User

    membership = acting_membership(user)
    if membership is None:
        # A superuser made with createsuperuser has no membership but full admin rights.
        role = "administrator" if user.is_superuser else None
    else:
        role = membership.role
    known = getattr(membership, "two_factor_facts", None)
    if known is not None:
        row = dict(known)
    else:
        facts = two_factor_facts(user, role)
        if not facts:  # no role and no device models: values() would return every column
            return False
        row = User.objects.filter(pk=user.pk).values(**facts).first() or {}
    policy = row.pop("two_factor_policy", None)
    if policy:
        return True
    if policy is None and role in settings.PORTAL_TWO_FACTOR_ROLES:
        return True
    return any(row.values())


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
