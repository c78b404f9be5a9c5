from __future__ import annotations

from django import template

from referrals.models import ReferralStatus
from referrals.routing.explain import service_label

register = template.Library()


@register.filter
def service(code: str) -> str:
    return service_label(code)


@register.filter
def referral_status(code: str) -> str:
    return str(dict(ReferralStatus.choices).get(code, code))


# How a status looks in a table: working on it, waiting for an answer, with the coordinator;
# closed ones stay plain.
STATUS_BADGES = {
    ReferralStatus.ACCEPTED: "text-bg-success",
    ReferralStatus.IN_PROGRESS: "text-bg-success",
    ReferralStatus.COMPLETED: "text-bg-success",
    ReferralStatus.SENT: "text-bg-warning",
    ReferralStatus.ESCALATED: "text-bg-danger",
}


@register.filter
def referral_badge(code: str) -> str:
    return STATUS_BADGES.get(code, "text-bg-light border")


@register.filter
def iso_datetime(value: str) -> str:
    """An ISO 8601 string from a stored plan, shown in Kyiv time as dd.mm.yyyy HH:MM."""
    from datetime import datetime

    from django.utils import timezone

    try:
        return timezone.localtime(datetime.fromisoformat(value)).strftime("%d.%m.%Y %H:%M")
    except (TypeError, ValueError):
        return value
