"""The referral pages only show: which buttons and which warnings come from the selectors and
the state machine the services enforce, not from status strings in the templates."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from referrals import services
from referrals.models import Referral, ReferralStatus
from referrals.selectors import referral_actions
from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi


@pytest.fixture
def shelter(owner, organisations):
    catalogue_for_darnytskyi(organisations)
    case = register_case(owner, needs=["shelter"], consent_to_share=True)
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    services.referral_apply_plan(actor=owner, plan_id=record.pk)
    return Referral.objects.get(case=case, service="shelter")


def _buttons(user, referral) -> set[str]:
    actions = referral_actions(user=user, referral=referral)
    return {name for name in ("answer", "start", "complete", "assign") if getattr(actions, name)}


def test_the_buttons_follow_the_referrals_status_and_the_users_part(
    owner, provider, coordinator, shelter
):
    assert _buttons(provider, shelter) == {"answer"}
    assert _buttons(owner, shelter) == _buttons(coordinator, shelter) == set()
    accepted = services.referral_accept(actor=provider, referral_id=shelter.pk)
    assert _buttons(provider, accepted) == {"start", "complete"}
    started = services.referral_start(actor=provider, referral_id=shelter.pk)
    assert _buttons(provider, started) == {"complete"}
    Referral.objects.filter(pk=shelter.pk).update(status=ReferralStatus.ESCALATED)
    shelter.refresh_from_db()
    assert _buttons(coordinator, shelter) == {"assign"}
    assert _buttons(provider, shelter) == set()


def test_the_provider_sees_accept_and_decline_and_the_sender_does_not(
    client, owner, provider, shelter
):
    client.force_login(provider)
    page = client.get(f"/referrals/{shelter.pk}/").content.decode()
    assert 'data-testid="accept"' in page and 'data-testid="decline"' in page
    client.force_login(owner)
    page = client.get(f"/referrals/{shelter.pk}/").content.decode()
    assert 'data-testid="accept"' not in page


def test_the_inbox_marks_a_referral_red_one_second_after_its_deadline(client, provider, shelter):
    for moment, overdue in [(timedelta(seconds=-1), False), (timedelta(seconds=1), True)]:
        with time_machine.travel(shelter.due_at + moment, tick=False):
            client.force_login(provider)  # a session from before would have expired
            response = client.get("/referrals/")
        assert response.status_code == 200
        row = next(r for r in response.context["inbox"].new if r.referral.pk == shelter.pk)
        assert row.overdue is overdue
        assert ('<tr class="inbox-overdue"' in response.content.decode()) is overdue
