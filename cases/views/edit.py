"""POST endpoints that change one piece of a case. A user who cannot see the case gets 404; one
who can see but not change it (a coordinator) gets 403."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases import services
from cases.forms import (
    AttachmentForm,
    CaseEditForm,
    IncidentForm,
    NeedsForm,
    NoteForm,
    ParticipantAddForm,
    RiskForm,
    StatusForm,
    TaskForm,
)
from cases.models import Task
from cases.selectors import case_for_user
from cases.views.detail import render_case_page


def post_or_back_to_case(view):
    """A POST endpoint of the case page. Its address can still be opened: reloading a refused
    form, or signing in again with it as `next`, leads back to the case (404 for an outsider),
    never to "405 Method not allowed"."""

    @wraps(view)
    def wrapped(request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            return redirect(case_for_user(user=request.user, pk=pk))
        return view(request, pk, *args, **kwargs)

    return wrapped


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _handle(request, pk, *, form, key, tab, action, success):
    case = case_for_user(user=request.user, pk=pk)
    if form.is_valid():
        try:
            action(case, form)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(f"{case.get_absolute_url()}#{tab}")
    case.refresh_from_db()
    return render_case_page(request, case, forms={key: form, "_tab": tab}, status=400)


@login_required
@post_or_back_to_case
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_user(user=request.user, pk=pk)
    form = CaseEditForm(request.POST, prefix="edit")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.case_update(
                actor=request.user,
                case_id=case.pk,
                expected_version=data["version"],
                changes={k: v for k, v in data.items() if k != "version"},
            )
        except services.CaseConflict as conflict:
            # Keep what the editor typed; show what the other person changed meanwhile.
            fresh = case_for_user(user=request.user, pk=pk)
            retry = CaseEditForm(
                {**request.POST.dict(), "edit-version": fresh.version}, prefix="edit"
            )
            retry.is_valid()
            return render_case_page(
                request,
                fresh,
                forms={"edit": retry, "_tab": "overview"},
                conflict=conflict,
                status=409,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Case details saved."))
            return redirect(case)
    return render_case_page(request, case, forms={"edit": form, "_tab": "overview"}, status=400)


@login_required
@post_or_back_to_case
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    return _handle(
        request,
        pk,
        form=StatusForm(request.POST, prefix="status"),
        key="status",
        tab="overview",
        action=lambda case, f: services.case_change_status(
            actor=request.user, case_id=case.pk, status=f.cleaned_data["status"]
        ),
        success=_("Status changed."),
    )


@login_required
@post_or_back_to_case
def case_consent(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_user(user=request.user, pk=pk)
    choice = {"1": True, "0": False}.get(request.POST.get("consent", ""))
    if choice is None:
        # Only an explicit answer changes consent: junk or a missing field withdraws nothing.
        messages.error(request, _("Choose whether consent is given or withdrawn."))
        return redirect(case)
    services.case_record_consent(actor=request.user, case_id=case.pk, consent=choice)
    messages.success(request, _("Consent recorded.") if choice else _("Consent withdrawn."))
    return redirect(case)


@login_required
@post_or_back_to_case
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _handle(
        request,
        pk,
        form=NoteForm(request.POST, prefix="note"),
        key="note",
        tab="notes",
        action=lambda case, f: services.note_add(
            actor=request.user, case_id=case.pk, text=f.cleaned_data["text"]
        ),
        success=_("Note added."),
    )


@login_required
@post_or_back_to_case
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    def add(case, form):
        return services.participant_add(
            actor=request.user,
            case_id=case.pk,
            role=form.cleaned_data["role"],
            person=form.person_data(),
        )

    return _handle(
        request,
        pk,
        form=ParticipantAddForm(request.POST, prefix="participant"),
        key="participant",
        tab="people",
        action=add,
        success=_("Person added."),
    )


@login_required
@post_or_back_to_case
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _handle(
        request,
        pk,
        form=TaskForm(request.POST, prefix="task"),
        key="task",
        tab="notes",
        action=lambda case, f: services.task_add(
            actor=request.user,
            case_id=case.pk,
            title=f.cleaned_data["title"],
            due_date=f.cleaned_data["due_date"],
        ),
        success=_("Task added."),
    )


@login_required
@post_or_back_to_case
def task_done(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    case = case_for_user(user=request.user, pk=pk)
    task = get_object_or_404(Task, pk=task_pk, case=case)
    services.task_complete(actor=request.user, task_id=task.pk)
    messages.success(request, _("Task marked as done."))
    return redirect(f"{case.get_absolute_url()}#notes")


@login_required
@post_or_back_to_case
def incident_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _handle(
        request,
        pk,
        form=IncidentForm(request.POST, prefix="incident"),
        key="incident",
        tab="incidents",
        action=lambda case, f: services.incident_add(
            actor=request.user,
            case_id=case.pk,
            values={**f.cleaned_data, "subtypes": list(f.cleaned_data.get("subtypes") or [])},
        ),
        success=_("Incident recorded."),
    )


@login_required
@post_or_back_to_case
def risk_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _handle(
        request,
        pk,
        form=RiskForm(request.POST, prefix="risk", language=get_language()),
        key="risk",
        tab="risk",
        action=lambda case, f: services.risk_assess(
            actor=request.user, case_id=case.pk, answers=f.answers()
        ),
        success=_("Risk assessment saved."),
    )


@login_required
@post_or_back_to_case
def needs_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _handle(
        request,
        pk,
        form=NeedsForm(request.POST, prefix="needs"),
        key="needs",
        tab="risk",
        action=lambda case, f: services.needs_assess(
            actor=request.user,
            case_id=case.pk,
            needs=f.cleaned_data["needs"],
            accompanying_children=f.cleaned_data.get("accompanying_children") or 0,
            special_needs=f.cleaned_data.get("special_needs", ""),
        ),
        success=_("Needs assessment saved."),
    )


@login_required
@post_or_back_to_case
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _handle(
        request,
        pk,
        form=AttachmentForm(request.POST, request.FILES, prefix="attachment"),
        key="attachment",
        tab="files",
        action=lambda case, f: services.attachment_add(
            actor=request.user,
            case_id=case.pk,
            upload=f.cleaned_data["file"],
            description=f.cleaned_data.get("description", ""),
        ),
        success=_("File attached."),
    )
