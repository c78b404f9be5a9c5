"""Forms of a case's lead. Every choice of a person or an organisation is scoped to the acting
user's case (the services check it again: a form is never the only guard)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.lifecycle import rules
from cases.lifecycle.selectors import assignable_workers, lead_targets
from cases.models import Case, CaseTransfer, ClosureReason
from portal.forms import StyledForm


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class ClosureRequestForm(StyledForm):
    reason = forms.ChoiceField(
        label=_("Reason for closing"), choices=[("", "—"), *ClosureReason.choices]
    )
    reason_text = forms.CharField(
        label=_("In words (required for “other reason”)"),
        required=False,
        max_length=rules.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("reason") == ClosureReason.OTHER
            and not (data.get("reason_text") or "").strip()
        ):
            self.add_error("reason_text", _("Say in words why the case closes."))
        return data


class ClosureAnswerForm(StyledForm):
    comment = forms.CharField(
        label=_("Comment (required when returning)"),
        required=False,
        max_length=rules.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenForm(StyledForm):
    reason = forms.CharField(
        label=_("Why the case is reopened"),
        max_length=rules.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReassignForm(StyledForm):
    worker = WorkerChoiceField(label=_("New responsible worker"), queryset=None)

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = assignable_workers(organisation_id=case.owner_id).exclude(
            pk=case.responsible_id or 0
        )


class TransferRequestForm(StyledForm):
    to_organisation = forms.ModelChoiceField(
        label=_("Organisation that takes the lead"), queryset=None
    )
    reason = forms.CharField(
        label=_("Why the lead moves"),
        max_length=rules.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    keep_read = forms.BooleanField(
        label=_("Ask to keep reading the case after the transfer"), required=False
    )

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = lead_targets(owner_id=case.owner_id)


class TransferAcceptForm(StyledForm):
    responsible = WorkerChoiceField(label=_("Responsible worker"), queryset=None)
    keep_read = forms.BooleanField(
        label=_("Let the sending organisation keep reading the case"), required=False
    )

    def __init__(self, *args, transfer: CaseTransfer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = assignable_workers(
            organisation_id=transfer.to_organisation_id
        )
        if not transfer.keep_read_requested:
            del self.fields["keep_read"]


class TransferDeclineForm(StyledForm):
    decline_reason = forms.CharField(
        label=_("Why you decline"),
        max_length=rules.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
