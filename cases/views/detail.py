from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from cases.access import case_grants
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
from cases.lifecycle.forms import (
    ClosureAnswerForm,
    ClosureRequestForm,
    ReassignForm,
    ReopenForm,
    TransferRequestForm,
)
from cases.lifecycle.selectors import lifecycle_context
from cases.models import Case
from cases.printing import case_summary_pdf
from cases.sections import section_context, sections_for
from cases.selectors import (
    case_for_user,
    case_is_editable,
    case_next_steps,
    case_page,
    case_timeline,
)
from cases.services import STATUS_FLOW
from portal.audit import audit_record
from portal.models import AuditAction
from portal.roles import Capability, can


def edit_initial(case: Case) -> dict:
    return {
        "district": case.district_id,
        "channel": case.channel,
        "intake_scenario": case.intake_scenario,
        "reported_at": timezone.localtime(case.reported_at),
        "reporter_contact": case.reporter_contact,
        "summary": case.summary,
        "confidential": case.confidential,
        "children_service_notified": case.children_service_notified,
        "version": case.version,
    }


def render_case_page(
    request: HttpRequest, case: Case, *, forms: dict | None = None, conflict=None, status: int = 200
) -> HttpResponse:
    forms = forms or {}
    # Every response that shows the case writes its read event — a failed POST included.
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case, detail=case.number)
    editable = case_is_editable(user=request.user, case=case)
    status_form = forms.get("status") or StatusForm(prefix="status")
    status_form.fields["status"].choices = [
        (value, label)
        for value, label in status_form.fields["status"].choices
        if value in STATUS_FLOW.get(case.status, set())
    ]
    context = {
        "case": case,
        "editable": editable,
        "can_grant": can(request.user, Capability.CASE_GRANT_ACCESS),
        "grants": case_grants(user=request.user, case=case),
        "timeline": case_timeline(case=case),
        "sections": sections_for(request, case),
        "next_steps": case_next_steps(user=request.user, case=case),
        "conflict": conflict,
        "edit_form": forms.get("edit") or CaseEditForm(prefix="edit", initial=edit_initial(case)),
        "status_form": status_form,
        "note_form": forms.get("note") or NoteForm(prefix="note"),
        "task_form": forms.get("task") or TaskForm(prefix="task"),
        "attachment_form": forms.get("attachment") or AttachmentForm(prefix="attachment"),
        "incident_form": forms.get("incident") or IncidentForm(prefix="incident"),
        "participant_form": forms.get("participant") or ParticipantAddForm(prefix="participant"),
        "risk_form": forms.get("risk") or RiskForm(prefix="risk", language=get_language()),
        "needs_form": forms.get("needs") or NeedsForm(prefix="needs"),
        "open_tab": forms.get("_tab", "overview"),
        "lead": lifecycle_context(user=request.user, case=case, editable=editable),
        "closure_form": forms.get("closure") or ClosureRequestForm(prefix="closure"),
        "answer_form": forms.get("answer") or ClosureAnswerForm(prefix="answer"),
        "reopen_form": forms.get("reopen") or ReopenForm(prefix="reopen"),
        "reassign_form": forms.get("reassign") or ReassignForm(prefix="reassign", case=case),
        "transfer_form": forms.get("transfer") or TransferRequestForm(prefix="transfer", case=case),
        **case_page(case=case),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_user(user=request.user, pk=pk)
    return render_case_page(request, case)


# The header by which the page's script knows a tab's content from a sign-in page that a lost
# session was redirected to (static/portal/portal.js).
SECTION_HEADER = "X-Portal-Fragment"


@login_required
@require_GET
def case_section(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One tab that another app adds to the case page (cases.sections), read when the user
    opens it: the page itself does not read the orders, referrals, plans or team. The read is
    audited like the page's. A tab the user may not see, or that does not exist, answers 404;
    without htmx (a plain link) the case's page opens on that tab."""
    case = case_for_user(user=request.user, pk=pk)
    found = section_context(request, case, key)
    if found is None:
        raise Http404
    section, context = found
    if request.headers.get("HX-Request") != "true":
        return redirect(reverse("cases:detail", args=[case.pk]) + f"#section-{section.key}")
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=case,
        detail=f"{case.number}: {section.title}",
    )
    response = render(request, section.template, {"case": case, "section": context})
    response[SECTION_HEADER] = "case-section"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def case_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The case summary as a PDF, for those who see the case; the read is audited."""
    case = case_for_user(user=request.user, pk=pk)
    pdf = case_summary_pdf(user=request.user, case=case)
    audit_record(
        actor=request.user, action=AuditAction.DOWNLOAD, obj=case, detail=f"{case.number} summary"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{case.number}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
