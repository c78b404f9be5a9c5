"""The doors of the visibility rule (cases.selectors.visible_cases_q) one at a time: the officer
who opened a case through an order, a responsible worker in another organisation, a grant on a
confidential case, and a person who switches the organisation they act for. Each test says what
the door lets through and what stays shut."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.access import case_grant_access
from cases.models import Case
from cases.selectors import cases_editable_by, cases_led_by, cases_visible_to
from orders import services as order_services
from portal.models import Membership
from portal.roles import Role
from tests.cases.factories import person, register_case
from tests.factories import district, member


def _visible(user) -> set[int]:
    return set(cases_visible_to(user).values_list("pk", flat=True))


def _editable(user) -> set[int]:
    return set(cases_editable_by(user).values_list("pk", flat=True))


@pytest.fixture
def police_case(police) -> Case:
    """The police came first: an urgent order opened the case for the district's centre."""
    issued_at = timezone.now() - timedelta(minutes=30)
    order = order_services.order_issue_urgent(
        actor=police,
        number="ТЗП-5",
        issued_at=issued_at,
        ends_at=issued_at + timedelta(days=3),
        measures=["no_contact"],
        initiated_by="victim",
        new_case=order_services.NewCaseForOrder(
            district_id=district("darnytskyi").pk,
            victim=services.PersonData(last_name="Мороз", first_name="Ганна", sex="F"),
            offender=services.PersonData(
                last_name="Мороз", first_name="Павло", sex="M", birth_date=date(1980, 1, 1)
            ),
        ),
    )
    return Case.objects.get(pk=order.case_id)


# --- the officer who opened the case (created_by) ---------------------------------------------


def test_the_officer_who_opened_a_case_through_an_order_sees_it_and_nothing_else_of_the_centre(
    police, owner, police_case
):
    other = register_case(owner)
    assert police_case.created_by == police
    assert police_case.owner.code == "css-darnytskyi"
    assert _visible(police) == {police_case.pk}
    assert other.pk in _visible(owner) and police_case.pk in _visible(owner)


def test_the_officer_who_opened_a_case_reads_its_page_but_may_not_change_it(
    client, police, police_case
):
    client.force_login(police)
    assert client.get(f"/cases/{police_case.pk}/").status_code == 200
    assert _editable(police) == set()
    response = client.post(f"/cases/{police_case.pk}/notes/", {"note-text": "Від поліції"})
    assert response.status_code == 403
    assert not police_case.notes.exists()


def test_another_officer_of_the_same_unit_does_not_see_the_case_a_colleague_opened(
    organisations, police_case
):
    second_officer = member(Role.POLICE_OFFICER, organisations["police_darnytskyi"], "police-2")
    assert _visible(second_officer) == set()


def test_the_officer_who_opened_a_case_loses_it_once_the_centre_makes_it_confidential(
    client, police, owner, police_case
):
    case = services.case_update(
        actor=owner,
        case_id=police_case.pk,
        expected_version=police_case.version,
        changes={"responsible": owner},
    )
    services.case_update(
        actor=owner, case_id=case.pk, expected_version=case.version, changes={"confidential": True}
    )
    assert _visible(police) == set()
    client.force_login(police)
    assert client.get(f"/cases/{police_case.pk}/").status_code == 404
    assert police_case.pk in _visible(owner)  # the responsible worker keeps it


# --- a responsible worker in another organisation ---------------------------------------------


def test_a_worker_who_moved_to_another_centre_keeps_only_the_cases_they_are_responsible_for(
    owner, colleague, outsider, organisations
):
    mine = register_case(owner)
    confidential_mine = register_case(owner, confidential=True)
    theirs = register_case(colleague)
    Membership.objects.filter(user=owner).update(is_active=False)
    Membership.objects.create(
        user=owner, organisation=organisations["css_obolonskyi"], role=Role.SOCIAL_WORKER
    )
    owner._acting_membership = None  # the next request reads the membership afresh
    assert _visible(owner) == {mine.pk, confidential_mine.pk}
    assert _editable(owner) == {mine.pk, confidential_mine.pk}
    assert theirs.pk not in _visible(owner)
    # The new colleagues see nothing of it: the case still belongs to the Darnytskyi centre.
    assert _visible(outsider) == set()
    # The old colleagues keep the ordinary case, never the confidential one.
    assert _visible(colleague) == {mine.pk, theirs.pk}


# --- a grant on a confidential case -----------------------------------------------------------


def test_a_grant_opens_a_confidential_case_to_the_named_colleague_alone(
    owner, colleague, outsider, coordinator
):
    confidential = register_case(colleague, confidential=True)
    assert confidential.pk not in _visible(owner)
    case_grant_access(actor=coordinator, case_id=confidential.pk, username="outsider")
    assert _visible(outsider) == {confidential.pk}
    assert _editable(outsider) == set()  # a view grant reads, never changes
    assert confidential.pk not in _visible(owner)  # the rest of the centre still does not


def test_an_edit_grant_on_a_confidential_case_lets_the_colleague_change_it(
    outsider, colleague, coordinator
):
    confidential = register_case(colleague, confidential=True)
    case_grant_access(actor=coordinator, case_id=confidential.pk, username="outsider", edit=True)
    assert _editable(outsider) == {confidential.pk}
    services.note_add(actor=outsider, case_id=confidential.pk, text="Підміна на час відпустки")
    assert confidential.notes.count() == 1


def test_a_grant_on_a_confidential_case_to_a_police_officer_lets_them_read_but_not_write(
    police, colleague, coordinator
):
    confidential = register_case(colleague, confidential=True)
    case_grant_access(actor=coordinator, case_id=confidential.pk, username="police", edit=True)
    assert _visible(police) == {confidential.pk}
    assert _editable(police) == set()  # the police role never edits a case


def test_a_lapsed_grant_on_a_confidential_case_shows_nothing(outsider, colleague, coordinator):
    from cases.models import CaseUserObjectPermission

    confidential = register_case(colleague, confidential=True)
    case_grant_access(actor=coordinator, case_id=confidential.pk, username="outsider")
    CaseUserObjectPermission.objects.filter(user=outsider).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert _visible(outsider) == set()


# --- switching the organisation one acts for --------------------------------------------------


def test_acting_for_a_shelter_shuts_even_the_cases_one_is_responsible_for(
    client, owner, organisations
):
    case = register_case(owner, victim=person("Гончар", "Олеся"))
    shelter = Membership.objects.create(
        user=owner, organisation=organisations["shelter"], role=Role.PROVIDER_STAFF
    )
    client.force_login(owner)
    assert client.get(f"/cases/{case.pk}/").status_code == 200

    client.post("/account/switch/", {"membership": shelter.pk})
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert "Гончар" not in client.get("/cases/").content.decode()

    centre = Membership.objects.get(user=owner, organisation=organisations["css_darnytskyi"])
    client.post("/account/switch/", {"membership": centre.pk})
    assert client.get(f"/cases/{case.pk}/").status_code == 200


def test_acting_for_another_centre_shows_that_centres_cases_and_not_the_first_ones(
    client, owner, colleague, outsider, organisations
):
    darnytskyi = register_case(colleague)
    obolonskyi = register_case(outsider, district_id=district("obolonskyi").pk)
    second = Membership.objects.create(
        user=owner, organisation=organisations["css_obolonskyi"], role=Role.SOCIAL_WORKER
    )
    client.force_login(owner)
    assert client.get(f"/cases/{darnytskyi.pk}/").status_code == 200
    assert client.get(f"/cases/{obolonskyi.pk}/").status_code == 404

    client.post("/account/switch/", {"membership": second.pk})
    assert client.get(f"/cases/{darnytskyi.pk}/").status_code == 404
    assert client.get(f"/cases/{obolonskyi.pk}/").status_code == 200


@pytest.mark.parametrize("confidential", [False, True])
def test_whoever_leads_a_case_sees_it_and_a_role_that_sees_no_case_leads_none(
    personas, confidential
):
    """The dashboards read "the cases I lead" without the rest of the visibility rule; for
    every persona that is a part of what the rule lets them see, never more."""
    case = register_case(personas["owner"], confidential=confidential)
    for name, user in personas.items():
        Case.objects.filter(pk=case.pk).update(responsible=user)
        led = set(cases_led_by(user).values_list("pk", flat=True))
        visible = set(cases_visible_to(user).values_list("pk", flat=True))
        assert led <= visible, name
        if name in ("provider", "secretariat", "executor", "admin"):
            assert not led, name
        else:
            assert led == {case.pk}, name
    Case.objects.filter(pk=case.pk).update(status="closed", close_reason_code="goals_reached")
    assert not cases_led_by(personas["owner"]).exists()
