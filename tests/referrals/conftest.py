"""Fixtures of the provider's side: a shelter referral for a mother with two children, sent to
the `provider` persona's shelter (Притулок № 1, 12 places)."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from portal.calendar import KYIV
from referrals import services
from referrals.models import Referral
from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi

# Offices with working hours (the district administration, the service for children, legal aid)
# are open or closed depending on the moment a plan is made: a test of who is chosen must not
# depend on the hour CI happens to run (a Friday evening has no office open before Monday). Every
# referral test runs on an ordinary working Tuesday morning, with the clock ticking; a test of
# hours or of a weekend travels on from there.
WORKING_MORNING = datetime(2026, 12, 1, 10, 0, tzinfo=KYIV)


@pytest.fixture(autouse=True)
def _a_working_morning():
    with time_machine.travel(WORKING_MORNING, tick=True):
        yield


def send_shelter_referral(owner, organisations, **case_fields) -> Referral:
    """A case routed by its plan, its shelter referral handed to the `provider` persona's
    shelter (the plan chooses by the catalogue)."""
    case = register_case(owner, needs=["shelter"], consent_to_share=True, **case_fields)
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    services.referral_apply_plan(actor=owner, plan_id=record.pk)
    referral = Referral.objects.get(case=case, service="shelter")
    Referral.objects.filter(pk=referral.pk).update(provider=organisations["shelter"])
    return Referral.objects.select_related("case").get(pk=referral.pk)


@pytest.fixture
def mother_with_two(owner, organisations):
    catalogue_for_darnytskyi(organisations)
    return send_shelter_referral(
        owner,
        organisations,
        accompanying_children=2,
        risk_answers={"threats_to_kill": True},
    )
