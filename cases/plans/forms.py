"""Forms of the plans. Every choice of a person or organisation is scoped to the case
(cases.plans.selectors); every form carries the plan's version (a stale one is refused)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cases.plans import suggestions
from cases.plans.content import SafetyContent
from cases.plans.models import ActionStatus
from cases.plans.selectors import plan_organisations, plan_people
from portal import domains
from portal.forms import StyledForm, date_field
from portal.models import Organisation, User

PHONE_CHARACTERS = re.compile(r"^\+?[\d\s()\-]{3,30}$")
MAX_ROWS = 20


class VersionForm(StyledForm):
    """The plan's version the page was opened on (optimistic lock)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)


# --- the safety plan -------------------------------------------------------------------------


def _in_portal_language(text) -> str:
    # The victim's copy is Ukrainian whatever the worker's screen language.
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


class SafetyPlanForm(VersionForm):
    steps = forms.MultipleChoiceField(
        label=_("Safety steps"),
        required=False,
        # Floated by Bootstrap, so that a long step wraps beside its box, not under it.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    own_steps = forms.CharField(
        label=_("Other steps agreed with the victim"),
        required=False,
        help_text=_("One step per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    documents = forms.MultipleChoiceField(
        label=_("Documents and things to take"),
        required=False,
        choices=suggestions.DOCUMENTS,
        widget=forms.CheckboxSelectMultiple,
    )
    documents_other = forms.CharField(
        label=_("Other things to take"), required=False, max_length=500
    )
    discreet_title = forms.BooleanField(
        label=_("Discreet title on the printout: «My important contacts»"),
        required=False,
        help_text=_(
            "The person who hurts her may find the paper: a neutral title does not say what it is."
        ),
    )
    note = forms.CharField(
        label=_("Review note"),
        required=False,
        max_length=500,
        help_text=_("What you went through with the victim; kept in the plan's history."),
    )

    def __init__(self, *args, answers: Mapping[str, object], has_children: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        proposed = {s.code for s in suggestions.proposed_steps(answers, has_children=has_children)}
        choices = []
        for step in suggestions.STEPS:
            label = str(step.text)
            if step.code in proposed and suggestions.triggered_by(step, answers):
                label = gettext("%(step)s (from the risk assessment)") % {"step": label}
            elif step.children and has_children and step.code in proposed:
                label = gettext("%(step)s (children in the case)") % {"step": label}
            choices.append((step.code, label))
        # What the risk assessment calls for first, then the rest to choose from.
        choices.sort(key=lambda choice: choice[0] not in proposed)
        self.fields["steps"].choices = choices


class ContactForm(StyledForm):
    name = forms.CharField(label=_("Contact name"), required=False, max_length=100)
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    relation = forms.CharField(label=_("Who it is"), required=False, max_length=60)

    def clean(self):
        cleaned = super().clean()
        name, phone = cleaned.get("name", "").strip(), cleaned.get("phone", "").strip()
        if (name or phone or cleaned.get("relation")) and not name:
            self.add_error("name", _("Give the contact's name."))
        if name and not phone:
            self.add_error("phone", _("Give the contact's phone number."))
        if phone and not PHONE_CHARACTERS.match(phone):
            self.add_error(
                "phone", _("A phone number has digits, spaces, brackets, dashes and a leading +.")
            )
        return cleaned


class SituationForm(StyledForm):
    situation = forms.CharField(label=_("When"), required=False, max_length=200)
    action = forms.CharField(
        label=_("What I do"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("situation", "").strip()) != bool(cleaned.get("action", "").strip()):
            self.add_error(None, _("Fill in both the situation and what to do."))
        return cleaned


class PlaceForm(StyledForm):
    # A name and a phone number: a shelter's address is confidential and has no field here.
    name = forms.CharField(
        label=_("Where or whom"),
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("phone", "").strip() and not cleaned.get("name", "").strip():
            self.add_error("name", _("Say where or whom the number reaches."))
        return cleaned


def _formset(form, extra: int = 2):
    return forms.formset_factory(
        form, extra=extra, max_num=MAX_ROWS, validate_max=True, absolute_max=MAX_ROWS + 5
    )


ContactFormSet = _formset(ContactForm, extra=3)
SituationFormSet = _formset(SituationForm)
PlaceFormSet = _formset(PlaceForm)


class SafetyPlanForms:
    """The safety plan's form and its three lists of rows, validated and read as one."""

    def __init__(
        self,
        data=None,
        *,
        case: Case,
        answers: Mapping[str, object],
        content: SafetyContent | None,
        version: int,
        owner_place: tuple[str, str] | None = None,
    ) -> None:
        initial = safety_initial(
            content, answers=answers, has_children=case.has_children, owner_place=owner_place
        )
        self.form = SafetyPlanForm(
            data,
            initial={**initial["form"], "version": version},
            answers=answers,
            has_children=case.has_children,
        )
        self.contacts = ContactFormSet(data, prefix="contacts", initial=initial["contacts"])
        self.situations = SituationFormSet(data, prefix="situations", initial=initial["situations"])
        self.places = PlaceFormSet(data, prefix="places", initial=initial["places"])
        self.section_errors: dict[str, list[str]] = {}

    def is_valid(self) -> bool:
        results = [f.is_valid() for f in (self.form, self.contacts, self.situations, self.places)]
        return all(results)

    def add_errors(self, errors: Mapping[str, Iterable[str]]) -> None:
        for section, messages in errors.items():
            if section in ("steps", "documents", "note"):
                self.form.add_error(section if section != "steps" else "own_steps", list(messages))
            else:
                self.section_errors.setdefault(section, []).extend(messages)

    def content(self) -> SafetyContent:
        data = self.form.cleaned_data
        chosen = set(data["steps"])
        steps = [
            {"code": s.code, "text": _in_portal_language(s.text)}
            for s in suggestions.STEPS
            if s.code in chosen
        ]
        steps += [
            {"code": "", "text": line.strip()[:500]}
            for line in data["own_steps"].splitlines()
            if line.strip()
        ][:MAX_ROWS]

        def rows(formset, fields: tuple[str, ...]) -> tuple[dict[str, str], ...]:
            return tuple(
                {name: f.cleaned_data.get(name, "").strip() for name in fields}
                for f in formset.forms
                if f.cleaned_data
                and not f.cleaned_data.get("DELETE")
                and any(f.cleaned_data.get(name, "").strip() for name in fields)
            )

        return SafetyContent(
            steps=tuple(steps),
            contacts=rows(self.contacts, ("name", "phone", "relation")),
            situations=rows(self.situations, ("situation", "action")),
            places=rows(self.places, ("name", "phone")),
            documents=tuple(
                code for code, _label in suggestions.DOCUMENTS if code in data["documents"]
            ),
            documents_other=data["documents_other"].strip(),
            discreet_title=data["discreet_title"],
        )


def safety_initial(
    content: SafetyContent | None,
    *,
    answers: Mapping[str, object],
    has_children: bool,
    owner_place: tuple[str, str] | None = None,
) -> dict:
    """What the form starts with: the saved plan, or for a new one what the risk assessment
    proposes (in the portal's language: it is printed for the victim)."""
    if content is not None:
        known = {s.code for s in suggestions.STEPS}
        return {
            "form": {
                "steps": [s["code"] for s in content.steps if s["code"] in known],
                "own_steps": "\n".join(s["text"] for s in content.steps if s["code"] not in known),
                "documents": list(content.documents),
                "documents_other": content.documents_other,
                "discreet_title": content.discreet_title,
            },
            "contacts": list(content.contacts),
            "situations": list(content.situations),
            "places": list(content.places),
        }
    with translation.override(settings.LANGUAGE_CODE):
        situations = [
            {"situation": str(s.situation), "action": str(s.action)}
            for s in suggestions.proposed_situations(answers, has_children=has_children)
        ]
        places = [{"name": str(p.name), "phone": p.phone} for p in suggestions.PLACES]
    if owner_place is not None:
        places.insert(0, {"name": owner_place[0], "phone": owner_place[1]})
    return {
        "form": {
            "steps": [
                s.code for s in suggestions.proposed_steps(answers, has_children=has_children)
            ],
            "discreet_title": True,
        },
        "contacts": [],
        "situations": situations,
        "places": places,
    }


# --- the case plan ---------------------------------------------------------------------------


class GoalForm(VersionForm):
    text = forms.CharField(
        label=_("Goal"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(
        label=_("Review note"),
        required=False,
        max_length=500,
        help_text=_("Why the plan changes; shown in its history as «reviewed dd.mm.yyyy: …»."),
    )
    remove = forms.BooleanField(label=_("Remove this goal and its actions"), required=False)


class ActionForm(StyledForm):
    # An action of this goal, matched in the service against the goal's own actions.
    id = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )
    text = forms.CharField(label=_("Action"), required=False, max_length=500)
    responsible_organisation = forms.ModelChoiceField(
        label=_("Responsible organisation"), queryset=Organisation.objects.none(), required=False
    )
    responsible_person = forms.ModelChoiceField(
        label=_("Responsible person"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— nobody named —"),
        help_text=_("Gets a task with the due date."),
    )
    due_date = date_field(
        _("Due date"), required=False, validators=[domains.validate_planning_date]
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.PLANNED
    )
    remove = forms.BooleanField(label=_("Remove the action"), required=False)

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_organisation"].queryset = plan_organisations()
        self.fields["responsible_organisation"].initial = case.owner_id
        self.fields["responsible_person"].queryset = plan_people(case)
        self.fields["responsible_person"].label_from_instance = str

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove") or not cleaned.get("text", "").strip():
            return cleaned
        if (
            not cleaned.get("responsible_organisation")
            and "responsible_organisation" not in self.errors
        ):
            self.add_error("responsible_organisation", _("Choose the responsible organisation."))
        if not cleaned.get("due_date") and "due_date" not in self.errors:
            self.add_error("due_date", _("Give the due date."))
        return cleaned


ActionFormSet = forms.formset_factory(
    ActionForm, extra=2, max_num=MAX_ROWS, validate_max=True, absolute_max=MAX_ROWS + 5
)


class DecisionForm(VersionForm):
    note = forms.CharField(label=_("Comment"), required=False, max_length=500)


class ReturnForm(VersionForm):
    reason = forms.CharField(
        label=_("What should change"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActionStatusForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
