"""The register of memoranda, a memorandum's page, and the partner's report. Thin: a form in,
one service or selector, a template out. A memorandum the user may not see is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.roles import Capability, can, get_object_for_user
from programme.council.memoranda import forms, selectors, services
from programme.council.memoranda.models import MemorandumStatus
from programme.council.selectors import kyiv_today
from programme.council.views import _attempt


@login_required
def memoranda(request: HttpRequest) -> HttpResponse:
    visible = selectors.memoranda_visible_to(request.user)
    can_manage = can(request.user, Capability.COUNCIL_MANAGE)
    if not (
        can(request.user, Capability.COUNCIL_VIEW) or can(request.user, Capability.COUNCIL_REPORT)
    ):
        raise Http404
    if request.method == "POST" and not can_manage:
        raise Http404
    form = forms.MemorandumForm(request.POST or None) if can_manage else None
    if (
        form is not None
        and form.is_valid()
        and _attempt(
            request,
            lambda: services.memorandum_add(actor=request.user, **form.cleaned_data),
            _("The memorandum is added to the register."),
        )
    ):
        return redirect("programme:council:memoranda")
    today = kyiv_today()
    rows = list(visible)
    for row in rows:
        row.status = row.status_on(today)
    return render(
        request,
        "programme/council/memoranda.html",
        {
            "rows": rows,
            "statuses": dict(MemorandumStatus.choices),
            "form": form,
            "can_view_all": can(request.user, Capability.COUNCIL_VIEW),
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@login_required
def memorandum(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_for_user(selectors.memoranda_visible_to(request.user), pk)
    is_partner = selectors.is_partner_of(request.user, item)
    return render(
        request,
        "programme/council/memorandum.html",
        {
            "memorandum": item,
            "status": item.status_on(kyiv_today()),
            "statuses": dict(MemorandumStatus.choices),
            "reports": selectors.memorandum_reports_visible_to(request.user).filter(
                memorandum=item
            ),
            "service_labels": services.partner_service_labels(),
            "is_partner": is_partner,
            "report_form": forms.MemorandumReportForm() if is_partner else None,
            "can_manage": can(request.user, Capability.COUNCIL_MANAGE),
            "terminate_form": forms.TerminateForm(),
            "can_view_all": can(request.user, Capability.COUNCIL_VIEW),
        },
    )


@login_required
@require_POST
def memorandum_report(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_for_user(selectors.memoranda_visible_to(request.user), pk)
    form = forms.MemorandumReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    else:
        data = form.cleaned_data
        _attempt(
            request,
            lambda: services.memorandum_report_submit(
                actor=request.user,
                memorandum_id=pk,
                period_start=data["period_start"],
                period_end=data["period_end"],
                activities=data["activities"],
                served=form.served(),
            ),
            _("The report is sent to the secretariat."),
            visible=True,
        )
    return redirect("programme:council:memorandum", pk=pk)


@login_required
@require_POST
def memorandum_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_for_user(selectors.memoranda_visible_to(request.user), pk)
    form = forms.TerminateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    else:
        _attempt(
            request,
            lambda: services.memorandum_terminate(
                actor=request.user, memorandum_id=pk, day=form.cleaned_data["day"]
            ),
            _("The memorandum is terminated."),
            visible=True,
        )
    return redirect("programme:council:memorandum", pk=pk)
