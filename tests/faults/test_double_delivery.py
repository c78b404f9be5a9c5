"""Beat tasks delivered twice at once, and late after an outage (the broker redelivers, beat
catches up): two real Celery workers on one broker run the same escalation and expiry tasks
side by side. Each overdue referral is escalated once and each expiry notice is sent once; an
escalation that runs hours late does not cascade through every provider in one go."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import Notification
from referrals import services
from referrals.models import Referral, ReferralStatus
from tests.cases.factories import register_case
from tests.faults.conftest import served_by, wait_for, worker_process
from tests.orders.factories import urgent
from tests.referrals.factories import catalogue_for_darnytskyi

pytestmark = pytest.mark.django_db(transaction=True)


def _send_plans(owner, organisations, count: int) -> list[Referral]:
    catalogue_for_darnytskyi(organisations)
    sent = []
    for _ in range(count):
        case = register_case(
            owner,
            needs=["shelter"],
            consent_to_share=True,
            reported_at=timezone.now() - timedelta(days=3),
        )
        record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
        sent += services.referral_apply_plan(actor=owner, plan_id=record.pk)
    return sent


def _deliver_twice(redis, task: str, tmp_path) -> None:
    """The task published twice and two workers started together: both deliveries run at once."""
    from portal.celery import app

    with served_by(redis):
        for _ in range(2):
            app.send_task(task, ignore_result=True)
        log = tmp_path / "workers.log"
        with (
            worker_process(redis_url=redis.url, queues="notices", log=log),
            worker_process(redis_url=redis.url, queues="notices", log=log),
        ):
            wait_for(
                lambda: (
                    redis.queue_length("notices") == 0
                    and "succeeded" in log.read_text().replace("Task", "").lower()
                    and log.read_text().count("succeeded") >= 2
                ),
                timeout=180,
                what="both deliveries to run",
            )


def test_escalation_delivered_twice_at_once_escalates_each_referral_once(
    owner, organisations, coordinator, fault_redis, tmp_path
):
    sent = _send_plans(owner, organisations, 3)
    overdue = {r.pk for r in sent}
    # The outage: every deadline passed hours ago, nobody escalated anything.
    Referral.objects.filter(pk__in=overdue).update(due_at=timezone.now() - timedelta(hours=6))

    _deliver_twice(fault_redis, "referrals.tasks.escalate_overdue_referrals", tmp_path)

    escalated = Referral.objects.filter(pk__in=overdue)
    assert all(r.status == ReferralStatus.CANCELLED and r.escalated_at for r in escalated)
    for referral in escalated:
        # Exactly one successor each, and the late run did not pass it on again: a successor
        # with a provider got a fresh deadline from the moment of escalation; one without a
        # provider left waits for the coordinator (ESCALATED), as the procedure says.
        [successor] = Referral.objects.filter(previous=referral)
        assert not Referral.objects.filter(previous=successor).exists()
        if successor.provider_id:
            assert successor.status == ReferralStatus.SENT
            assert successor.due_at > timezone.now()
        else:
            assert successor.status == ReferralStatus.ESCALATED
    # The coordinators heard of each escalation, once (the notice's key makes a second one a
    # no-op; the count shows that both deliveries together told of every referral).
    told = coordinator.notifications.filter(dedupe_key__endswith=":escalated")
    assert {f"referral:{pk}:escalated" for pk in overdue} <= set(
        told.values_list("dedupe_key", flat=True)
    )


def test_expiry_notice_delivered_twice_at_once_is_sent_once(police, owner, fault_redis, tmp_path):
    case = register_case(owner)
    urgent(police, case, issued_at=timezone.now() - timedelta(days=9, hours=12), days=10)

    _deliver_twice(fault_redis, "orders.tasks.watch_expiring_orders", tmp_path)

    assert Notification.objects.filter(user=owner).count() == 1
