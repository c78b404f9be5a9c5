"""Query counts that must not grow with the data: applying a plan reads the case once however
many referrals it sends, the chain of a referral is one query however many hops it has, and a
decline finds the next candidate in one query however many it skips."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from referrals import services
from referrals.models import Referral, ReferralStatus, RoutingPlanRecord
from referrals.selectors import referral_chain
from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi, staff

# Each kind reads another part of the case: people and needs (shelter), people and incidents
# (medical), people and orders in force (legal aid).
KINDS = [("shelter", "shelter-2"), ("medical", "hospital-1"), ("legal_aid", "legal-aid-city")]


@pytest.fixture
def orgs(organisations):
    return catalogue_for_darnytskyi(organisations)


def _case(owner):
    return register_case(
        owner,
        needs=["shelter", "legal"],
        consent_to_share=True,
        incident={"occurred_at": timezone.now() - timedelta(hours=2), "forms": ["physical"]},
    )


def _plan_with(owner, case, services_and_providers) -> RoutingPlanRecord:
    due = (timezone.now() + timedelta(days=1)).isoformat()
    items = [
        {
            "service": service,
            "mandatory": False,
            "provider": code,
            "due_at": due,
            "rules": ["R6"],
            "reason": "",
            "candidates": [{"provider": code, "eligible": True, "why": ""}],
        }
        for service, code in services_and_providers
    ]
    return RoutingPlanRecord.objects.create(
        case=case,
        policy_version=1,
        facts={"consent": case.consent_to_share},
        plan={"items": items, "skipped": [], "escalations": []},
        created_by=owner,
    )


def _queries(action) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        action()
    return [q["sql"] for q in context.captured_queries]


def test_applying_a_plan_reads_the_case_once_however_many_referrals_it_sends(owner, orgs):
    few = _plan_with(owner, _case(owner), KINDS)
    many = _plan_with(owner, _case(owner), KINDS * 3)
    few_sql = _queries(lambda: services.referral_apply_plan(actor=owner, plan_id=few.pk))
    many_sql = _queries(lambda: services.referral_apply_plan(actor=owner, plan_id=many.pk))
    assert Referral.objects.filter(plan=many).count() == 9

    def reads(sql: list[str]) -> list[str]:
        return [q for q in sql if q.startswith("SELECT")]

    # The same reads for 3 and for 9 referrals: the plan (locked), the case, the providers, the
    # case's people, latest needs, incidents and orders in force — each once.
    assert len(reads(many_sql)) == len(reads(few_sql))
    for table in ("cases_participant", "cases_needsassessment", "cases_incident", "orders_"):
        assert sum(f'FROM "{table}' in q for q in reads(many_sql)) == 1, table
    # Each extra referral costs its own three writes only: the referral, its audit event and
    # its entry on the case timeline.
    assert len(many_sql) - len(few_sql) == 6 * 3


def _chain_of(owner, case, hops: int) -> Referral:
    previous = None
    for hop in range(hops + 1):
        previous = Referral.objects.create(
            case=case,
            service="shelter",
            due_at=timezone.now(),
            sent_by=owner,
            status=ReferralStatus.SENT if hop == hops else ReferralStatus.DECLINED,
            previous=previous,
        )
    return Referral.objects.get(pk=previous.pk)  # nothing of the chain in memory


def test_the_chain_of_a_referral_is_one_query_however_many_hops(owner, orgs):
    short = _chain_of(owner, _case(owner), hops=2)
    long = _chain_of(owner, _case(owner), hops=6)
    with CaptureQueriesContext(connection) as two_hops:
        assert len(referral_chain(short)) == 2
    with CaptureQueriesContext(connection) as six_hops:
        chain = referral_chain(long)
    assert len(chain) == 6
    assert chain[0] == long.previous  # newest first
    # One query: every referral of the case, with its provider.
    assert len(two_hops) == len(six_hops) == 1


def test_the_referral_page_lists_every_earlier_hop(client, owner, orgs):
    referral = _chain_of(owner, _case(owner), hops=3)
    client.force_login(owner)
    response = client.get(f"/referrals/{referral.pk}/")
    assert response.status_code == 200
    assert len(response.context["chain"]) == 3


def _declined_past(owner, orgs, skipped: int) -> list[str]:
    """Decline a shelter referral whose next candidates are `skipped` providers that are gone
    or closed before shelter-2; the queries of the decline."""
    case = register_case(owner, needs=["shelter"], consent_to_share=True)
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    services.referral_apply_plan(actor=owner, plan_id=record.pk)
    shelter = Referral.objects.get(case=case, service="shelter")
    gone = [f"closed-shelter-{n}" for n in range(skipped)]
    Referral.objects.filter(pk=shelter.pk).update(remaining_candidates=[*gone, "shelter-2"])
    member = staff(orgs["shelter"], f"staff-{skipped}")
    sql = _queries(
        lambda: services.referral_decline(actor=member, referral_id=shelter.pk, reason="Немає умов")
    )
    assert Referral.objects.get(previous=shelter).provider == orgs["shelter-2"]
    return sql


def test_a_decline_finds_the_next_candidate_in_one_query_however_many_it_skips(owner, orgs):
    assert len(_declined_past(owner, orgs, skipped=1)) == len(
        _declined_past(owner, orgs, skipped=5)
    )
