"""Who may do what: roles, their capabilities, and the one way views reach guarded objects.

A user acts for one organisation at a time, in one role (a Membership). The role decides what
the menu shows and what is allowed (capabilities below); the organisation decides whose records.
Object-level grants (a colleague covering a vacation) go through django-guardian, wrapped here so
that views never call guardian directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from portal.models import Membership, User

M = TypeVar("M", bound=models.Model)


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    # The head of an organisation (a centre's director, a unit's chief): approves closures,
    # reassigns workers, sees the organisation's workload (issue: case management in depth).
    HEAD = "head", _("Head of organisation")
    PROVIDER_STAFF = "provider_staff", _("Service provider staff")
    POLICE_OFFICER = "police_officer", _("Police officer")
    COORDINATOR = "coordinator", _("Coordinator")
    SECRETARIAT = "secretariat", _("Council secretariat")
    EXECUTOR = "executor", _("Programme executor")
    ADMINISTRATOR = "administrator", _("Administrator")


class Capability(StrEnum):
    # portal
    AUDIT_VIEW = "audit.view"
    ADMIN_SITE = "admin.site"
    # Open one case for a short time with a stated reason, coordinators told (cases.access).
    BREAK_GLASS = "case.break_glass"
    # cases
    CASE_VIEW = "case.view"  # cases of the own organisation and explicit grants
    CASE_VIEW_ALL = "case.view_all"  # every case in the city, read-only
    CASE_REGISTER = "case.register"
    CASE_EDIT = "case.edit"
    CASE_EXPORT = "case.export"
    CASE_GRANT_ACCESS = "case.grant_access"
    # The "possibly already known" lookup at intake (see cases.selectors.people_matching):
    # social workers only; police, providers and the council's roles never get it.
    PERSON_LOOKUP = "case.person_lookup"
    # The head of organisation's part: approve a worker's closure (never one's own), give a case
    # to another worker, see the organisation's caseload per worker. Who approves which closure
    # is decided in cases/lifecycle/rules.py: a head approves their workers' requests; a head's
    # own request, and a confidential case's (which the head does not see), go to another head
    # of the organisation or to a city coordinator. Nobody approves their own request.
    CASE_CLOSE_APPROVE = "case.close_approve"
    CASE_REASSIGN = "case.reassign"
    # Merge two records of one person (and undo it within 30 days): heads and coordinators.
    PERSON_MERGE = "person.merge"
    ORGANISATION_WORKLOAD = "organisation.workload"
    # Approve a worker's case plan (peers such as Primero require it); never one's own.
    CASE_PLAN_APPROVE = "case.plan_approve"
    # orders
    ORDER_VIEW = "order.view"
    ORDER_ISSUE = "order.issue"
    ORDER_STATISTICS = "order.statistics"
    # referrals
    REFERRAL_SEND = "referral.send"
    REFERRAL_INBOX = "referral.inbox"
    REFERRAL_COORDINATE = "referral.coordinate"
    POLICY_EDIT = "referral.policy_edit"
    # programme
    PROGRAMME_VIEW = "programme.view"
    PROGRAMME_PROGRESS = "programme.progress"
    PROGRAMME_MANAGE = "programme.manage"
    STATISTICS_VIEW = "statistics.view"
    REPORT_ORDER = "report.order"
    REPORT_DOWNLOAD = "report.download"
    # the council's own work (programme.council)
    COUNCIL_VIEW = "council.view"  # meetings, minutes, every assignment under control
    COUNCIL_MANAGE = "council.manage"  # prepare and record meetings, keep assignments
    COUNCIL_REPORT = "council.report"  # report on the own organisation's assignments


C = Capability

# The one table of role → capabilities. Read it as the access policy of the portal.
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.SOCIAL_WORKER: frozenset(
        {
            C.CASE_VIEW,
            C.CASE_REGISTER,
            C.CASE_EDIT,
            C.CASE_EXPORT,
            C.PERSON_LOOKUP,
            C.ORDER_VIEW,
            C.REFERRAL_SEND,
        }
    ),
    # The head works with the organisation's cases as its workers do and supervises them.
    Role.HEAD: frozenset(
        {
            C.CASE_VIEW,
            C.CASE_REGISTER,
            C.CASE_EDIT,
            C.CASE_EXPORT,
            C.PERSON_LOOKUP,
            C.ORDER_VIEW,
            C.REFERRAL_SEND,
            C.CASE_CLOSE_APPROVE,
            C.CASE_REASSIGN,
            C.PERSON_MERGE,
            C.ORGANISATION_WORKLOAD,
            C.CASE_PLAN_APPROVE,
        }
    ),
    # Providers never see a case: only the referrals sent to their organisation.
    Role.PROVIDER_STAFF: frozenset({C.REFERRAL_INBOX}),
    # The police unit is also the receiver of the procedure's police notices (DOMAIN §4): they
    # reach it in the referral inbox, where the unit acknowledges them.
    Role.POLICE_OFFICER: frozenset(
        {C.CASE_VIEW, C.CASE_REGISTER, C.ORDER_VIEW, C.ORDER_ISSUE, C.REFERRAL_INBOX}
    ),
    Role.COORDINATOR: frozenset(
        {
            C.AUDIT_VIEW,
            C.CASE_VIEW_ALL,
            C.CASE_GRANT_ACCESS,
            C.CASE_EXPORT,
            C.ORDER_VIEW,
            C.ORDER_STATISTICS,
            C.REFERRAL_COORDINATE,
            # Only a head's own closure or a confidential case's (cases.lifecycle.rules).
            C.CASE_CLOSE_APPROVE,
            C.PERSON_MERGE,
            C.POLICY_EDIT,
            C.PROGRAMME_VIEW,
            C.STATISTICS_VIEW,
            C.REPORT_ORDER,
            C.REPORT_DOWNLOAD,
            C.COUNCIL_VIEW,
        }
    ),
    # The secretariat sees aggregates, never names.
    Role.SECRETARIAT: frozenset(
        {
            C.ORDER_STATISTICS,
            C.PROGRAMME_VIEW,
            C.PROGRAMME_MANAGE,
            C.STATISTICS_VIEW,
            C.REPORT_ORDER,
            C.REPORT_DOWNLOAD,
            C.COUNCIL_VIEW,
            C.COUNCIL_MANAGE,
        }
    ),
    Role.EXECUTOR: frozenset({C.PROGRAMME_VIEW, C.PROGRAMME_PROGRESS, C.COUNCIL_REPORT}),
    # The administrator keeps the reference data and the accounts; no case, person or referral
    # is in the Django admin. A case only through break-the-glass (cases.access).
    Role.ADMINISTRATOR: frozenset({C.AUDIT_VIEW, C.ADMIN_SITE, C.BREAK_GLASS}),
}


def acting_membership(user: User) -> Membership | None:
    """The membership the user acts in now (chosen in the session), or their first active one."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_acting_membership", None)
    if cached is not None:
        return cached
    from portal.models import Membership

    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=user, is_active=True, organisation__is_active=True)
        .order_by("pk")
        .first()
    )
    user._acting_membership = membership  # type: ignore[union-attr]
    return membership


def acting_role(user: User) -> str | None:
    membership = acting_membership(user)
    return membership.role if membership else None


def acting_organisation_id(user: User) -> int | None:
    membership = acting_membership(user)
    return membership.organisation_id if membership else None


def capabilities(user: User) -> frozenset[Capability]:
    role = acting_role(user)
    caps = ROLE_CAPABILITIES.get(role, frozenset()) if role else frozenset()
    if getattr(user, "is_superuser", False):
        caps = caps | {C.ADMIN_SITE, C.AUDIT_VIEW}
    return caps


def can(user: User, capability: Capability) -> bool:
    return capability in capabilities(user)


def has_role(user: User, *roles: str) -> bool:
    return acting_role(user) in roles


def get_object_for_user(queryset: models.QuerySet[M], pk: object) -> M:
    """One object from an already user-scoped queryset, or 404.

    "Does not exist" and "not yours" get the same answer, so that existence does not leak.
    """
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def parse_id(value: object) -> int | None:
    """An id sent by a client as a positive database integer, or None for anything else
    (junk, negative, too large for the column): callers then answer as for a missing object."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def users_with_object_perm(obj: models.Model, perm: str) -> Iterable[User]:
    from guardian.shortcuts import get_users_with_perms

    return [u for u in get_users_with_perms(obj, with_group_users=True) if u.has_perm(perm, obj)]


def grant_object_perm(*, perm: str, user: User, obj: models.Model) -> None:
    from guardian.shortcuts import assign_perm

    assign_perm(perm, user, obj)


def revoke_object_perm(*, perm: str, user: User, obj: models.Model) -> None:
    from guardian.shortcuts import remove_perm

    remove_perm(perm, user, obj)


def grant_object_perm_to_organisation(*, perm: str, organisation_group, obj: models.Model) -> None:
    from guardian.shortcuts import assign_perm

    assign_perm(perm, organisation_group, obj)


def objects_with_perm(user: User, perm: str, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """Objects of `queryset` on which the user holds `perm` through guardian (user or group)."""
    from guardian.shortcuts import get_objects_for_user

    return get_objects_for_user(user, perm, klass=queryset, accept_global_perms=False)
