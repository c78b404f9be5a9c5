"""A provider's answers out of turn, and the coordinator's assignment out of turn: each is
refused with a Ukrainian message on the referral's page and nothing changes — no status, no
place, no audit entry, no timeline entry. Places are counted only for beds, and given back at
most up to the total. Who is not the receiving provider is refused by the services too."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from cases.models import CaseEvent
from portal.models import AuditAction, AuditEvent
from referrals import services
from referrals.models import ProviderProfile, Referral, ReferralStatus
from tests.cases.factories import register_case
from tests.factories import UserFactory
from tests.referrals.factories import catalogue_for_darnytskyi, staff


@pytest.fixture
def orgs(organisations):
    return catalogue_for_darnytskyi(organisations)


@pytest.fixture
def case(owner, orgs):
    return register_case(owner, needs=["shelter", "legal"], consent_to_share=True)


@pytest.fixture
def sent(owner, case):
    """The case's referrals by service; the shelter one went to the `provider` persona."""
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    services.referral_apply_plan(actor=owner, plan_id=record.pk)
    referrals = {r.service: r for r in Referral.objects.filter(case=case)}
    assert referrals["shelter"].provider.code == "shelter-1"
    return referrals


@pytest.fixture
def shelter(sent):
    return sent["shelter"]


def _free(code: str = "shelter-1") -> int | None:
    return ProviderProfile.objects.get(organisation__code=code).capacity_free


def _snapshot(referral) -> tuple:
    """Everything an answer could change."""
    referral.refresh_from_db()
    return (
        referral.status,
        referral.answered_at,
        referral.started_at,
        referral.completed_at,
        referral.outcome,
        referral.decline_reason,
        referral.bed_taken,
        referral.places,
        _free(),
        Referral.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.exclude(action=AuditAction.VIEW).count(),
    )


def _post(client, referral, step, data=None):
    """Posts a step and returns the referral's page, where the message is shown: after a
    redirect, or — for a refused acceptance — the page itself (400), the message at its form."""
    response = client.post(f"/referrals/{referral.pk}/{step}/", data or {}, follow=True)
    if step == "accept" and not response.redirect_chain:
        assert response.status_code == 400
    else:
        assert response.redirect_chain[0] == (f"/referrals/{referral.pk}/", 302)
    return response.content.decode()


# --- out of turn -----------------------------------------------------------------------------


def test_a_second_acceptance_is_refused_and_takes_no_second_place(client, provider, shelter):
    client.force_login(provider)
    free = _free()
    assert "Направлення прийнято." in _post(client, shelter, "accept")
    before = _snapshot(shelter)
    page = _post(client, shelter, "accept")
    assert "Прийняти можна лише направлення, що очікує відповіді." in page
    assert _snapshot(shelter) == before
    assert _free() == free - 1
    assert (
        AuditEvent.objects.filter(
            object_type="referrals.referral", object_id=str(shelter.pk), detail="accepted"
        ).count()
        == 1
    )


def test_an_accepted_referral_cannot_be_declined_and_nobody_else_gets_it(client, provider, shelter):
    services.referral_accept(actor=provider, referral_id=shelter.pk)
    client.force_login(provider)
    before = _snapshot(shelter)
    page = _post(client, shelter, "decline", {"reason": "Передумали"})
    assert "Відхилити можна лише направлення, що очікує відповіді." in page
    assert _snapshot(shelter) == before
    assert not Referral.objects.filter(previous=shelter).exists()


def test_a_referral_waiting_for_an_answer_cannot_be_completed(client, provider, shelter):
    client.force_login(provider)
    before = _snapshot(shelter)
    page = _post(client, shelter, "complete", {"outcome": "Послугу надано"})
    assert "Завершити можна лише прийняте направлення." in page
    assert _snapshot(shelter) == before


def test_a_started_service_cannot_be_started_again(client, provider, shelter):
    services.referral_accept(actor=provider, referral_id=shelter.pk)
    services.referral_start(actor=provider, referral_id=shelter.pk)
    client.force_login(provider)
    before = _snapshot(shelter)
    assert "Розпочати можна лише прийняте направлення." in _post(client, shelter, "start")
    assert _snapshot(shelter) == before


def test_completing_without_an_outcome_is_refused_and_the_place_stays_taken(
    client, provider, shelter
):
    services.referral_accept(actor=provider, referral_id=shelter.pk)
    client.force_login(provider)
    before = _snapshot(shelter)
    assert "Опишіть результат." in _post(client, shelter, "complete", {"outcome": "   "})
    assert _snapshot(shelter) == before
    assert shelter.bed_taken and shelter.status == ReferralStatus.ACCEPTED


def test_a_decline_reason_longer_than_its_column_is_refused_with_its_length(
    client, provider, shelter
):
    client.force_login(provider)
    before = _snapshot(shelter)
    page = _post(client, shelter, "decline", {"reason": "я" * 301})
    assert "Скоротіть текст до 300 символів (зараз їх 301)." in page
    assert _snapshot(shelter) == before


def test_an_outcome_longer_than_its_column_is_refused_and_the_place_stays_taken(
    client, provider, shelter
):
    services.referral_accept(actor=provider, referral_id=shelter.pk)
    client.force_login(provider)
    before = _snapshot(shelter)
    page = _post(client, shelter, "complete", {"outcome": "ж" * 501})
    assert "Скоротіть текст до 500 символів (зараз їх 501)." in page
    assert _snapshot(shelter) == before


def test_a_full_shelter_refuses_the_acceptance_naming_the_places_needed_and_free(
    client, provider, shelter
):
    ProviderProfile.objects.filter(organisation__code="shelter-1").update(capacity_free=0)
    client.force_login(provider)
    before = _snapshot(shelter)
    page = _post(client, shelter, "accept")
    assert "Потрібно місць: 1" in page and "вільних: 0" in page
    assert _snapshot(shelter) == before
    assert shelter.status == ReferralStatus.SENT


def test_cancelling_a_completed_referral_is_refused(client, owner, provider, shelter):
    services.referral_accept(actor=provider, referral_id=shelter.pk)
    services.referral_complete(actor=provider, referral_id=shelter.pk, outcome="Виїхала")
    client.force_login(owner)
    before = _snapshot(shelter)
    assert "Це направлення вже закрите." in _post(client, shelter, "cancel", {"reason": "Помилка"})
    assert _snapshot(shelter) == before
    assert shelter.outcome == "Виїхала"


# --- places ----------------------------------------------------------------------------------


def test_a_service_without_beds_is_accepted_without_counting_places(orgs, sent):
    lawyer = staff(orgs["legal-aid-city"], "lawyer")
    legal = sent["legal_aid"]
    free = _free()
    services.referral_accept(actor=lawyer, referral_id=legal.pk)
    legal.refresh_from_db()
    assert (legal.status, legal.answered_by, legal.bed_taken, legal.places) == (
        ReferralStatus.ACCEPTED,
        lawyer,
        False,
        0,
    )
    assert _free() == free
    assert CaseEvent.objects.filter(
        case=legal.case, kind="referral.accepted", actor=lawyer, object_id=str(legal.pk)
    ).exists()


def test_a_shelter_that_does_not_count_places_accepts_without_a_count(provider, shelter):
    ProviderProfile.objects.filter(organisation__code="shelter-1").update(
        capacity_total=None, capacity_free=None
    )
    services.referral_accept(actor=provider, referral_id=shelter.pk)
    shelter.refresh_from_db()
    assert shelter.status == ReferralStatus.ACCEPTED
    assert (shelter.bed_taken, shelter.places) == (False, 0)
    services.referral_complete(actor=provider, referral_id=shelter.pk, outcome="Виїхала")
    assert _free() is None


def test_places_given_back_never_exceed_the_total(provider, shelter):
    """A count lowered by hand past what a stay holds (as before the staff's correction was
    checked against the stays) does not make completing count a place twice."""
    services.referral_accept(actor=provider, referral_id=shelter.pk)
    ProviderProfile.objects.filter(organisation__code="shelter-1").update(capacity_free=12)
    services.referral_complete(actor=provider, referral_id=shelter.pk, outcome="Виїхала")
    assert _free() == 12
    shelter.refresh_from_db()
    assert (shelter.bed_taken, shelter.places) == (False, 1)


def test_cancelling_an_accepted_stay_gives_its_places_back(owner, provider, shelter):
    services.referral_accept(actor=provider, referral_id=shelter.pk)
    Referral.objects.filter(pk=shelter.pk).update(places=1)
    ProviderProfile.objects.filter(organisation__code="shelter-1").update(capacity_free=5)
    services.referral_cancel(actor=owner, referral_id=shelter.pk, reason="Переїхала")
    assert _free() == 6


# --- who may answer --------------------------------------------------------------------------

STEPS = {
    "accept": lambda actor, pk: services.referral_accept(actor=actor, referral_id=pk),
    "decline": lambda actor, pk: services.referral_decline(
        actor=actor, referral_id=pk, reason="ні"
    ),
    "start": lambda actor, pk: services.referral_start(actor=actor, referral_id=pk),
    "complete": lambda actor, pk: services.referral_complete(
        actor=actor, referral_id=pk, outcome="так"
    ),
}


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("persona", ["owner", "coordinator", "police", "nobody"])
def test_the_services_refuse_an_answer_from_anyone_but_the_receiving_staff(
    personas, shelter, step, persona
):
    actor = UserFactory(username="nobody") if persona == "nobody" else personas[persona]
    before = _snapshot(shelter)
    with pytest.raises(PermissionDenied):
        STEPS[step](actor, shelter.pk)
    assert _snapshot(shelter) == before


def test_a_referral_that_does_not_exist_is_refused_like_anothers(provider, shelter):
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=provider, referral_id=shelter.pk + 10_000)
    with pytest.raises(PermissionDenied):
        services.referral_cancel(actor=provider, referral_id=shelter.pk + 10_000, reason="")


# --- the coordinator's assignment ------------------------------------------------------------


def _escalate(referral) -> Referral:
    """Every candidate declines in turn until the referral goes to the city coordinator."""
    current = referral
    for n in range(10):
        if current.status == ReferralStatus.ESCALATED:
            return current
        current = services.referral_decline(
            actor=staff(current.provider, f"decliner-{n}"), referral_id=current.pk, reason="Ні"
        )
    raise AssertionError("the referral never escalated")


def test_a_referral_still_with_its_provider_cannot_be_assigned(client, coordinator, orgs, shelter):
    client.force_login(coordinator)
    before = _snapshot(shelter)
    page = _post(client, shelter, "assign", {"provider": orgs["shelter-2"].pk})
    assert "Призначити можна лише ескальоване направлення." in page
    assert _snapshot(shelter) == before


@pytest.mark.parametrize("provider_field", ["legal-aid-city", "inactive", "junk", ""])
def test_an_escalated_referral_is_assigned_only_to_an_active_provider_of_its_service(
    client, coordinator, orgs, shelter, provider_field
):
    escalated = _escalate(shelter)
    assert escalated.provider is None
    if provider_field == "inactive":
        orgs["shelter-2"].is_active = False
        orgs["shelter-2"].save(update_fields=["is_active"])
    value = {"legal-aid-city": orgs["legal-aid-city"].pk, "inactive": orgs["shelter-2"].pk}.get(
        provider_field, provider_field
    )
    client.force_login(coordinator)
    before = _snapshot(escalated)
    page = _post(client, escalated, "assign", {"provider": value})
    assert "Оберіть надавача, який надає цю послугу." in page
    assert _snapshot(escalated) == before
    assert escalated.status == ReferralStatus.ESCALATED


def test_the_coordinator_sees_the_chain_and_only_providers_of_the_service(
    client, coordinator, orgs, shelter
):
    escalated = _escalate(shelter)
    client.force_login(coordinator)
    page = client.get(f"/referrals/{escalated.pk}/").content.decode()
    assert "Раніше в цьому направленні" in page
    assert page.count("— Ні</li>") == 2  # shelter-1 and shelter-2 each declined
    options = page.split('name="provider"', 1)[1].split("</select>", 1)[0]
    assert orgs["shelter"].name in options and orgs["shelter-2"].name in options
    assert orgs["legal-aid-city"].name not in options
    assert AuditEvent.objects.filter(
        username="coordinator", action=AuditAction.VIEW, object_id=str(escalated.pk)
    ).exists()
