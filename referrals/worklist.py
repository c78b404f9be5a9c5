"""The referrals' part of the worker's worklist (cases.worklist): the answers the worker has not
seen yet, and the referrals of their cases still waiting for a provider's answer."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.extensions import WorkItem, WorkSection, first_and_total
from portal.models import Notification
from portal.roles import Capability, can
from referrals.models import Referral, ReferralStatus
from referrals.routing.explain import service_label
from referrals.selectors import referrals_visible_to

# The notices of referrals.services.notices that tell a worker of an answer.
WORKER_NOTICE = re.compile(r"^referral:(\d+):worker:")


def _status_words(referral: Referral) -> str:
    provider = referral.provider.display_name if referral.provider else _("the city coordinator")
    if referral.status == ReferralStatus.DECLINED:
        return _("%(provider)s declined") % {"provider": provider}
    if referral.status == ReferralStatus.ESCALATED:
        return _("with the city coordinator")
    if referral.status in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS):
        return _("%(provider)s accepted") % {"provider": provider}
    return str(referral.get_status_display())


def new_answers(*, user, cases) -> WorkSection | None:
    """Referrals whose answer the worker was told of and has not yet looked at: the unread
    notices (they clear when the case's referrals page is opened), limited to referrals the
    user still sees."""
    if not can(user, Capability.REFERRAL_SEND):
        return None
    keys = Notification.objects.filter(
        user=user, read_at__isnull=True, dedupe_key__startswith="referral:"
    ).values_list("dedupe_key", flat=True)
    ids = {int(m.group(1)) for key in keys if (m := WORKER_NOTICE.match(key))}
    referrals = (
        referrals_visible_to(user)
        .filter(pk__in=ids)
        .select_related("case", "provider")
        .order_by("-answered_at", "-pk")
    )
    rows, total = first_and_total(referrals)
    return WorkSection(
        key="answers",
        title=_("New answers to your referrals"),
        empty=_("No new answer."),
        items=[
            WorkItem(
                case_number=r.case.number,
                text=f"{service_label(r.service)}: {_status_words(r)}",
                url=reverse("referrals:case", args=[r.case_id]),
                when=r.answered_at or r.escalated_at,
                late=r.status in (ReferralStatus.DECLINED, ReferralStatus.ESCALATED),
            )
            for r in rows
        ],
        total=total,
    )


def waiting(*, user, cases) -> WorkSection | None:
    """Referrals of the worker's cases sent and not yet answered, the earliest deadline first;
    a deadline already past is said in words."""
    if not can(user, Capability.REFERRAL_SEND):
        return None
    referrals = (
        referrals_visible_to(user)
        .filter(case__in=cases, status=ReferralStatus.SENT)
        .select_related("case", "provider")
        .order_by("due_at", "pk")
    )
    now = timezone.now()
    rows, total = first_and_total(referrals)
    items = []
    for r in rows:
        hours = int((now - r.due_at).total_seconds() // 3600)
        due = timezone.localtime(r.due_at).strftime("%d.%m.%Y %H:%M")
        note = (
            ngettext("overdue by %(n)d hour", "overdue by %(n)d hours", hours) % {"n": hours}
            if hours > 0
            else _("answer by %(at)s") % {"at": due}
        )
        provider = r.provider.display_name if r.provider else _("the city coordinator")
        items.append(
            WorkItem(
                case_number=r.case.number,
                text=f"{service_label(r.service)} — {provider}",
                url=reverse("referrals:case", args=[r.case_id]),
                when=r.due_at if hours > 0 else None,
                late=hours > 0,
                note=note,
            )
        )
    return WorkSection(
        key="waiting",
        title=_("Referrals waiting for an answer"),
        empty=_("No referral of your cases is waiting for an answer."),
        items=items,
        total=total,
    )
