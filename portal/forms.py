"""The portal's form base, shared by every app: styled widgets, bounded text, dd.mm.yyyy dates
and the "from … to" period filter; and the portal's own forms (sign-in, audit log)."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from portal import domains
from portal.models import AuditAction, Organisation

# In the reader's language (the English pages say dd.mm.yyyy), evaluated when rendered.
DATE_PLACEHOLDER = _("dd.mm.yyyy")
DATETIME_PLACEHOLDER = _("dd.mm.yyyy hh:mm")


# Free text a person types is at most this long (a case summary, a note, a description):
# longer input is refused with a message instead of making a page of half a megabyte.
MAX_TEXT = 10_000
# Unicode "format" characters (zero-width spaces, right-to-left overrides …) are invisible: a
# surname made of them looks empty, and one with an override reads backwards in every list.
INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")


class ListedChoices(ModelChoiceIterator):
    """A model field's choices read with one plain SELECT, kept for the form's lifetime.
    Django's own iterator reads them through a server-side cursor (DECLARE, FETCH, CLOSE: three
    round trips for a list of ten organisations), and again on every render."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class StyledForm(forms.Form):
    """Bootstrap classes on every widget; invalid fields marked for screen readers too.
    Every text field is bounded (MAX_TEXT) and loses invisible formatting characters."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length is None:
                field.max_length = MAX_TEXT
                field.validators.append(MaxLengthValidator(MAX_TEXT))
                field.widget.attrs.setdefault("maxlength", str(MAX_TEXT))
            elif isinstance(field, forms.ModelChoiceField):
                # A subclass that sets the queryset after this gets the same iterator.
                field.iterator = ListedChoices
                field.widget.choices = field.choices
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def full_clean(self) -> None:
        # Marked after validation, not in __init__: a subclass sets its choices after
        # super().__init__(), and validating earlier would judge the input against none.
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()

    def _clean_fields(self) -> None:
        unreadable = []
        if self.is_bound:
            data = self.data.copy()
            for name, field in self.fields.items():
                key = self.add_prefix(name)
                if isinstance(field, forms.CharField) and key in data:
                    values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
                    cleaned = [INVISIBLE.sub("", v) if isinstance(v, str) else v for v in values]
                    # U+FFFD is what bytes that were not UTF-8 became on the way in.
                    if any(isinstance(v, str) and "\ufffd" in v for v in cleaned):
                        unreadable.append(name)
                    if hasattr(data, "setlist"):
                        data.setlist(key, cleaned)
                    else:
                        data[key] = cleaned[0]
            self.data = data
        super()._clean_fields()
        for name in unreadable:
            if name in self.cleaned_data:
                self.add_error(
                    name, _("The text contains characters that could not be read; type it again.")
                )


def datetime_field(label, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(
            attrs={"placeholder": DATETIME_PLACEHOLDER}, format="%d.%m.%Y %H:%M"
        ),
        **kwargs,
    )


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"placeholder": DATE_PLACEHOLDER}, format="%d.%m.%Y"),
        **kwargs,
    )


class DateRangeForm(StyledForm):
    """A "from … to" filter of Kyiv days, both included. A date that is not a date, outside the
    register (2000–2099), or an end before the start is a form error: the page then shows the
    message and is never filtered by some other period. Subclasses name the fields with
    ``date_from_label``/``date_to_label``."""

    date_from_label = _("From")
    date_to_label = _("To")

    date_from = date_field(_("From"), required=False, validators=[domains.validate_end_date])
    date_to = date_field(_("To"), required=False, validators=[domains.validate_end_date])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_from"].label = self.date_from_label
        self.fields["date_to"].label = self.date_to_label

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("User name"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Wrong user name or password. After %(limit)s failed attempts the account is "
            "locked for %(minutes)s minutes."
        ),
        "inactive": _("This account is disabled. Ask your administrator."),
    }

    def get_invalid_login_error(self):
        from django.conf import settings

        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={
                "limit": settings.AXES_FAILURE_LIMIT,
                "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            },
        )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("The code consists of six digits."))
        return token


class AuditLogFilterForm(DateRangeForm):
    """The audit log's filters. Every field is bounded, so junk is an error message, not a 500."""

    field_order = ["user", "organisation", "action", "date_from", "date_to", "case", "person"]

    user = forms.CharField(label=_("User name"), required=False, max_length=150)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("Any"),
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any")), *AuditAction.choices]
    )
    case = forms.CharField(label=_("Case number"), required=False, max_length=32)
    person = forms.IntegerField(
        label=_("Person id"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            attrs = field.widget.attrs
            attrs["class"] = attrs["class"].replace(css, f"{css} {css}-sm", 1)

    def clean_case(self) -> str:
        # Case numbers are issued in capitals ("КИЇВ-2024-000123"); people type them any way.
        return self.cleaned_data["case"].strip().upper()
