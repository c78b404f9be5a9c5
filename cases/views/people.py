"""A person of a case after intake: her details corrected by whoever may change the case, with
the history of every change; read-only (with the history) for those who only see the case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cases import services
from cases.forms import PersonEditForm
from cases.selectors import (
    PERSON_FIELDS,
    case_for_user,
    case_is_editable,
    participant_of_case,
    person_across_cases,
    person_history,
    person_version,
)
from portal.audit import audit_record
from portal.models import AuditAction


@login_required
def person_edit(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    case = case_for_user(user=request.user, pk=pk)
    participant = participant_of_case(case=case, person_pk=person_pk)
    person = participant.person
    editable = case_is_editable(user=request.user, case=case)
    initial = {name: getattr(person, name) for name in PERSON_FIELDS}
    initial["seen"] = person_version(person)
    form = PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.person_update(
                    actor=request.user,
                    case_id=case.pk,
                    person_id=person.pk,
                    data=services.PersonData(**{name: d[name] for name in PERSON_FIELDS}),
                    seen=d["seen"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                messages.success(request, _("The person's details are saved."))
                return redirect(reverse("cases:detail", args=[case.pk]) + "#people")
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=person, detail=case.number)
    return render(
        request,
        "cases/person_edit.html",
        {
            "case": case,
            "participant": participant,
            "person": person,
            "form": form,
            "editable": editable,
            "history": person_history(person=person),
        },
        status=400 if form.errors else 200,
    )


@login_required
def person_cases(request: HttpRequest, person_pk: int) -> HttpResponse:
    """One person across the cases the user sees (and a count of the others); the read is
    audited."""
    context = person_across_cases(user=request.user, pk=person_pk)
    person = context["person"]
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=person, detail="across cases")
    from cases.merge.selectors import mergeable_people

    context["may_merge"] = mergeable_people(request.user).filter(pk=person.pk).exists()
    return render(request, "cases/person_cases.html", context)
