"""A provider's answers to a referral — accept (with a locked bed count), decline (and the
system re-routes), start, complete — and the sender's cancellation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as case_services
from portal.audit import audit_record
from portal.models import AuditAction
from portal.roles import Capability, acting_membership, can
from referrals.models import ProviderProfile, Referral, ReferralStatus
from referrals.routing.explain import service_label
from referrals.services.notices import ACCEPTED, DECLINED, referral_notify_worker
from referrals.services.sending import BEDS, editable_case, reroute_to_next_candidate


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


def places_needed(case) -> int:
    """The victim and each accompanying child take a place: a mother with two children takes
    three. The children are counted from the case (its latest needs assessment) when the
    provider accepts, so a child added after the referral was sent is counted too."""
    needs = case.needs_assessments.order_by("-assessed_at", "-id").first()
    return 1 + (needs.accompanying_children if needs else 0)


def _answer_timeline(referral: Referral, actor, summary: str) -> None:
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=referral, detail=referral.status)
    case_services.timeline_record(
        case=referral.case,
        actor=actor,
        kind=f"referral.{referral.status}",
        summary=summary,
        obj=referral,
    )


@transaction.atomic
def referral_accept(*, actor, referral_id: int) -> Referral:
    referral = _for_provider(actor, referral_id)
    if not referral.allows("accept"):
        raise ValidationError(_("Only a referral waiting for an answer can be accepted."))
    if referral.service in BEDS:
        # The bed count row is locked, so two staff accepting the last bed at once cannot both
        # succeed: the second waits, then sees no free place.
        profile = ProviderProfile.objects.select_for_update().get(
            organisation_id=referral.provider_id
        )
        if profile.capacity_total is not None:
            places = places_needed(referral.case)
            if (profile.capacity_free or 0) < places:
                raise ValidationError(
                    _(
                        "%(needed)s places are needed (the victim and the accompanying children) "
                        "and %(free)s are free: free them or decline."
                    )
                    % {"needed": places, "free": profile.capacity_free or 0}
                )
            profile.capacity_free -= places
            profile.save(update_fields=["capacity_free"])
            referral.bed_taken = True
            referral.places_taken = places
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


def _free_bed(referral: Referral) -> None:
    if referral.bed_taken:
        profile = ProviderProfile.objects.select_for_update().get(
            organisation_id=referral.provider_id
        )
        # A referral accepted before places were counted per person took one.
        places = referral.places_taken or 1
        profile.capacity_free = min((profile.capacity_free or 0) + places, profile.capacity_total)
        profile.save(update_fields=["capacity_free"])
        referral.bed_taken = False
        referral.places_taken = 0


@transaction.atomic
def referral_complete(*, actor, referral_id: int, outcome: str) -> Referral:
    """The service was delivered (or the stay ended): the bed is freed."""
    referral = _for_provider(actor, referral_id)
    if not referral.allows("complete"):
        raise ValidationError(_("Only an accepted referral can be completed."))
    if not outcome.strip():
        raise ValidationError({"outcome": [_("Describe the outcome.")]})
    _free_bed(referral)
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
    _free_bed(referral)
    referral.status = ReferralStatus.CANCELLED
    referral.decline_reason = reason.strip()
    referral.save()
    _answer_timeline(
        referral,
        actor,
        _("Referral cancelled: %(service)s") % {"service": service_label(referral.service)},
    )
    return referral
