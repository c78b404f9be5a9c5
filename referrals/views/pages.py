from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors import case_for_user, case_is_editable
from portal.notifications import notification_mark_seen
from portal.roles import Capability, can
from referrals import services
from referrals.coordination import coordinator_overview
from referrals.forms import (
    OUTCOME_LENGTH,
    REASON_LENGTH,
    HolidayForm,
    MartialLawForm,
    text_input,
)
from referrals.plan_view import plan_view
from referrals.routing.explain import SERVICE_LABELS
from referrals.selectors import (
    district_choices,
    holidays_for,
    latest_plan,
    manual_referral_choices,
    martial_law_periods_for,
    referral_for_user,
    referrals_for_case,
    referrals_visible_to,
    shelter_capacity_board,
)
from referrals.views import inbox


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if can(user, Capability.REFERRAL_COORDINATE):
        return render(
            request,
            "referrals/coordinator.html",
            {
                "overview": coordinator_overview(
                    user,
                    # Codes from the filter's own lists; anything else matches nothing.
                    service=request.GET.get("service", "")[:40],
                    district=request.GET.get("district", "")[:40],
                ),
                "capacity": shelter_capacity_board(user),
                "services": SERVICE_LABELS,
                "districts": district_choices(),
            },
        )
    if can(user, Capability.REFERRAL_INBOX):
        return inbox.provider_inbox(request)
    if can(user, Capability.REFERRAL_SEND):
        referrals = (
            referrals_visible_to(user)
            .filter(sent_by=user)
            .select_related("case", "provider")
            .order_by("-sent_at")[:200]
        )
        return render(request, "referrals/mine.html", {"referrals": referrals})
    raise Http404


@login_required
def case_routing(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = case_for_user(user=request.user, pk=case_pk)
    if not can(request.user, Capability.REFERRAL_SEND):
        raise Http404
    # The worker's notices of answers to the case's referrals point here: opened, seen.
    notification_mark_seen(user=request.user, url=request.path)
    return render(
        request,
        "referrals/case_routing.html",
        {
            "case": case,
            "pv": plan_view(latest_plan(case=case)),
            "referrals": referrals_for_case(user=request.user, case=case),
            "editable": case_is_editable(user=request.user, case=case),
            "manual_choices": manual_referral_choices(),
            "manual_needs_consent": services.MANUAL_NEEDS_CONSENT,
            "plan_before_consent_change": services.PLAN_BEFORE_CONSENT_CHANGE,
        },
    )


@login_required
@require_POST
def case_plan(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = case_for_user(user=request.user, pk=case_pk)
    services.referral_plan_for_case(actor=request.user, case_id=case.pk)
    return redirect("referrals:case", case_pk=case.pk)


@login_required
@require_POST
def case_apply(request: HttpRequest, case_pk: int, plan_pk: int) -> HttpResponse:
    case = case_for_user(user=request.user, pk=case_pk)
    keep = set(request.POST.getlist("keep"))
    plan = case.routing_plans.filter(pk=plan_pk).first()
    if plan is None:
        raise Http404
    removed = {i["service"] for i in plan.plan["items"] if i["service"] not in keep}
    manual = []
    try:
        if request.POST.get("manual_service") and request.POST.get("manual_provider"):
            # The provider id is resolved (and refused) in the service, never trusted here.
            manual.append(
                (
                    request.POST["manual_service"],
                    request.POST["manual_provider"],
                    text_input(request.POST, "manual_reason", max_length=REASON_LENGTH),
                )
            )
        sent = services.referral_apply_plan(
            actor=request.user,
            plan_id=plan.pk,
            removed_services=removed,
            manual=manual,
            # "service:index" of a candidate in the stored plan, checked in the service.
            choices=request.POST.getlist("provider_choice"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(n)s referrals sent.") % {"n": len(sent)})
    return redirect("referrals:case", case_pk=case.pk)


def _act(request, pk, action, success):
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("referrals:detail", pk=pk)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, success)
    return redirect("referrals:detail", pk=getattr(result, "pk", pk))


@login_required
@require_POST
def decline(request, pk):
    def action():
        services.referral_decline(
            actor=request.user,
            referral_id=pk,
            reason=text_input(request.POST, "reason", max_length=REASON_LENGTH),
        )
        return None

    return _act(request, pk, action, _("Referral declined; it went to the next provider."))


@login_required
@require_POST
def start(request, pk):
    return _act(
        request,
        pk,
        lambda: services.referral_start(actor=request.user, referral_id=pk),
        _("Service started."),
    )


@login_required
@require_POST
def complete(request, pk):
    return _act(
        request,
        pk,
        lambda: services.referral_complete(
            actor=request.user,
            referral_id=pk,
            outcome=text_input(request.POST, "outcome", max_length=OUTCOME_LENGTH),
        ),
        _("Service completed."),
    )


@login_required
@require_POST
def cancel(request, pk):
    referral_for_user(user=request.user, pk=pk)
    return _act(
        request,
        pk,
        lambda: services.referral_cancel(
            actor=request.user,
            referral_id=pk,
            reason=text_input(request.POST, "reason", max_length=REASON_LENGTH),
        ),
        _("Referral cancelled."),
    )


@login_required
@require_POST
def assign(request, pk):
    return _act(
        request,
        pk,
        lambda: services.referral_assign(
            actor=request.user, referral_id=pk, provider_id=request.POST.get("provider", "")
        ),
        _("Referral assigned."),
    )


@login_required
def holidays(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.POLICY_EDIT):
        raise Http404
    status = 200
    if request.method == "POST":
        form = HolidayForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors)
            if form.cleaned_data["delete"]:
                if not services.holiday_remove(actor=request.user, day=form.cleaned_data["date"]):
                    raise ValidationError(
                        _("%(day)s is not in the list of holidays: nothing was removed.")
                        % {"day": form.cleaned_data["date"].strftime("%d.%m.%Y")}
                    )
            else:
                services.holiday_add(
                    actor=request.user,
                    day=form.cleaned_data["date"],
                    name=form.cleaned_data["name"],
                )
        except ValidationError as error:
            # The page has no per-field slots: each error is shown above the list.
            for message in error.messages:
                messages.error(request, message)
            status = 400
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Holidays updated."))
            return redirect("referrals:holidays")
    return _holidays_page(request, status=status)


def _holidays_page(request: HttpRequest, *, status: int = 200, martial_form=None) -> HttpResponse:
    return render(
        request,
        "referrals/holidays.html",
        {
            "holidays": holidays_for(request.user),
            "periods": martial_law_periods_for(request.user),
            "martial_form": martial_form or MartialLawForm(),
        },
        status=status,
    )


@login_required
def martial_law(request: HttpRequest) -> HttpResponse:
    """Add a period of martial law or change one (`pk`): shown and fixed on the holidays page."""
    if not can(request.user, Capability.POLICY_EDIT):
        raise Http404
    if request.method != "POST":
        return redirect("referrals:holidays")
    form = MartialLawForm(request.POST)
    if form.is_valid():
        try:
            services.martial_law_save(
                actor=request.user,
                period_id=request.POST.get("pk") or None,
                opened_state=request.POST.get("opened_state"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Martial law period saved."))
            return redirect("referrals:holidays")
    return _holidays_page(request, status=400, martial_form=form)
