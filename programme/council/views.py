"""The council's pages: meetings, their agenda, attendance and decisions, assignments under
control and the minutes. Thin: a form in, one service or selector, a template out.

An object the user may not see, or may not change, is answered 404 like a missing one."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.audit import audit_record
from portal.models import AuditAction
from portal.roles import Capability, acting_organisation_id, can, get_object_for_user
from programme.council import forms, rules, selectors, services
from programme.council.models import SHOWN_STATUSES, AssignmentEventKind, AttendanceReply


def _need(user, capability: Capability) -> None:
    if not can(user, capability):
        raise Http404


def _attempt(
    request: HttpRequest, action: Callable[[], object], done: str, *, visible: bool = False
) -> bool:
    """Run one service: a broken rule is a message on the same page; a refusal is a 404, or
    a 403 when the user can see the object (`visible`) but may not do this to it."""
    try:
        action()
    except PermissionDenied:
        if visible:
            raise
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, done)
    return True


# --- meetings ---------------------------------------------------------------------------------


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    _need(request.user, Capability.COUNCIL_VIEW)
    return render(
        request,
        "programme/council/meetings.html",
        {
            "meetings": selectors.meetings_visible_to(request.user),
            "can_manage": can(request.user, Capability.COUNCIL_MANAGE),
        },
    )


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    _need(request.user, Capability.COUNCIL_MANAGE)
    form = forms.MeetingCreateForm(
        request.POST or None, initial={"number": services.next_meeting_number()}
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                actor=request.user,
                number=data["number"],
                day=data["date"],
                form=data["form"],
                place=data["place"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("programme:council:meeting", pk=meeting.pk)
    return render(
        request, "programme/council/meeting_new.html", {"form": form}, status=_status(form)
    )


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_for_user(selectors.meetings_visible_to(request.user), pk)
    can_manage = can(request.user, Capability.COUNCIL_MANAGE)
    context = selectors.meeting_page(user=request.user, meeting=item)
    return render(
        request,
        "programme/council/meeting.html",
        {
            **context,
            "can_manage": can_manage,
            "can_view_all": can(request.user, Capability.COUNCIL_VIEW),
            "item_form": forms.AgendaItemForm() if can_manage else None,
            "statuses": SHOWN_STATUSES,
            "replies_labels": dict(AttendanceReply.choices),
        },
    )


@login_required
@require_POST
def meeting_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's answer to the agenda: will attend or will not."""
    get_object_for_user(selectors.meetings_visible_to(request.user), pk)
    form = forms.ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether you will attend."))
    else:
        _attempt(
            request,
            lambda: services.meeting_attendance_confirm(
                actor=request.user, meeting_id=pk, reply=form.cleaned_data["reply"]
            ),
            _("Your answer is recorded."),
            visible=True,
        )
    return redirect("programme:council:meeting", pk=pk)


@login_required
@require_POST
def meeting_advance(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request.user, Capability.COUNCIL_MANAGE)
    _attempt(
        request,
        lambda: services.meeting_advance(actor=request.user, meeting_id=pk),
        _("The status of the meeting is changed."),
    )
    return redirect("programme:council:meeting", pk=pk)


@login_required
@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request.user, Capability.COUNCIL_MANAGE)
    form = forms.AgendaItemForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    else:
        _attempt(
            request,
            lambda: services.meeting_item_add(
                actor=request.user, meeting_id=pk, **form.cleaned_data
            ),
            _("The item is added to the agenda."),
        )
    return redirect("programme:council:meeting", pk=pk)


@login_required
def item(request: HttpRequest, pk: int) -> HttpResponse:
    """One agenda item: what was heard and who spoke, and its decisions (ВИРІШИЛИ)."""
    _need(request.user, Capability.COUNCIL_MANAGE)
    agenda_item = get_object_for_user(selectors.items_visible_to(request.user), pk)
    return _item_page(request, agenda_item)


def _item_page(
    request: HttpRequest, agenda_item, record_form=None, *, conflict: bool = False
) -> HttpResponse:
    stored = rules.record_state(notes=agenda_item.notes, speakers=agenda_item.speakers)
    if record_form is None:
        record_form = forms.ItemRecordForm(
            initial={
                "notes": agenda_item.notes,
                "speakers": agenda_item.speakers,
                "opened_state": stored,
            }
        )
    return render(
        request,
        "programme/council/item.html",
        {
            "item": agenda_item,
            "decisions": agenda_item.decisions.all(),
            "record_form": record_form,
            # Someone saved the record meanwhile: their text is shown above the form.
            "record_conflict": conflict,
            "decision_form": forms.DecisionForm(),
            "materials": agenda_item.materials.order_by("pk"),
            "run_form": forms.MaterialRunForm(),
            "statistics_form": forms.MaterialStatisticsForm(
                initial={"kind": "9months", "year": agenda_item.meeting.date.year}
            ),
            "agenda_open": agenda_item.meeting.status in ("planned", "agenda_sent"),
        },
    )


@login_required
@require_POST
def item_record(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request.user, Capability.COUNCIL_MANAGE)
    agenda_item = get_object_for_user(selectors.items_visible_to(request.user), pk)
    form = forms.ItemRecordForm(request.POST)
    if not form.is_valid():
        return _item_page(request, agenda_item, form)
    try:
        services.meeting_item_record(actor=request.user, item_id=pk, **form.cleaned_data)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if error.code != "changed_meanwhile":
            return redirect("programme:council:item", pk=agenda_item.pk)
        # What this user wrote stays in the form; saving again replaces what is shown above.
        agenda_item.refresh_from_db()
        data = request.POST.copy()
        data["opened_state"] = rules.record_state(
            notes=agenda_item.notes, speakers=agenda_item.speakers
        )
        return _item_page(request, agenda_item, forms.ItemRecordForm(data), conflict=True)
    messages.success(request, _("Saved."))
    return redirect("programme:council:item", pk=agenda_item.pk)


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request.user, Capability.COUNCIL_MANAGE)
    agenda_item = get_object_for_user(selectors.items_visible_to(request.user), pk)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the text of the decision."))
    else:
        _attempt(
            request,
            lambda: services.decision_add(actor=request.user, item_id=pk, **form.cleaned_data),
            _("The decision is recorded."),
        )
    return redirect("programme:council:item", pk=agenda_item.pk)


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request.user, Capability.COUNCIL_MANAGE)
    item = get_object_for_user(selectors.meetings_visible_to(request.user), pk)
    members = selectors.members_on(item.date)

    def marked_present() -> list[int]:
        return list(item.attendance.filter(present=True).values_list("member_id", flat=True))

    present = marked_present()
    form = forms.AttendanceForm(
        request.POST if request.method == "POST" else None,
        members=members,
        initial={"present": present, "opened_state": rules.attendance_state(present)},
    )
    theirs = None
    if form.is_valid():
        try:
            services.meeting_attendance_record(
                actor=request.user,
                meeting_id=pk,
                present_ids={m.pk for m in form.cleaned_data["present"]},
                opened_state=form.cleaned_data["opened_state"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            if error.code == "changed_meanwhile":
                # This user's ticks stay; what was saved meanwhile is listed above them, and
                # saving again replaces it.
                present = marked_present()
                theirs = [m for m in members if m.pk in present]
                data = request.POST.copy()
                data["opened_state"] = rules.attendance_state(present)
                form = forms.AttendanceForm(data, members=members)
        else:
            messages.success(request, _("The attendance is recorded."))
            return redirect("programme:council:meeting", pk=pk)
    return render(
        request,
        "programme/council/attendance.html",
        {
            "meeting": item,
            "form": form,
            "quorum": selectors.quorum_of(item),
            "theirs": theirs,
        },
    )


@login_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes as PDF: a draft until signed. Every download is audited."""
    item = get_object_for_user(selectors.meetings_visible_to(request.user), pk)
    from programme.council.pdf import minutes_pdf

    pdf = minutes_pdf(item)
    audit_record(
        actor=request.user,
        action=AuditAction.DOWNLOAD,
        obj=item,
        detail=f"minutes{' draft' if item.is_draft else ''}",
    )
    suffix = "-draft" if item.is_draft else ""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="minutes-{item.number}-{item.date:%Y%m%d}{suffix}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- decisions and assignments ----------------------------------------------------------------


@login_required
def assignment_new(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request.user, Capability.COUNCIL_MANAGE)
    decision = get_object_for_user(selectors.decisions_visible_to(request.user), pk)
    form = forms.AssignmentForm(request.POST or None)
    if form.is_valid() and _attempt(
        request,
        lambda: services.assignment_add(actor=request.user, decision_id=pk, **form.cleaned_data),
        _("The assignment is put under control."),
    ):
        return redirect("programme:council:meeting", pk=decision.item.meeting_id)
    return render(
        request,
        "programme/council/assignment_new.html",
        {"decision": decision, "form": form},
        status=_status(form),
    )


@login_required
def control(request: HttpRequest) -> HttpResponse:
    """The secretariat's control list: every assignment by status and lateness."""
    _need(request.user, Capability.COUNCIL_VIEW)
    return _assignment_list(request, "programme/council/control.html")


@login_required
def control_report(request: HttpRequest, fmt: str) -> HttpResponse:
    """The control report for the next meeting's agenda, as PDF or XLSX; audited."""
    _need(request.user, Capability.COUNCIL_VIEW)
    from portal.spreadsheets import spreadsheet_response
    from programme.council import control_report as report

    today = selectors.kyiv_today()
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="council.control",
        detail=f"{fmt} {today:%d.%m.%Y}",
    )
    if fmt == "xlsx":
        header, rows = report.control_table(user=request.user, today=today)
        return spreadsheet_response(
            fmt="xlsx", title=_("Control"), stem="council-control", header=header, rows=rows
        )
    response = HttpResponse(
        report.control_pdf(user=request.user, today=today), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="council-control-{today:%Y%m%d}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_assignments(request: HttpRequest) -> HttpResponse:
    _need(request.user, Capability.COUNCIL_REPORT)
    return _assignment_list(request, "programme/council/my_assignments.html")


def _assignment_list(request: HttpRequest, template: str) -> HttpResponse:
    today = selectors.kyiv_today()
    everything = selectors.assignment_rows(
        selectors.assignments_visible_to(request.user), today=today
    )
    status = request.GET.get("status", "")
    if status not in SHOWN_STATUSES:
        status = ""
    rows = [a for a in everything if not status or a.shown == status]
    return render(
        request,
        template,
        {
            "rows": rows,
            "counts": selectors.status_counts(everything),
            "statuses": SHOWN_STATUSES,
            "status": status,
            "today": today,
        },
    )


@login_required
def assignment(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_for_user(selectors.assignments_visible_to(request.user), pk)
    today = selectors.kyiv_today()
    is_assignee = can(request.user, Capability.COUNCIL_REPORT) and (
        item.assignee_id == acting_organisation_id(request.user)
    )
    return render(
        request,
        "programme/council/assignment.html",
        {
            "assignment": item,
            "shown": item.shown_status(today),
            "late_days": item.days_overdue(today),
            "statuses": SHOWN_STATUSES,
            "events": item.events.select_related("actor"),
            "kinds": dict(AssignmentEventKind.choices),
            "is_assignee": is_assignee,
            "can_manage": can(request.user, Capability.COUNCIL_MANAGE),
            "report_form": forms.ReportForm(),
            "return_form": forms.ReturnForm(),
            "extend_form": forms.ExtendForm(),
        },
    )


def _assignment_action(request: HttpRequest, pk: int, form_class, action, done: str):
    """One action on an assignment: 404 unless the user sees it, 403 if they may not act."""
    get_object_for_user(selectors.assignments_visible_to(request.user), pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    else:
        data = form.cleaned_data if form is not None else {}
        _attempt(
            request,
            lambda: action(actor=request.user, assignment_id=pk, **data),
            done,
            visible=True,
        )
    return redirect("programme:council:assignment", pk=pk)


@login_required
@require_POST
def assignment_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(
        request, pk, None, services.assignment_start, _("The assignment is taken into work.")
    )


@login_required
@require_POST
def assignment_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(
        request, pk, forms.ReportForm, services.assignment_report, _("The report is sent.")
    )


@login_required
@require_POST
def assignment_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(
        request, pk, None, services.assignment_accept, _("The assignment is removed from control.")
    )


@login_required
@require_POST
def assignment_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(
        request, pk, forms.ReturnForm, services.assignment_return, _("The report is returned.")
    )


@login_required
@require_POST
def assignment_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(
        request, pk, forms.ExtendForm, services.assignment_extend, _("The deadline is extended.")
    )


# --- members ----------------------------------------------------------------------------------


@login_required
def members(request: HttpRequest) -> HttpResponse:
    _need(request.user, Capability.COUNCIL_VIEW)
    can_manage = can(request.user, Capability.COUNCIL_MANAGE)
    form = forms.CouncilMemberForm(request.POST or None) if can_manage else None
    if request.method == "POST" and not can_manage:
        raise Http404
    if (
        form is not None
        and form.is_valid()
        and _attempt(
            request,
            lambda: services.council_member_add(actor=request.user, **form.cleaned_data),
            _("The member is added."),
        )
    ):
        return redirect("programme:council:members")
    return render(
        request,
        "programme/council/members.html",
        {
            "members": selectors.members_for(request.user),
            "today": selectors.kyiv_today(),
            "form": form,
        },
        status=_status(form) if form is not None else 200,
    )
