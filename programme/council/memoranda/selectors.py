"""Reads of the memoranda, always starting from the user.

The secretariat and coordinators see the register; a partner organisation's executor sees its
own memoranda only. A partner's reports are seen by the partner and the secretariat — not by
coordinators, not by other partners."""

from __future__ import annotations

from django.db.models import QuerySet

from portal.roles import Capability, acting_organisation_id, can
from programme.council.memoranda.models import Memorandum, MemorandumReport


def memoranda_visible_to(user) -> QuerySet[Memorandum]:
    base = Memorandum.objects.select_related("partner")
    if can(user, Capability.COUNCIL_VIEW):
        return base
    organisation_id = acting_organisation_id(user)
    if can(user, Capability.COUNCIL_REPORT) and organisation_id is not None:
        return base.filter(partner_id=organisation_id)
    return base.none()


def memorandum_reports_visible_to(user) -> QuerySet[MemorandumReport]:
    base = MemorandumReport.objects.select_related("memorandum__partner", "submitted_by")
    if can(user, Capability.COUNCIL_MANAGE):
        return base
    organisation_id = acting_organisation_id(user)
    if can(user, Capability.COUNCIL_REPORT) and organisation_id is not None:
        return base.filter(memorandum__partner_id=organisation_id)
    return base.none()


def is_partner_of(user, memorandum: Memorandum) -> bool:
    """Whether the user acts for the memorandum's partner and may report under it."""
    return (
        can(user, Capability.COUNCIL_REPORT)
        and memorandum.partner_id is not None
        and acting_organisation_id(user) == memorandum.partner_id
    )
