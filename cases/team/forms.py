"""Input for the team's pages. People are offered from the team's own candidates and members
(cases.team.services.member_candidates, the team's members): an id from anywhere else is not
one of the choices and is refused by the form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.team.models import ConferenceForm as ConferenceKind
from cases.team.models import TeamRole
from cases.team.services import DecisionInput, member_candidates
from portal import domains
from portal.forms import StyledForm, date_field
from portal.models import User

DECISION_ROWS = 4


class ConveneForm(StyledForm):
    purpose = forms.CharField(
        label=_("Why the team is convened"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ends_on = date_field(_("Works until"), validators=[domains.validate_planning_date])


class ExtendForm(StyledForm):
    ends_on = date_field(_("Works until"), validators=[domains.validate_planning_date])


class CloseForm(StyledForm):
    reason = forms.CharField(label=_("Why the team closes"), max_length=1000)


class MemberForm(StyledForm):
    membership = forms.ModelChoiceField(label=_("Person"), queryset=None)
    role = forms.ChoiceField(label=_("Role in the team"), choices=TeamRole.choices)

    def __init__(self, *args, team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        field.queryset = member_candidates(team)
        field.label_from_instance = lambda m: (
            f"{m.user.get_full_name() or m.user} — {m.organisation}"
        )


class _MemberUserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class ConferenceRecordForm(StyledForm):
    held_on = date_field(_("Held on"), validators=[domains.validate_planning_date])
    form = forms.ChoiceField(label=_("Form"), choices=ConferenceKind.choices)
    present = forms.ModelMultipleChoiceField(
        label=_("Present"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    situation = forms.CharField(
        label=_("The situation"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 5})
    )
    case_manager = _MemberUserChoice(label=_("Case manager"), queryset=None)
    next_review = date_field(
        _("Next review"), required=False, validators=[domains.validate_planning_date]
    )

    def __init__(self, *args, team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        members = team.members.filter(left_at__isnull=True).select_related("user", "organisation")
        self.fields["present"].queryset = members
        self.fields["present"].label_from_instance = lambda m: (
            f"{m.user.get_full_name() or m.user} — {m.organisation}"
        )
        people = User.objects.filter(pk__in=members.values("user_id")).order_by("last_name")
        self.fields["case_manager"].queryset = people
        for row in range(1, DECISION_ROWS + 1):
            self.fields[f"decision_{row}_text"] = forms.CharField(
                label=_("Decision %(number)s") % {"number": row},
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )
            owner = _MemberUserChoice(label=_("Owner"), queryset=people, required=False)
            owner.widget.attrs["class"] = "form-select"
            self.fields[f"decision_{row}_owner"] = owner
            due = date_field(
                _("Due date"), required=False, validators=[domains.validate_planning_date]
            )
            due.widget.attrs["class"] = "form-control"
            self.fields[f"decision_{row}_due"] = due

    def decision_rows(self):
        return [
            (
                self[f"decision_{row}_text"],
                self[f"decision_{row}_owner"],
                self[f"decision_{row}_due"],
            )
            for row in range(1, DECISION_ROWS + 1)
        ]

    def clean(self):
        data = super().clean()
        for row in range(1, DECISION_ROWS + 1):
            text = (data.get(f"decision_{row}_text") or "").strip()
            owner, due = data.get(f"decision_{row}_owner"), data.get(f"decision_{row}_due")
            if text and owner is None and f"decision_{row}_owner" not in self.errors:
                self.add_error(f"decision_{row}_owner", _("Name who carries the decision out."))
            if text and due is None and f"decision_{row}_due" not in self.errors:
                self.add_error(f"decision_{row}_due", _("Set the due date of the decision."))
        return data

    def decisions(self) -> list[DecisionInput]:
        data = self.cleaned_data
        return [
            DecisionInput(
                text=data[f"decision_{row}_text"],
                owner_id=data[f"decision_{row}_owner"].pk,
                due_date=data[f"decision_{row}_due"],
            )
            for row in range(1, DECISION_ROWS + 1)
            if (data.get(f"decision_{row}_text") or "").strip()
        ]
