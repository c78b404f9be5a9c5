"""The plans' pages. Whoever may not see the plans gets 404 (cases.plans.selectors); whoever may
see but not change them (a coordinator) reads, and gets 403 on a change."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.plans import selectors, services
from cases.plans.content import SafetyContent
from cases.plans.forms import (
    ActionFormSet,
    ActionStatusForm,
    DecisionForm,
    GoalForm,
    ReturnForm,
    SafetyPlanForms,
    VersionForm,
)
from cases.plans.models import CasePlan, SafetyPlan
from cases.plans.pdf import safety_plan_pdf
from portal.audit import audit_record
from portal.models import AuditAction


def _tab(case) -> str:
    return reverse("cases:detail", args=[case.pk]) + "#section-plans"


def _plan_url(case) -> str:
    return reverse("cases:case_plan", args=[case.pk])


def _apply(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- the safety plan -------------------------------------------------------------------------


@login_required
def safety_plan(request: HttpRequest, pk: int) -> HttpResponse:
    case, editable = selectors.plan_case_for_user(user=request.user, pk=pk)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    page = selectors.safety_plan_page(case=case)
    plan: SafetyPlan | None = page["safety_plan"]
    owner = case.owner
    forms = SafetyPlanForms(
        request.POST if request.method == "POST" else None,
        case=case,
        answers=selectors.latest_risk_answers(case),
        content=page["safety"],
        version=plan.version if plan else 0,
        owner_place=(owner.name, owner.phone) if owner.phone else None,
    )
    status = 200
    if request.method == "POST":
        if forms.is_valid():
            try:
                services.safety_plan_save(
                    actor=request.user,
                    case_id=case.pk,
                    expected_version=forms.form.cleaned_data["version"],
                    content=forms.content(),
                    note=forms.form.cleaned_data["note"],
                )
            except services.PlanConflict as conflict:
                forms.form.add_error(None, conflict.messages)
                # The editor's input stays; the next save is judged against what is saved now.
                forms.form.data = forms.form.data.copy()
                forms.form.data["version"] = conflict.current_version
                page = selectors.safety_plan_page(case=case)
                status = 409
            except ValidationError as error:
                forms.add_errors(error.message_dict)
                status = 400
            else:
                messages.success(request, _("The safety plan is saved."))
                return redirect(_tab(case))
        else:
            status = 400
    if plan is not None:
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=plan, detail=case.number)
    return render(
        request,
        "cases/plans/safety_plan.html",
        {"case": case, "editable": editable, "forms": forms, **page},
        status=status,
    )


@login_required
def safety_plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as a PDF for the victim to keep; for those who work with her. Audited."""
    case, editable = selectors.plan_case_for_user(user=request.user, pk=pk)
    if not editable:
        raise PermissionDenied
    plan = SafetyPlan.objects.filter(case=case).first()
    if plan is None:
        messages.error(request, _("Make the safety plan first, then print it."))
        return redirect(reverse("cases:safety_plan", args=[case.pk]))
    pdf = safety_plan_pdf(plan, has_children=case.has_children)
    audit_record(
        actor=request.user,
        action=AuditAction.DOWNLOAD,
        obj=plan,
        detail=f"{case.number} v{plan.version}",
    )
    discreet = SafetyContent.from_json(plan.content).discreet_title
    response = HttpResponse(pdf, content_type="application/pdf")
    name = "contacts" if discreet else "safety-plan"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the case plan ---------------------------------------------------------------------------


def _case_plan_page(request, case, editable, *, forms: dict | None = None, status: int = 200):
    page = selectors.case_plan_page(user=request.user, case=case)
    plan: CasePlan | None = page["case_plan"]
    version = plan.version if plan else 0
    forms = forms or {}
    if plan is not None:
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=plan, detail=case.number)
    return render(
        request,
        "cases/plans/case_plan.html",
        {
            "case": case,
            "editable": editable,
            "version_form": forms.get("submit") or VersionForm(initial={"version": version}),
            "approve_form": forms.get("approve") or DecisionForm(initial={"version": version}),
            "return_form": forms.get("return") or ReturnForm(initial={"version": version}),
            "status_labels": selectors.STATUS_LABELS,
            **page,
        },
        status=status,
    )


@login_required
def case_plan(request: HttpRequest, pk: int) -> HttpResponse:
    case, editable = selectors.plan_case_for_user(user=request.user, pk=pk)
    return _case_plan_page(request, case, editable)


def _actions(formset) -> list[services.ActionData]:
    found = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or (not data.get("id") and not data.get("text", "").strip()):
            continue  # an empty row
        organisation, person = data.get("responsible_organisation"), data.get("responsible_person")
        found.append(
            services.ActionData(
                id=data.get("id"),
                text=data.get("text", ""),
                organisation_id=organisation.pk if organisation else 0,
                person_id=person.pk if person else None,
                due_date=data.get("due_date"),
                status=data.get("status") or "planned",
                remove=bool(data.get("remove")),
            )
        )
    return found


@login_required
def goal_edit(request: HttpRequest, pk: int, goal_pk: int | None = None) -> HttpResponse:
    """A goal of the case plan and its actions, new or changed."""
    case, editable = selectors.plan_case_for_user(user=request.user, pk=pk)
    goal = selectors.goal_of_case(case=case, goal_pk=goal_pk) if goal_pk is not None else None
    if not editable:
        raise PermissionDenied
    plan = CasePlan.objects.filter(case=case).first()
    version = plan.version if plan else 0
    initial_actions = (
        [
            {
                "id": a.pk,
                "text": a.text,
                "responsible_organisation": a.responsible_organisation_id,
                "responsible_person": a.responsible_person_id,
                "due_date": a.due_date,
                "status": a.status,
            }
            for a in goal.actions.all()
        ]
        if goal
        else []
    )
    if plan is not None:
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=plan, detail=case.number)
    data = request.POST if request.method == "POST" else None
    form = GoalForm(data, initial={"version": version, "text": goal.text if goal else ""})
    if goal is None:
        del form.fields["remove"]
    actions = ActionFormSet(
        data, prefix="actions", initial=initial_actions, form_kwargs={"case": case}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and actions.is_valid():
            try:
                services.case_plan_goal_save(
                    actor=request.user,
                    case_id=case.pk,
                    expected_version=form.cleaned_data["version"],
                    goal_id=goal.pk if goal else None,
                    text=form.cleaned_data["text"],
                    actions=_actions(actions),
                    note=form.cleaned_data["note"],
                    remove=bool(form.cleaned_data.get("remove")),
                )
            except services.PlanConflict as conflict:
                form.add_error(None, conflict.messages)
                form.data = form.data.copy()
                form.data["version"] = conflict.current_version
                status = 409
            except ValidationError as error:
                _apply(form, error)
            else:
                messages.success(request, _("The case plan is saved."))
                return redirect(_plan_url(case))
    return render(
        request,
        "cases/plans/goal_edit.html",
        {"case": case, "goal": goal, "form": form, "actions": actions},
        status=status,
    )


@login_required
@require_POST
def action_status(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    case, editable = selectors.plan_case_for_user(user=request.user, pk=pk)
    action = selectors.action_of_case(case=case, action_pk=action_pk)
    if not editable:
        raise PermissionDenied
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.case_plan_action_set_status(
            actor=request.user,
            case_id=case.pk,
            action_id=action.pk,
            status=form.cleaned_data["status"],
        )
        messages.success(request, _("The action's status is saved."))
    else:
        messages.error(request, _("Choose a status."))
    # "next" is a switch between the two pages that list actions, never a URL.
    return redirect(_tab(case) if request.POST.get("next") == "tab" else _plan_url(case))


def _decision(request, pk: int, *, key: str, form_class, call, success: str) -> HttpResponse:
    case, editable = selectors.plan_case_for_user(user=request.user, pk=pk)
    if not editable:
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(case, form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, success)
            return redirect(_plan_url(case))
    return _case_plan_page(request, case, editable, forms={key: form}, status=400)


@login_required
@require_POST
def case_plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(
        request,
        pk,
        key="submit",
        form_class=VersionForm,
        call=lambda case, data: services.case_plan_submit(
            actor=request.user, case_id=case.pk, expected_version=data["version"]
        ),
        success=_("The case plan is sent to the head of the organisation for approval."),
    )


@login_required
@require_POST
def case_plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(
        request,
        pk,
        key="approve",
        form_class=DecisionForm,
        call=lambda case, data: services.case_plan_approve(
            actor=request.user,
            case_id=case.pk,
            expected_version=data["version"],
            note=data["note"],
        ),
        success=_("The case plan is approved."),
    )


@login_required
@require_POST
def case_plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(
        request,
        pk,
        key="return",
        form_class=ReturnForm,
        call=lambda case, data: services.case_plan_return(
            actor=request.user,
            case_id=case.pk,
            expected_version=data["version"],
            reason=data["reason"],
        ),
        success=_("The case plan is returned for changes."),
    )
