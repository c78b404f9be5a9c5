"""The side-by-side form: for each field the two records disagree on, which value stays."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import StyledForm


class MergeForm(StyledForm):
    reason = forms.CharField(
        label=_("Why these records are one person"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, differing: list[dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.differing = differing
        for row in differing:
            self.fields[f"choose_{row['name']}"] = forms.ChoiceField(
                label=row["label"],
                choices=[("kept", row["kept"]), ("duplicate", row["duplicate"])],
                initial="kept",
                widget=forms.RadioSelect,
            )

    def rows(self):
        return [(row, self[f"choose_{row['name']}"]) for row in self.differing]

    def choices(self) -> dict[str, str]:
        return {row["name"]: self.cleaned_data[f"choose_{row['name']}"] for row in self.differing}
