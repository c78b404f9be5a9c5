from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone, translation


@shared_task
def watch_expiring_orders() -> int:
    """Beat: announce orders ending within 24 hours. Safe to run twice: once per order."""
    from orders.selectors import expiring_orders
    from orders.services import order_announce_expiry

    sent = 0
    with translation.override("uk"):
        for order_id in expiring_orders(now=timezone.now(), within=timedelta(hours=24)).values_list(
            "pk", flat=True
        ):
            sent += order_announce_expiry(order_id=order_id)
    return sent
