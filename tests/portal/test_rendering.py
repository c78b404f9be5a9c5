"""Form widgets are drawn by Jinja2 (portal.rendering.WidgetRenderer); the admin's widgets, which
exist only as Django templates, still draw — and both give the same HTML for the same widget."""

from __future__ import annotations

import re

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Template as Jinja2Template

from portal.rendering import WidgetRenderer


def test_the_portal_draws_widgets_with_jinja2_and_the_admins_with_the_template_language():
    renderer = get_default_renderer()
    assert isinstance(renderer, WidgetRenderer)
    assert isinstance(renderer.get_template("django/forms/widgets/select.html"), Jinja2Template)
    wrapper = renderer.get_template("admin/widgets/related_widget_wrapper.html")
    assert isinstance(wrapper, DjangoTemplate)


def test_a_select_with_an_apostrophe_and_a_quote_is_the_same_markup_either_way():
    field = forms.ChoiceField(
        choices=[("solomianskyi", "Солом'янський"), ("x", 'Район "Х" <b>')],
    )
    widget = field.widget
    widget.choices = field.choices
    fast = widget.render("district", "x", attrs={"id": "id_district"})
    plain = widget.render("district", "x", attrs={"id": "id_district"}, renderer=DjangoTemplates())
    assert "<b>" not in fast
    unify = {"&#39;": "'", "&#x27;": "'", "&#34;": '"', "&quot;": '"'}
    for entity, character in unify.items():
        fast, plain = fast.replace(entity, character), plain.replace(entity, character)
    assert re.sub(r">\s+<", "><", fast) == re.sub(r">\s+<", "><", plain)
    assert '<option value="x" selected>' in fast
