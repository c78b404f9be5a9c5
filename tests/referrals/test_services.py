from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from cases.models import CaseEvent
from referrals import services
from referrals.models import ProviderProfile, Referral, ReferralStatus
from referrals.selectors import inbox_for, referrals_visible_to
from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi, staff


@pytest.fixture
def orgs(organisations):
    return catalogue_for_darnytskyi(organisations)


@pytest.fixture
def high_risk_case(owner, orgs):
    return register_case(
        owner,
        risk_answers={"threats_to_kill": True},
        needs=["shelter", "legal"],
        accompanying_children=2,
        consent_to_share=True,
        incident={
            "occurred_at": timezone.now() - timedelta(hours=2),
            "forms": ["physical"],
            "children_present": True,
        },
    )


def _apply(owner, case):
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    return record, services.referral_apply_plan(actor=owner, plan_id=record.pk)


def test_the_plan_for_a_high_risk_case_with_children_and_a_shelter_need(owner, high_risk_case):
    record, referrals = _apply(owner, high_risk_case)
    items = {i["service"]: i for i in record.plan["items"]}
    assert items["children_service_notice"]["mandatory"]
    assert items["children_service_notice"]["provider"] == "ssd-darnytskyi"
    assert items["shelter"]["provider"] == "shelter-1"  # in the district, free beds
    assert "legal_aid" in items
    assert {r.service for r in referrals} >= {"children_service_notice", "shelter", "legal_aid"}
    high_risk_case.refresh_from_db()
    assert high_risk_case.status == "referred"
    assert CaseEvent.objects.filter(case=high_risk_case, kind="referral.sent").count() == len(
        referrals
    )


def test_a_provider_sees_only_the_minimum_data_of_its_referrals(owner, high_risk_case, orgs):
    _record, referrals = _apply(owner, high_risk_case)
    shelter = next(r for r in referrals if r.service == "shelter")
    legal = next(r for r in referrals if r.service == "legal_aid")
    provider = staff(orgs["shelter"], "shelter-staff")
    assert list(inbox_for(provider)) == [shelter]
    assert set(shelter.shared_data) >= {"victim", "contact", "accompanying_children", "risk_level"}
    assert "birth_date" not in shelter.shared_data
    assert not referrals_visible_to(provider).filter(pk=legal.pk).exists()


def test_without_consent_no_narrative_is_shared(owner, orgs):
    case = register_case(owner, needs=["shelter"], summary="Деталі життя", consent_to_share=False)
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    referrals = services.referral_apply_plan(actor=owner, plan_id=record.pk)
    assert {r.service for r in referrals} == {"coordinator_notice"}  # mandatory only
    assert "summary" not in referrals[0].shared_data


def test_mandatory_items_cannot_be_removed(owner, high_risk_case):
    record = services.referral_plan_for_case(actor=owner, case_id=high_risk_case.pk)
    referrals = services.referral_apply_plan(
        actor=owner, plan_id=record.pk, removed_services={"children_service_notice", "legal_aid"}
    )
    services_sent = {r.service for r in referrals}
    assert "children_service_notice" in services_sent
    assert "legal_aid" not in services_sent


def test_accepting_a_shelter_referral_takes_a_place_per_person_and_completing_frees_them(
    owner, high_risk_case, orgs
):
    _record, referrals = _apply(owner, high_risk_case)
    shelter = next(r for r in referrals if r.service == "shelter")
    provider = staff(orgs["shelter"], "shelter-staff")
    before = ProviderProfile.objects.get(organisation=orgs["shelter"]).capacity_free
    services.referral_accept(actor=provider, referral_id=shelter.pk)
    # The victim and her two accompanying children: three places.
    assert ProviderProfile.objects.get(organisation=orgs["shelter"]).capacity_free == before - 3
    services.referral_complete(actor=provider, referral_id=shelter.pk, outcome="Виїхала")
    assert ProviderProfile.objects.get(organisation=orgs["shelter"]).capacity_free == before


def test_a_decline_needs_a_reason_and_moves_to_the_next_provider(owner, high_risk_case, orgs):
    _record, referrals = _apply(owner, high_risk_case)
    shelter = next(r for r in referrals if r.service == "shelter")
    provider = staff(orgs["shelter"], "shelter-staff")
    with pytest.raises(ValidationError):
        services.referral_decline(actor=provider, referral_id=shelter.pk, reason=" ")
    services.referral_decline(actor=provider, referral_id=shelter.pk, reason="Немає умов")
    shelter.refresh_from_db()
    assert shelter.status == ReferralStatus.DECLINED
    assert shelter.next.provider.code == "shelter-2"
    assert shelter.next.status == ReferralStatus.SENT


def test_another_organisations_staff_cannot_answer(owner, high_risk_case, orgs):
    _record, referrals = _apply(owner, high_risk_case)
    shelter = next(r for r in referrals if r.service == "shelter")
    other = staff(orgs["shelter-2"], "other-staff")
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=other, referral_id=shelter.pk)


def test_overdue_referrals_escalate_once_to_the_next_candidate(
    owner, high_risk_case, coordinator, django_capture_on_commit_callbacks
):
    _record, referrals = _apply(owner, high_risk_case)
    shelter = next(r for r in referrals if r.service == "shelter")
    due = shelter.due_at
    # Counted from the deadlines the plan gave, not with the service's own filter: the referrals
    # overdue a second before the shelter's deadline, and a second after it.
    before = {r.pk for r in referrals if r.due_at < due - timedelta(seconds=1)}
    after = {r.pk for r in referrals if r.due_at < due + timedelta(seconds=1)}
    assert shelter.pk in after - before
    with time_machine.travel(due - timedelta(seconds=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.referral_escalate_overdue() == len(before)
        shelter.refresh_from_db()
        assert shelter.status == ReferralStatus.SENT and shelter.escalated_at is None
        notified_before = coordinator.notifications.count()
    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.referral_escalate_overdue() == len(after - before)
        shelter.refresh_from_db()
        assert shelter.status == ReferralStatus.CANCELLED
        assert shelter.escalated_at == due + timedelta(seconds=1)
        assert shelter.next.provider.code == "shelter-2"
        assert shelter.next.status == ReferralStatus.SENT
        assert (
            set(
                Referral.objects.filter(
                    status=ReferralStatus.CANCELLED, escalated_at__isnull=False
                ).values_list("pk", flat=True)
            )
            == after
        )
        assert services.referral_escalate_overdue() == 0  # once only
    assert coordinator.notifications.count() > notified_before  # told of the escalation


@pytest.mark.django_db(transaction=True)
def test_two_staff_accepting_the_last_bed_at_once_never_overbook(owner, orgs):
    ProviderProfile.objects.filter(organisation=orgs["shelter"]).update(capacity_free=1)
    cases = [register_case(owner, needs=["shelter"], consent_to_share=True) for _ in range(2)]
    shelter_referrals = []
    for case in cases:
        _record, referrals = _apply(owner, case)
        shelter_referrals.append(next(r for r in referrals if r.service == "shelter"))
    users = [staff(orgs["shelter"], "staff-a"), staff(orgs["shelter"], "staff-b")]
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(user, referral):
        try:
            barrier.wait()
            services.referral_accept(actor=user, referral_id=referral.pk)
            outcomes.append("accepted")
        except ValidationError:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=accept, args=pair)
        for pair in zip(users, shelter_referrals, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["accepted", "full"]
    assert ProviderProfile.objects.get(organisation=orgs["shelter"]).capacity_free == 0
    assert Referral.objects.filter(status=ReferralStatus.ACCEPTED, bed_taken=True).count() == 1


def test_a_coordinator_publishes_a_new_policy_version_and_plans_record_it(
    owner, coordinator, high_risk_case
):
    from referrals.models import RoutingPolicy

    rules = RoutingPolicy.objects.get(is_active=True).rules
    rules = [r for r in rules if r["id"] != "R10"]
    import json

    with pytest.raises(ValidationError, match="JSON"):
        services.policy_publish(actor=coordinator, rules_json="{nope")
    record = services.policy_publish(actor=coordinator, rules_json=json.dumps(rules))
    assert record.version == 2
    plan = services.referral_plan_for_case(actor=owner, case_id=high_risk_case.pk)
    assert plan.policy_version == 2
    assert "legal_aid" not in {i["service"] for i in plan.plan["items"]}
    with pytest.raises(PermissionDenied):
        services.policy_publish(actor=owner, rules_json=json.dumps(rules))
