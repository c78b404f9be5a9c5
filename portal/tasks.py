from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task
def heartbeat() -> str:
    """Proves the worker and beat are alive; also the task the Celery integration test runs."""
    return timezone.now().isoformat()


@shared_task
def relay_outbox() -> int:
    """Beat, every minute: send the tasks that waited in the outbox while Redis was away."""
    from portal.outbox import outbox_publish

    return outbox_publish()
