"""Reads of the interaction procedure's versions (referrals.views.procedure): for those who keep
the routing policy only."""

from __future__ import annotations

from django.http import Http404

from portal.roles import Capability, can, get_object_for_user
from referrals.models import InteractionProcedure


def procedures_for(user) -> list[InteractionProcedure]:
    if not can(user, Capability.POLICY_EDIT):
        return []
    return list(
        InteractionProcedure.objects.prefetch_related("policies").order_by("-created_at", "-pk")
    )


def procedure_for_user(*, user, pk) -> InteractionProcedure:
    """A version of the procedure for those who keep the policy, or 404 for anyone else."""
    if not can(user, Capability.POLICY_EDIT):
        raise Http404
    return get_object_for_user(InteractionProcedure.objects.all(), pk)
