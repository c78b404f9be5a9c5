"""Input for the programme pages: money and indicator values bounded by portal.domains."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal import domains


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


class ProgressForm(forms.Form):
    """The numbers of an executor's quarterly report: spending and one field per indicator."""

    spent = money_field(_("Spent since 1 January, thousand UAH"), required=False)

    def __init__(self, *args, indicators=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for indicator in indicators:
            self.fields[f"ind-{indicator.pk}"] = AmountField(
                label=str(indicator),
                required=False,
                validator=domains.validate_indicator_value,
                decimal_places=domains.INDICATOR_DECIMAL_PLACES,
            )

    def actuals(self) -> dict[int, Decimal]:
        return {
            int(name.removeprefix("ind-")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("ind-") and value is not None
        }


def progress_numbers(data, *, measure, year: int) -> tuple[Decimal, dict[int, Decimal]]:
    """Spending and indicator values from a progress POST, and the year from its address;
    a ValidationError names the field."""
    domains.validate_year(year)
    form = ProgressForm(data, indicators=measure.indicators.all())
    if not form.is_valid():
        raise ValidationError(
            [
                ValidationError("%(field)s: %(error)s", params={"field": label, "error": error})
                for label, errors in (
                    (form.fields[name].label, errors) for name, errors in form.errors.items()
                )
                for error in errors
            ]
        )
    return form.cleaned_data["spent"] or Decimal(0), form.actuals()


class FundingForm(forms.Form):
    """A planned amount for one measure, year and source."""

    year = forms.IntegerField(
        label=_("Year"), min_value=domains.EARLIEST_YEAR, max_value=domains.LATEST_YEAR
    )
    amount = money_field(_("Planned, thousand UAH"))
