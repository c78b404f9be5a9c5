"""Every form field and request parameter that names an object is known, and each is resolved
through the acting user's scope: an id the user may not see is answered like a missing one.

The lists below are generated from the code (the forms' fields, the request parameters read in
the views); a new reference that is not classified here fails the first two tests, so the day a
form gains a hidden id it also gains a test with an id that is not the user's.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from django import forms

from portal.models import Membership, Notification
from portal.roles import Role
from tests.cases.factories import register_case
from tests.factories import OrganisationFactory
from tests.referrals.factories import catalogue_for_darnytskyi

ROOT = Path(__file__).resolve().parents[2]
APPS = ["portal", "cases", "orders", "referrals", "programme"]

# Form fields that choose from a queryset or carry a hidden value: what each one names and why
# it is safe (the test that proves it, or why the choices are public reference data).
REFERENCE_FORM_FIELDS = {
    "cases.forms.CaseIntakeForm.district": "public reference data (ten districts)",
    "cases.forms.PersonForm.existing_person": "test_leaks::test_intake_cannot_link_a_person…",
    "cases.forms.OffenderForm.existing_person": "test_leaks::test_intake_cannot_link_a_person…",
    "cases.forms.CaseEditForm.district": "public reference data (ten districts)",
    "cases.forms.IncidentForm.subtypes": "public reference data (sub-types of violence)",
    "cases.forms.CaseEditForm.version": "optimistic lock; a stale value gives a conflict",
    "programme.forms.ProgressForm.version": "optimistic lock; a stale value gives a conflict",
    "orders.forms.ProgrammeUpdateForm.version": "optimistic lock; a stale value is refused",
    "cases.forms.PersonEditForm.seen": "optimistic lock (the person's history row); stale refused",
    "cases.forms.ParticipantAddForm.existing_person": "resolved by person_for_linking (scoped)",
    "orders.forms.UrgentOrderForm.district": "public reference data (ten districts)",
    "portal.forms.AuditLogFilterForm.organisation": "filter for auditors; organisations are public",
    "programme.council.forms.CouncilMemberForm.organisation": "organisations are public",
    "programme.council.forms.AgendaItemForm.organisation": "organisations are public",
    # Versions of the procedure are public documents; a junk or approved one is refused
    # (tests/referrals/test_procedure.py::test_an_agenda_item_presents_only_a_draft…)
    "programme.council.forms.AgendaItemForm.procedure": "public documents, drafts only",
    "referrals.procedure_forms.ProcedureStepForm.version": "optimistic lock; stale is refused",
    # The draft policy travels with the page, parsed by parse_policy; the rule is one of it, and
    # a rule not in the draft is refused (tests/referrals/test_policy_editor.py, "R99").
    "referrals.policy_editor.RuleForm.rules": "the draft itself, parsed and checked",
    "referrals.policy_editor.RuleForm.rule_id": "a rule of the draft sent with it",
    # The Django admin is the administrators' (is_staff); every membership is theirs to manage.
    "portal.admin.MembershipForm.organisation": "admin only: administrators manage all",
    "portal.admin.MembershipForm.user": "admin only: administrators manage all",
    "referrals.admin.ProviderProfileForm.organisation": "admin only: administrators manage all",
    "programme.admin.IndicatorPlanForm.indicator": "admin only: administrators manage all",
    "programme.council.forms.AssignmentForm.assignee": "organisations are public",
    "programme.council.forms.AttendanceForm.present": "the council's members on the meeting date",
    "programme.council.forms.ItemRecordForm.opened_state": "optimistic lock: a digest of the "
    "record as shown; a stale one is refused",
    "programme.council.forms.AttendanceForm.opened_state": "optimistic lock: a digest of who "
    "was shown present; a stale one is refused",
    "programme.council.forms.MaterialRunForm.run": "finished report runs: aggregates, secretariat",
    "programme.council.memoranda.forms.MemorandumForm.partner": "organisations are public",
    # The plans (cases.plans): versions are optimistic locks; an action's person is scoped to
    # the people who work on the case, its id to the goal's own actions (tests below).
    "cases.plans.forms.VersionForm.version": "optimistic lock; a stale value is refused",
    "cases.plans.forms.SafetyPlanForm.version": "optimistic lock; a stale value is refused",
    "cases.plans.forms.GoalForm.version": "optimistic lock; a stale value is refused",
    "cases.plans.forms.DecisionForm.version": "optimistic lock; a stale value is refused",
    "cases.plans.forms.ReturnForm.version": "optimistic lock; a stale value is refused",
    "cases.plans.forms.ActionForm.responsible_organisation": "organisations are public",
    "cases.plans.forms.ActionForm.responsible_person": "plan_people(case); test below",
    "cases.plans.forms.ActionForm.id": "the goal's own actions only; test below",
    # The case's lead (cases.lifecycle): people and organisations scoped to the case.
    "cases.lifecycle.forms.ReassignForm.worker": "the case organisation's active workers; "
    "test_reassigning_to_someone_elses_worker_is_refused",
    "cases.lifecycle.forms.TransferRequestForm.to_organisation": "organisations that can lead "
    "and have a head; test_transferring_to_an_organisation_that_cannot_lead_is_refused",
    "cases.lifecycle.forms.TransferAcceptForm.responsible": "the receiving organisation's "
    "active workers; test_accepting_with_someone_elses_worker_is_refused",
    # tests/referrals/test_provider_side.py::test_nobody_corrects_another_organisations_places
    "referrals.forms.CapacityForm.provider": "resolved by capacity_to_correct (own org only)",
    "referrals.forms.CapacityForm.version": "optimistic lock; a stale value is refused",
    # The multidisciplinary team (cases.team): people offered from the team's own candidates
    # and members; anything else is refused at the field
    # (tests/cases/test_team.py::test_a_person_not_on_the_candidates_list_is_refused_…,
    # test_a_conference_the_rules_refuse_records_nothing).
    "cases.team.forms.MemberForm.membership": "member_candidates(team), scoped to the team",
    "cases.team.forms.ConferenceRecordForm.present": "the team's current members only",
    "cases.team.forms.ConferenceRecordForm.case_manager": "the team's current members only",
    # The programme editor (programme.structure), the secretariat's alone: the structure's
    # version is a lock (tests/programme/test_structure.py::test_a_form_opened_before_…);
    # organisations are public; the programme to copy is one of programmes_for(user).
    "programme.structure.forms.VersionedForm.version": "optimistic lock; a stale one is refused",
    "programme.structure.forms.TaskForm.version": "optimistic lock; a stale one is refused",
    "programme.structure.forms.MeasureForm.version": "optimistic lock; a stale one is refused",
    "programme.structure.forms.IndicatorForm.version": "optimistic lock; a stale one is refused",
    "programme.structure.forms.ProgrammeHeaderForm.version": "optimistic lock; stale refused",
    "programme.structure.forms.MeasureForm.executors": "organisations are public",
    "programme.structure.forms.ProgrammeHeaderForm.responsible": "organisations are public",
    "programme.structure.forms.ProgrammeNewForm.source": "programmes_for(user), secretariat only",
    # The admin's correction of a quarterly report (tests/programme/test_progress_admin.py).
    "programme.admin.ProgressAdminForm.opened_version": "optimistic lock; a stale one is refused",
}

# Parameters read straight from request.GET/POST in views: "reference" when they name an
# object (each has a test below or in test_leaks), "value" otherwise.
REQUEST_PARAMETERS = {
    "membership": "reference",  # test_switching_to_someone_elses_membership_does_nothing
    "id": "reference",  # test_marking_someone_elses_notification_read_does_nothing
    "username": "reference",  # test_access_grants: only colleagues who work on cases
    "provider": "reference",  # test_assigning_to_a_junk_provider_is_refused
    "manual_provider": "reference",  # test_leaks: manual referral to a junk provider
    "case": "reference",  # test_a_prefilled_order_form_for_someone_elses_case_is_404
    "keep": "value",  # service codes of the plan, matched against the stored plan
    "manual_service": "value",
    # "service:index" into the stored plan's candidates of that item; anything else refused
    # (tests/referrals/test_plan_page.py::test_a_provider_outside_the_items_candidates_…)
    "provider_choice": "reference",
    "service": "value",  # coordinator's filter: a service code, matched as a string
    "district": "value",  # coordinator's filter: a district slug (public reference data)
    "manual_reason": "value",
    "reason": "value",
    "outcome": "value",
    "edit": "value",
    "consent": "value",
    "prefix": "value",
    "page": "value",
    # the provider's inbox: a page number of its own lists (tests/referrals/test_inbox_triage.py)
    "new": "value",
    "work": "value",
    # the case list's filters to save, checked by CaseFilterForm (tests/cases/test_saved_filters.py)
    "query": "value",
    "next": "value",  # checked with url_has_allowed_host_and_scheme
    "as_of": "value",
    "format": "value",
    "all": "value",
    "kind": "value",
    "year": "value",
    "quarter": "value",
    "start": "value",
    "end": "value",
    "status": "value",
    "spent": "value",
    "narrative": "value",
    "version": "value",
    "name": "value",
    "date": "value",
    "note": "value",
    "policy": "value",
    "json": "value",
    # a programme's code: public reference data, an unknown one is 404
    # (tests/programme/test_structure.py::test_the_programme_page_shows_the_current_…)
    "programme": "reference",
    # a version of a programme's structure, through versions_of(user) (test_structure.py)
    "number": "reference",
    "pk": "reference",  # holidays and other small forms remove by id: scoped in services
    # a digest of a martial-law period as the holidays page showed it (MartialLawPeriod.state);
    # a stale or junk one is refused (tests/referrals/test_coordinator_settings_edges.py)
    "opened_state": "value",
}


def _form_modules():
    """Every module of the portal's apps that defines forms (`forms`, `*_forms`, and the
    editors that keep their form beside their logic, e.g. referrals.policy_editor), also in
    sub-packages (programme.council). Tests, migrations and management commands are skipped."""
    import importlib
    import pkgutil

    skip = (".migrations", ".management", ".tests")
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if not any(part in info.name for part in skip):
                yield importlib.import_module(info.name)


def _form_classes():
    for module in _form_modules():
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield f"{module.__name__}.{name}", cls


def _reference_fields():
    for dotted, cls in _form_classes():
        for field_name, field in cls.base_fields.items():
            is_choice = isinstance(field, forms.ModelChoiceField)
            is_hidden = isinstance(field.widget, forms.HiddenInput)
            if is_choice or is_hidden:
                yield f"{dotted}.{field_name}"


def test_every_form_field_that_names_an_object_is_classified():
    unknown = set(_reference_fields()) - set(REFERENCE_FORM_FIELDS)
    assert not unknown, f"classify and test these form fields: {sorted(unknown)}"


def _request_parameters():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                # request.POST.get("x") / request.GET.getlist("x") / request.POST["x"]
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    target = node.func.value
                    args = node.args
                elif isinstance(node, ast.Subscript):
                    target, args = node.value, [node.slice]
                else:
                    continue
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in {"POST", "GET"}
                    and args
                    and isinstance(args[0], ast.Constant)
                    and isinstance(args[0].value, str)
                ):
                    yield args[0].value


def test_every_request_parameter_read_in_a_view_is_classified():
    unknown = set(_request_parameters()) - set(REQUEST_PARAMETERS)
    assert not unknown, f"classify (and test, if a reference) these parameters: {sorted(unknown)}"


# --- the references themselves, each with an id the user may not see ------------------------


def test_switching_to_someone_elses_membership_does_nothing(client, owner, outsider):
    foreign = Membership.objects.get(user=outsider)
    client.force_login(owner)
    for value in [foreign.pk, "abc", "", "99999999999999999999999", "-1"]:
        response = client.post("/account/switch/", {"membership": value}, follow=True)
        assert response.status_code == 200
        assert "membership_id" not in client.session
        assert "Ви не є членом цієї організації" in response.content.decode()


def test_switching_to_ones_own_second_membership_works(client, owner, organisations):
    second = Membership.objects.create(
        user=owner, organisation=organisations["css_obolonskyi"], role=Role.SOCIAL_WORKER
    )
    client.force_login(owner)
    client.post("/account/switch/", {"membership": second.pk})
    assert client.session["membership_id"] == second.pk


def test_marking_someone_elses_notification_read_does_nothing(client, owner, outsider):
    theirs = Notification.objects.create(user=outsider, title="Чуже")
    client.force_login(owner)
    for value in [theirs.pk, "abc", "1e9", "-3"]:
        assert client.post("/notifications/", {"id": value}).status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_prefilled_order_form_for_someone_elses_case_is_404(client, police, outsider):
    case = register_case(outsider)
    client.force_login(police)
    assert client.get("/orders/urgent/new/", {"case": case.pk}).status_code == 404
    assert client.get("/orders/urgent/new/", {"case": "junk"}).status_code == 404


@pytest.mark.parametrize("value", ["", "abc", "0", "-1", "99999999999999999999", "OTHER"])
def test_assigning_to_a_junk_provider_is_refused(client, owner, coordinator, organisations, value):
    from referrals import services
    from referrals.models import Referral, ReferralStatus

    catalogue_for_darnytskyi(organisations)
    case = register_case(owner, needs=["legal"], consent_to_share=True)
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    services.referral_apply_plan(actor=owner, plan_id=record.pk)
    referral = Referral.objects.filter(case=case).first()
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.ESCALATED)
    if value == "OTHER":
        # An organisation that exists but does not offer the service.
        value = OrganisationFactory(code="not-a-provider").pk
    client.force_login(coordinator)
    response = client.post(f"/referrals/{referral.pk}/assign/", {"provider": value})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ESCALATED
    assert (
        Referral.objects.filter(case=case).count()
        == Referral.objects.filter(case=case, previous__isnull=True).count()
    )


# --- the case plan's action: its person and its id --------------------------------------------


def _goal_post(case, **extra) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    data = {
        "version": "0",
        "text": "Ціль",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-text": "Дія",
        "actions-0-responsible_organisation": str(case.owner_id),
        "actions-0-due_date": (timezone.localdate() + timedelta(days=3)).strftime("%d.%m.%Y"),
        "actions-0-status": "planned",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("value", ["OTHER", "abc", "-1", "99999999999999999999"])
def test_an_action_cannot_name_a_person_who_does_not_work_on_the_case(
    client, owner, outsider, value
):
    from cases.models import CasePlanAction, Task

    case = register_case(owner)
    client.force_login(owner)
    person = str(outsider.pk) if value == "OTHER" else value
    response = client.post(
        f"/cases/{case.pk}/plans/case/goals/new/",
        _goal_post(case, **{"actions-0-responsible_person": person}),
    )
    assert response.status_code == 400
    assert not CasePlanAction.objects.exists()
    assert not Task.objects.filter(assignee=outsider).exists()


@pytest.mark.parametrize("value", ["OTHER", "abc", "0", "99999999999999999999"])
def test_an_action_of_another_case_cannot_be_changed_through_a_goal_form(client, owner, value):
    from cases.models import CasePlanAction
    from tests.cases.plans.factories import case_plan

    case, other = register_case(owner), register_case(owner)
    case_plan(owner, case)
    case_plan(owner, other)
    goal = CasePlanAction.objects.get(goal__plan__case=case).goal
    foreign = CasePlanAction.objects.get(goal__plan__case=other)
    client.force_login(owner)
    action_id = str(foreign.pk) if value == "OTHER" else value
    response = client.post(
        f"/cases/{case.pk}/plans/case/goals/{goal.pk}/",
        _goal_post(case, version="1", **{"actions-0-id": action_id, "actions-0-text": "Чуже"}),
    )
    assert response.status_code == 400
    foreign.refresh_from_db()
    assert foreign.text == "Супровід до юриста"


# --- the case's lead: every choice scoped to the case's organisation -------------------------

JUNK = ["", "abc", "0", "-1", "99999999999999999999"]


def test_reassigning_to_someone_elses_worker_is_refused(client, owner, head, outsider):
    from cases.models import Case

    case = register_case(owner)
    Case.objects.filter(pk=case.pk).update(responsible=owner)
    client.force_login(head)
    for value in [outsider.pk, *JUNK]:
        response = client.post(f"/cases/{case.pk}/reassign/", {"reassign-worker": value})
        assert response.status_code == 400, value
        if value:  # "not yours" and "no such worker" get the same message
            assert "Такого варіанту нема серед доступних" in response.content.decode()
    assert Case.objects.get(pk=case.pk).responsible == owner


def test_transferring_to_an_organisation_that_cannot_lead_is_refused(client, owner, organisations):
    from cases.models import CaseTransfer

    case = register_case(owner)
    client.force_login(owner)
    # A centre without a head, a shelter, the owner itself: none is a choice.
    headless = OrganisationFactory(code="css-pecherskyi")
    for value in [headless.pk, organisations["shelter"].pk, case.owner_id, *JUNK]:
        response = client.post(
            f"/cases/{case.pk}/transfer/",
            {"transfer-to_organisation": value, "transfer-reason": "Переїзд"},
        )
        assert response.status_code == 400, value
    assert not CaseTransfer.objects.exists()


def test_accepting_with_someone_elses_worker_is_refused(client, owner, organisations):
    from cases.lifecycle import transfers
    from cases.models import Case, CaseTransfer, TransferStatus
    from tests.factories import member

    receiving_head = member(Role.HEAD, organisations["css_obolonskyi"], "head-obolon")
    case = register_case(owner)
    transfer = transfers.transfer_request(
        actor=owner,
        case_id=case.pk,
        to_organisation_id=organisations["css_obolonskyi"].pk,
        reason="Переїзд",
    )
    client.force_login(receiving_head)
    for value in [owner.pk, *JUNK]:
        response = client.post(
            f"/cases/transfers/{transfer.pk}/accept/", {"accept-responsible": value}
        )
        assert response.status_code == 400, value
    assert CaseTransfer.objects.get().status == TransferStatus.PENDING
    assert Case.objects.get(pk=case.pk).owner == organisations["css_darnytskyi"]


def test_correcting_the_places_of_another_organisation_is_refused(client, provider, organisations):
    """The places form names its organisation: another one's id, junk, or the one the user
    acted for before switching membership in another tab are all refused, nothing changed."""
    from referrals.models import ProviderProfile

    catalogue_for_darnytskyi(organisations)
    own = ProviderProfile.objects.get(organisation=organisations["shelter"])
    other = ProviderProfile.objects.get(organisation__code="shelter-2")
    second = Membership.objects.create(
        user=provider, organisation=other.organisation, role=Role.PROVIDER_STAFF
    )

    def form(profile, provider_id):
        return {
            "capacity_total": 5,
            "occupied": 5,
            "reason": "спроба",
            "provider": provider_id,
            "version": profile.capacity_version,
        }

    def counts():
        return list(
            ProviderProfile.objects.order_by("pk").values_list("capacity_total", "capacity_free")
        )

    before = counts()
    client.force_login(provider)
    for value in [other.organisation_id, "abc", "", "-1", "99999999999999999999"]:
        response = client.post("/referrals/capacity/", form(own, value))
        assert response.status_code in (400, 404), value
    # Opened for the first shelter, sent after switching to the second: refused, not applied
    # to the organisation the user acts for now.
    client.post("/account/switch/", {"membership": second.pk})
    assert client.post("/referrals/capacity/", form(own, own.organisation_id)).status_code == 404
    assert counts() == before
