from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors import case_for_user
from cases.services import PersonData
from orders import services
from orders.forms import (
    AppealDecisionForm,
    AppealForm,
    AsOfForm,
    BreachForm,
    CancelForm,
    ExtensionForm,
    OrderFilterForm,
    RestrictiveOrderForm,
    UrgentOrderForm,
)
from orders.rules import RESTRICTIVE_MEASURES, STATUS_LABELS, URGENT_MEASURES
from orders.selectors import (
    OrderFilters,
    cases_openable,
    offender_for_user,
    offender_measures,
    order_actions,
    order_for_user,
    order_list,
    order_page_links,
    orders_ending,
    orders_for_person,
)
from orders.statistics import (
    exact_counts_for,
    last_month_end,
    order_year_on_year,
    published_year_on_year,
    statistics_context,
)
from portal.audit import audit_read, audit_record
from portal.models import AuditAction
from portal.pagination import CappedPaginator
from portal.roles import Capability, can


def _apply(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def order_list_view(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.ORDER_VIEW):
        if can(request.user, Capability.ORDER_STATISTICS):
            return redirect("orders:statistics")
        raise Http404
    form = OrderFilterForm(request.GET or None)
    filters = OrderFilters()  # an invalid filter shows its errors over the unfiltered list
    if form.is_valid():
        d = form.cleaned_data
        filters = OrderFilters(
            status=d["status"],
            kind=d["kind"],
            district=d["district"],
            date_from=d["date_from"],
            date_to=d["date_to"],
        )
    page = CappedPaginator(order_list(user=request.user, filters=filters), 25).get_page(
        request.GET.get("page")
    )
    audit_read(
        actor=request.user,
        object_type="orders.restrainingorder",
        ids=[order.pk for order in page.object_list],
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orders/order_list.html",
        {
            "form": form,
            "page": page,
            "openable": cases_openable(user=request.user, orders=page.object_list),
            "query": query.urlencode(),
            "status_labels": STATUS_LABELS,
            "can_issue": can(request.user, Capability.ORDER_ISSUE),
        },
    )


@login_required
def urgent_new(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.ORDER_ISSUE):
        raise PermissionDenied
    initial = {}
    if request.GET.get("case"):
        case = case_for_user(user=request.user, pk=request.GET["case"])
        initial["case_number"] = case.number
    form = UrgentOrderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        new_case = None
        if not d["case_number"]:
            new_case = services.NewCaseForOrder(
                district_id=d["district"].pk,
                victim=PersonData(
                    last_name=d["victim_last_name"],
                    first_name=d["victim_first_name"],
                    sex=d["victim_sex"],
                    birth_date=d["victim_birth_date"],
                ),
                offender=PersonData(
                    last_name=d["offender_last_name"],
                    first_name=d["offender_first_name"],
                    sex=d["offender_sex"],
                    birth_date=d["offender_birth_date"],
                    relation_to_victim=d["relation"],
                ),
            )
        if not form.errors:
            try:
                order = services.order_issue_urgent(
                    actor=request.user,
                    number=d["number"],
                    issued_at=d["issued_at"],
                    ends_at=d["ends_at"],
                    measures=d["measures"],
                    initiated_by=d["initiated_by"],
                    case_number=d["case_number"],
                    new_case=new_case,
                )
            except ValidationError as error:
                _apply(form, error)
            else:
                messages.success(
                    request,
                    _("Urgent restraining order № %(number)s recorded.") % {"number": order.number},
                )
                return redirect(order)
    return render(request, "orders/urgent_form.html", {"form": form})


@login_required
def restrictive_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = case_for_user(user=request.user, pk=case_pk)
    if not (can(request.user, Capability.ORDER_ISSUE) or can(request.user, Capability.CASE_EDIT)):
        raise PermissionDenied
    form = RestrictiveOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            order = services.order_record_restrictive(
                actor=request.user,
                case_id=case.pk,
                number=d["number"],
                court=d["court"],
                decision_date=d["decision_date"],
                applicant=d["applicant"],
                start=d["start"],
                end=d["end"],
                measures=d["measures"],
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Restrictive order recorded."))
            return redirect(order)
    return render(request, "orders/restrictive_form.html", {"form": form, "case": case})


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_for_user(user=request.user, pk=pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=order)
    return _detail(request, order)


def _detail(request, order, forms=None, status=200):
    forms = forms or {}
    if status != 200:
        # The page shows the order's people again: a read like any other.
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=order)
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "measure_labels": {**URGENT_MEASURES, **RESTRICTIVE_MEASURES},
            "status_labels": STATUS_LABELS,
            "extensions": list(order.extensions.all()),
            "breaches": list(order.breaches.select_related("recorded_by")),
            "actions": order_actions(user=request.user, order=order),
            "links": order_page_links(user=request.user, order=order),
            "extension_form": forms.get("extend") or ExtensionForm(prefix="extend"),
            "breach_form": forms.get("breach") or BreachForm(prefix="breach"),
            "cancel_form": forms.get("cancel") or CancelForm(prefix="cancel"),
            "appeals": list(order.appeals.select_related("recorded_by", "decided_by")),
            "appeal_form": forms.get("appeal") or AppealForm(prefix="appeal"),
            "appeal_decision_form": forms.get("appeal_decision")
            or AppealDecisionForm(prefix="appeal_decision"),
        },
        status=status,
    )


def _order_action(request, pk, form, key, action, success):
    order = order_for_user(user=request.user, pk=pk)
    if form.is_valid():
        try:
            action(order, form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, success)
            return redirect(order)
    if not getattr(order_actions(user=request.user, order=order), key):
        # The page no longer offers this form (the order was cancelled or ended in another
        # tab, or was never of this kind): the refusal is said above the page instead.
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return _detail(request, order, {key: form}, status=400)


@login_required
@require_POST
def order_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_action(
        request,
        pk,
        ExtensionForm(request.POST, prefix="extend"),
        "extend",
        lambda order, d: services.order_extend(
            actor=request.user,
            order_id=order.pk,
            start=d["start"],
            end=d["end"],
            decision_number=d["decision_number"],
            decision_date=d["decision_date"],
        ),
        _("Extension recorded."),
    )


@login_required
@require_POST
def order_breach(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_action(
        request,
        pk,
        BreachForm(request.POST, prefix="breach"),
        "breach",
        lambda order, d: services.breach_record(
            actor=request.user,
            order_id=order.pk,
            occurred_at=d["occurred_at"],
            description=d["description"],
            consequence=d["consequence"],
        ),
        _("Breach recorded."),
    )


@login_required
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_action(
        request,
        pk,
        CancelForm(request.POST, prefix="cancel"),
        "cancel",
        lambda order, d: services.order_cancel(
            actor=request.user, order_id=order.pk, reason=d["reason"]
        ),
        _("Order cancelled."),
    )


@login_required
@require_POST
def order_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_action(
        request,
        pk,
        AppealForm(request.POST, prefix="appeal"),
        "appeal",
        lambda order, d: services.order_appeal_file(
            actor=request.user, order_id=order.pk, filed_on=d["filed_on"], court=d["court"]
        ),
        _("Appeal recorded."),
    )


@login_required
@require_POST
def order_appeal_decision(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_action(
        request,
        pk,
        AppealDecisionForm(request.POST, prefix="appeal_decision"),
        "appeal_decision",
        lambda order, d: services.order_appeal_decide(
            actor=request.user,
            order_id=order.pk,
            outcome=d["outcome"],
            decision_date=d["decision_date"],
            note=d["note"],
        ),
        _("The appeal's outcome recorded."),
    )


@login_required
def offender_orders(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Every order against one offender that the user may see: repeat offending at a glance."""
    person = offender_for_user(user=request.user, pk=person_pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=person, detail="orders")
    orders = orders_for_person(user=request.user, person=person)
    return render(
        request,
        "orders/offender.html",
        {
            "person": person,
            "orders": orders,
            "openable": cases_openable(user=request.user, orders=orders),
            **offender_measures(user=request.user, person=person),
            "status_labels": STATUS_LABELS,
        },
    )


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.ORDER_VIEW):
        raise Http404
    today = timezone.localdate()
    orders = orders_ending(user=request.user, first=today, last=today + timedelta(days=7))
    days = [{"day": today + timedelta(days=i), "orders": []} for i in range(8)]
    for order in orders:
        index = (timezone.localtime(order.effective_end).date() - today).days
        if 0 <= index < 8:
            days[index]["orders"].append(order)
    audit_read(
        actor=request.user,
        object_type="orders.restrainingorder",
        ids=[order.pk for day in days for order in day["orders"]],
        what="calendar",
    )
    return render(
        request,
        "orders/calendar.html",
        {"days": days, "openable": cases_openable(user=request.user, orders=orders)},
    )


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Year to date against the same period last year; aggregates only, no names."""
    if not can(request.user, Capability.ORDER_STATISTICS):
        raise Http404
    exact = exact_counts_for(request.user)
    today = timezone.localdate()
    form = AsOfForm(
        {"as_of": request.GET.get("as_of", "")},
        default=today if exact else last_month_end(today),
        month_ends_only=not exact,
    )
    wants_json = request.GET.get("format") == "json"
    if not form.is_valid():
        # A day that is not one the user may ask for gets its error and no figures: never the
        # figures of another day under the typed one.
        error = " ".join(form.errors["as_of"])
        if wants_json:
            return JsonResponse({"error": error}, status=400)
        messages.error(request, error)
        return render(request, "orders/statistics.html", {"form": form}, status=400)
    as_of = form.cleaned_data["as_of"]
    if wants_json:
        # An export leaves the portal: published figures for every role.
        return JsonResponse(published_year_on_year(order_year_on_year(as_of=as_of)))
    context = statistics_context(as_of=as_of, exact=exact)
    return render(request, "orders/statistics.html", {**context, "form": form, "as_of": as_of})
