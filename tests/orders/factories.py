from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from orders import services


def urgent(police, case, *, issued_at=None, days=5, measures=("no_contact",), number="ТЗП-1"):
    issued_at = issued_at or timezone.now() - timedelta(hours=1)
    return services.order_issue_urgent(
        actor=police,
        number=number,
        issued_at=issued_at,
        ends_at=issued_at + timedelta(days=days),
        measures=list(measures),
        initiated_by="police",
        case_number=case.number,
    )
