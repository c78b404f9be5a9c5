from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Case
from cases.selectors import case_for_user, case_is_editable, cases_visible_to
from portal.audit import audit_record
from portal.models import AuditAction, Organisation
from portal.roles import Capability, can
from referrals import services
from referrals.forms import (
    OUTCOME_LENGTH,
    POLICY_MAX_LENGTH,
    REASON_LENGTH,
    HolidayForm,
    PolicyForm,
    text_input,
)
from referrals.models import Holiday, RoutingPolicy
from referrals.routing.explain import SERVICE_LABELS
from referrals.selectors import (
    coordinator_overview,
    inbox_for,
    latest_plan,
    referral_for_user,
    referral_shared_view,
    referrals_for_case,
    referrals_visible_to,
    shelter_capacity_board,
)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if can(user, Capability.REFERRAL_COORDINATE):
        return render(
            request,
            "referrals/coordinator.html",
            {"overview": coordinator_overview(user), "capacity": shelter_capacity_board(user)},
        )
    if can(user, Capability.REFERRAL_INBOX):
        show_all = request.GET.get("all") == "1"
        return render(
            request,
            "referrals/inbox.html",
            {
                "referrals": inbox_for(user, open_only=not show_all).select_related("case")[:200],
                "show_all": show_all,
                "now": timezone.now(),
                "capacity": shelter_capacity_board(user),
            },
        )
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
    plan = latest_plan(case=case)
    providers = Organisation.objects.filter(provider_profile__isnull=False, is_active=True)
    return render(
        request,
        "referrals/case_routing.html",
        {
            "case": case,
            "plan": plan,
            "referrals": referrals_for_case(user=request.user, case=case),
            "editable": case_is_editable(user=request.user, case=case),
            "labels": SERVICE_LABELS,
            "providers": providers.order_by("name"),
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
            actor=request.user, plan_id=plan.pk, removed_services=removed, manual=manual
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(n)s referrals sent.") % {"n": len(sent)})
    return redirect("referrals:case", case_pk=case.pk)


@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_for_user(user=request.user, pk=pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=referral)
    is_provider = (
        can(request.user, Capability.REFERRAL_INBOX)
        and request.membership.organisation_id == referral.provider_id
    )
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "shared": referral_shared_view(user=request.user, referral=referral),
            "is_provider": is_provider,
            "is_coordinator": can(request.user, Capability.REFERRAL_COORDINATE),
            "can_see_case": not is_provider
            and cases_visible_to(request.user).filter(pk=referral.case_id).exists(),
            "providers": Organisation.objects.filter(
                provider_profile__services__contains=[referral.service]
            ).order_by("name"),
            "chain": _chain(referral),
        },
    )


def _chain(referral):
    items, current = [], referral
    while current.previous_id and len(items) < 20:
        current = current.previous
        items.append(current)
    return items


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
def accept(request, pk):
    return _act(
        request,
        pk,
        lambda: services.referral_accept(actor=request.user, referral_id=pk),
        _("Referral accepted."),
    )


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
def capacity(request: HttpRequest) -> HttpResponse:
    board = shelter_capacity_board(request.user)
    if not board and not can(request.user, Capability.REFERRAL_COORDINATE):
        raise Http404
    return render(request, "referrals/capacity.html", {"capacity": board})


def _body_length(request: HttpRequest) -> int:
    raw = request.META.get("CONTENT_LENGTH") or "0"
    return int(raw) if raw.isascii() and raw.isdigit() else 0


def _form_errors(form) -> list[str]:
    return [str(message) for messages_ in form.errors.values() for message in messages_]


@login_required
def policy(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.POLICY_EDIT):
        raise Http404
    active = RoutingPolicy.objects.get(is_active=True)
    draft = json.dumps({"rules": active.rules}, ensure_ascii=False, indent=2)
    errors, preview, status = [], None, 200
    if request.method == "POST":
        try:
            # Django refuses to read a body past DATA_UPLOAD_MAX_MEMORY_SIZE; a middleware that
            # tried first may have left the stream half read, so the length decides first.
            if _body_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                raise RequestDataTooBig
            data = request.POST
        except RequestDataTooBig:
            data = None
            errors, status = [_("The request is too large. Nothing was changed.")], 413
        if data is not None:
            form = PolicyForm(data)
            draft = data.get("rules", "")[:POLICY_MAX_LENGTH] or draft
            if not form.is_valid():
                errors, status = _form_errors(form), 400
            else:
                rules_json = form.cleaned_data["rules"]
                try:
                    if data.get("action") == "publish":
                        record = services.policy_publish(
                            actor=request.user,
                            rules_json=rules_json,
                            note=form.cleaned_data["note"],
                        )
                        messages.success(
                            request,
                            _("Policy version %(v)s is now in force.") % {"v": record.version},
                        )
                        return redirect("referrals:policy")
                    recent = Case.objects.order_by("-reported_at")[:20]
                    preview = services.policy_preview(rules_json=rules_json, cases=recent)
                except ValidationError as error:
                    errors, status = error.messages, 400
                except (ValueError, KeyError, TypeError) as error:
                    # A draft the engine accepts but cannot evaluate (e.g. a number compared
                    # with a text) fails in the preview: said to the coordinator, not a 500.
                    errors = [_("The policy is not valid: %(error)s") % {"error": error}]
                    status = 400
    return render(
        request,
        "referrals/policy.html",
        {
            "active": active,
            "versions": RoutingPolicy.objects.all()[:20],
            "draft": draft,
            "errors": errors,
            "preview": preview,
            "labels": SERVICE_LABELS,
        },
        status=status,
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
                services.holiday_remove(actor=request.user, day=form.cleaned_data["date"])
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
    return render(
        request, "referrals/holidays.html", {"holidays": Holiday.objects.all()}, status=status
    )
