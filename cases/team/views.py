"""The team's pages: convening from the case, the team with its members and conferences, a
conference and its printed record. Who may not see a team gets 404; a member who sees it but
may not change it (only the case's organisation and the coordinators do) gets 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from cases.selectors import case_for_user
from cases.team import forms, selectors, services
from cases.team.pdf import conference_pdf
from portal.audit import audit_record
from portal.models import AuditAction


def _apply(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _managed_team(request, pk):
    team = selectors.team_for_user(user=request.user, pk=pk)
    if not services.may_manage_case_team(request.user, team.case):
        raise PermissionDenied
    return team


def _team_response(request, team, *, status: int = 200, **forms_given) -> HttpResponse:
    may_manage = services.may_manage_case_team(request.user, team.case) and team.is_open
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=team, detail="team page")
    context = {
        "team": team,
        "case": team.case,
        "may_manage": may_manage,
        "mine": selectors.my_team_decisions(request.user, team),
        **selectors.team_page(team),
    }
    if may_manage:
        context |= {
            "member_form": forms_given.get("member_form") or forms.MemberForm(team=team),
            "extend_form": forms_given.get("extend_form")
            or forms.ExtendForm(initial={"ends_on": team.ends_on}),
            "close_form": forms_given.get("close_form") or forms.CloseForm(),
        }
    return render(request, "cases/team/team.html", context, status=status)


@login_required
@require_POST
def team_convene(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_user(user=request.user, pk=pk)
    if not services.may_manage_case_team(request.user, case):
        raise PermissionDenied
    form = forms.ConveneForm(request.POST)
    if form.is_valid():
        try:
            team = services.team_convene(
                actor=request.user,
                case_id=case.pk,
                purpose=form.cleaned_data["purpose"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The team is convened: add its members."))
            return redirect("cases:team", team.pk)
    return render(request, "cases/team/convene.html", {"case": case, "form": form}, status=400)


@login_required
def team(request: HttpRequest, pk: int) -> HttpResponse:
    return _team_response(request, selectors.team_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = _managed_team(request, pk)
    form = forms.MemberForm(request.POST, team=team)
    if form.is_valid():
        try:
            services.team_member_add(
                actor=request.user,
                team_id=team.pk,
                membership_id=form.cleaned_data["membership"].pk,
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, pgettext("a team", "The member is added."))
            return redirect("cases:team", team.pk)
    return _team_response(request, team, status=400, member_form=form)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    team = _managed_team(request, pk)
    try:
        services.team_member_remove(actor=request.user, team_id=team.pk, member_id=member_pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The member left the team; their access ended."))
    return redirect("cases:team", team.pk)


@login_required
@require_POST
def team_extend(request: HttpRequest, pk: int) -> HttpResponse:
    team = _managed_team(request, pk)
    form = forms.ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.team_extend(
                actor=request.user, team_id=team.pk, ends_on=form.cleaned_data["ends_on"]
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The team works longer; its members' access too."))
            return redirect("cases:team", team.pk)
    return _team_response(request, team, status=400, extend_form=form)


@login_required
@require_POST
def team_close(request: HttpRequest, pk: int) -> HttpResponse:
    team = _managed_team(request, pk)
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        try:
            services.team_close(
                actor=request.user, team_id=team.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The team is closed; its members' access ended."))
            return redirect("cases:team", team.pk)
    return _team_response(request, team, status=400, close_form=form)


@login_required
def conference_new(request: HttpRequest, pk: int) -> HttpResponse:
    team = _managed_team(request, pk)
    if not team.is_open:
        raise PermissionDenied
    members = team.members.filter(left_at__isnull=True)
    form = forms.ConferenceRecordForm(
        request.POST or None,
        team=team,
        initial={
            "held_on": timezone.localdate(),
            "present": list(members.values_list("pk", flat=True)),
            "case_manager": request.user.pk if members.filter(user=request.user).exists() else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conference = services.conference_record(
                actor=request.user,
                team_id=team.pk,
                held_on=data["held_on"],
                form=data["form"],
                situation=data["situation"],
                case_manager_id=data["case_manager"].pk,
                present_ids=[m.pk for m in data["present"]],
                next_review=data["next_review"],
                decisions=form.decisions(),
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The conference is recorded; its decisions are tasks."))
            return redirect("cases:conference", conference.pk)
    return render(
        request,
        "cases/team/conference_new.html",
        {"team": team, "case": team.case, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def conference(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.conference_for_user(user=request.user, pk=pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=record, detail="conference")
    return render(
        request,
        "cases/team/conference.html",
        {
            "conference": record,
            "team": record.team,
            "case": record.team.case,
            "present": record.present.select_related("user", "organisation"),
            "decisions": record.decisions.select_related("owner", "task"),
        },
    )


@login_required
def conference_print(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.conference_for_user(user=request.user, pk=pk)
    pdf = conference_pdf(record)
    audit_record(
        actor=request.user, action=AuditAction.DOWNLOAD, obj=record, detail="conference record"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"conference-{record.held_on:%Y-%m-%d}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
