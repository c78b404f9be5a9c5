"""Form widgets are drawn by Jinja2 (portal.rendering.WidgetRenderer); the admin's widgets, which
exist only as Django templates, still draw — and both give the same HTML for the same widget."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.db import connection
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Template as Jinja2Template
from django.test.utils import CaptureQueriesContext

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


@pytest.mark.django_db
def test_a_model_select_reads_its_choices_once_with_a_plain_select():
    from cases.forms import CaseEditForm

    form = CaseEditForm(prefix="edit")
    with CaptureQueriesContext(connection) as queries:
        first, second = str(form["district"]), str(form["district"])
    assert first == second and "Дарницький" in first
    # One SELECT for two renders, and no server-side cursor (DECLARE, FETCH, CLOSE).
    assert len(queries) == 1
    assert queries[0]["sql"].startswith("SELECT")


@pytest.mark.django_db
def test_a_queryset_set_after_the_form_is_made_is_read_the_same_way(owner, colleague):
    from cases.lifecycle.forms import ReassignForm
    from tests.cases.factories import register_case

    form = ReassignForm(prefix="reassign", case=register_case(owner))
    with CaptureQueriesContext(connection) as queries:
        html = str(form["worker"])
    assert [q["sql"].split()[0] for q in queries] == ["SELECT"]
    assert f'value="{colleague.pk}"' in html
