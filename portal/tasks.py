from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task
def heartbeat() -> str:
    """Proves the worker and beat are alive; also the task the Celery integration test runs."""
    return timezone.now().isoformat()
