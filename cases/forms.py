from __future__ import annotations

from django import forms
from django import forms as dj  # IncidentForm has a field called "forms"
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import risk as risk_rules
from cases import search
from cases.models import (
    CaseStatus,
    Channel,
    IntakeScenario,
    Need,
    ParticipantRole,
    Relationship,
    RiskLevel,
    Sex,
    ViolenceForm,
    ViolenceSubtype,
)
from cases.services import PersonData, normalise_phone
from portal import domains
from portal.forms import (
    DateRangeForm,
    StyledForm,
    date_field,
    datetime_field,
)
from portal.models import District


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

    def person_data(self) -> PersonData:
        """The cleaned person as the services take it (intake, a person added later)."""
        data = self.cleaned_data
        return PersonData(
            last_name=data["last_name"],
            first_name=data["first_name"],
            patronymic=data.get("patronymic", ""),
            sex=data["sex"],
            birth_date=data.get("birth_date"),
            approximate_age=data.get("approximate_age"),
            disability=data.get("disability", False),
            displaced=data.get("displaced", False),
            veteran=data.get("veteran", False),
            phone=data.get("phone", ""),
            address=data.get("address", ""),
            existing_person_id=data.get("existing_person"),
            relation_to_victim=data.get("relation_to_victim", ""),
        )


class PersonEditForm(PersonForm):
    """A person's details corrected after intake; `seen` is the version the form was opened on."""

    seen = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )
    existing_person = None  # the person is the one being edited, never another


class ParticipantAddForm(PersonForm):
    """A person who comes to light after intake: a child of the household, a second offender."""

    role = forms.ChoiceField(label=_("Role in the case"), choices=ParticipantRole.choices)
    relation_to_victim = forms.ChoiceField(
        label=_("Relationship to the victim"),
        choices=[("", "—"), *Relationship.choices],
        required=False,
    )

    field_order = ["role", "relation_to_victim", "last_name", "first_name", "patronymic", "sex"]


class OffenderForm(PersonForm):
    # A caller often does not know, or will not say, who did it: the case is recorded without an
    # offender instead of with an invented "Невідомий Невідомий" that search and risk would count.
    unknown = forms.BooleanField(label=_("The offender is unknown"), required=False)
    relation_to_victim = forms.ChoiceField(
        label=_("Relationship to the victim"),
        choices=[("", "—"), *Relationship.choices],
        required=False,
    )

    field_order = ["unknown", "last_name", "first_name", "patronymic", "sex", "relation_to_victim"]

    def full_clean(self) -> None:
        # Decide what is required before the fields are cleaned.
        if self.is_bound and self.fields["unknown"].widget.value_from_datadict(
            self.data, self.files, self.add_prefix("unknown")
        ):
            for name in ("last_name", "first_name", "sex"):
                self.fields[name].required = False
        super().full_clean()

    @property
    def is_unknown(self) -> bool:
        return bool(self.cleaned_data.get("unknown"))


# What a child is to the victim, in the words of DOMAIN.md §1 (Relationship).
CHILD_RELATIONS = [
    (Relationship.CHILD.value, _("the victim's child")),
    (Relationship.STEP.value, _("stepchild")),
    (Relationship.GRANDPARENT.value, _("grandchild")),
    (Relationship.SIBLING.value, _("brother or sister")),
    (Relationship.FOSTER.value, _("foster child or ward")),
    (Relationship.OTHER_RELATIVE.value, _("other relative")),
    (Relationship.HOUSEHOLD.value, _("other child of the household")),
]


class ChildForm(StyledForm):
    """A child in the case as a person: a row that is left empty records no one."""

    first_name = forms.CharField(label=_("Child's first name"), max_length=100)
    last_name = forms.CharField(
        label=_("Surname"),
        max_length=100,
        required=False,
        help_text=_("Empty: the victim's surname."),
    )
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=17)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices])
    relation_to_victim = forms.ChoiceField(
        label=_("Who the child is to the victim"), choices=CHILD_RELATIONS
    )
    witnessed = forms.BooleanField(label=_("Witnessed the violence"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("empty_permitted", True)
        kwargs.setdefault("use_required_attribute", False)
        kwargs.setdefault("initial", {"relation_to_victim": Relationship.CHILD.value})
        super().__init__(*args, **kwargs)

    def has_changed(self) -> bool:
        # A row is someone once a name or an age is typed; the preset relation is not enough.
        return any(
            str(self[name].data or "").strip() for name in ("first_name", "last_name", "age")
        )


class SubtypeField(dj.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ViolenceSubtype) -> str:
        # Reference data keeps both names; the reader's language picks one.
        return obj.display_name


class IncidentForm(StyledForm):
    occurred_at = datetime_field(_("Date and time"), validators=[domains.validate_past_moment])
    place = forms.CharField(label=_("Place"), required=False, max_length=255)
    forms = dj.MultipleChoiceField(
        label=_("Forms of violence"),
        choices=ViolenceForm.choices,
        widget=dj.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one form of violence.")},
    )
    subtypes = SubtypeField(
        label=_("Sub-types"),
        required=False,
        queryset=ViolenceSubtype.objects.filter(is_active=True),
        widget=dj.CheckboxSelectMultiple,
    )
    children_present = dj.BooleanField(label=_("Children were present"), required=False)
    injuries = dj.BooleanField(label=_("Injuries"), required=False)
    weapons = dj.BooleanField(label=_("Weapons used or threatened"), required=False)
    police_called = dj.BooleanField(label=_("Police called"), required=False)
    description = dj.CharField(
        label=_("Description"), required=False, widget=dj.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        # A sub-type ticked under a form that was then unticked is not part of the incident.
        chosen = set(cleaned.get("forms") or [])
        if cleaned.get("subtypes") is not None:
            cleaned["subtypes"] = [s for s in cleaned["subtypes"] if s.form in chosen]
        return cleaned

    def forms_with_subtypes(self) -> list[dict]:
        """Each form of violence's checkbox with the sub-types' checkboxes that belong under it."""
        subtypes = list(self["subtypes"])
        groups = []
        for choice in self["forms"]:
            groups.append(
                {
                    "form": choice,
                    "subtypes": [
                        s for s in subtypes if s.data["value"].instance.form == choice.data["value"]
                    ],
                }
            )
        return groups


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


class AnswerRadios(forms.RadioSelect):
    """Yes / no / unknown with nothing ticked until the worker answers, so that a question not
    yet asked stays visibly open (an explicit "unknown" is the empty value)."""

    def format_value(self, value):
        return [] if value is None else super().format_value(value)


class RiskForm(StyledForm):
    """One yes/no/unknown question per questionnaire item (configurable reference data)."""

    ANSWERS = [("", _("unknown")), ("yes", _("yes")), ("no", _("no"))]

    def __init__(self, *args, language: str = "uk", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = risk_rules.load_questionnaire()
        for item in self.questionnaire.items:
            self.fields[item.id] = forms.ChoiceField(
                label=item.text(language),
                choices=self.ANSWERS,
                required=False,
                widget=AnswerRadios,
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
    # Closing is not a status change here: it needs the head's approval (cases.lifecycle).
    status = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices)


class NoteForm(StyledForm):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class TaskForm(StyledForm):
    title = forms.CharField(label=_("Task"), max_length=255)
    due_date = date_field(_("Due date"), validators=[domains.validate_planning_date])


class AttachmentForm(StyledForm):
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))
    description = forms.CharField(label=_("Description"), required=False, max_length=255)


class CaseFilterForm(DateRangeForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
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
            ("best", _("best match first")),
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
            (d.slug, d.display_name) for d in District.objects.all()
        ]

    def clean_q(self) -> str:
        term = self.cleaned_data["q"]
        if term and not search.searchable(term):
            raise forms.ValidationError(
                _("Type at least three letters of a name, or digits of a case number or phone.")
            )
        return term
