from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from orders import services
from portal.roles import grant_object_perm


def share_case_with(police, case) -> None:
    """The owning social service gave the police officer access to the case (a coordinator's
    grant): police may link an order only to a case they can see."""
    grant_object_perm(perm="cases.view_case", user=police, obj=case)


def urgent(police, case, *, issued_at=None, days=5, measures=("no_contact",), number="ТЗП-1"):
    issued_at = issued_at or timezone.now() - timedelta(hours=1)
    share_case_with(police, case)
    return services.order_issue_urgent(
        actor=police,
        number=number,
        issued_at=issued_at,
        ends_at=issued_at + timedelta(days=days),
        measures=list(measures),
        initiated_by="police",
        case_number=case.number,
    )
