"""Beat tasks of the council: thin, idempotent, one service each."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone, translation


@shared_task
def remind_council_assignments() -> dict[str, int]:
    """Daily: assignees three days before a deadline, the secretariat once one is overdue and
    30 days before a memorandum ends."""
    from programme.council.selectors import kyiv_today
    from programme.council.services import council_reminders_send

    with translation.override("uk"), timezone.override("Europe/Kyiv"):
        return council_reminders_send(today=kyiv_today())
