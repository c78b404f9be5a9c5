"""The Kyiv interaction procedure as a document, for the coordinators who keep the routing
policy (referrals.services.procedure): its versions and their steps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.roles import Capability, can
from referrals import services
from referrals.procedure_forms import ProcedureNewForm, ProcedureStepForm
from referrals.procedure_selectors import procedure_for_user, procedures_for

STEPS = {
    "present": (services.procedure_mark_presented, _("Marked as presented to the council.")),
    "approve": (services.procedure_approve, _("The version is approved.")),
    "in-force": (services.procedure_put_in_force, _("The version is in force.")),
}


def _page(request, *, new_form=None, failed=None, status=200) -> HttpResponse:
    return render(
        request,
        "referrals/procedure.html",
        {
            "procedures": procedures_for(request.user),
            "new_form": new_form or ProcedureNewForm(),
            "failed": failed,  # (procedure id, step, bound form) of a refused step
        },
        status=status,
    )


def _errors_to(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def procedure(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.POLICY_EDIT):
        raise Http404
    if request.method != "POST":
        return _page(request)
    form = ProcedureNewForm(request.POST)
    if form.is_valid():
        try:
            services.procedure_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("The draft version is added."))
            return redirect("referrals:procedure")
    return _page(request, new_form=form, status=400)


@login_required
@require_POST
def procedure_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    record = procedure_for_user(user=request.user, pk=pk)
    if step not in STEPS:
        raise Http404
    service, done = STEPS[step]
    form = ProcedureStepForm(request.POST)
    if step == "approve":
        form.fields["order"].required = True
    if form.is_valid():
        data = form.cleaned_data
        extra = {"order": data["order"]} if step == "approve" else {}
        try:
            service(
                actor=request.user,
                procedure_id=record.pk,
                on=data["on"],
                version=data["version"],
                **extra,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            _errors_to(form, error)
        else:
            messages.success(request, done)
            return redirect("referrals:procedure")
    return _page(request, failed=(record.pk, step, form), status=400)
