"""Forms of the interaction procedure's page (referrals.views.procedure)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import domains
from portal.forms import StyledForm, date_field


class ProcedureNewForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    label = forms.CharField(label=_("Version"), max_length=40, help_text=_("e.g. draft 2026"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProcedureStepForm(StyledForm):
    """A step of a version: presented, approved (with the order) or in force, on a date; the
    version number of the record refuses a step taken on a page that is out of date."""

    on = date_field(_("Date"), validators=[domains.validate_end_date])
    order = forms.CharField(label=_("Approving order"), required=False, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=10**9)
