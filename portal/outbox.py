"""The transactional outbox: how the portal hands work to Celery without ever losing it.

    outbox_enqueue(task="programme.tasks.render_report", kwargs={"run_id": run.pk})

writes an `OutboxMessage` row inside the caller's transaction and, once that transaction has
committed, tries to publish it at once. When Redis is down the publish fails fast (no retries, a
short connect timeout), the request goes on, and the row waits; `relay_outbox` (Celery beat, every
minute, and each worker when it starts) sends what is waiting when the broker is back. A rolled
back change leaves no message behind, and a message is marked sent in the same transaction that
locks it, so two relays never send one message twice.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from portal.models import OutboxMessage

logger = logging.getLogger(__name__)

RELAY_BATCH = 500


def outbox_enqueue(*, task: str, kwargs: dict | None = None) -> OutboxMessage:
    """Ask for `task` to run with `kwargs` (JSON values) once the current transaction commits."""
    message = OutboxMessage.objects.create(task=task, kwargs=kwargs or {})
    transaction.on_commit(lambda: outbox_publish(message_ids=[message.pk]))
    return message


def outbox_publish(*, message_ids: list[int] | None = None, limit: int = RELAY_BATCH) -> int:
    """Publish waiting messages (the given ones, or the oldest `limit`); the number sent. Stops at
    the first broker failure, leaving that message and the rest for the next relay."""
    pending = OutboxMessage.objects.filter(sent_at__isnull=True).order_by("pk")
    if message_ids is not None:
        pending = pending.filter(pk__in=message_ids)
    sent = 0
    for pk in list(pending.values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if message is None:
                continue  # another relay holds it, or sent it meanwhile
            try:
                _send(message)
            except Exception as error:  # the broker is away: kombu and redis-py errors alike
                message.attempts += 1
                message.last_error = f"{type(error).__name__}: {error}"[:500]
                message.save(update_fields=["attempts", "last_error"])
                logger.warning(
                    "Outbox: %s #%s not sent yet (%s); it waits for the relay",
                    message.task,
                    message.pk,
                    type(error).__name__,
                )
                return sent
            message.sent_at = timezone.now()
            message.save(update_fields=["sent_at"])
            sent += 1
    return sent


def outbox_pending_count() -> int:
    return OutboxMessage.objects.filter(sent_at__isnull=True).count()


def _send(message: OutboxMessage) -> None:
    from portal.celery import app

    # retry=False: a broker that is down answers at once instead of holding the request;
    # ignore_result: nothing waits for a result, so the result backend is not touched either.
    app.send_task(message.task, kwargs=message.kwargs, retry=False, ignore_result=True)
