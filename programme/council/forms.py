"""Input for the council's pages. Organisations are public reference data; council members are
offered only as the council stood on the meeting's date."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import domains
from portal.forms import DATE_PLACEHOLDER, StyledForm
from portal.models import Organisation
from programme.council.models import AttendanceReply, CouncilRole, MeetingForm


def _organisations():
    return Organisation.objects.filter(is_active=True).order_by("name")


class DateField(forms.DateField):
    """A date within the register's bounds (2000–2099), typed as dd.mm.yyyy in every browser
    (a native date input shows mm/dd/yyyy in an English Chromium)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                attrs={"placeholder": DATE_PLACEHOLDER, "inputmode": "numeric"}, format="%d.%m.%Y"
            ),
        )
        super().__init__(input_formats=["%d.%m.%Y", "%Y-%m-%d"], **kwargs)

    def validate(self, value) -> None:
        super().validate(value)
        if value is not None and not domains.EARLIEST_DATE <= value < domains.LATEST_DATE:
            raise forms.ValidationError(_("Enter a date from 01.01.2000 to 31.12.2099."))


class CouncilMemberForm(StyledForm):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=300)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=_organisations(), required=False
    )
    role = forms.ChoiceField(label=_("Role in the council"), choices=CouncilRole.choices)
    date_from = DateField(label=_("Member from"))
    date_to = DateField(label=_("Member until"), required=False)
    username = forms.CharField(
        label=_("Portal login (if the member has one)"),
        max_length=150,
        required=False,
        help_text=_("The agenda is sent to this account, and the member confirms attendance."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()


class MeetingCreateForm(StyledForm):
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=100_000)
    date = DateField(label=_("Date"))
    form = forms.ChoiceField(label=_("Form"), choices=MeetingForm.choices)
    place = forms.CharField(label=_("Place"), max_length=255, required=False)


def _procedure_drafts():
    """The versions of the interaction procedure not yet approved (public documents)."""
    from referrals.models import InteractionProcedure, ProcedureStatus

    return InteractionProcedure.objects.filter(
        status__in=[ProcedureStatus.DRAFT, ProcedureStatus.PRESENTED]
    ).order_by("-created_at")


class AgendaItemForm(StyledForm):
    title = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    presenter = forms.CharField(
        label=_("Presenter (name and position)"), max_length=300, required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=_organisations(), required=False
    )
    notes = forms.CharField(
        label=_("Heard: summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    procedure = forms.ModelChoiceField(
        label=_("Presents a draft of the interaction procedure"),
        queryset=_procedure_drafts(),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()
        self.fields["procedure"].queryset = _procedure_drafts()


class ItemRecordForm(StyledForm):
    notes = forms.CharField(
        label=_("Heard: summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    speakers = forms.CharField(
        label=_("Spoke"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    # The record as the page showed it (council.rules.record_state): not a reference.
    opened_state = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class AttendanceForm(StyledForm):
    present = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    # Who the page showed as present (council.rules.attendance_state): not a reference.
    opened_state = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = members


class DecisionForm(StyledForm):
    text = forms.CharField(label=_("Decided"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignmentForm(StyledForm):
    assignee = forms.ModelChoiceField(label=_("Assignee organisation"), queryset=_organisations())
    responsible = forms.CharField(label=_("Responsible person"), max_length=300, required=False)
    text = forms.CharField(label=_("Assignment"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = DateField(label=_("Deadline"), required=False)
    term = forms.CharField(
        label=_("Or a periodic term"),
        max_length=200,
        required=False,
        help_text=_("For example: quarterly, by the 10th of the following month"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _organisations()

    def clean(self):
        data = super().clean()
        if not data.get("deadline") and not (data.get("term") or "").strip():
            raise forms.ValidationError(_("Give a deadline or a periodic term."))
        return data


class ReportForm(StyledForm):
    text = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000
    )


class ReturnForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ExtendForm(StyledForm):
    deadline = DateField(label=_("New deadline"))
    reason = forms.CharField(
        label=_("Reason for extending"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ConfirmForm(forms.Form):
    reply = forms.ChoiceField(choices=AttendanceReply.choices)


class MaterialRunForm(StyledForm):
    run = forms.ModelChoiceField(label=_("Finished programme report"), queryset=None)

    def __init__(self, *args, **kwargs) -> None:
        from programme.council.materials import finished_runs

        super().__init__(*args, **kwargs)
        self.fields["run"].queryset = finished_runs()


class MaterialStatisticsForm(StyledForm):
    kind = forms.ChoiceField(label=_("Period"), choices=())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2099)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[("", "—"), (1, "I"), (2, "II"), (3, "III"), (4, "IV")],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        from programme.council.materials import STATISTICS_KINDS

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(STATISTICS_KINDS.items())
