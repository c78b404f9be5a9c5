"""A case found through case_for_user proves its visibility for the user it was found for, and
for no one else: the case page's sections then read the case's orders, measures, referrals and
teams without planning the visibility rule again, and an instance handed to another user (or
made anywhere else) is filtered through the rule exactly as before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.access import case_break_glass
from cases.models import Case
from cases.selectors import case_for_user, case_is_editable, case_shown_to
from cases.team import services as team_services
from cases.team.selectors import team_section
from orders import services as order_services
from orders.selectors import offender_measures, orders_for_case
from portal.models import Membership
from portal.roles import Role
from referrals.models import Referral
from referrals.selectors import referrals_for_case
from tests.cases.factories import person, register_case
from tests.factories import member
from tests.orders.factories import share_case_with, urgent

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(owner) -> Case:
    return register_case(
        owner,
        victim=person("Коваль", "Оксана"),
        offender=person("Коваль", "Петро", "M", relation_to_victim="spouse"),
    )


@pytest.fixture
def measures(police, owner, organisations, case):
    """An urgent order, a preventive record on it, an offender programme and a referral."""
    order = urgent(police, case)
    share_case_with(police, case)
    order_services.preventive_record_take(
        actor=police,
        case_id=case.pk,
        basis="order",
        taken_on=timezone.localdate(),
        order_id=order.pk,
    )
    order_services.offender_programme_refer(
        actor=owner,
        case_id=case.pk,
        referred_by="court",
        referred_on=timezone.localdate() - timedelta(days=30),
        provider="Міський центр гендерної рівності",
    )
    Referral.objects.create(
        case=case,
        service="shelter",
        provider=organisations["shelter"],
        due_at=timezone.now() + timedelta(days=1),
        sent_by=owner,
    )
    return order


def _everything(user, case) -> dict[str, int]:
    return {
        "orders": len(orders_for_case(user=user, case=case)),
        **{name: len(rows) for name, rows in offender_measures(user=user, case=case).items()},
        "referrals": len(referrals_for_case(user=user, case=case)),
    }


def test_a_found_case_proves_itself_only_for_the_user_it_was_found_for(owner, colleague, case):
    found = case_for_user(user=owner, pk=case.pk)
    assert case_shown_to(owner, found)
    # A colleague who also sees the case still has to be checked: the proof is not hers.
    assert not case_shown_to(colleague, found)
    # An instance from anywhere else proves nothing, for anyone.
    assert not case_shown_to(owner, case)
    assert not case_shown_to(owner, Case.objects.get(pk=case.pk))


def test_the_proof_does_not_follow_the_user_into_another_role(owner, organisations, case):
    found = case_for_user(user=owner, pk=case.pk)
    second = Membership.objects.create(
        user=owner, organisation=organisations["shelter"], role=Role.PROVIDER_STAFF
    )
    owner._acting_membership = second  # she switched to the shelter she also works for
    assert not case_shown_to(owner, found)
    assert _everything(owner, found) == {
        "orders": 0,
        "preventive_records": 0,
        "programmes": 0,
        "referrals": 0,
    }


def test_the_page_reads_the_same_rows_with_and_without_the_proof(owner, police, case, measures):
    for user in (owner, police):
        found = case_for_user(user=user, pk=case.pk)
        assert _everything(user, found) == _everything(user, Case.objects.get(pk=case.pk))
    assert _everything(owner, case_for_user(user=owner, pk=case.pk)) == {
        "orders": 1,
        "preventive_records": 1,
        "programmes": 1,
        "referrals": 1,
    }


def test_a_case_found_for_one_user_and_handed_to_another_shows_them_only_what_the_rule_does(
    owner, outsider, provider, secretariat, case, measures
):
    found = case_for_user(user=owner, pk=case.pk)
    nothing = {"orders": 0, "preventive_records": 0, "programmes": 0, "referrals": 0}
    for stranger in (outsider, secretariat):
        assert _everything(stranger, found) == nothing, stranger.username
    # The shelter sees the referral sent to it, and nothing else of the case.
    assert _everything(provider, found) == {**nothing, "referrals": 1}


def test_a_role_that_sees_the_case_but_not_orders_gets_no_orders(organisations, case, measures):
    # An administrator behind the glass sees the case, never its orders (ORDER_VIEW).
    admin = member(Role.ADMINISTRATOR, organisations["department"], "glass")
    case_break_glass(
        actor=admin, case_number=case.number, reason="Перевірка скарги на доступ до справи"
    )
    found = case_for_user(user=admin, pk=case.pk)
    assert case_shown_to(admin, found)
    counts = _everything(admin, found)
    assert counts["orders"] == counts["preventive_records"] == counts["programmes"] == 0


def test_whether_the_case_may_be_changed_is_asked_of_the_database_once_per_page(
    owner, colleague, case
):
    found = case_for_user(user=owner, pk=case.pk)
    with CaptureQueriesContext(connection) as first:
        assert case_is_editable(user=owner, case=found)
    with CaptureQueriesContext(connection) as again:
        assert case_is_editable(user=owner, case=found)
    assert len(first) == 1 and len(again) == 0
    # Another user on the same instance is asked for, not answered from the first one's answer.
    colleague_outside = member(Role.SOCIAL_WORKER, colleague.memberships.get().organisation, "x")
    assert case_is_editable(user=colleague_outside, case=found)


def test_a_change_of_lead_on_the_instance_is_asked_again(owner, colleague, case):
    found = case_for_user(user=owner, pk=case.pk)
    found.confidential = True
    found.responsible = colleague
    Case.objects.filter(pk=case.pk).update(confidential=True, responsible=colleague)
    assert case_is_editable(user=owner, case=found) is False


def _convene(owner, case, provider):
    team = team_services.team_convene(
        actor=owner,
        case_id=case.pk,
        purpose="Спільний план безпеки",
        ends_on=timezone.localdate() + timedelta(days=30),
    )
    team_services.team_member_add(
        actor=owner,
        team_id=team.pk,
        membership_id=provider.memberships.get().pk,
        role="social_services",
    )
    return team


def test_the_team_tab_shows_every_team_to_who_manages_them_and_her_open_team_to_a_member(
    owner, provider, outsider, case, rf
):
    past = _convene(owner, case, provider)
    team_services.team_close(actor=owner, team_id=past.pk, reason="План виконано")
    current = _convene(owner, case, provider)
    request = rf.get("/")

    request.user = owner
    shown = team_section(request, case_for_user(user=owner, pk=case.pk))
    assert shown["current"] == current and shown["past"] == [past]
    assert shown["may_manage"]

    request.user = provider
    shown = team_section(request, Case.objects.get(pk=case.pk))
    assert shown["current"] == current and shown["past"] == []
    assert not shown["may_manage"]

    request.user = outsider
    assert team_section(request, Case.objects.get(pk=case.pk)) is None
