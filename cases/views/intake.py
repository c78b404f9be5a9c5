from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cases import risk as risk_rules
from cases.forms import (
    CaseIntakeForm,
    ChildForm,
    IncidentForm,
    NeedsForm,
    OffenderForm,
    PersonForm,
    RiskForm,
)
from cases.selectors import people_matching
from cases.services import IntakeData, PersonData, case_register
from portal.audit import audit_read
from portal.roles import Capability, acting_membership, can

# Where the service's cross-field errors belong on the page.
ERROR_TARGETS = {
    "reported_at": ("case", "reported_at"),
    "district": ("case", "district"),
    "children_service_notified": ("case", "children_service_notified"),
    "occurred_at": ("incident", "occurred_at"),
    "forms": ("incident", "forms"),
    "victim_birth_date": ("victim", "birth_date"),
    # The chosen "same person" is a hidden field: its refusal is shown above the person's form.
    "victim_existing_person": ("victim", None),
    "offender_existing_person": ("offender", None),
    "children": ("case", None),
}

# Rows for children on the intake page; more are added on the case page.
CHILD_ROWS = 4

# The sections of the page: the error summary names them, and links to them when an error
# belongs to no one field.
SECTIONS = {
    "case": ("intake-report", _lazy("The report")),
    "victim": ("intake-victim", _lazy("Victim")),
    "offender": ("intake-offender", _lazy("Offender")),
    "incident": ("intake-incident", _lazy("What happened")),
    "risk": ("intake-risk", _lazy("Risk assessment")),
    "needs": ("intake-needs", _lazy("Needs")),
    "child": ("intake-children", _lazy("Children")),
}


def _child_data(form: ChildForm, victim_last_name: str) -> PersonData:
    data = form.cleaned_data
    return PersonData(
        last_name=data.get("last_name") or victim_last_name,
        first_name=data["first_name"],
        sex=data["sex"],
        approximate_age=data["age"],
        relation_to_victim=data["relation_to_victim"],
        witnessed=data.get("witnessed", False),
    )


def error_summary(forms: dict) -> list[dict[str, str]]:
    """Every refusal on the page as (where, message, link), in page order, for the summary that
    takes the focus at the top of the page."""
    summary = []
    for key, form in forms.items():
        section_anchor, section = SECTIONS[key.split("-")[0]]
        for name, errors in form.errors.items():
            if name in form.fields:
                label, anchor = f"{section} — {form[name].label}", form[name].auto_id
            else:
                label, anchor = str(section), section_anchor
            summary.extend({"label": label, "message": m, "anchor": anchor} for m in errors)
    return summary


def _forms(request: HttpRequest) -> dict:
    data = request.POST if request.method == "POST" else None
    membership = acting_membership(request.user)
    initial_district = membership.organisation.districts.first() if membership else None
    now = timezone.localtime().replace(second=0, microsecond=0)
    forms = {
        "case": CaseIntakeForm(
            data, prefix="case", initial={"district": initial_district, "reported_at": now}
        ),
        "victim": PersonForm(data, prefix="victim", initial={"sex": "F"}),
        "offender": OffenderForm(data, prefix="offender", initial={"sex": "M"}),
        # Most reports are of what just happened: the worker corrects the time when it is not.
        "incident": IncidentForm(data, prefix="incident", initial={"occurred_at": now}),
        "risk": RiskForm(data, prefix="risk", language=get_language()),
        "needs": NeedsForm(data, prefix="needs"),
    }
    for row in range(1, CHILD_ROWS + 1):
        forms[f"child-{row}"] = ChildForm(data, prefix=f"child{row}")
    return forms


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    """One page to record a new report: case, victim, offender, incident, risk and needs."""
    if not can(request.user, Capability.CASE_REGISTER):
        raise PermissionDenied
    forms = _forms(request)
    if request.method == "POST" and all(f.is_valid() for f in forms.values()):
        c = forms["case"].cleaned_data
        incident = forms["incident"].cleaned_data
        needs = forms["needs"].cleaned_data
        data = IntakeData(
            district_id=c["district"].pk,
            channel=c["channel"],
            reported_at=c["reported_at"],
            intake_scenario=c["intake_scenario"],
            reporter_contact=c["reporter_contact"],
            summary=c["summary"],
            confidential=c["confidential"],
            consent_to_share=c["consent_to_share"],
            children_service_notified=c["children_service_notified"],
            victim=forms["victim"].person_data(),
            offender=None if forms["offender"].is_unknown else forms["offender"].person_data(),
            children=[
                _child_data(form, forms["victim"].cleaned_data["last_name"])
                for key, form in forms.items()
                if key.startswith("child-") and form.has_changed()
            ],
            incident={**incident, "subtypes": list(incident.get("subtypes") or [])},
            needs=needs.get("needs") or [],
            accompanying_children=needs.get("accompanying_children") or 0,
            special_needs=needs.get("special_needs", ""),
            risk_answers=forms["risk"].answers(),
        )
        try:
            case = case_register(actor=request.user, data=data)
        except ValidationError as error:
            for key, messages_ in error.message_dict.items():
                form_key, field = ERROR_TARGETS.get(key, ("case", None))
                for message in messages_:
                    forms[form_key].add_error(field, message)
        else:
            messages.success(request, _("Case %(number)s is registered.") % {"number": case.number})
            return redirect(case)
    return render(
        request,
        "cases/intake.html",
        {
            "forms": forms,
            "children": [f for key, f in forms.items() if key.startswith("child-")],
            "errors": error_summary(forms) if request.method == "POST" else [],
            "can_lookup": can(request.user, Capability.PERSON_LOOKUP),
        },
    )


@login_required
def person_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: people already known with a similar name, before a new one is created."""
    if not can(request.user, Capability.PERSON_LOOKUP):
        raise PermissionDenied
    prefix = request.GET.get("prefix", "victim")
    if prefix not in {"victim", "offender"}:
        prefix = "victim"
    form = PersonForm(request.GET, prefix=prefix)
    form.is_valid()
    matches = people_matching(
        user=request.user,
        last_name=request.GET.get(f"{prefix}-last_name", ""),
        first_name=request.GET.get(f"{prefix}-first_name", ""),
        birth_date=form.cleaned_data.get("birth_date"),
    )
    # The lookup names people: one read event with the ids it showed.
    audit_read(
        actor=request.user,
        object_type="cases.person",
        ids=[m["person"].pk for m in matches if m["visible"]],
        what="lookup",
    )
    return render(request, "cases/_person_matches.html", {"matches": matches, "prefix": prefix})


@login_required
@require_POST
def risk_preview(request: HttpRequest) -> HttpResponse:
    """htmx: the level the answers give so far, with the rule, while the worker fills them in."""
    form = RiskForm(request.POST, prefix="risk", language=get_language())
    form.is_valid()
    questionnaire = form.questionnaire
    result = risk_rules.assess(questionnaire, form.answers())
    return render(
        request,
        "cases/_risk_preview.html",
        {
            "result": result,
            "explanation": risk_rules.explain(result, questionnaire, get_language()),
        },
    )
