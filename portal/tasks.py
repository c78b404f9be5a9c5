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


@shared_task(ignore_result=True)
def refresh_aggregate(path: str, params: dict) -> None:
    """Count a city-wide aggregate anew for its readers (portal.caching.RefreshedAggregate).
    Only a registered aggregate is run, whatever the path names."""
    from django.utils.module_loading import import_string

    from portal.caching import RefreshedAggregate

    aggregate = import_string(path)
    if not isinstance(aggregate, RefreshedAggregate):
        raise TypeError(f"{path} is not a refreshed aggregate")
    aggregate.refresh(**params)
