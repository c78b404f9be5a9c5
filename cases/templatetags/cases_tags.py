from __future__ import annotations

from functools import cache

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, pgettext

from cases.models import CaseStatus, Need, RiskLevel, ViolenceForm

register = template.Library()


@cache
def _labels(choices, language: str | None) -> dict[str, str]:
    """A choices class's labels as plain text in one language, made once: a lazy label is
    translated again each time it is hashed or shown, a dozen times per list row."""
    return {value: str(label) for value, label in choices.choices}


def label(choices, value) -> str:
    """The reader's label of `value`, or the value itself if it is not one of the choices."""
    return _labels(choices, get_language()).get(value, value)


@register.filter
def violence_forms(codes) -> str:
    return ", ".join(label(ViolenceForm, code) for code in codes or [])


@register.filter
def needs_labels(codes) -> str:
    return ", ".join(label(Need, code) for code in codes or [])


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


@register.simple_tag
def case_row(case) -> str:
    """One row of the case list (cases/case_list.html): number, date, the victim's code with
    the audited "name" link, district, forms, risk, status and who is responsible.

    Written in Python for the reason form_field is: the list is the portal's most-read page,
    and its 25 rows of some thirty template nodes each were a quarter of its time."""
    code = victim_code(case)
    name_url = reverse("cases:victim_name", args=[case.pk])
    return format_html(
        "<tr>\n"
        '<td><a href="{}" class="fw-semibold">{}</a>{}</td>\n'
        '<td class="text-nowrap">{}</td>\n'
        '<td><span class="victim-code" data-testid="victim-code">{} <a class="small'
        ' link-secondary" href="{}" hx-get="{}" hx-target="closest .victim-code"'
        ' hx-swap="outerHTML" data-testid="victim-name-show" aria-label="{} {}">{}</a></span>'
        "{}</td>\n"
        "<td>{}</td>\n"
        '<td class="small">{}</td>\n'
        "<td>{}</td>\n"
        "<td>{}</td>\n"
        '<td class="small">{}</td>\n'
        "</tr>\n",
        reverse("cases:detail", args=[case.pk]),
        case.number,
        format_html(
            ' <i class="bi bi-lock-fill text-danger" title="{}"></i>', gettext("Confidential")
        )
        if case.confidential
        else "",
        timezone.localtime(case.reported_at).strftime("%d.%m.%Y"),
        code,
        name_url,
        name_url,
        gettext("Show the name"),
        code,
        pgettext("a victim's, behind her code", "name"),
        format_html(
            ' <span class="badge text-bg-info" title="{}"><i class="bi bi-people"></i></span>',
            gettext("Children involved"),
        )
        if case.has_children
        else "",
        case.district.display_name,
        violence_forms(case.forms),
        format_html(
            '<span class="badge risk-{}">{}</span>',
            case.risk_level,
            label(RiskLevel, case.risk_level),
        )
        if case.risk_level
        else "",
        label(CaseStatus, case.status),
        case.responsible or "",
    )
