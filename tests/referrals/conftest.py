"""Fixtures of the provider's side: a shelter referral for a mother with two children, sent to
the `provider` persona's shelter (Притулок № 1, 12 places)."""

from __future__ import annotations

import pytest

from referrals import services
from referrals.models import Referral
from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi


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
