"""The audit names who did it: the provider's staff for a decline, the system for a re-route
or an escalation — and the worker who sent the first referral stays its sender."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from cases.models import CaseEvent
from portal.models import AuditAction, AuditEvent
from referrals import services
from referrals.models import Referral, ReferralStatus
from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi, staff


@pytest.fixture
def shelter(owner, organisations):
    catalogue_for_darnytskyi(organisations)
    case = register_case(owner, needs=["shelter"], consent_to_share=True)
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    services.referral_apply_plan(actor=owner, plan_id=record.pk)
    return Referral.objects.get(case=case, service="shelter")


def _event(referral, action) -> AuditEvent:
    return AuditEvent.objects.get(
        object_type="referrals.referral", object_id=str(referral.pk), action=action
    )


def _by_the_system(referral) -> None:
    created = _event(referral, AuditAction.CREATE)
    assert (created.user, created.username) == (None, services.SYSTEM_USERNAME)
    timeline = CaseEvent.objects.get(kind="referral.sent", object_id=str(referral.pk))
    assert timeline.actor is None


def test_a_decline_names_the_staff_and_the_re_route_the_system_and_the_worker_stays_sender(
    owner, organisations, shelter
):
    member = staff(organisations["shelter"], "shelter-staff")
    following = services.referral_decline(actor=member, referral_id=shelter.pk, reason="Немає умов")
    assert following.previous == shelter
    assert following.sent_by == owner  # not the staff member who declined
    assert _event(shelter, AuditAction.UPDATE).user == member
    _by_the_system(following)


def test_an_escalation_is_done_by_the_system_and_the_worker_stays_sender(owner, shelter):
    with time_machine.travel(shelter.due_at + timedelta(seconds=1), tick=False):
        services.referral_escalate_overdue()
    shelter.refresh_from_db()
    assert shelter.status == ReferralStatus.CANCELLED
    following = shelter.next
    assert following.sent_by == owner
    escalated = _event(shelter, AuditAction.UPDATE)
    assert (escalated.user, escalated.username) == (None, services.SYSTEM_USERNAME)
    _by_the_system(following)
    # The worker's own list still shows the re-routed referral as theirs.
    assert following in Referral.objects.filter(sent_by=owner)
