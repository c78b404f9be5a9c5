"""A provider's answers to a referral — accept (holding places in a locked count), decline (and
the system re-routes), start, complete (giving the places back) — and the sender's
cancellation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as case_services
from portal.audit import audit_record
from portal.models import AuditAction
from portal.roles import Capability, acting_membership, can
from referrals.models import BEDS, ProviderProfile, Referral, ReferralStatus
from referrals.routing.explain import service_label
from referrals.services.notices import (
    ACCEPTED,
    DECLINED,
    referral_notify_worker,
    settle_new_referral_notices,
)
from referrals.services.sending import editable_case, reroute_to_next_candidate


def _for_provider(actor, referral_id: int) -> Referral:
    membership = acting_membership(actor)
    if membership is None or not can(actor, Capability.REFERRAL_INBOX):
        raise PermissionDenied
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case", "provider")
        .filter(pk=referral_id, provider_id=membership.organisation_id)
        .first()
    )
    if referral is None:
        raise PermissionDenied
    return referral


def _answer_timeline(referral: Referral, actor, summary: str) -> None:
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=referral, detail=referral.status)
    case_services.timeline_record(
        case=referral.case,
        actor=actor,
        kind=f"referral.{referral.status}",
        summary=summary,
        obj=referral,
    )


def _places_error(message: str) -> ValidationError:
    return ValidationError({"places": [message]})


def _take_places(referral: Referral, places: int | None) -> None:
    """Hold the stay's places in the provider's count. The count's row is locked, so two staff
    accepting the last places at once cannot both succeed: the second waits, then sees them
    taken. `places` is the provider's choice; None takes the proposal (the victim and the
    accompanying children the referral shares)."""
    profile = ProviderProfile.objects.select_for_update().get(organisation_id=referral.provider_id)
    if profile.capacity_total is None:
        return  # this provider does not count places
    free = profile.capacity_free or 0
    if places is None:
        places = referral.proposed_places
        if places > free:
            raise _places_error(
                _(
                    "%(needed)s places are needed (the victim and the accompanying children) "
                    "and %(free)s are free: place fewer people or decline."
                )
                % {"needed": places, "free": free}
            )
    if free == 0:
        raise _places_error(_("No place is free: decline the referral or free a place first."))
    if not 1 <= places <= free:
        raise _places_error(
            _("Give a number of places from 1 to %(free)s (the places free now).") % {"free": free}
        )
    profile.take_places(places)
    profile.save(update_fields=["capacity_free", "capacity_version"])
    referral.bed_taken = True
    referral.places = places


@transaction.atomic
def referral_accept(*, actor, referral_id: int, places: int | None = None) -> Referral:
    """The provider takes the referral on. A shelter or crisis room that counts its places
    holds `places` of them (by default the victim and each accompanying child)."""
    referral = _for_provider(actor, referral_id)
    if not referral.allows("accept"):
        raise ValidationError(_("Only a referral waiting for an answer can be accepted."))
    if referral.service in BEDS:
        _take_places(referral, places)
    referral.status = ReferralStatus.ACCEPTED
    referral.answered_at = timezone.now()
    referral.answered_by = actor
    referral.save()
    _answer_timeline(
        referral,
        actor,
        _("%(provider)s accepted the referral: %(service)s")
        % {"provider": referral.provider, "service": service_label(referral.service)},
    )
    settle_new_referral_notices(referral)
    transaction.on_commit(lambda: referral_notify_worker(referral=referral, event=ACCEPTED))
    return referral


@transaction.atomic
def referral_decline(*, actor, referral_id: int, reason: str) -> Referral:
    """Declined with a reason by the provider's staff; the system passes it at once to the next
    candidate (or the coordinator). Returns the new referral."""
    referral = _for_provider(actor, referral_id)
    if not referral.allows("decline"):
        raise ValidationError(_("Only a referral waiting for an answer can be declined."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for declining.")]})
    referral.status = ReferralStatus.DECLINED
    referral.decline_reason = reason.strip()
    referral.answered_at = timezone.now()
    referral.answered_by = actor
    referral.save()
    _answer_timeline(
        referral,
        actor,
        _("%(provider)s declined: %(reason)s")
        % {"provider": referral.provider, "reason": referral.decline_reason},
    )
    settle_new_referral_notices(referral)
    new = reroute_to_next_candidate(referral)
    transaction.on_commit(
        lambda: referral_notify_worker(referral=referral, event=DECLINED, new=new)
    )
    return new


@transaction.atomic
def referral_start(*, actor, referral_id: int) -> Referral:
    referral = _for_provider(actor, referral_id)
    if not referral.allows("start"):
        raise ValidationError(_("Only an accepted referral can be started."))
    referral.status = ReferralStatus.IN_PROGRESS
    referral.started_at = timezone.now()
    referral.save()
    _answer_timeline(
        referral,
        actor,
        _("Service started: %(service)s") % {"service": service_label(referral.service)},
    )
    return referral


def _free_places(referral: Referral) -> None:
    """Give the stay's places back; the referral keeps how many it took, as a record."""
    if referral.bed_taken:
        profile = ProviderProfile.objects.select_for_update().get(
            organisation_id=referral.provider_id
        )
        if profile.capacity_total is not None:
            profile.give_back_places(referral.places)
            profile.save(update_fields=["capacity_free", "capacity_version"])
        referral.bed_taken = False


@transaction.atomic
def referral_complete(*, actor, referral_id: int, outcome: str) -> Referral:
    """The service was delivered (or the stay ended): the bed is freed."""
    referral = _for_provider(actor, referral_id)
    if not referral.allows("complete"):
        raise ValidationError(_("Only an accepted referral can be completed."))
    if not outcome.strip():
        raise ValidationError({"outcome": [_("Describe the outcome.")]})
    _free_places(referral)
    referral.status = ReferralStatus.COMPLETED
    referral.completed_at = timezone.now()
    referral.outcome = outcome.strip()
    referral.save()
    _answer_timeline(
        referral,
        actor,
        _("Service completed: %(service)s — %(outcome)s")
        % {"service": service_label(referral.service), "outcome": referral.outcome},
    )
    return referral


@transaction.atomic
def referral_cancel(*, actor, referral_id: int, reason: str) -> Referral:
    referral = (
        Referral.objects.select_for_update().select_related("case").filter(pk=referral_id).first()
    )
    if referral is None:
        raise PermissionDenied
    editable_case(actor, referral.case_id)
    if not referral.allows("cancel"):
        raise ValidationError(_("This referral is already closed."))
    _free_places(referral)
    referral.status = ReferralStatus.CANCELLED
    referral.decline_reason = reason.strip()
    referral.save()
    settle_new_referral_notices(referral)
    _answer_timeline(
        referral,
        actor,
        _("Referral cancelled: %(service)s") % {"service": service_label(referral.service)},
    )
    return referral
