"""Input for the memoranda register and the partners' reports."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from programme.council.forms import DateField, StyledForm, _organisations


class MemorandumForm(StyledForm):
    number = forms.CharField(label=_("Number"), max_length=50)
    signed_on = DateField(label=_("Date"))
    partner = forms.ModelChoiceField(
        label=_("Partner organisation in the portal"), queryset=_organisations(), required=False
    )
    partner_name = forms.CharField(label=_("Or the partner's name"), max_length=300, required=False)
    parties = forms.CharField(
        label=_("Other parties"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    valid_from = DateField(label=_("In force from"))
    valid_to = DateField(label=_("In force until"), required=False)
    areas = forms.CharField(
        label=_("Areas of cooperation"), widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_person = forms.CharField(label=_("Contact person"), max_length=300, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _organisations()

    def clean(self):
        data = super().clean()
        if not data.get("partner") and not (data.get("partner_name") or "").strip():
            raise forms.ValidationError(_("Choose the partner organisation or type its name."))
        return data


class TerminateForm(StyledForm):
    day = DateField(label=_("Terminated on"))


class MemorandumReportForm(StyledForm):
    period_start = DateField(label=_("Period from"))
    period_end = DateField(label=_("Period to"))
    activities = forms.CharField(
        label=_("Activities"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000
    )

    def __init__(self, *args, **kwargs) -> None:
        from programme.council.memoranda.services import partner_service_labels

        super().__init__(*args, **kwargs)
        for code, label in partner_service_labels().items():
            self.fields[f"served_{code}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=1_000_000,
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )

    def served(self) -> dict[str, int]:
        return {
            name.removeprefix("served_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("served_") and value
        }
