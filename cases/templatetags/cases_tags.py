from __future__ import annotations

from django import template

from cases.models import Need, ViolenceForm

register = template.Library()


@register.filter
def violence_forms(codes) -> str:
    labels = dict(ViolenceForm.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes or [])


@register.filter
def needs_labels(codes) -> str:
    labels = dict(Need.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes or [])


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def victim_code(case) -> str:
    """The victim's code in a list row (cases.selectors.victim_code)."""
    from cases.selectors import victim_code as code

    return code(getattr(case, "victim_initials", ""), case.number)
