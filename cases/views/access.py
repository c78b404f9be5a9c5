"""Who may open one case: a coordinator's grants and their revocation, and an administrator's
break-the-glass access. The rules live in cases.access; these views only parse and answer."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases import access
from cases.selectors import case_for_user
from portal.forms import StyledForm
from portal.roles import Capability, can


class BreakGlassForm(StyledForm):
    case_number = forms.CharField(label=gettext_lazy("Case number"), max_length=40)
    reason = forms.CharField(
        label=gettext_lazy("Why you need this case"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
@require_POST
def grant_access(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_user(user=request.user, pk=pk)
    try:
        user = access.case_grant_access(
            actor=request.user,
            case_id=case.pk,
            username=request.POST.get("username", ""),
            edit=bool(request.POST.get("edit")),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Access granted to %(user)s.") % {"user": user})
    return redirect(case)


@login_required
@require_POST
def revoke_access(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    case = case_for_user(user=request.user, pk=pk)
    access.case_revoke_access(actor=request.user, case_id=case.pk, user_id=user_pk)
    messages.success(request, _("Access revoked."))
    return redirect(case)


@login_required
def break_glass(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.BREAK_GLASS):
        raise PermissionDenied
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = access.case_break_glass(
                actor=request.user,
                case_number=form.cleaned_data["case_number"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect(case)
    return render(
        request,
        "cases/break_glass.html",
        {"form": form, "settings_minutes": settings.PORTAL_BREAK_GLASS_MINUTES},
        status=400 if form.errors else 200,
    )
