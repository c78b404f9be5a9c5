"""Input for the programme pages: money and indicator values bounded by portal.domains."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import domains
from programme.figures import FIRST_REPORT_YEAR
from programme.models import ProgressStatus, ReportKind


class AmountField(forms.DecimalField):
    """A decimal typed the Ukrainian way ("1250,5"); NaN, Infinity and 1e30 never pass."""

    def __init__(self, *, validator, decimal_places: int, **kwargs) -> None:
        super().__init__(max_digits=12, decimal_places=decimal_places, **kwargs)
        # The domain validator checks digits and places too, with a clearer message.
        self.validators = [validator]

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(" ", "").replace("\u00a0", "").replace(",", ".")
        return super().to_python(value)


def money_field(label, **kwargs) -> AmountField:
    return AmountField(
        label=label,
        validator=domains.validate_money,
        decimal_places=domains.MONEY_DECIMAL_PLACES,
        **kwargs,
    )


class FundingForm(forms.Form):
    """A planned amount for one measure, year and source."""

    year = forms.IntegerField(
        label=_("Year"), min_value=domains.EARLIEST_YEAR, max_value=domains.LATEST_YEAR
    )
    amount = money_field(_("Planned, thousand UAH"))


class ProgressForm(forms.Form):
    """An executor's quarterly report on one measure: status, spending, one field per
    indicator, what was done, and the version the form was loaded at (optimistic locking).

    Two buttons send it: "Save the draft" (only the bounds of each value hold) and "Submit"
    (the status and the spending are required as well). Each error stands at its field."""

    DRAFT, SUBMIT = "draft", "submit"

    # No status is chosen for the executor: "—" until they choose one, and a report without
    # one is not submitted.
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", "—"), *ProgressStatus.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose the status of the measure.")},
    )
    spent = money_field(_("Spent since 1 January, thousand UAH"), required=False)
    narrative = forms.CharField(label=_("What was done"), required=False, max_length=10_000)
    # The version the page was opened at: 0 before the first entry. Not a number of ours (or
    # none at all) means a page we did not serve: it is refused like a stale one.
    version = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)
    # Which button sent the form: "draft", or anything else (Enter in a field sends no
    # button, and that is the first one) for "submit".
    intent = forms.CharField(required=False, max_length=10)

    def __init__(self, *args, indicators=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for indicator in indicators:
            self.fields[f"ind-{indicator.pk}"] = AmountField(
                label=str(indicator),
                required=False,
                validator=domains.validate_indicator_value,
                decimal_places=domains.INDICATOR_DECIMAL_PLACES,
            )

    @staticmethod
    def initial_from(progress) -> dict:
        """What the form shows: the saved report or draft, or nothing but version 0."""
        if progress is None:
            return {"version": 0}
        return {
            "status": progress.status,
            "spent": progress.spent,
            "narrative": progress.narrative,
            "version": progress.version,
            **{f"ind-{a.indicator_id}": a.value for a in progress.actuals.all()},
        }

    def clean_version(self) -> int | None:
        raw = (self.cleaned_data.get("version") or "").strip()
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None

    def clean_intent(self) -> str:
        return self.DRAFT if self.cleaned_data.get("intent") == self.DRAFT else self.SUBMIT

    def clean(self):
        data = super().clean()
        if data.get("version") is None:
            self.add_error(
                None, _("This form is out of date. Reload the page and enter the report again.")
            )
        if data.get("intent") == self.SUBMIT:
            if not data.get("status") and "status" not in self.errors:
                self.add_error("status", _("Choose the status of the measure."))
            if data.get("spent") is None and "spent" not in self.errors:
                self.add_error(
                    "spent", _("Enter the spending since 1 January (0 when nothing was spent).")
                )
        return data

    @property
    def is_draft(self) -> bool:
        """Whether the draft button sent the form (also before it is cleaned)."""
        return self.data.get("intent") == self.DRAFT

    def actuals(self) -> dict[int, Decimal]:
        return {
            int(name.removeprefix("ind-")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("ind-") and value is not None
        }

    def submission(self) -> dict:
        """The keyword arguments of services.progress_submit and progress_save_draft that come
        from the form."""
        data = self.cleaned_data
        return {
            "status": data["status"],
            "spent": data["spent"],
            "narrative": data["narrative"],
            "actuals": self.actuals(),
            "expected_version": data["version"],
        }

    def error_messages(self) -> list[str]:
        """Every error with the label of its field."""
        return [
            f"{self.fields[name].label}: {error}"
            if name in self.fields and self.fields[name].label
            else str(error)
            for name, errors in self.errors.items()
            for error in errors
        ]


class ReportOrderForm(forms.Form):
    """The kind and period of a report to order; the choices end with the current year."""

    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    quarter = forms.TypedChoiceField(
        label=_("Quarter (for a quarterly report)"),
        coerce=int,
        choices=[(q, q) for q in (1, 2, 3, 4)],
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, today, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in report_years(today)]

    def clean(self):
        data = super().clean()
        if data.get("kind") == ReportKind.QUARTER and not data.get("quarter"):
            self.add_error("quarter", _("Choose a quarter from 1 to 4."))
        return data


def report_years(today) -> range:
    """The years every period picker offers: from the first programme year to this one."""
    return range(FIRST_REPORT_YEAR, today.year + 1)


class NarrativeForm(forms.Form):
    """The secretariat's narrative on a draft run; `final` orders the final version with it."""

    narrative = forms.CharField(
        label=_("Narrative of the secretariat"), required=False, max_length=50_000
    )
    final = forms.BooleanField(required=False)

    def error_messages(self) -> list[str]:
        return [str(error) for errors in self.errors.values() for error in errors]


# The kinds of period of the statistics page, and the fields each one is chosen with.
PERIOD_FIELDS = {
    "quarter": ("year", "quarter"),
    "9months": ("year",),
    "year": ("year",),
    "custom": ("start", "end"),
}
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]  # as typed, and as kept in an old address


class DayField(forms.DateField):
    """A day typed as dd.mm.yyyy in every browser (no native date input: Chromium shows it in
    the browser's locale); an address written as yyyy-mm-dd still works."""

    widget = forms.TextInput(attrs={"placeholder": _("dd.mm.yyyy"), "inputmode": "numeric"})

    def __init__(self, **kwargs) -> None:
        super().__init__(
            input_formats=DATE_INPUT_FORMATS,
            localize=False,
            error_messages={"invalid": _("Enter the date as dd.mm.yyyy.")},
            **kwargs,
        )

    def prepare_value(self, value):
        """Shown as dd.mm.yyyy, also when the address gave yyyy-mm-dd; a typing slip as typed."""
        if isinstance(value, str):
            try:
                value = self.to_python(value)
            except forms.ValidationError:
                return value
        return value.strftime("%d.%m.%Y") if value else ""

    def clean(self, value):
        day = super().clean(value)
        if day is not None and not domains.EARLIEST_DATE <= day < domains.LATEST_DATE:
            raise forms.ValidationError(
                _("Enter dates from %(earliest)s to %(latest)s.")
                % {"earliest": "01.01.2000", "latest": "31.12.2099"},
                code="date",
            )
        return day


class StatisticsPeriodForm(forms.Form):
    """The period of the statistics page. Each error stands at its field, and a period that was
    not understood is never replaced by another one."""

    kind = forms.ChoiceField(
        label=_("Period"),
        error_messages={"invalid_choice": _("Choose the kind of period.")},
    )
    year = forms.CharField(label=_("Year"), required=False)
    quarter = forms.ChoiceField(
        label=_("Quarter"),
        choices=[(str(q), str(q)) for q in (1, 2, 3, 4)],
        required=False,
        error_messages={"invalid_choice": _("Choose a quarter from 1 to 4.")},
    )
    start = DayField(label=_("From"), required=False)
    end = DayField(label=_("To"), required=False)

    def __init__(self, data, *, free_periods: bool, default_year: int) -> None:
        data = data.copy()
        data.setdefault("kind", "9months")
        super().__init__(data)
        self.default_year, self.free_periods = default_year, free_periods
        self.fields["kind"].choices = [
            ("quarter", _("quarter")),
            ("9months", _("9 months")),
            ("year", _("year")),
            ("custom", _("custom")),
        ]

    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"]
        if kind == "custom" and not self.free_periods:
            # Two free periods a day apart differ by that day's cases: the roles that see
            # aggregates only get whole quarters, 9 months and years (docs/statistics.md).
            raise forms.ValidationError(
                _("Choose a quarter, 9 months or a year: free periods are for coordinators."),
                code="kind",
            )
        return kind

    def clean_year(self) -> int:
        raw = (self.cleaned_data.get("year") or "").strip()
        if not raw:
            return self.default_year
        if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
            raise forms.ValidationError(
                _("Enter a year from %(earliest)s to %(latest)s.")
                % {"earliest": domains.EARLIEST_YEAR, "latest": domains.LATEST_YEAR},
                code="year",
            )
        year = int(raw)
        domains.validate_year(year)
        return year

    def clean(self):
        data = super().clean()
        if data.get("kind") == "custom":
            for name in ("start", "end"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Enter the date as dd.mm.yyyy."))
            start, end = data.get("start"), data.get("end")
            if start and end and start > end:
                self.add_error("end", _("The end of the period is before its start."))
        return data

    def shown_fields(self) -> tuple[str, ...]:
        """The fields of the chosen kind of period: a year shows the year, a quarter the year
        and the quarter, free dates their start and end."""
        return PERIOD_FIELDS.get(self.data.get("kind"), ("year",))

    def period(self):
        from programme.figures import Period, period_for

        data = self.cleaned_data
        kind = data["kind"]
        if kind == "quarter":
            return period_for("quarter", data["year"], quarter=int(data.get("quarter") or 1))
        if kind == "year":
            return period_for("year", data["year"])
        if kind == "custom":
            return Period(data["start"], data["end"], "custom")
        return period_for("months", data["year"], months=9)

    def error_messages(self) -> list[str]:
        return [str(error) for errors in self.errors.values() for error in errors]
