from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task
def depersonalise_due_cases() -> int:
    """Beat, daily: depersonalise the closed cases due today (safe to run twice: a case done is
    no longer due)."""
    from cases.services.depersonalise import depersonalise

    return len(depersonalise(as_of=timezone.localdate()).case_ids)
