"""Roles given and taken: every change is audited and told to the city coordinators.

Memberships are the portal's rights. The administrator edits them in the Django admin; the admin
refuses a change to one's own memberships (another administrator must make it), and this module
leaves a trace of every change that the coordinators see in their notifications and audit log.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import AuditAction, Membership
from portal.notifications import city_coordinators, notification_send

CHANGES = {
    "added": AuditAction.CREATE,
    "changed": AuditAction.UPDATE,
    "removed": AuditAction.DELETE,
}


@transaction.atomic
def membership_record_change(*, actor, membership: Membership, change: str) -> None:
    action = CHANGES[change]
    summary = _("%(actor)s: role “%(role)s” in %(organisation)s for %(user)s — %(change)s") % {
        "actor": actor,
        "role": membership.get_role_display(),
        "organisation": membership.organisation,
        "user": membership.user,
        "change": {
            "added": _("given"),
            "changed": _("changed") if membership.is_active else _("suspended"),
            "removed": _("taken away"),
        }[change],
    }
    audit_record(
        actor=actor,
        action=action,
        object_type="portal.membership",
        object_id=membership.pk or "",
        detail=f"{change}: {membership.user} {membership.role} @ {membership.organisation_id}",
    )
    for coordinator in city_coordinators():
        if coordinator.pk == getattr(actor, "pk", None):
            continue
        notification_send(
            user=coordinator,
            title=_("A role was changed in the portal"),
            body=summary,
            dedupe_key=f"membership:{membership.pk}:{change}:{membership.role}:{membership.is_active}",
        )
