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
    sent = services.referral_apply_plan(actor=owner, plan_id=record.pk)
    shelter = next(r for r in sent if r.service == "shelter")
    due = shelter.due_at
    # Counted from the deadlines the plan gave, not with the service's own filter.
    before = {r.pk for r in sent if r.due_at < due - timedelta(seconds=1)}
    after = {r.pk for r in sent if r.due_at < due + timedelta(seconds=1)}
    assert shelter.pk in after - before

    def escalated_by_the_task() -> set[int]:
        return set(
            Referral.objects.filter(status="cancelled", escalated_at__isnull=False).values_list(
                "pk", flat=True
            )
        )

    with time_machine.travel(due - timedelta(seconds=1)):
        assert escalate_overdue_referrals.delay().get(timeout=30) == len(before)
        assert escalated_by_the_task() == before
        shelter.refresh_from_db()
        assert shelter.status == "sent" and shelter.escalated_at is None
    with time_machine.travel(due + timedelta(seconds=1)):
        assert escalate_overdue_referrals.delay().get(timeout=30) == len(after - before)
        assert escalate_overdue_referrals.delay().get(timeout=30) == 0  # safe to run twice
        assert escalated_by_the_task() == after
        shelter.refresh_from_db()
        assert shelter.status == "cancelled"
        assert due < shelter.escalated_at < due + timedelta(minutes=1)
    assert coordinator.notifications.count() >= 1
