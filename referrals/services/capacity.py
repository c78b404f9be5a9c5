"""A provider's staff correct their own organisation's count of places: the total (a room closed
for repair, beds added) and the places occupied now (someone placed or gone without the portal),
with a reason. Acceptances and completions move the count too; this is the staff's word."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import domains
from portal.audit import audit_record
from portal.models import AuditAction
from referrals.models import ProviderProfile
from referrals.selectors import capacity_to_correct, places_held

NOTE_LENGTH = ProviderProfile._meta.get_field("capacity_note").max_length


def _validate(
    profile: ProviderProfile, *, total: int, occupied: int, reason: str, version: int
) -> None:
    errors: dict[str, list[str]] = {}
    if version != profile.capacity_version:
        # The count moved since the form was opened (an acceptance, a stay ended, a colleague's
        # correction): saving would undo that change without anyone seeing it.
        raise ValidationError(
            _(
                "The places changed while you were editing (now %(occupied)s of %(total)s "
                "occupied). Check the numbers and save again."
            )
            % {"occupied": profile.occupied, "total": profile.capacity_total},
            code="stale",
        )
    if not 0 <= total <= domains.MAX_CAPACITY:
        errors["capacity_total"] = [
            _("The number of places must be between 0 and %(max)s.") % {"max": domains.MAX_CAPACITY}
        ]
    held = places_held(profile)
    if occupied > total:
        errors.setdefault("occupied", []).append(
            _("More places cannot be occupied than there are (%(total)s).") % {"total": total}
        )
    elif occupied < held:
        errors.setdefault("occupied", []).append(
            _(
                "Places held by accepted referrals: %(held)s. To free them, complete those "
                "referrals on their pages."
            )
            % {"held": held}
        )
    if not reason:
        errors["reason"] = [_("Say why the places changed.")]
    elif len(reason) > NOTE_LENGTH:
        errors["reason"] = [
            _("Keep the reason within %(limit)s characters.") % {"limit": NOTE_LENGTH}
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def provider_capacity_correct(
    *, actor, provider_id: object, total: int, occupied: int, reason: str, version: int
) -> ProviderProfile:
    """Set the total and the occupied places of the actor's own organisation. `provider_id` is
    the organisation the form was opened for: anything but the actor's own (another
    organisation, junk, the one they acted for before switching) is refused like a missing
    one. `version` is the count's version the form showed; a stale one is refused."""
    profile = capacity_to_correct(actor, organisation_id=provider_id)
    if profile is None:
        raise PermissionDenied
    reason = reason.strip()
    _validate(profile, total=total, occupied=occupied, reason=reason, version=version)
    before = (profile.capacity_total, profile.occupied)
    profile.capacity_total = total
    profile.capacity_free = total - occupied
    profile.capacity_updated_at = timezone.now()
    profile.capacity_updated_by = actor
    profile.capacity_note = reason
    profile.capacity_version += 1
    profile.save(
        update_fields=[
            "capacity_total",
            "capacity_free",
            "capacity_updated_at",
            "capacity_updated_by",
            "capacity_note",
            "capacity_version",
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=profile,
        detail=f"places {before[0]} -> {total}, occupied {before[1]} -> {occupied}: {reason}",
    )
    return profile
