from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from programme.figures import format_number, format_pct

register = template.Library()


@register.filter
def num(value, decimals=0):
    return format_number(value, int(decimals))


@register.filter
def pct(value):
    return format_pct(value)


@register.filter
def svg(value):
    """Charts are built by programme.charts from escaped text only."""
    return mark_safe(value)


@register.filter
def figure(value: dict, key: str):
    return (value or {}).get(key)
