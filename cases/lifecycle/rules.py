"""Who leads a case and how it ends: the rules of closure with approval, reassignment and the
transfer of the lead, as pure functions over plain values (no ORM), tested at every boundary.

Closure (issue "case management in depth"): a worker asks, the head of the owning organisation
approves. Nobody approves their own request:
- a social worker's request is approved by a head of the owning organisation;
- a head's own request is approved by ANOTHER head of the owning organisation, or by a city
  coordinator (most centres have one head, and the coordinator already reads every case);
- a confidential case is seen only by its responsible worker and the coordinators
  (cases.selectors.visible_cases_q), so the head cannot judge it: a coordinator approves.

Transfer of the lead: the receiving organisation's head accepts (choosing the responsible worker,
which is a decision about their workload) or declines with a reason. Only organisations that run
case management can lead a case (LEAD_KINDS).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from portal.models import OrganisationKind
from portal.roles import Role

# Organisations that can lead a case (case management, Law 2229-VIII art. 6 and the CMU
# resolution 658 procedure): the district centres of social services, the City Centre (which
# runs case management for the city) and the services for children and family (child victims).
LEAD_KINDS = frozenset(
    {
        OrganisationKind.SOCIAL_SERVICES_CENTRE,
        OrganisationKind.CITY_CENTRE,
        OrganisationKind.CHILDREN_SERVICE,
    }
)
# Who may be made responsible for a case: the organisation's social workers and its head.
WORKER_ROLES = (Role.SOCIAL_WORKER, Role.HEAD)
# A case with no timeline entry for this many days is "without activity" on the head's panel.
INACTIVE_DAYS = 30
MAX_REASON = 500


@dataclass(frozen=True)
class Approver:
    """The person who would approve: who they are and the role they act in now."""

    user_id: int
    role: str
    organisation_id: int | None


@dataclass(frozen=True)
class PendingClosure:
    """The facts of a pending closure request that the rule needs."""

    requested_by_id: int
    requested_by_role: str
    case_owner_id: int
    confidential: bool


def closure_approval_refusal(*, approver: Approver, request: PendingClosure) -> str | None:
    """Why `approver` may not approve `request`, or None when they may."""
    if approver.user_id == request.requested_by_id:
        return _("Nobody approves their own closure request.")
    if approver.role == Role.COORDINATOR:
        if request.confidential or request.requested_by_role == Role.HEAD:
            return None
        return _("The head of the organisation approves this closure.")
    if approver.role != Role.HEAD or approver.organisation_id != request.case_owner_id:
        return _("Only the head of the organisation that leads the case approves its closure.")
    if request.confidential:
        return _("A confidential case's closure is approved by a city coordinator.")
    return None


def closure_goes_to_coordinator(request: PendingClosure) -> bool:
    """Whether the coordinators (and not only the heads) are asked to approve."""
    return request.confidential or request.requested_by_role == Role.HEAD


def transfer_target_refusal(
    *, owner_id: int, target_id: int, target_kind: str, target_active: bool, target_has_head: bool
) -> str | None:
    """Why the lead of a case owned by `owner_id` may not be offered to the target."""
    if target_id == owner_id:
        return _("The case is already led by this organisation.")
    if not target_active or target_kind not in LEAD_KINDS:
        return _("This organisation cannot lead a case.")
    if not target_has_head:
        # Nobody would answer: the request would wait for ever.
        return _("This organisation has no head to accept the case.")
    return None
