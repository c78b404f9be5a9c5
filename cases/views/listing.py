from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cases.forms import CaseFilterForm
from cases.selectors import CaseFilters, case_list
from portal.audit import audit_read
from portal.pagination import CappedPaginator
from portal.roles import Capability, can

PER_PAGE = 25


def filters_from_request(request: HttpRequest) -> tuple[CaseFilterForm, CaseFilters]:
    form = CaseFilterForm(request.GET or None)
    if not form.is_valid():
        return form, CaseFilters()
    data = form.cleaned_data
    return form, CaseFilters(
        q=data.get("q") or "",
        status=data.get("status") or "",
        district=data.get("district") or "",
        risk_level=data.get("risk_level") or "",
        form=data.get("form") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        responsible=request.user.pk if data.get("mine") else None,
        has_children={"1": True, "0": False}.get(data.get("has_children") or ""),
        sort=data.get("sort") or "reported",
    )


@login_required
def case_list_view(request: HttpRequest) -> HttpResponse:
    if not (can(request.user, Capability.CASE_VIEW) or can(request.user, Capability.CASE_VIEW_ALL)):
        raise Http404
    form, filters = filters_from_request(request)
    page = CappedPaginator(case_list(user=request.user, filters=filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    audit_read(
        actor=request.user,
        object_type="cases.case",
        ids=[case.pk for case in page.object_list],
        what="search" if filters.q else "list",
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_register": can(request.user, Capability.CASE_REGISTER),
            "can_export": can(request.user, Capability.CASE_EXPORT),
        },
    )
