"""Input for the referral pages: every length and date bounded as its column is."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.forms import StyledForm, date_field
from portal import domains
from referrals.models import Holiday, Referral, RoutingPolicy


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class HolidayForm(StyledForm):
    """Add or remove one day off for working-day deadlines (the holidays page)."""

    date = date_field(_("Date"), validators=[domains.validate_end_date])
    name = forms.CharField(label=_("Name"), required=False, max_length=_max_length(Holiday, "name"))
    delete = forms.BooleanField(required=False)


class PolicyForm(StyledForm):
    """A draft of the routing policy and the note published with it."""

    rules = forms.CharField(label=_("Rules"), widget=forms.Textarea)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=_max_length(RoutingPolicy, "note")
    )


REASON_LENGTH = _max_length(Referral, "decline_reason")
OUTCOME_LENGTH = _max_length(Referral, "outcome")


def text_input(data, name: str, *, max_length: int) -> str:
    """A free-text value typed on a referral page; longer than its column, it is refused."""
    value = (data.get(name) or "").strip()
    if len(value) > max_length:
        raise ValidationError(
            _("Keep the text within %(limit)s characters (it has %(length)s)."),
            code="max_length",
            params={"limit": max_length, "length": len(value)},
        )
    return value
