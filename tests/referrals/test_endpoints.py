"""Every endpoint of referrals, once doing its job and once refused.

Behaviour: the plan, answer, cancellation, assignment, policy or holiday is saved with the values
posted, with an audit event (and a timeline entry on the case where the app writes one).
Refusal: on a referral, whoever may not act on it gets 404 (a provider's inbox reveals nothing
else); on a case the user sees but may not refer from, 403; nothing is written.
"""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from cases.models import CaseEvent
from portal.models import AuditAction, AuditEvent
from referrals import services
from referrals.models import (
    Holiday,
    ProviderProfile,
    Referral,
    ReferralStatus,
    RoutingPlanRecord,
    RoutingPolicy,
)
from tests.cases.factories import register_case
from tests.orders.factories import share_case_with
from tests.referrals.factories import catalogue_for_darnytskyi, staff


@pytest.fixture
def orgs(organisations):
    return catalogue_for_darnytskyi(organisations)


@pytest.fixture
def case(owner, orgs):
    return register_case(owner, needs=["shelter"], consent_to_share=True)


@pytest.fixture
def shelter(owner, case):
    """The shelter referral of the case, sent to the `provider` persona's shelter."""
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    services.referral_apply_plan(actor=owner, plan_id=record.pk)
    referral = Referral.objects.get(case=case, service="shelter")
    assert referral.provider.code == "shelter-1"
    return referral


def _written() -> tuple:
    return (
        tuple(Referral.objects.order_by("pk").values_list("pk", "status")),
        RoutingPlanRecord.objects.count(),
        RoutingPolicy.objects.count(),
        Holiday.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.exclude(
            action__in=[AuditAction.VIEW, AuditAction.PERMISSION_DENIED]
        ).count(),
    )


def _free_beds(referral) -> int:
    return ProviderProfile.objects.get(organisation=referral.provider).capacity_free


def _answered(referral, user, status) -> None:
    """The answer was saved, audited and put on the case timeline."""
    referral.refresh_from_db()
    assert referral.status == status
    assert AuditEvent.objects.filter(
        username=user.username,
        action=AuditAction.UPDATE,
        object_type="referrals.referral",
        object_id=str(referral.pk),
        detail=status,
    ).exists()
    assert CaseEvent.objects.filter(
        case=referral.case, kind=f"referral.{status}", actor=user, object_id=str(referral.pk)
    ).exists()


# --- behaviour -------------------------------------------------------------------------------


def test_the_owner_asks_for_a_routing_plan(client, owner, case):
    client.force_login(owner)
    response = client.post(f"/referrals/case/{case.pk}/plan/")
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/case/{case.pk}/"
    record = RoutingPlanRecord.objects.get(case=case)
    assert "shelter" in {item["service"] for item in record.plan["items"]}
    assert AuditEvent.objects.filter(
        username="owner", action=AuditAction.CREATE, object_id=str(record.pk), detail="routing plan"
    ).exists()
    assert client.get(f"/referrals/case/{case.pk}/").status_code == 200


def test_the_shelter_accepts_and_a_bed_is_taken(client, provider, shelter):
    beds = _free_beds(shelter)
    client.force_login(provider)
    response = client.post(f"/referrals/{shelter.pk}/accept/")
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{shelter.pk}/"
    _answered(shelter, provider, ReferralStatus.ACCEPTED)
    assert shelter.answered_by == provider
    assert shelter.bed_taken is True
    assert _free_beds(shelter) == beds - 1


def test_the_shelter_declines_with_a_reason_and_the_next_provider_gets_it(
    client, provider, shelter
):
    client.force_login(provider)
    response = client.post(f"/referrals/{shelter.pk}/decline/", {"reason": "Немає місць"})
    assert response.status_code == 302
    _answered(shelter, provider, ReferralStatus.DECLINED)
    assert shelter.decline_reason == "Немає місць"
    following = Referral.objects.get(previous=shelter)
    assert following.provider != shelter.provider or following.status == ReferralStatus.ESCALATED


def test_a_decline_without_a_reason_is_refused_and_changes_nothing(client, provider, shelter):
    client.force_login(provider)
    before = _written()
    assert client.post(f"/referrals/{shelter.pk}/decline/", {"reason": " "}).status_code == 302
    assert _written() == before


def test_the_shelter_starts_and_completes_the_service_and_frees_the_bed(client, provider, shelter):
    beds = _free_beds(shelter)
    client.force_login(provider)
    client.post(f"/referrals/{shelter.pk}/accept/")
    assert client.post(f"/referrals/{shelter.pk}/start/").status_code == 302
    _answered(shelter, provider, ReferralStatus.IN_PROGRESS)
    assert shelter.started_at is not None
    response = client.post(f"/referrals/{shelter.pk}/complete/", {"outcome": "Прожила 30 днів"})
    assert response.status_code == 302
    _answered(shelter, provider, ReferralStatus.COMPLETED)
    assert shelter.outcome == "Прожила 30 днів"
    assert _free_beds(shelter) == beds


def test_a_referral_not_yet_accepted_cannot_be_started(client, provider, shelter):
    client.force_login(provider)
    before = _written()
    assert client.post(f"/referrals/{shelter.pk}/start/").status_code == 302
    assert _written() == before


def test_the_owner_cancels_an_accepted_referral_and_the_bed_is_freed(
    client, owner, provider, shelter
):
    beds = _free_beds(shelter)
    services.referral_accept(actor=provider, referral_id=shelter.pk)
    client.force_login(owner)
    response = client.post(f"/referrals/{shelter.pk}/cancel/", {"reason": "Переїхала"})
    assert response.status_code == 302
    _answered(shelter, owner, ReferralStatus.CANCELLED)
    assert shelter.decline_reason == "Переїхала"
    assert _free_beds(shelter) == beds


def _escalate(referral) -> Referral:
    """Every candidate declines in turn until the referral goes to the city coordinator."""
    current = referral
    for n in range(10):
        if current.status == ReferralStatus.ESCALATED:
            return current
        declined_by = staff(current.provider, f"decliner-{n}")
        current = services.referral_decline(
            actor=declined_by, referral_id=current.pk, reason="Немає місць"
        )
    raise AssertionError("the referral never escalated")


def test_the_coordinator_assigns_an_escalated_referral_by_hand(client, coordinator, shelter, orgs):
    escalated = _escalate(shelter)
    client.force_login(coordinator)
    response = client.post(f"/referrals/{escalated.pk}/assign/", {"provider": orgs["shelter"].pk})
    assert response.status_code == 302
    assigned = Referral.objects.get(previous=escalated)
    assert response["Location"] == f"/referrals/{assigned.pk}/"
    assert (assigned.provider, assigned.status) == (orgs["shelter"], ReferralStatus.SENT)
    escalated.refresh_from_db()
    assert escalated.status == ReferralStatus.CANCELLED
    assert AuditEvent.objects.filter(
        username="coordinator", action=AuditAction.CREATE, object_id=str(assigned.pk)
    ).exists()
    assert CaseEvent.objects.filter(
        kind="referral.sent", actor=coordinator, object_id=str(assigned.pk)
    ).exists()


def test_the_capacity_board_is_shown_to_providers_and_coordinators(
    client, provider, coordinator, orgs
):
    for user in (provider, coordinator):
        client.force_login(user)
        response = client.get("/referrals/capacity/")
        assert response.status_code == 200
        assert orgs["shelter"].name in response.content.decode()


def _rules() -> str:
    return json.dumps({"rules": RoutingPolicy.objects.get(is_active=True).rules})


def test_a_coordinator_previews_then_publishes_a_policy(client, coordinator, orgs):
    version = RoutingPolicy.objects.get(is_active=True).version
    client.force_login(coordinator)
    assert client.get("/referrals/policy/").status_code == 200
    preview = client.post("/referrals/policy/", {"rules": _rules(), "action": "preview"})
    assert preview.status_code == 200
    assert RoutingPolicy.objects.get(is_active=True).version == version
    response = client.post(
        "/referrals/policy/", {"rules": _rules(), "note": "уточнення", "action": "publish"}
    )
    assert response.status_code == 302
    active = RoutingPolicy.objects.get(is_active=True)
    assert (active.version, active.note, active.created_by) == (
        version + 1,
        "уточнення",
        coordinator,
    )
    assert AuditEvent.objects.filter(
        username="coordinator", action=AuditAction.CREATE, detail=f"policy v{version + 1}"
    ).exists()


def test_a_broken_policy_is_refused_and_the_old_one_stays(client, coordinator, orgs):
    version = RoutingPolicy.objects.get(is_active=True).version
    client.force_login(coordinator)
    response = client.post("/referrals/policy/", {"rules": "{not json", "action": "publish"})
    assert response.status_code == 400
    assert RoutingPolicy.objects.get(is_active=True).version == version


def test_a_coordinator_adds_and_removes_a_holiday(client, coordinator, orgs):
    day = timezone.localdate().replace(month=12, day=25)
    client.force_login(coordinator)
    posted = {"date": day.strftime("%d.%m.%Y"), "name": "Різдво"}
    assert client.post("/referrals/holidays/", posted).status_code == 302
    assert Holiday.objects.get(date=day).name == "Різдво"
    assert AuditEvent.objects.filter(
        username="coordinator",
        action__in=[AuditAction.CREATE, AuditAction.UPDATE],
        detail=f"holiday {day.isoformat()}",
    ).exists()
    assert client.post("/referrals/holidays/", {**posted, "delete": "on"}).status_code == 302
    assert not Holiday.objects.filter(date=day).exists()
    assert AuditEvent.objects.filter(
        username="coordinator", action=AuditAction.DELETE, object_id=day.isoformat()
    ).exists()


# --- refusal ---------------------------------------------------------------------------------

# A provider's answers: nobody but the receiving provider's staff may give them.
ANSWERS = {
    "accept/": {},
    "decline/": {"reason": "ні"},
    "start/": {},
    "complete/": {"outcome": "готово"},
}


@pytest.mark.parametrize("endpoint", ANSWERS)
@pytest.mark.parametrize(
    "persona", ["owner", "colleague", "outsider", "coordinator", "police", "secretariat", "admin"]
)
def test_only_the_receiving_provider_answers_a_referral(
    client, personas, shelter, endpoint, persona
):
    if endpoint in ("start/", "complete/"):
        services.referral_accept(actor=personas["provider"], referral_id=shelter.pk)
    client.force_login(personas[persona])
    before = _written()
    response = client.post(f"/referrals/{shelter.pk}/{endpoint}", ANSWERS[endpoint])
    assert response.status_code == 404
    assert _written() == before


@pytest.mark.parametrize("endpoint", ANSWERS)
def test_another_providers_staff_cannot_answer(client, orgs, shelter, endpoint):
    other = staff(orgs["shelter-2"], "shelter-2-staff")
    client.force_login(other)
    before = _written()
    assert client.post(f"/referrals/{shelter.pk}/{endpoint}", ANSWERS[endpoint]).status_code == 404
    assert _written() == before


@pytest.mark.parametrize(
    "persona", ["provider", "outsider", "coordinator", "police", "secretariat", "admin"]
)
def test_only_who_edits_the_case_cancels_a_referral(client, personas, shelter, persona):
    client.force_login(personas[persona])
    before = _written()
    response = client.post(f"/referrals/{shelter.pk}/cancel/", {"reason": "ні"})
    assert response.status_code == 404
    assert _written() == before


@pytest.mark.parametrize("persona", ["owner", "provider", "police", "secretariat", "admin"])
def test_only_a_coordinator_assigns_an_escalated_referral(client, personas, shelter, orgs, persona):
    escalated = _escalate(shelter)
    client.force_login(personas[persona])
    before = _written()
    response = client.post(f"/referrals/{escalated.pk}/assign/", {"provider": orgs["shelter"].pk})
    assert response.status_code == 404
    assert _written() == before


@pytest.mark.parametrize(("persona", "answer"), [("provider", 404), ("outsider", 404)])
def test_who_does_not_see_the_case_cannot_plan_or_send_referrals(
    client, personas, case, persona, answer
):
    record = services.referral_plan_for_case(actor=personas["owner"], case_id=case.pk)
    client.force_login(personas[persona])
    before = _written()
    assert client.get(f"/referrals/case/{case.pk}/").status_code == answer
    assert client.post(f"/referrals/case/{case.pk}/plan/").status_code == answer
    apply = client.post(f"/referrals/case/{case.pk}/plan/{record.pk}/apply/")
    assert apply.status_code == answer
    assert _written() == before


@pytest.mark.parametrize("persona", ["police", "coordinator"])
def test_who_sees_the_case_but_does_not_refer_gets_403_and_sends_nothing(
    client, personas, case, persona
):
    user = personas[persona]
    share_case_with(user, case)  # the police officer was given the case; coordinators see all
    record = services.referral_plan_for_case(actor=personas["owner"], case_id=case.pk)
    client.force_login(user)
    before = _written()
    assert client.get(f"/referrals/case/{case.pk}/").status_code == 404
    assert client.post(f"/referrals/case/{case.pk}/plan/").status_code == 403
    apply = client.post(f"/referrals/case/{case.pk}/plan/{record.pk}/apply/")
    assert apply.status_code == 403
    assert _written() == before
    assert not Referral.objects.exists()


@pytest.mark.parametrize("persona", ["owner", "police", "secretariat", "executor", "admin"])
def test_the_capacity_board_is_404_to_others(client, personas, orgs, persona):
    client.force_login(personas[persona])
    assert client.get("/referrals/capacity/").status_code == 404


@pytest.mark.parametrize(
    "persona", ["owner", "provider", "police", "secretariat", "executor", "admin"]
)
def test_only_coordinators_edit_the_policy_and_holidays(client, personas, orgs, persona):
    client.force_login(personas[persona])
    before = _written()
    assert client.get("/referrals/policy/").status_code == 404
    publish = client.post("/referrals/policy/", {"rules": _rules(), "action": "publish"})
    assert publish.status_code == 404
    assert client.get("/referrals/holidays/").status_code == 404
    holiday = client.post("/referrals/holidays/", {"date": "25.12.2030", "name": "Різдво"})
    assert holiday.status_code == 404
    assert _written() == before
