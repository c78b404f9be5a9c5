"""Input for the programme editor. Money and indicator values are typed the Ukrainian way and
bounded by portal.domains; the year fields of a measure or an indicator are made from the
programme's own term, one per year (and per funding source)."""

from __future__ import annotations

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _

from portal import domains
from portal.forms import StyledForm
from portal.models import Organisation
from programme.council.forms import DateField
from programme.forms import AmountField, money_field
from programme.models import FundingSource, Programme

MAX_IMPORT_BYTES = 1_000_000


def _organisations():
    return Organisation.objects.filter(is_active=True).order_by("name")


class VersionedForm(StyledForm):
    """Carries the structure version the page was opened at (see services._check_version)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)


def _year_field(label):
    return forms.IntegerField(
        label=label, min_value=domains.EARLIEST_YEAR, max_value=domains.LATEST_YEAR
    )


class ProgrammeHeaderForm(VersionedForm):
    title = forms.CharField(label=_("Title"), widget=forms.Textarea(attrs={"rows": 2}))
    title_en = forms.CharField(
        label=_("Title in English"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    year_from = _year_field(_("From year"))
    year_to = _year_field(_("To year"))
    approved_by = forms.CharField(
        label=_("Approving decision"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible executor"), queryset=_organisations(), required=False
    )
    illustrative = forms.BooleanField(label=_("Illustrative data"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _organisations()

    def clean(self):
        data = super().clean()
        start, end = data.get("year_from"), data.get("year_to")
        if start and end and end < start:
            self.add_error("year_to", _("The last year cannot be before the first."))
        return data


class ProgrammeNewForm(StyledForm):
    COPY, IMPORT = "copy", "import"
    how = forms.ChoiceField(
        label=_("How to create it"),
        choices=[
            (COPY, _("Copy the structure of an earlier programme and edit it")),
            (IMPORT, _("Import a data file (YAML)")),
        ],
        widget=forms.RadioSelect,
        initial=COPY,
    )
    source = forms.ModelChoiceField(
        label=_("Programme to copy"), queryset=Programme.objects.none(), required=False
    )
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        required=False,
        help_text=_("Latin letters, digits and hyphens, e.g. dv-2025-2027."),
    )
    title = forms.CharField(
        label=_("Title"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    title_en = forms.CharField(
        label=_("Title in English"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    year_from = forms.IntegerField(
        label=_("From year"),
        min_value=domains.EARLIEST_YEAR,
        max_value=domains.LATEST_YEAR,
        required=False,
    )
    year_to = forms.IntegerField(
        label=_("To year"),
        min_value=domains.EARLIEST_YEAR,
        max_value=domains.LATEST_YEAR,
        required=False,
    )
    approved_by = forms.CharField(
        label=_("Approving decision"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    illustrative = forms.BooleanField(label=_("Illustrative data"), required=False)
    file = forms.FileField(label=_("Data file (YAML)"), required=False)

    def __init__(self, *args, programmes=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = (
            programmes if programmes is not None else Programme.objects.none()
        )
        self.fields["source"].label_from_instance = lambda p: (
            f"{p.year_from}–{p.year_to}: {p.display_title}"
        )

    def clean(self):
        data = super().clean()
        if data.get("how") == self.IMPORT:
            data["data"] = self._parsed(data.get("file"))
            return data
        for name in ("source", "code", "title", "year_from", "year_to"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("This field is required."))
        start, end = data.get("year_from"), data.get("year_to")
        if start and end and end < start:
            self.add_error("year_to", _("The last year cannot be before the first."))
        return data

    def _parsed(self, upload) -> dict | None:
        if upload is None:
            self.add_error("file", _("Choose the data file to import."))
            return None
        if upload.size > MAX_IMPORT_BYTES:
            self.add_error("file", _("The file is larger than 1 MB."))
            return None
        try:
            content = yaml.safe_load(upload.read().decode("utf-8"))
            programme = content["programme"]
        except (UnicodeDecodeError, yaml.YAMLError, TypeError, KeyError):
            programme = None
        if not isinstance(programme, dict):
            self.add_error(
                "file", _("The file does not describe a programme in the expected form.")
            )
            return None
        return programme


class TaskForm(VersionedForm):
    code = forms.CharField(label=_("Number"), max_length=20)
    title = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 2}))
    title_en = forms.CharField(
        label=_("Task in English"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _typed_the_ukrainian_way(field: forms.DecimalField) -> None:
    """A text box showing "300,0" (a number input refuses the comma in a Ukrainian browser)."""
    field.localize = True
    field.widget = forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"})
    field.widget.is_localized = True


def funding_name(year: int, source: str) -> str:
    return f"funding_{year}_{source}"


def plan_name(year: int) -> str:
    return f"plan_{year}"


class MeasureForm(VersionedForm):
    code = forms.CharField(label=_("Number"), max_length=20)
    title = forms.CharField(label=_("Measure"), widget=forms.Textarea(attrs={"rows": 3}))
    title_en = forms.CharField(
        label=_("Measure in English"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = DateField(label=_("Deadline"), required=False)
    executors = forms.ModelMultipleChoiceField(
        label=_("Executors"),
        queryset=_organisations(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )

    def __init__(self, *args, years: range, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["executors"].queryset = _organisations()
        self.years = years
        for year in years:
            for source, label in FundingSource.choices:
                self.fields[funding_name(year, source)] = money_field(
                    _("%(year)s, %(source)s, thousand UAH") % {"year": year, "source": label},
                    required=False,
                )
        for name in self.funding_fields:
            _typed_the_ukrainian_way(self.fields[name])

    @property
    def funding_fields(self) -> list[str]:
        return [funding_name(y, s) for y in self.years for s in FundingSource.values]

    def funding(self) -> dict:
        return {
            (year, source): self.cleaned_data.get(funding_name(year, source))
            for year in self.years
            for source in FundingSource.values
        }


class IndicatorForm(VersionedForm):
    code = forms.CharField(label=_("Number"), max_length=20)
    title = forms.CharField(label=_("Indicator"), widget=forms.Textarea(attrs={"rows": 2}))
    title_en = forms.CharField(
        label=_("Indicator in English"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    unit = forms.CharField(label=_("Unit"), max_length=40)
    unit_en = forms.CharField(label=_("Unit in English"), max_length=40, required=False)

    def __init__(self, *args, years: range, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            field = AmountField(
                label=_("Planned for %(year)s") % {"year": year},
                validator=domains.validate_indicator_value,
                decimal_places=1,
                required=False,
            )
            _typed_the_ukrainian_way(field)
            self.fields[plan_name(year)] = field

    @property
    def plan_fields(self) -> list[str]:
        return [plan_name(y) for y in self.years]

    def planned(self) -> dict:
        return {year: self.cleaned_data.get(plan_name(year)) for year in self.years}


class AsOfForm(StyledForm):
    day = DateField(label=_("Structure as on"))


class WindowForm(StyledForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(q, str(q)) for q in (1, 2, 3, 4)]
    )
    deadline = forms.DateTimeField(
        label=_("Deadline for entering"),
        input_formats=["%d.%m.%Y %H:%M", "%d.%m.%Y"],
        widget=forms.DateTimeInput(attrs={"placeholder": _("dd.mm.yyyy hh:mm")}),
    )

    def __init__(self, *args, years: range, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        if not domains.EARLIEST_DATE <= value.date() < domains.LATEST_DATE:
            raise forms.ValidationError(_("Enter a date from 01.01.2000 to 31.12.2099."))
        return value
