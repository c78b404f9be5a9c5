"""A provider corrects its own count of free places (a stay ended without the portal, a room
closed for repair). Acceptances and completions move the count too; this is the staff's word."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import AuditAction
from portal.roles import Capability, acting_membership, can
from referrals.models import ProviderProfile


@transaction.atomic
def provider_capacity_correct(*, actor, capacity_free: int) -> ProviderProfile:
    """Set the free places of the actor's own organisation; the total stays as registered."""
    membership = acting_membership(actor)
    if membership is None or not can(actor, Capability.REFERRAL_INBOX):
        raise PermissionDenied
    profile = (
        ProviderProfile.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id, capacity_total__isnull=False)
        .first()
    )
    if profile is None:
        raise PermissionDenied
    if not 0 <= capacity_free <= profile.capacity_total:
        raise ValidationError(
            {
                "capacity_free": [
                    _("Free places must be between 0 and %(total)s.")
                    % {"total": profile.capacity_total}
                ]
            }
        )
    before = profile.capacity_free
    profile.capacity_free = capacity_free
    profile.capacity_updated_at = timezone.now()
    profile.save(update_fields=["capacity_free", "capacity_updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=profile,
        detail=f"free places {before} -> {capacity_free}",
    )
    return profile
