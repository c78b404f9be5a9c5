from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
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
    if request.POST.get("manual_service") and request.POST.get("manual_provider"):
        # The provider id is resolved (and refused) in the service, never trusted here.
        manual.append(
            (
                request.POST["manual_service"],
                request.POST["manual_provider"],
                request.POST.get("manual_reason", ""),
            )
        )
    try:
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
            actor=request.user, referral_id=pk, reason=request.POST.get("reason", "")
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
            actor=request.user, referral_id=pk, outcome=request.POST.get("outcome", "")
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
            actor=request.user, referral_id=pk, reason=request.POST.get("reason", "")
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


@login_required
def policy(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.POLICY_EDIT):
        raise Http404
    active = RoutingPolicy.objects.get(is_active=True)
    draft = request.POST.get("rules") or json.dumps(
        {"rules": active.rules}, ensure_ascii=False, indent=2
    )
    errors, preview = [], None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "publish":
                record = services.policy_publish(
                    actor=request.user, rules_json=draft, note=request.POST.get("note", "")
                )
                messages.success(
                    request, _("Policy version %(v)s is now in force.") % {"v": record.version}
                )
                return redirect("referrals:policy")
            recent = Case.objects.order_by("-reported_at")[:20]
            preview = services.policy_preview(rules_json=draft, cases=recent)
        except ValidationError as error:
            errors = error.messages
        except (ValueError, KeyError) as error:
            errors = [_("The policy is not valid: %(error)s") % {"error": error}]
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
    )


@login_required
def holidays(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.POLICY_EDIT):
        raise Http404
    if request.method == "POST":
        from datetime import date

        try:
            dd, mm, yyyy = request.POST.get("date", "").split(".")
            day = date(int(yyyy), int(mm), int(dd))
        except ValueError:
            messages.error(request, _("Enter the date as dd.mm.yyyy."))
        else:
            if request.POST.get("delete"):
                Holiday.objects.filter(date=day).delete()
            else:
                Holiday.objects.update_or_create(
                    date=day, defaults={"name": request.POST.get("name", "")}
                )
            audit_record(
                actor=request.user,
                action=AuditAction.UPDATE,
                object_type="holiday",
                object_id=day.isoformat(),
            )
            messages.success(request, _("Holidays updated."))
        return redirect("referrals:holidays")
    return render(request, "referrals/holidays.html", {"holidays": Holiday.objects.all()})
