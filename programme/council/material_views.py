"""Pages of an agenda item's generated materials: attach (the secretariat) and read (whoever
may see the meeting). A material shows only its frozen, published figures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.audit import audit_record
from portal.models import AuditAction
from portal.roles import Capability, can, get_object_for_user
from programme.council import forms, materials, selectors
from programme.council.views import _attempt, _need


def _after(request: HttpRequest, pk: int, form, action) -> HttpResponse:
    _need(request.user, Capability.COUNCIL_MANAGE)
    get_object_for_user(selectors.items_visible_to(request.user), pk)
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    else:
        data = form.cleaned_data if form is not None else {}
        _attempt(request, lambda: action(data), _("The material is attached and frozen."))
    return redirect("programme:council:item", pk=pk)


@login_required
@require_POST
def material_add_run(request: HttpRequest, pk: int) -> HttpResponse:
    return _after(
        request,
        pk,
        forms.MaterialRunForm(request.POST),
        lambda d: materials.material_attach_run(actor=request.user, item_id=pk, run_id=d["run"].pk),
    )


@login_required
@require_POST
def material_add_statistics(request: HttpRequest, pk: int) -> HttpResponse:
    return _after(
        request,
        pk,
        forms.MaterialStatisticsForm(request.POST),
        lambda d: materials.material_attach_statistics(actor=request.user, item_id=pk, **d),
    )


@login_required
@require_POST
def material_add_orders(request: HttpRequest, pk: int) -> HttpResponse:
    return _after(
        request,
        pk,
        None,
        lambda d: materials.material_attach_orders(actor=request.user, item_id=pk),
    )


@login_required
def material(request: HttpRequest, pk: int) -> HttpResponse:
    """A frozen material, read-only; every view is audited like a report download."""
    item = get_object_for_user(selectors.materials_visible_to(request.user), pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=item, detail=item.kind)
    return render(
        request,
        "programme/council/material.html",
        {
            "material": item,
            "lines": materials.material_lines(item),
            # The PDF as attached, while its file is kept (report_download answers 404 without).
            "can_download_run": item.report_run_id is not None
            and can(request.user, Capability.REPORT_DOWNLOAD)
            and bool(item.report_run.file),
        },
    )
