from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from referrals import services
from referrals.models import Referral
from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi


@pytest.mark.celery
def test_the_beat_task_escalates_overdue_referrals_with_a_real_worker(
    celery_worker, owner, organisations, coordinator
):
    from referrals.tasks import escalate_overdue_referrals

    catalogue_for_darnytskyi(organisations)
    case = register_case(
        owner,
        needs=["shelter"],
        consent_to_share=True,
        reported_at=timezone.now() - timedelta(days=3),
    )
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    services.referral_apply_plan(actor=owner, plan_id=record.pk)
    overdue = Referral.objects.filter(status="sent", due_at__lt=timezone.now()).count()
    assert overdue
    assert escalate_overdue_referrals.delay().get(timeout=30) == overdue
    assert escalate_overdue_referrals.delay().get(timeout=30) == 0
    assert coordinator.notifications.count() >= 1
    with time_machine.travel(timezone.now()):
        assert (
            Referral.objects.filter(status="cancelled", escalated_at__isnull=False).count()
            == overdue
        )
