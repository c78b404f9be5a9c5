"""Pages of the preventive record and the offender programme: record one on a case, remove the
offender from the record, move a programme on. Thin: forms in, services out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.selectors import case_for_user
from orders import services
from orders.forms import (
    PreventiveRecordForm,
    PreventiveRemovalForm,
    ProgrammeReferForm,
    ProgrammeUpdateForm,
)
from orders.selectors import (
    orders_for_case,
    preventive_may_remove,
    preventive_record_for_user,
    programme_for_user,
)
from orders.views.pages import _apply
from portal.audit import audit_record
from portal.models import AuditAction
from portal.roles import Capability, can


def _case_url(case_id: int) -> str:
    return reverse("cases:detail", args=[case_id]) + "#section-orders"


def _saved(request, form, write, *, success: str) -> bool:
    """Call the service; its refusal is shown on the form (a case the user sees but may not
    change is said in words), success as a message. True when the write went through."""
    try:
        write(form.cleaned_data)
    except ValidationError as error:
        _apply(form, error)
    except PermissionDenied:
        form.add_error(None, _("You may see this case but not change it."))
    else:
        messages.success(request, success)
        return True
    return False


def _may_record_programme(user) -> bool:
    return can(user, Capability.ORDER_ISSUE) or can(user, Capability.CASE_EDIT)


@login_required
def preventive_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    """The police take the case's offender onto their unit's preventive record."""
    case = case_for_user(user=request.user, pk=case_pk)
    if not can(request.user, Capability.ORDER_ISSUE):
        raise PermissionDenied
    orders = orders_for_case(user=request.user, case=case)
    form = PreventiveRecordForm(request.POST or None, case=case, orders=orders)
    if request.method == "POST" and form.is_valid():

        def write(d):
            return services.preventive_record_take(
                actor=request.user,
                case_id=case.pk,
                basis=d["basis"],
                taken_on=d["taken_on"],
                offender_id=d["offender"],
                order_id=d["order"],
            )

        if _saved(request, form, write, success=_("The offender is on the preventive record.")):
            return redirect(_case_url(case.pk))
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case, detail="preventive form")
    return render(
        request,
        "orders/preventive_form.html",
        {"form": form, "case": case},
        status=400 if form.errors else 200,
    )


@login_required
def preventive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A preventive record; its unit removes the offender from it here."""
    record = preventive_record_for_user(user=request.user, pk=pk)
    may_remove = preventive_may_remove(user=request.user, record=record)
    form = PreventiveRemovalForm(request.POST or None)
    if request.method == "POST":
        if not may_remove:
            raise PermissionDenied

        def write(d):
            return services.preventive_record_remove(
                actor=request.user,
                record_id=record.pk,
                removed_on=d["removed_on"],
                reason=d["reason"],
            )

        removed = _("The offender is removed from the preventive record.")
        if form.is_valid() and _saved(request, form, write, success=removed):
            return redirect(_case_url(record.case_id))
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=record)
    return render(
        request,
        "orders/preventive_detail.html",
        {"record": record, "form": form, "may_remove": may_remove},
        status=400 if form.errors else 200,
    )


@login_required
def programme_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Record that a court or the police referred the offender to a programme."""
    case = case_for_user(user=request.user, pk=case_pk)
    if not _may_record_programme(request.user):
        raise PermissionDenied
    form = ProgrammeReferForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():

        def write(d):
            return services.offender_programme_refer(
                actor=request.user,
                case_id=case.pk,
                referred_by=d["referred_by"],
                referred_on=d["referred_on"],
                provider=d["provider"],
                offender_id=d["offender"],
            )

        recorded = _("The referral to an offender programme is recorded.")
        if _saved(request, form, write, success=recorded):
            return redirect(_case_url(case.pk))
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case, detail="programme form")
    return render(
        request,
        "orders/programme_form.html",
        {"form": form, "case": case},
        status=400 if form.errors else 200,
    )


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An offender programme; the police and the case's social service move it on here."""
    programme = programme_for_user(user=request.user, pk=pk)
    initial = {
        "status": programme.status,
        "started_on": programme.started_on,
        "ended_on": programme.ended_on,
        "version": programme.version,
    }
    form = ProgrammeUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not _may_record_programme(request.user):
            raise PermissionDenied

        def write(d):
            return services.offender_programme_update(
                actor=request.user,
                programme_id=programme.pk,
                status=d["status"],
                started_on=d["started_on"],
                ended_on=d["ended_on"],
                version=d["version"],
            )

        updated = _("The offender programme is updated.")
        if form.is_valid() and _saved(request, form, write, success=updated):
            return redirect(_case_url(programme.case_id))
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=programme)
    return render(
        request,
        "orders/programme_detail.html",
        {
            "programme": programme,
            "form": form,
            "may_change": _may_record_programme(request.user),
        },
        status=400 if form.errors else 200,
    )
