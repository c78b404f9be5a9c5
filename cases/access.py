"""Writes on who may open one case: grants that lapse, their revocation, break-the-glass.

- A coordinator gives a colleague `view_case` (or `edit_case`) on one case, e.g. while the
  responsible worker is on leave. The grant lapses after PORTAL_GRANT_DAYS unless revoked sooner.
- An administrator has no access to cases. When one truly needs a case (a data-protection
  request, a broken record) they "break the glass": a stated reason, a short time limit, the city
  coordinators told at once, and every page they read audited like anyone else's.

Grants are guardian's direct-FK rows (cases.CaseUserObjectPermission) with an expiry that the
visibility rule checks in the same query (cases.selectors.visible_cases_q).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseUserObjectPermission
from cases.services import timeline_record
from portal.audit import audit_record
from portal.models import AuditAction, User
from portal.notifications import city_coordinators, notification_send
from portal.roles import Capability, Role, can, grant_object_perm, revoke_object_perm

GRANTABLE = {"view_case", "edit_case"}
# Roles that work on cases and so may be given one more: never providers or the council.
GRANTEE_ROLES = (Role.SOCIAL_WORKER, Role.HEAD, Role.POLICE_OFFICER)
MIN_REASON = 20


def grantee_for(*, username: str) -> User | None:
    """The colleague a coordinator names by user name: an active user who acts in a role that
    works on cases. Anyone else — unknown, inactive, a provider — is None, with one message."""
    username = (username or "").strip()[:150]
    if not username:
        return None
    return (
        User.objects.filter(
            username=username,
            is_active=True,
            memberships__is_active=True,
            memberships__role__in=GRANTEE_ROLES,
        )
        .distinct()
        .first()
    )


def _stamp(*, case: Case, user: User, perms: list[str], **fields) -> None:
    CaseUserObjectPermission.objects.filter(
        content_object=case, user=user, permission__codename__in=perms
    ).update(**fields)


@transaction.atomic
def case_grant_access(*, actor, case_id: int, username: str, edit: bool = False) -> User:
    """A coordinator gives a colleague access to one case until the grant lapses."""
    if not can(actor, Capability.CASE_GRANT_ACCESS):
        raise PermissionDenied
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise PermissionDenied
    user = grantee_for(username=username)
    if user is None:
        raise ValidationError(
            {"username": [_("No colleague with this user name can be given access to a case.")]}
        )
    perms = ["view_case", "edit_case"] if edit else ["view_case"]
    for perm in perms:
        grant_object_perm(perm=f"cases.{perm}", user=user, obj=case)
    expires_at = timezone.now() + timedelta(days=settings.PORTAL_GRANT_DAYS)
    _stamp(
        case=case,
        user=user,
        perms=perms,
        granted_by=actor,
        granted_at=timezone.now(),
        expires_at=expires_at,
        break_glass=False,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        detail=f"grant {'+'.join(perms)} to {user.get_username()} until {expires_at:%Y-%m-%d}",
    )
    timeline_record(
        case=case,
        actor=actor,
        kind="case.access",
        summary=_("Access granted to %(user)s until %(date)s")
        % {"user": user, "date": timezone.localtime(expires_at).strftime("%d.%m.%Y")},
        obj=case,
    )
    return user


@transaction.atomic
def case_revoke_access(*, actor, case_id: int, user_id: int) -> None:
    """A coordinator ends a colleague's grant on a case before it lapses."""
    if not can(actor, Capability.CASE_GRANT_ACCESS):
        raise PermissionDenied
    grants = CaseUserObjectPermission.objects.filter(
        content_object_id=case_id, user_id=user_id
    ).select_related("user", "content_object", "permission")
    grants = list(grants)
    if not grants:
        raise PermissionDenied
    case, user = grants[0].content_object, grants[0].user
    for grant in grants:
        revoke_object_perm(perm=f"cases.{grant.permission.codename}", user=user, obj=case)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=case, detail=f"revoke access of {user}"
    )
    timeline_record(
        case=case,
        actor=actor,
        kind="case.access",
        summary=_("Access of %(user)s revoked") % {"user": user},
        obj=case,
    )


def case_grants(*, user, case: Case) -> list[CaseUserObjectPermission]:
    """The live grants on a case, for the coordinator who manages them."""
    if not can(user, Capability.CASE_GRANT_ACCESS):
        return []
    now = timezone.now()
    return list(
        CaseUserObjectPermission.objects.filter(
            content_object=case, permission__codename="view_case", expires_at__gt=now
        )
        .select_related("user", "granted_by")
        .order_by("expires_at")
    )


@transaction.atomic
def case_break_glass(*, actor, case_number: str, reason: str) -> Case:
    """An administrator opens one case for a short time, for a stated reason, in plain sight."""
    if not can(actor, Capability.BREAK_GLASS):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {"reason": [_("Say why you need this case (at least 20 characters).")]}
        )
    case = Case.objects.filter(number=(case_number or "").strip()[:40]).first()
    if case is None:
        audit_record(
            actor=actor,
            action=AuditAction.PERMISSION_DENIED,
            object_type="cases.case",
            detail=f"break-glass: no case {case_number!s:.40}",
        )
        raise ValidationError({"case_number": [_("There is no case with this number.")]})
    grant_object_perm(perm="cases.view_case", user=actor, obj=case)
    expires_at = timezone.now() + timedelta(minutes=settings.PORTAL_BREAK_GLASS_MINUTES)
    _stamp(
        case=case,
        user=actor,
        perms=["view_case"],
        granted_by=actor,
        granted_at=timezone.now(),
        expires_at=expires_at,
        reason=reason[:500],
        break_glass=True,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        detail=f"break-glass until {timezone.localtime(expires_at):%d.%m.%Y %H:%M}: {reason}",
    )
    timeline_record(
        case=case,
        actor=actor,
        kind="case.access",
        summary=_("Administrator %(user)s opened the case (break-the-glass): %(reason)s")
        % {"user": actor, "reason": reason},
        obj=case,
    )
    for coordinator in city_coordinators():
        notification_send(
            user=coordinator,
            title=_("Break-the-glass access to case %(number)s") % {"number": case.number},
            body=_("%(user)s opened the case until %(time)s. Reason: %(reason)s")
            % {
                "user": actor,
                "time": timezone.localtime(expires_at).strftime("%d.%m.%Y %H:%M"),
                "reason": reason,
            },
            url=reverse("cases:detail", args=[case.pk]),
            dedupe_key=f"break-glass:{case.pk}:{actor.pk}:{expires_at:%Y%m%d%H%M%S}",
        )
    return case
