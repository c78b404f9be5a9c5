"""Endpoints of a case's lead: closure asked for, approved or returned, reopening, reassigning,
and the transfer of the lead with its own page. A user who cannot see the case (or the
transfer) gets 404; one who sees it but may not do this gets 403."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.lifecycle import services, transfers
from cases.lifecycle.forms import (
    ClosureAnswerForm,
    ClosureRequestForm,
    ReassignForm,
    ReopenForm,
    TransferAcceptForm,
    TransferDeclineForm,
    TransferRequestForm,
)
from cases.lifecycle.selectors import (
    closure_request_for_case,
    lifecycle_context,
    transfer_for_user,
    transfer_may_answer,
    transfer_may_withdraw,
)
from cases.selectors import case_for_user, case_is_editable, cases_visible_to
from cases.views.detail import render_case_page
from cases.views.edit import _apply_errors, post_or_back_to_case
from portal.audit import audit_record
from portal.models import AuditAction

# Which flag of the lead card shows each form (lifecycle_context).
SHOWN_BY = {
    "closure": "may_request_closure",
    "reopen": "may_reopen",
    "reassign": "may_reassign",
    "transfer": "may_transfer",
}


def _on_case(request, case, *, form, key, action, success) -> HttpResponse:
    """Validate, call the service, and go back to the case; a refusal shows the case page
    with the form and its messages (status 400)."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(f"{case.get_absolute_url()}#overview")
    case.refresh_from_db()
    lead = lifecycle_context(
        user=request.user, case=case, editable=case_is_editable(user=request.user, case=case)
    )
    if key in SHOWN_BY and not lead[SHOWN_BY[key]]:
        # The card no longer offers this form (another tab asked for closure or a transfer
        # meanwhile): the refusal is said above the page instead.
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return render_case_page(request, case, forms={key: form, "_tab": "overview"}, status=400)


@login_required
@post_or_back_to_case
def closure_request(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_user(user=request.user, pk=pk)
    return _on_case(
        request,
        case,
        form=ClosureRequestForm(request.POST, prefix="closure"),
        key="closure",
        action=lambda d: services.closure_request(
            actor=request.user, case_id=case.pk, reason=d["reason"], reason_text=d["reason_text"]
        ),
        success=_("Closure requested: the head of the organisation will answer."),
    )


def _closure_answer(request, pk, request_pk, *, approve: bool) -> HttpResponse:
    case = case_for_user(user=request.user, pk=pk)
    closure = closure_request_for_case(case=case, pk=request_pk)
    if approve:

        def action(d):
            return services.closure_approve(
                actor=request.user, request_id=closure.pk, comment=d["comment"]
            )

        success = _("The case is closed.")
    else:

        def action(d):
            return services.closure_return(
                actor=request.user, request_id=closure.pk, comment=d["comment"]
            )

        success = _("The closure request was returned to the worker.")
    return _on_case(
        request,
        case,
        form=ClosureAnswerForm(request.POST, prefix="answer"),
        key="answer",
        action=action,
        success=success,
    )


@login_required
@post_or_back_to_case
def closure_approve(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    return _closure_answer(request, pk, request_pk, approve=True)


@login_required
@post_or_back_to_case
def closure_return(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    return _closure_answer(request, pk, request_pk, approve=False)


@login_required
@post_or_back_to_case
def case_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_user(user=request.user, pk=pk)
    return _on_case(
        request,
        case,
        form=ReopenForm(request.POST, prefix="reopen"),
        key="reopen",
        action=lambda d: services.case_reopen(
            actor=request.user, case_id=case.pk, reason=d["reason"]
        ),
        success=_("The case is reopened."),
    )


@login_required
@post_or_back_to_case
def case_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_user(user=request.user, pk=pk)
    return _on_case(
        request,
        case,
        form=ReassignForm(request.POST, prefix="reassign", case=case),
        key="reassign",
        action=lambda d: services.case_reassign(
            actor=request.user, case_id=case.pk, worker_id=d["worker"].pk
        ),
        success=_("The case has a new responsible worker."),
    )


@login_required
@post_or_back_to_case
def transfer_request(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_user(user=request.user, pk=pk)
    return _on_case(
        request,
        case,
        form=TransferRequestForm(request.POST, prefix="transfer", case=case),
        key="transfer",
        action=lambda d: transfers.transfer_request(
            actor=request.user,
            case_id=case.pk,
            to_organisation_id=d["to_organisation"].pk,
            reason=d["reason"],
            keep_read=d["keep_read"],
        ),
        success=_("Transfer requested: the receiving organisation's head will answer."),
    )


# --- the transfer's own page -----------------------------------------------------------------


def post_or_back_to_transfer(view):
    """As post_or_back_to_case: opening a POST address leads back to the transfer page."""

    @wraps(view)
    def wrapped(request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return redirect(transfer_for_user(user=request.user, pk=pk))
        return view(request, pk)

    return wrapped


def _transfer_page(request, transfer, *, forms=None, status=200) -> HttpResponse:
    # The page names the case, its district and risk, and the sender's reason: a read.
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=transfer)
    forms = forms or {}
    may_answer = transfer_may_answer(user=request.user, transfer=transfer)
    return render(
        request,
        "cases/transfer_detail.html",
        {
            "transfer": transfer,
            "case": transfer.case,
            "may_answer": may_answer,
            "may_withdraw": transfer_may_withdraw(user=request.user, transfer=transfer),
            "case_visible": cases_visible_to(request.user).filter(pk=transfer.case_id).exists(),
            "accept_form": forms.get("accept")
            or (TransferAcceptForm(prefix="accept", transfer=transfer) if may_answer else None),
            "decline_form": forms.get("decline") or TransferDeclineForm(prefix="decline"),
        },
        status=status,
    )


@login_required
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _transfer_page(request, transfer_for_user(user=request.user, pk=pk))


def _on_transfer(request, pk, *, form, key, action, success) -> HttpResponse:
    transfer = transfer_for_user(user=request.user, pk=pk)
    if form is None or form.is_valid():
        try:
            action(transfer, form.cleaned_data if form is not None else {})
        except ValidationError as error:
            if form is None:
                for message in error.messages:
                    messages.error(request, message)
                return redirect(transfer)
            _apply_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(transfer)
    transfer.refresh_from_db()
    return _transfer_page(request, transfer, forms={key: form}, status=400)


@login_required
@post_or_back_to_transfer
def transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = transfer_for_user(user=request.user, pk=pk)
    return _on_transfer(
        request,
        pk,
        form=TransferAcceptForm(request.POST, prefix="accept", transfer=transfer),
        key="accept",
        action=lambda t, d: transfers.transfer_accept(
            actor=request.user,
            transfer_id=t.pk,
            responsible_id=d["responsible"].pk,
            keep_read=d.get("keep_read", False),
        ),
        success=_("Your organisation now leads the case."),
    )


@login_required
@post_or_back_to_transfer
def transfer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_transfer(
        request,
        pk,
        form=TransferDeclineForm(request.POST, prefix="decline"),
        key="decline",
        action=lambda t, d: transfers.transfer_decline(
            actor=request.user, transfer_id=t.pk, reason=d["decline_reason"]
        ),
        success=_("The transfer was declined; the sender is told why."),
    )


@login_required
@post_or_back_to_transfer
def transfer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_transfer(
        request,
        pk,
        form=None,
        key="withdraw",
        action=lambda t, d: transfers.transfer_withdraw(actor=request.user, transfer_id=t.pk),
        success=_("The transfer request was withdrawn."),
    )
