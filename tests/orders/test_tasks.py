from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import Notification
from tests.cases.factories import register_case
from tests.orders.factories import urgent


@pytest.mark.celery
def test_expiry_watch_notifies_the_responsible_worker_once_even_when_run_twice(
    celery_worker, police, owner, mailoutbox
):
    from orders.tasks import watch_expiring_orders

    case = register_case(owner)
    issued = timezone.now() - timedelta(days=9, hours=12)
    order = urgent(police, case, issued_at=issued, days=10)  # ends in 12 hours
    urgent(police, register_case(owner), number="ТЗП-far", days=6)  # ends in 6 days: not yet
    assert watch_expiring_orders.delay().get(timeout=30) == 1
    assert watch_expiring_orders.delay().get(timeout=30) == 0
    notice = Notification.objects.get(user=owner)
    assert order.number in notice.title
    assert len(mailoutbox) == 1
