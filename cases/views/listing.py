from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import services
from cases.forms import CaseFilterForm
from cases.models import ParticipantRole
from cases.selectors import (
    CaseFilters,
    case_for_user,
    case_list_rows,
    saved_filter_for_user,
    saved_filters_of,
)
from portal.audit import audit_read, audit_record
from portal.models import AuditAction
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
        sort=data.get("sort") or "best",
    )


def _filters_set(form: CaseFilterForm) -> int:
    """How many of the fields folded under the search box are set: the filters and an order
    other than the first. A refused value counts too, so that they open on its message."""
    if not form.is_bound:
        return 0
    folded = [name for name in form.fields if name not in services.filters.NOT_SAVED]
    if not form.is_valid():
        return sum(name in form.errors for name in [*folded, NON_FIELD_ERRORS])
    shown_first = {"sort": "best"}
    return sum(
        form.cleaned_data.get(name) not in (None, "", False, shown_first.get(name))
        for name in folded
    )


def _has_filters(form: CaseFilterForm) -> bool:
    """Whether there is anything to save as a filter: the order alone is not one."""
    return any(
        form.cleaned_data.get(name) not in (None, "", False)
        for name in form.fields
        if name not in services.filters.NOT_SAVED and name != "sort"
    )


@login_required
def case_list_view(request: HttpRequest) -> HttpResponse:
    if not (can(request.user, Capability.CASE_VIEW) or can(request.user, Capability.CASE_VIEW_ALL)):
        raise Http404
    form, filters = filters_from_request(request)
    page = CappedPaginator(case_list_rows(user=request.user, filters=filters), PER_PAGE).get_page(
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
    filters_set = _filters_set(form)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_register": can(request.user, Capability.CASE_REGISTER),
            "can_export": can(request.user, Capability.CASE_EXPORT),
            "saved_filters": saved_filters_of(request.user),
            # What "save these filters" keeps: the query without the search text and the page.
            "filters_set": filters_set,
            "saveable": bool(form.is_bound and form.is_valid() and _has_filters(form)),
        },
    )


@login_required
@require_POST
def saved_filter_add(request: HttpRequest) -> HttpResponse:
    """Save the list's current filters (the query the form was shown with) under a name."""
    if not (can(request.user, Capability.CASE_VIEW) or can(request.user, Capability.CASE_VIEW_ALL)):
        raise Http404
    query = QueryDict(request.POST.get("query", "")[:1000])
    try:
        saved = services.saved_filter_add(
            actor=request.user, name=request.POST.get("name", ""), query=query
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(f"{reverse('cases:index')}?{query.urlencode()}")
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return redirect(f"{reverse('cases:index')}?{saved.query}")


@login_required
@require_POST
def saved_filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = saved_filter_for_user(user=request.user, pk=pk)
    services.saved_filter_delete(actor=request.user, saved=saved)
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
    return redirect("cases:index")


@login_required
def victim_name(request: HttpRequest, pk: int) -> HttpResponse:
    """The victim's name behind her code in a list row, on a click; every click is audited.
    Without htmx (a plain link) the case's page opens instead, which audits its own read."""
    case = case_for_user(user=request.user, pk=pk)
    if request.headers.get("HX-Request") != "true":
        return redirect("cases:detail", case.pk)
    victim = (
        case.participants.filter(role=ParticipantRole.VICTIM)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    audit_record(
        actor=request.user, action=AuditAction.VIEW, obj=case, detail="victim's name in a list"
    )
    response = render(
        request,
        "cases/_victim_name.html",
        {"case": case, "person": victim.person if victim else None},
    )
    response["Cache-Control"] = "private, no-store"
    return response
