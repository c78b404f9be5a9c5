from __future__ import annotations

from django.conf import settings

from portal.navigation import menu_for
from portal.notifications import unread_count
from portal.roles import Capability, can


def portal(request) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"portal_menu": [], "unread_notifications": 0}
    membership = getattr(request, "membership", None)
    return {
        "portal_menu": menu_for(user),
        "acting_membership": membership,
        # Read with the acting membership (portal.middleware.RequestContextMiddleware).
        "other_memberships": request.other_memberships
        if hasattr(request, "other_memberships")
        else user.memberships.filter(is_active=True)
        .exclude(pk=getattr(membership, "pk", None))
        .select_related("organisation"),
        "unread_notifications": unread_count(user),
        "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        # The header's search box (case number, surname, phone) for roles that find cases.
        "can_search_cases": can(user, Capability.CASE_VIEW) or can(user, Capability.CASE_VIEW_ALL),
    }
