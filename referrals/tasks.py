from __future__ import annotations

from celery import shared_task
from django.utils import translation


@shared_task
def escalate_overdue_referrals() -> int:
    """Beat: referrals not answered in time go to the next provider. Safe to run twice."""
    from referrals.services import referral_escalate_overdue

    with translation.override("uk"):
        return referral_escalate_overdue()
