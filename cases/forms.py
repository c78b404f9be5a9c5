from __future__ import annotations

import re

from django import forms
from django import forms as dj  # IncidentForm has a field called "forms"
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import risk as risk_rules
from cases.models import (
    CaseStatus,
    Channel,
    IntakeScenario,
    Need,
    Relationship,
    RiskLevel,
    Sex,
    ViolenceForm,
    ViolenceSubtype,
)
from cases.services import normalise_phone
from portal import domains
from portal.models import District

DATE_PLACEHOLDER = "дд.мм.рррр"
DATETIME_PLACEHOLDER = "дд.мм.рррр гг:хх"


# Free text a person types is at most this long (a case summary, a note, a description):
# longer input is refused with a message instead of making a page of half a megabyte.
MAX_TEXT = 10_000
# Unicode "format" characters (zero-width spaces, right-to-left overrides …) are invisible: a
# surname made of them looks empty, and one with an override reads backwards in every list.
INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")


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
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            if self.is_bound and name in self.errors:
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["class"] += " is-invalid"

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


class CaseIntakeForm(StyledForm):
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all())
    channel = forms.ChoiceField(label=_("How the report came in"), choices=Channel.choices)
    intake_scenario = forms.TypedChoiceField(
        label=_("Intake scenario"), choices=IntakeScenario.choices, coerce=int, initial=1
    )
    reported_at = datetime_field(
        _("Reported at"), initial=timezone.now, validators=[domains.validate_past_moment]
    )
    reporter_contact = forms.CharField(
        label=_("Reporter's contact"), required=False, max_length=200
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confidential = forms.BooleanField(label=_("Confidential case"), required=False)
    consent_to_share = forms.BooleanField(
        label=_("The victim consents to sharing data with providers"), required=False
    )
    children_service_notified = forms.BooleanField(
        label=_("Service for children notified"), required=False
    )


class PersonForm(StyledForm):
    last_name = forms.CharField(label=_("Surname"), max_length=100)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = date_field(
        _("Date of birth"), required=False, validators=[domains.validate_birth_date]
    )
    approximate_age = forms.IntegerField(
        label=_("Approximate age"), required=False, min_value=0, max_value=domains.MAX_AGE
    )
    disability = forms.BooleanField(label=_("Disability"), required=False)
    displaced = forms.BooleanField(label=_("Internally displaced person (ВПО)"), required=False)
    veteran = forms.BooleanField(label=_("Veteran"), required=False)
    phone = forms.CharField(
        label=_("Contact phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"placeholder": "+380XXXXXXXXX", "inputmode": "tel"}),
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=255)
    # Resolved through the user's scope in the service (cases.selectors.person_for_linking).
    existing_person = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone", ""))


class OffenderForm(PersonForm):
    relation_to_victim = forms.ChoiceField(
        label=_("Relationship to the victim"),
        choices=[("", "—"), *Relationship.choices],
        required=False,
    )

    field_order = ["last_name", "first_name", "patronymic", "sex", "relation_to_victim"]


class IncidentForm(StyledForm):
    occurred_at = datetime_field(_("Date and time"), validators=[domains.validate_past_moment])
    place = forms.CharField(label=_("Place"), required=False, max_length=255)
    forms = dj.MultipleChoiceField(
        label=_("Forms of violence"),
        choices=ViolenceForm.choices,
        widget=dj.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one form of violence.")},
    )
    subtypes = dj.ModelMultipleChoiceField(
        label=_("Sub-types"),
        required=False,
        queryset=ViolenceSubtype.objects.filter(is_active=True),
        widget=dj.SelectMultiple(attrs={"size": 6}),
    )
    children_present = dj.BooleanField(label=_("Children were present"), required=False)
    injuries = dj.BooleanField(label=_("Injuries"), required=False)
    weapons = dj.BooleanField(label=_("Weapons used or threatened"), required=False)
    police_called = dj.BooleanField(label=_("Police called"), required=False)
    description = dj.CharField(
        label=_("Description"), required=False, widget=dj.Textarea(attrs={"rows": 3})
    )


class NeedsForm(StyledForm):
    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=Need.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    accompanying_children = forms.IntegerField(
        label=_("Accompanying children"),
        min_value=0,
        max_value=domains.MAX_ACCOMPANYING_CHILDREN,
        initial=0,
        required=False,
    )
    special_needs = forms.CharField(label=_("Special needs"), required=False, max_length=500)


class RiskForm(StyledForm):
    """One yes/no/unknown question per questionnaire item (configurable reference data)."""

    ANSWERS = [("", _("not asked")), ("yes", _("yes")), ("no", _("no"))]

    def __init__(self, *args, language: str = "uk", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = risk_rules.load_questionnaire()
        for item in self.questionnaire.items:
            self.fields[item.id] = forms.ChoiceField(
                label=item.text(language),
                choices=self.ANSWERS,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[item.id].red_flag = item.red_flag

    def answers(self) -> dict[str, bool | None]:
        mapping = {"yes": True, "no": False}
        return {k: mapping.get(v) for k, v in self.cleaned_data.items()}


class CaseEditForm(CaseIntakeForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["consent_to_share"]


class StatusForm(StyledForm):
    status = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices)
    reason = forms.CharField(
        label=_("Reason (required for closing)"), required=False, max_length=500
    )


class NoteForm(StyledForm):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class TaskForm(StyledForm):
    title = forms.CharField(label=_("Task"), max_length=255)
    due_date = date_field(_("Due date"), validators=[domains.validate_planning_date])


class AttachmentForm(StyledForm):
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))
    description = forms.CharField(label=_("Description"), required=False, max_length=255)


class CaseFilterForm(StyledForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("number, surname or phone")}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any")), *CaseStatus.choices]
    )
    district = forms.ChoiceField(label=_("District"), required=False)
    risk_level = forms.ChoiceField(
        label=_("Risk"), required=False, choices=[("", _("any")), *RiskLevel.choices]
    )
    form = forms.ChoiceField(
        label=_("Form of violence"), required=False, choices=[("", _("any")), *ViolenceForm.choices]
    )
    date_from = date_field(_("From"), required=False, validators=[domains.validate_end_date])
    date_to = date_field(_("To"), required=False, validators=[domains.validate_end_date])
    has_children = forms.ChoiceField(
        label=_("Children"),
        required=False,
        choices=[("", _("any")), ("1", _("involved")), ("0", _("not involved"))],
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("reported", _("newest first")),
            ("reported_asc", _("oldest first")),
            ("risk", _("risk, high first")),
            ("number", _("number")),
            ("status", _("status")),
        ],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("any"))] + [
            (d.slug, d.name) for d in District.objects.all()
        ]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("date_from")
            and cleaned.get("date_to")
            and cleaned["date_from"] > cleaned["date_to"]
        ):
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned
