from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def label(mapping, key):
    return (mapping or {}).get(key, key)


@register.filter
def labels(mapping, keys) -> str:
    return "; ".join(str((mapping or {}).get(k, k)) for k in keys or [])
