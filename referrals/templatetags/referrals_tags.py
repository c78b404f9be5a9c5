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


@register.filter
def iso_datetime(value: str) -> str:
    """An ISO 8601 string from a stored plan, shown in Kyiv time as dd.mm.yyyy HH:MM."""
    from datetime import datetime

    from django.utils import timezone

    try:
        return timezone.localtime(datetime.fromisoformat(value)).strftime("%d.%m.%Y %H:%M")
    except (TypeError, ValueError):
        return value
