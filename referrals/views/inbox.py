"""The provider's side: the inbox for triage, a referral's page with its answer, accepting with
the places a stay takes, and the places board with the staff's own correction."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors import cases_visible_to
from portal.audit import audit_read, audit_record
from portal.models import AuditAction
from portal.notifications import notification_mark_seen
from portal.roles import Capability, can
from referrals import services
from referrals.forms import AcceptForm, CapacityForm
from referrals.inbox import inbox_for_provider
from referrals.letter import referral_letter_pdf
from referrals.plan_view import referral_reasons
from referrals.selectors import (
    acceptance_places,
    own_capacity,
    places_held,
    providers_of,
    referral_actions,
    referral_chain,
    referral_for_user,
    referral_shared_view,
    shelter_capacity_board,
)


def provider_inbox(request: HttpRequest) -> HttpResponse:
    """New referrals apart from those in work (and, asked for, the closed ones)."""
    show_all = request.GET.get("all") == "1"
    inbox = inbox_for_provider(
        request.user,
        with_closed=show_all,
        new_page=request.GET.get("new", 1),
        in_work_page=request.GET.get("work", 1),
    )
    audit_read(
        actor=request.user,
        object_type="referrals.referral",
        ids=[row.referral.pk for row in (*inbox.new, *inbox.in_work, *inbox.closed)],
        what="inbox",
    )
    board = shelter_capacity_board(request.user)
    return render(
        request,
        "referrals/inbox.html",
        {
            "inbox": inbox,
            "show_all": show_all,
            # Each list's pager keeps the other list's page and the closed toggle.
            "new_query": urlencode({"all": int(show_all), "work": _number(inbox.in_work_page)}),
            "work_query": urlencode({"all": int(show_all), "new": _number(inbox.new_page)}),
            "own_row": next((row for row in board if row.own), None),
        },
    )


def _number(page) -> int:
    return page.number if page is not None else 1


def _detail(request: HttpRequest, referral, *, accept_form=None, status: int = 200):
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=referral)
    actions = referral_actions(user=request.user, referral=referral)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "shared": referral_shared_view(user=request.user, referral=referral),
            "actions": actions,
            "places": acceptance_places(user=request.user, referral=referral),
            "accept_form": accept_form or AcceptForm(),
            "can_see_case": not actions.is_provider
            and cases_visible_to(request.user).filter(pk=referral.case_id).exists(),
            "providers": providers_of(referral.service),
            "chain": referral_chain(referral),
            "reasons": referral_reasons(referral),
        },
        status=status,
    )


@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_for_user(user=request.user, pk=pk)
    # Opening the referral is seeing the notices that point to it.
    notification_mark_seen(user=request.user, url=referral.get_absolute_url())
    return _detail(request, referral)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_for_user(user=request.user, pk=pk)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            services.referral_accept(
                actor=request.user, referral_id=referral.pk, places=form.cleaned_data["places"]
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Referral accepted."))
            return redirect("referrals:detail", pk=referral.pk)
    return _detail(request, referral, accept_form=form, status=400)


@login_required
def capacity(request: HttpRequest) -> HttpResponse:
    """The places board; a provider's staff correct their own organisation's places here."""
    board = shelter_capacity_board(request.user)
    if not board and not can(request.user, Capability.REFERRAL_COORDINATE):
        raise Http404
    own = own_capacity(request.user)
    form = CapacityForm.for_profile(own) if own else None
    status = 200
    if request.method == "POST":
        if own is None:
            raise Http404
        form = CapacityForm(request.POST)
        if form.is_valid():
            try:
                services.provider_capacity_correct(
                    actor=request.user,
                    provider_id=form.cleaned_data["provider"],
                    total=form.cleaned_data["capacity_total"],
                    occupied=form.cleaned_data["occupied"],
                    reason=form.cleaned_data["reason"],
                    version=form.cleaned_data["version"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                if error_is_stale(error):
                    form = _current_count(own, typed=form)
                _add_errors(form, error)
            else:
                messages.success(request, _("Places corrected."))
                return redirect("referrals:capacity")
        status = 400
    return render(
        request,
        "referrals/capacity.html",
        {
            "capacity": board,
            "own_row": next((row for row in board if row.own), None),
            "held": places_held(own) if own else 0,
            "form": form,
        },
        status=status,
    )


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal shown at the form's fields (or above them when it names none)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def error_is_stale(error: ValidationError) -> bool:
    return not hasattr(error, "error_dict") and any(e.code == "stale" for e in error.error_list)


def _current_count(own, *, typed: CapacityForm) -> CapacityForm:
    """The form again with the count as it is now (and the reason the staff typed), for a
    correction typed on a count that changed meanwhile."""
    own.refresh_from_db()
    form = CapacityForm(
        {
            "capacity_total": own.capacity_total,
            "occupied": own.occupied,
            "reason": typed.cleaned_data.get("reason", ""),
            "provider": own.organisation_id,
            "version": own.capacity_version,
        }
    )
    form.is_valid()
    return form


@login_required
def referral_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The referral as a letter (PDF) for whoever sees the referral; the read is audited."""
    referral = referral_for_user(user=request.user, pk=pk)
    pdf = referral_letter_pdf(user=request.user, referral=referral)
    audit_record(
        actor=request.user,
        action=AuditAction.DOWNLOAD,
        obj=referral,
        detail=f"{referral.case.number} letter",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{referral.case.number}-направлення-{referral.pk}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
