"""Merging duplicates: the candidates of a person, the side-by-side comparison, the merge's
record with its undo. Heads and coordinators only; anything else is 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.merge import selectors, services
from cases.merge.forms import MergeForm
from portal.audit import audit_record
from portal.models import AuditAction


@login_required
def candidates(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_to_merge(user=request.user, pk=pk)
    found = selectors.duplicate_candidates(user=request.user, person=person)
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=person,
        detail="duplicate candidates: " + ",".join(str(p.pk) for p in found),
    )
    return render(
        request,
        "cases/merge/candidates.html",
        {
            "person": person,
            "candidates": found,
            "merges": selectors.merges_into(person),
        },
    )


@login_required
def compare(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    kept = selectors.person_to_merge(user=request.user, pk=pk)
    duplicate = selectors.person_to_merge(user=request.user, pk=other_pk)
    if kept.pk == duplicate.pk:
        raise Http404
    form = MergeForm(request.POST or None, differing=selectors.differing_fields(kept, duplicate))
    if request.method == "POST" and form.is_valid():
        try:
            merge = services.person_merge(
                actor=request.user,
                kept_id=kept.pk,
                duplicate_id=duplicate.pk,
                choices=form.choices(),
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("The records are merged; you can undo it for 30 days."))
            return redirect("cases:merge", merge.pk)
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=kept,
        detail=f"compared with person {duplicate.pk}",
    )
    return render(
        request,
        "cases/merge/compare.html",
        {
            "kept": kept,
            "duplicate": duplicate,
            "form": form,
            "kept_cases": kept.participations.select_related("case").order_by("case__number"),
            "duplicate_cases": duplicate.participations.select_related("case").order_by(
                "case__number"
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.merge_for_user(user=request.user, pk=pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=record, detail="merge record")
    return render(
        request,
        "cases/merge/merge.html",
        {
            "merge": record,
            "may_undo": selectors.may_undo(record),
            "deadline": selectors.undo_deadline(record),
            "moved": sum(len(ids) for ids in record.moved.values()),
            "taken": [
                _field_label(field)
                for field, source in record.choices.items()
                if source == "duplicate"
            ],
        },
    )


def _field_label(field: str) -> str:
    from cases.models import Person

    return str(Person._meta.get_field(field).verbose_name)


@login_required
@require_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.merge_for_user(user=request.user, pk=pk)
    try:
        services.person_merge_undo(actor=request.user, merge_id=record.pk)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The merge is undone: both records are as they were."))
    return redirect("cases:merge", record.pk)
