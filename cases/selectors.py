"""Reads of cases, always starting from the user who reads."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from cases.models import Case, CaseUserObjectPermission
from portal.roles import Capability, acting_membership, can


def cases_visible_to(user) -> QuerySet[Case]:
    """Every case `user` may open, in the role they act in now.

    - coordinators (CASE_VIEW_ALL) see every case in the city, read-only;
    - members of the owning organisation see its cases, except confidential ones, which only
      the responsible worker sees;
    - a user granted `view_case` on a case (guardian, direct FK table) sees that case;
    - everyone else — providers, the secretariat, programme executors — sees none.
    """
    membership = acting_membership(user)
    if membership is None:
        return Case.objects.none()
    if can(user, Capability.CASE_VIEW_ALL):
        return Case.objects.all()
    if not can(user, Capability.CASE_VIEW):
        return Case.objects.none()
    granted = CaseUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user=user, permission__codename="view_case"
    )
    own_organisation = Q(owner_id=membership.organisation_id) & (
        Q(confidential=False) | Q(responsible=user)
    )
    return Case.objects.filter(own_organisation | Q(responsible=user) | Exists(granted))


def cases_editable_by(user) -> QuerySet[Case]:
    """Cases `user` may change: their organisation's (confidential: the responsible worker's)
    and those granted `edit_case`. Coordinators read but do not edit."""
    membership = acting_membership(user)
    if membership is None or not can(user, Capability.CASE_EDIT):
        return Case.objects.none()
    granted = CaseUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user=user, permission__codename="edit_case"
    )
    own_organisation = Q(owner_id=membership.organisation_id) & (
        Q(confidential=False) | Q(responsible=user)
    )
    return Case.objects.filter(own_organisation | Q(responsible=user) | Exists(granted))
