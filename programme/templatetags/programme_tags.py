from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from portal.roles import Capability, can

register = template.Library()


@register.filter
def svg(value):
    """Charts are built by programme.charts from escaped text only."""
    return mark_safe(value)


@register.filter
def figure(value: dict, key: str):
    return (value or {}).get(key)


@register.simple_tag(takes_context=True)
def programme_sections(context) -> dict[str, bool]:
    """Which of the programme's sections beyond the programme itself the reader may open, so
    that its sub-menu never offers a tab that answers 404 (programme/_subnav.html)."""
    user = context["request"].user
    return {
        "statistics": can(user, Capability.STATISTICS_VIEW),
        "reports": can(user, Capability.REPORT_DOWNLOAD) or can(user, Capability.REPORT_ORDER),
    }
