"""cases/_field.html (the form_field tag): one field with its label, help and errors, the way
every form of the portal shows it — and whatever a user typed comes back escaped."""

from __future__ import annotations

import re

from django import forms
from django.template import Context, Template

FIELD = Template('{% include "cases/_field.html" with field=field wrapper_class=extra %}')


class Sample(forms.Form):
    name = forms.CharField(label="Прізвище <жертви>", help_text="Як у паспорті & в довідці")
    note = forms.CharField(label="Примітка", required=False)
    agree = forms.BooleanField(label="Згода", required=False)
    risk = forms.ChoiceField(
        label="Ризик", choices=[("low", "низький"), ("high", "високий")], widget=forms.RadioSelect
    )
    forms_ = forms.MultipleChoiceField(
        label="Форми",
        choices=[("physical", "фізичне"), ("psychological", "психологічне")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _html(form, name, extra="") -> str:
    return FIELD.render(Context({"field": form[name], "extra": extra}))


def test_a_text_field_has_its_label_a_required_mark_and_its_help():
    html = _html(Sample(), "name")
    assert html.startswith('<div class="mb-2">')
    assert '<label class="form-label small mb-1" for="id_name">' in html
    assert "Прізвище &lt;жертви&gt;" in html
    assert '<span class="text-danger" aria-hidden="true">*</span>' in html
    assert '<div class="form-text">Як у паспорті &amp; в довідці</div>' in html
    assert re.search(r'<input type="text" name="name"[^>]*id="id_name"', html)


def test_an_optional_field_has_no_required_mark_and_keeps_the_wrapper_class():
    html = _html(Sample(), "note", extra="col-6")
    assert html.startswith('<div class="mb-2 col-6">')
    assert "text-danger" not in html


def test_a_checkbox_sits_before_its_label():
    html = _html(Sample(), "agree")
    assert re.search(
        r'<div class="form-check"><input type="checkbox" name="agree"[^>]*> '
        r'<label class="form-check-label" for="id_agree">Згода</label></div>',
        html,
    )


def test_radio_and_checkbox_groups_are_a_fieldset_with_a_legend_and_one_label_per_choice():
    radio = _html(Sample(), "risk")
    assert '<fieldset id="id_risk"><legend class="form-label fs-6 mb-1">Ризик</legend>' in radio
    assert radio.count('<div class="form-check">') == 2
    assert '<label class="form-check-label" for="id_risk_1">високий</label>' in radio
    boxes = _html(Sample(), "forms_")
    assert 'type="checkbox" name="forms_" value="psychological"' in boxes


def test_errors_mark_the_field_and_are_announced_escaped():
    form = Sample({"name": "", "risk": "<script>"})
    assert not form.is_valid()
    html = _html(form, "risk")
    assert html.startswith('<div class="mb-2 field-invalid">')
    assert html.count('role="alert"') == 1
    assert "<script>" not in html
    assert "&lt;script&gt;" in html  # Django's message quotes the refused value
    assert 'class="invalid-feedback d-block"' in _html(form, "name")


def test_a_hidden_field_is_only_its_input():
    html = _html(Sample(initial={"version": 3}), "version")
    assert html.strip() == '<input type="hidden" name="version" value="3" id="id_version">'


def test_what_a_user_typed_comes_back_escaped_in_the_input():
    form = Sample({"name": '"><img src=x onerror=alert(1)>', "risk": "low"})
    html = _html(form, "name")
    assert "<img" not in html
    assert "&quot;&gt;&lt;img" in html or "&#34;&gt;&lt;img" in html
