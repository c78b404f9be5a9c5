"""Escalation by the beat task: a referral not answered by its deadline goes to the next
candidate and the city coordinator is told. The system does it, not the worker who sent it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as case_services
from portal.audit import audit_record
from portal.models import AuditAction
from referrals.models import Referral, ReferralStatus, overdue_q
from referrals.services.notices import (
    OVERDUE,
    referral_notify_worker,
    settle_new_referral_notices,
)
from referrals.services.sending import (
    SYSTEM_USERNAME,
    notify_coordinators,
    reroute_to_next_candidate,
)


def referral_escalate_overdue(*, now: datetime | None = None) -> int:
    """Referrals not answered by their deadline go to the next candidate and the city
    coordinator is told. Idempotent: each referral escalates once (locked, skipped if taken)."""
    now = now or timezone.now()
    count = 0
    while True:
        with transaction.atomic():
            referral = (
                Referral.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("case", "provider")
                .filter(overdue_q(now), escalated_at__isnull=True)
                .order_by("due_at")
                .first()
            )
            if referral is None:
                return count
            referral.status = ReferralStatus.CANCELLED
            referral.decline_reason = _("no answer by the deadline")
            referral.escalated_at = now
            referral.save()
            settle_new_referral_notices(referral)
            case_services.timeline_record(
                case=referral.case,
                actor=None,
                kind="referral.overdue",
                summary=_("%(provider)s did not answer by %(due)s: escalated")
                % {
                    "provider": referral.provider,
                    "due": timezone.localtime(referral.due_at).strftime("%d.%m.%Y %H:%M"),
                },
                obj=referral,
            )
            new = reroute_to_next_candidate(referral)
            transaction.on_commit(
                lambda r=referral: notify_coordinators(
                    r, _("Not answered in time; the next provider has it now.")
                )
            )
            transaction.on_commit(
                lambda r=referral, n=new: referral_notify_worker(referral=r, event=OVERDUE, new=n)
            )
            audit_record(
                actor=None,
                action=AuditAction.UPDATE,
                obj=referral,
                detail=f"escalated to {new.provider or 'coordinator'}",
                username=SYSTEM_USERNAME,
            )
            count += 1
