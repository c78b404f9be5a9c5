from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from portal.models import AuditAction, Organisation


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


# Dates outside this range are typing mistakes (year 40000, year 1) and would overflow when
# converted to UTC; the portal has no events before 2000.
AUDIT_DATE_MIN = date(2000, 1, 1)
AUDIT_DATE_MAX = date(2100, 12, 31)
DATE_FORMAT = "%d.%m.%Y"


class AuditLogFilterForm(forms.Form):
    """The audit log's filters. Every field is bounded, so junk is an error message, not a 500."""

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
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(format=DATE_FORMAT, attrs={"placeholder": "дд.мм.рррр"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(format=DATE_FORMAT, attrs={"placeholder": "дд.мм.рррр"}),
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
            field.widget.attrs.setdefault("class", f"{css} {css}-sm")

    def _clean_date(self, name: str) -> date | None:
        value = self.cleaned_data.get(name)
        if value and not AUDIT_DATE_MIN <= value <= AUDIT_DATE_MAX:
            raise forms.ValidationError(
                _("Enter a date between %(min)s and %(max)s."),
                params={
                    "min": AUDIT_DATE_MIN.strftime(DATE_FORMAT),
                    "max": AUDIT_DATE_MAX.strftime(DATE_FORMAT),
                },
            )
        return value

    def clean_date_from(self) -> date | None:
        return self._clean_date("date_from")

    def clean_date_to(self) -> date | None:
        return self._clean_date("date_to")

    def clean_case(self) -> str:
        # Case numbers are issued in capitals ("КИЇВ-2024-000123"); people type them any way.
        return self.cleaned_data["case"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned
