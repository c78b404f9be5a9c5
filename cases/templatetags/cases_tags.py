from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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


@register.simple_tag
def form_field(field, wrapper_class="") -> str:
    """One form field with its label, help and errors next to it (cases/_field.html).

    Written in Python rather than as a template: the case page draws some fifty fields, and
    the template language's per-node cost made them half of the page's rendering time."""
    if field.is_hidden:
        return str(field)
    kind = field.widget_type
    if kind == "checkbox":
        control = format_html(
            '<div class="form-check">{} <label class="form-check-label" for="{}">{}</label></div>',
            field,
            field.id_for_label,
            field.label,
        )
    elif kind in ("checkboxselectmultiple", "radioselect"):
        choices = format_html_join(
            "",
            '<div class="form-check">{} <label class="form-check-label" for="{}">{}</label></div>',
            ((choice.tag(), choice.id_for_label, choice.choice_label) for choice in field),
        )
        control = format_html(
            '<fieldset id="{}"><legend class="form-label fs-6 mb-1">{}</legend>'
            '<div class="d-flex flex-wrap gap-3">{}</div></fieldset>',
            field.auto_id,
            field.label,
            choices,
        )
    else:
        required = (
            mark_safe(' <span class="text-danger" aria-hidden="true">*</span>')
            if field.field.required
            else ""
        )
        control = format_html(
            '<label class="form-label small mb-1" for="{}">{}{}</label>\n{}',
            field.id_for_label,
            field.label,
            required,
            field,
        )
    errors = field.errors
    classes = (
        "mb-2"
        + (" field-invalid" if errors else "")
        + (f" {wrapper_class}" if wrapper_class else "")
    )
    return format_html(
        '<div class="{}">\n{}\n{}{}</div>\n',
        classes,
        control,
        format_html('<div class="form-text">{}</div>', field.help_text) if field.help_text else "",
        format_html_join(
            "",
            '<div class="invalid-feedback d-block" role="alert">{}</div>',
            ((error,) for error in errors),
        ),
    )
