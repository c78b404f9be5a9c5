from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import ParticipantRole, Relationship, Sex
from orders.models import (
    AppealOutcome,
    Applicant,
    Consequence,
    Initiator,
    OrderKind,
    PreventiveBasis,
    ProgrammeReferrer,
    ProgrammeStatus,
)
from orders.rules import RESTRICTIVE_MEASURES, STATUS_LABELS, URGENT_MEASURES
from orders.statistics import last_month_end
from portal import domains
from portal.forms import DATE_PLACEHOLDER, DateRangeForm, StyledForm, date_field, datetime_field
from portal.models import District

# The people's names go into cases.Person (100 characters each).
NAME_LENGTH = 100


class UrgentOrderForm(StyledForm):
    number = forms.CharField(label=_("Order number"), max_length=60)
    issued_at = datetime_field(
        _("Issued at"), initial=timezone.now, validators=[domains.validate_past_moment]
    )
    ends_at = datetime_field(_("Valid until"), validators=[domains.validate_end_date])
    measures = forms.MultipleChoiceField(
        label=_("Measures"),
        choices=list(URGENT_MEASURES.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one measure.")},
    )
    initiated_by = forms.ChoiceField(label=_("Issued"), choices=Initiator.choices)
    case_number = forms.CharField(
        label=_("Existing case number"),
        required=False,
        max_length=40,
        help_text=_(
            "The full number (КИЇВ-2026-000123) or its end: 2026-123 or 123. Leave empty to open "
            "a new case from the people below."
        ),
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False
    )
    victim_last_name = forms.CharField(
        label=_("Victim's surname"), required=False, max_length=NAME_LENGTH
    )
    victim_first_name = forms.CharField(
        label=_("Victim's first name"), required=False, max_length=NAME_LENGTH
    )
    victim_sex = forms.ChoiceField(
        label=_("Victim's sex"), choices=Sex.choices, initial="F", required=False
    )
    victim_birth_date = date_field(
        _("Victim's date of birth"), required=False, validators=[domains.validate_birth_date]
    )
    offender_last_name = forms.CharField(
        label=_("Offender's surname"), required=False, max_length=NAME_LENGTH
    )
    offender_first_name = forms.CharField(
        label=_("Offender's first name"), required=False, max_length=NAME_LENGTH
    )
    offender_sex = forms.ChoiceField(
        label=_("Offender's sex"), choices=Sex.choices, initial="M", required=False
    )
    offender_birth_date = date_field(
        _("Offender's date of birth"), required=False, validators=[domains.validate_birth_date]
    )
    relation = forms.ChoiceField(
        label=_("Relationship to the victim"),
        choices=[("", "—"), *Relationship.choices],
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("case_number"):
            required = [
                "district",
                "victim_last_name",
                "victim_first_name",
                "victim_sex",
                "offender_last_name",
                "offender_first_name",
                "offender_sex",
            ]
            for name in required:
                if not cleaned.get(name):
                    self.add_error(name, _("Needed to open a new case."))
        return cleaned


class RestrictiveOrderForm(StyledForm):
    number = forms.CharField(label=_("Court case number"), max_length=60)
    court = forms.CharField(label=_("Court"), max_length=200)
    decision_date = date_field(_("Decision date"), validators=[domains.validate_past_date])
    applicant = forms.ChoiceField(label=_("Applicant"), choices=Applicant.choices)
    start = date_field(_("Start"), validators=[domains.validate_past_date])
    end = date_field(_("End"), validators=[domains.validate_end_date])
    measures = forms.MultipleChoiceField(
        label=_("Measures"),
        choices=list(RESTRICTIVE_MEASURES.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one measure.")},
    )


class ExtensionForm(StyledForm):
    start = date_field(_("Extension starts"), validators=[domains.validate_end_date])
    end = date_field(_("Extension ends"), validators=[domains.validate_end_date])
    decision_number = forms.CharField(label=_("Decision number"), required=False, max_length=60)
    decision_date = date_field(
        _("Decision date"), required=False, validators=[domains.validate_past_date]
    )


class BreachForm(StyledForm):
    occurred_at = datetime_field(_("When"), validators=[domains.validate_past_moment])
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 2})
    )
    consequence = forms.ChoiceField(label=_("What followed"), choices=Consequence.choices)


class CancelForm(StyledForm):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300)


class AppealForm(StyledForm):
    filed_on = date_field(_("Appeal filed on"), validators=[domains.validate_past_date])
    court = forms.CharField(label=_("Court hearing the appeal"), max_length=200)


class AppealDecisionForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("The court's decision"),
        choices=[("", "—"), *[c for c in AppealOutcome.choices if c[0] != AppealOutcome.PENDING]],
    )
    decision_date = date_field(_("Date of the decision"), validators=[domains.validate_past_date])
    note = forms.CharField(
        label=_("What the decision says (required when the order was changed)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PeriodFilterForm(DateRangeForm):
    """Orders issued from … to (Kyiv days, both included)."""

    date_from_label = _("Issued from")
    date_to_label = _("Issued to")


class OrderFilterForm(PeriodFilterForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any")), *STATUS_LABELS.items()]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("any")), *OrderKind.choices]
    )
    district = forms.ChoiceField(label=_("District"), required=False)

    field_order = ["status", "kind", "district", "date_from", "date_to"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("any"))] + [
            (d.slug, d.display_name) for d in District.objects.all()
        ]


# The year-to-date figures compare with a year earlier: the register's first year has none.
AS_OF_EARLIEST = date(domains.EARLIEST_YEAR + 1, 1, 1)


class AsOfForm(StyledForm):
    """The day the year-to-date figures are counted to, as the statistics page, its JSON and the
    `order_stats` command take it (dd.mm.yyyy, or yyyy-mm-dd). Empty: `default`. Anything else
    that is not a day of the register is an error, never silently today. With `month_ends_only`
    (the roles that see aggregates only, and every published output) it must end a month, so
    that two dates a day apart cannot be subtracted to give one day's orders."""

    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        # dd.mm.yyyy as typed on the page; yyyy-mm-dd as the JSON link and the command take it.
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        # A text input: a native date input shows mm/dd/yyyy in an English-locale browser.
        widget=forms.TextInput(attrs={"placeholder": DATE_PLACEHOLDER, "inputmode": "numeric"}),
        error_messages={"invalid": _("Enter the date as dd.mm.yyyy.")},
    )

    def __init__(self, *args, default: date, month_ends_only: bool, **kwargs) -> None:
        self.default = default
        self.month_ends_only = month_ends_only
        super().__init__(*args, **kwargs)

    def clean_as_of(self) -> date:
        day = self.cleaned_data.get("as_of")
        if day is None:
            return self.default
        if not AS_OF_EARLIEST <= day < domains.LATEST_DATE:
            raise forms.ValidationError(
                _("Enter a date from %(earliest)s to %(latest)s."),
                code="out_of_range",
                params={
                    "earliest": AS_OF_EARLIEST.strftime("%d.%m.%Y"),
                    "latest": (domains.LATEST_DATE - timedelta(days=1)).strftime("%d.%m.%Y"),
                },
            )
        if self.month_ends_only and day != last_month_end(day):
            raise forms.ValidationError(_("Choose the last day of a month."), code="month_end")
        return day


# --- the preventive record and the offender programme ----------------------------------------


def _offender_choices(case) -> list[tuple[int, str]]:
    return [
        (p.person_id, str(p.person))
        for p in case.participants.filter(role=ParticipantRole.OFFENDER).select_related("person")
    ]


class PreventiveRecordForm(StyledForm):
    basis = forms.ChoiceField(label=_("Basis"), choices=PreventiveBasis.choices)
    order = forms.TypedChoiceField(label=_("Order"), coerce=int, required=False, empty_value=None)
    offender = forms.TypedChoiceField(label=_("Offender"), coerce=int)
    taken_on = date_field(_("Taken onto the record on"), initial=timezone.localdate, validators=[])

    def __init__(self, *args, case, orders, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].choices = [("", "—")] + [
            (o.pk, f"{o.get_kind_display()} № {o.number}") for o in orders
        ]
        if orders:  # most often the record follows the case's latest order
            self.fields["order"].initial = orders[0].pk
        self.fields["offender"].choices = _offender_choices(case)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("basis") == PreventiveBasis.ORDER and not cleaned.get("order"):
            self.add_error("order", _("Choose the order the record is based on."))
        return cleaned


class PreventiveRemovalForm(StyledForm):
    removed_on = date_field(
        _("Removed from the record on"),
        initial=timezone.localdate,
        validators=[domains.validate_past_date],
    )
    reason = forms.CharField(label=_("Reason for removal"), max_length=300)


class ProgrammeReferForm(StyledForm):
    referred_by = forms.ChoiceField(label=_("Referred by"), choices=ProgrammeReferrer.choices)
    referred_on = date_field(
        _("Referred on"), initial=timezone.localdate, validators=[domains.validate_past_date]
    )
    provider = forms.CharField(label=_("Provider of the programme"), max_length=200)
    offender = forms.TypedChoiceField(label=_("Offender"), coerce=int)

    def __init__(self, *args, case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offender"].choices = _offender_choices(case)


class ProgrammeUpdateForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=ProgrammeStatus.choices)
    started_on = date_field(
        _("Started on"), required=False, validators=[domains.validate_past_date]
    )
    ended_on = date_field(_("Ended on"), required=False, validators=[domains.validate_past_date])
    # The version of the record the form was opened on: a later change is not overwritten.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
