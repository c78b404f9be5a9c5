"""The rules of who approves a closure and where a case's lead may go (cases.lifecycle.rules):
pure functions, no database."""

from __future__ import annotations

import pytest

from cases.lifecycle import rules
from portal.models import OrganisationKind
from portal.roles import Role

CENTRE, OTHER_CENTRE = 10, 20
WORKER, HEAD, OTHER_HEAD, COORDINATOR = 1, 2, 3, 4


def request(*, by=WORKER, role=Role.SOCIAL_WORKER, owner=CENTRE, confidential=False):
    return rules.PendingClosure(
        requested_by_id=by, requested_by_role=role, case_owner_id=owner, confidential=confidential
    )


def approver(user_id, role, organisation_id=CENTRE):
    return rules.Approver(user_id=user_id, role=role, organisation_id=organisation_id)


def test_the_head_of_the_leading_organisation_approves_a_workers_request():
    assert (
        rules.closure_approval_refusal(approver=approver(HEAD, Role.HEAD), request=request())
        is None
    )


def test_nobody_approves_their_own_request_not_even_a_head():
    own = request(by=HEAD, role=Role.HEAD)
    refusal = rules.closure_approval_refusal(approver=approver(HEAD, Role.HEAD), request=own)
    assert refusal == "Ніхто не затверджує власний запит на закриття."


def test_a_coordinator_cannot_approve_their_own_request_either():
    own = request(by=COORDINATOR, role=Role.COORDINATOR)
    assert rules.closure_approval_refusal(
        approver=approver(COORDINATOR, Role.COORDINATOR, 99), request=own
    )


def test_a_heads_own_request_is_approved_by_another_head_of_the_organisation():
    own = request(by=HEAD, role=Role.HEAD)
    assert (
        rules.closure_approval_refusal(approver=approver(OTHER_HEAD, Role.HEAD), request=own)
        is None
    )


def test_a_heads_own_request_may_be_approved_by_a_city_coordinator():
    own = request(by=HEAD, role=Role.HEAD)
    coordinator = approver(COORDINATOR, Role.COORDINATOR, 99)
    assert rules.closure_approval_refusal(approver=coordinator, request=own) is None
    assert rules.closure_goes_to_coordinator(own)


def test_a_coordinator_does_not_approve_a_workers_ordinary_request():
    coordinator = approver(COORDINATOR, Role.COORDINATOR, 99)
    assert rules.closure_approval_refusal(approver=coordinator, request=request())
    assert not rules.closure_goes_to_coordinator(request())


def test_the_head_of_another_organisation_may_not_approve():
    stranger = approver(OTHER_HEAD, Role.HEAD, OTHER_CENTRE)
    assert rules.closure_approval_refusal(approver=stranger, request=request())


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.POLICE_OFFICER, Role.SECRETARIAT, ""])
def test_no_other_role_approves(role):
    assert rules.closure_approval_refusal(approver=approver(7, role), request=request())


def test_a_confidential_case_goes_to_the_coordinator_not_to_the_head():
    secret = request(confidential=True)
    assert rules.closure_approval_refusal(approver=approver(HEAD, Role.HEAD), request=secret)
    coordinator = approver(COORDINATOR, Role.COORDINATOR, 99)
    assert rules.closure_approval_refusal(approver=coordinator, request=secret) is None


def target(**overrides):
    values = {
        "owner_id": CENTRE,
        "target_id": OTHER_CENTRE,
        "target_kind": OrganisationKind.SOCIAL_SERVICES_CENTRE,
        "target_active": True,
        "target_has_head": True,
    }
    return rules.transfer_target_refusal(**{**values, **overrides})


def test_another_centre_with_a_head_can_take_the_lead():
    assert target() is None


@pytest.mark.parametrize("kind", [OrganisationKind.CITY_CENTRE, OrganisationKind.CHILDREN_SERVICE])
def test_the_city_centre_and_the_service_for_children_can_lead(kind):
    assert target(target_kind=kind) is None


@pytest.mark.parametrize(
    "kind",
    [
        OrganisationKind.SHELTER,
        OrganisationKind.POLICE_UNIT,
        OrganisationKind.DEPARTMENT,
        OrganisationKind.NGO,
        OrganisationKind.COURT,
    ],
)
def test_providers_police_and_the_council_do_not_lead_a_case(kind):
    assert target(target_kind=kind) == "Ця організація не може вести випадок."


def test_the_lead_does_not_move_to_the_organisation_that_has_it():
    assert target(target_id=CENTRE)


def test_an_inactive_organisation_or_one_without_a_head_cannot_take_it():
    assert target(target_active=False)
    assert (
        target(target_has_head=False) == "В організації немає керівника, який прийняв би випадок."
    )
