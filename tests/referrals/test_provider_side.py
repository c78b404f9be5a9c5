"""The provider's side: shared data in words, places per person (a mother with two children
takes three, or as many as the provider places), capacity bars that show occupied places with
an accessible name, and the staff's own correction of their places with who, when and why."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.models import AuditAction, AuditEvent, Organisation
from referrals import services
from referrals.models import ProviderProfile, Referral, ReferralStatus
from tests.referrals.conftest import send_shelter_referral
from tests.referrals.factories import staff


def _profile(referral) -> ProviderProfile:
    return ProviderProfile.objects.get(organisation_id=referral.provider_id)


def _set_free(referral, free: int) -> None:
    ProviderProfile.objects.filter(organisation_id=referral.provider_id).update(capacity_free=free)


def _state(referral) -> tuple:
    """Everything an acceptance could change."""
    referral.refresh_from_db()
    profile = _profile(referral)
    return (
        referral.status,
        referral.bed_taken,
        referral.places,
        profile.capacity_free,
        profile.capacity_version,
    )


# --- the shared data stays in words ----------------------------------------------------------


def test_the_shared_data_is_labelled_and_in_words(client, provider, mother_with_two):
    client.force_login(provider)
    page = client.get(f"/referrals/{mother_with_two.pk}/").content.decode()
    table = re.search(r'data-testid="shared-data">(.*?)</table>', page, re.S).group(1)
    assert not re.search(r"\[|\]|\{|\b(True|False|None)\b|\bhigh\b", table)
    assert "Рівень ризику</th><td>високий" in table
    assert re.search(r"Діти, що супроводжують</th><td>2</td>", table)


# --- places per person -----------------------------------------------------------------------


def test_a_mother_with_two_children_takes_three_places_and_gives_them_back(
    provider, mother_with_two
):
    free = _profile(mother_with_two).capacity_free
    services.referral_accept(actor=provider, referral_id=mother_with_two.pk)
    assert _profile(mother_with_two).capacity_free == free - 3
    services.referral_complete(actor=provider, referral_id=mother_with_two.pk, outcome="виїхала")
    assert _profile(mother_with_two).capacity_free == free
    mother_with_two.refresh_from_db()
    # The stay keeps how many places it took, as a record; it holds none now.
    assert (mother_with_two.bed_taken, mother_with_two.places) == (False, 3)


def test_the_places_proposed_come_from_the_data_the_referral_shares(
    client, provider, mother_with_two
):
    assert mother_with_two.proposed_places == 3
    client.force_login(provider)
    page = client.get(f"/referrals/{mother_with_two.pk}/").content.decode()
    field = re.search(r'<input type="number" name="places"[^>]*>', page).group(0)
    assert 'value="3"' in field and 'min="1"' in field and 'max="12"' in field
    assert "Вільно зараз: 12 з 12 місць." in page


@pytest.mark.parametrize("junk", [None, "два", -1, 2.5, True])
def test_junk_in_the_shared_children_count_proposes_the_victim_alone(mother_with_two, junk):
    mother_with_two.shared_data["accompanying_children"] = junk
    assert mother_with_two.proposed_places == 1


def test_the_provider_places_fewer_people_than_proposed(client, provider, mother_with_two):
    client.force_login(provider)
    response = client.post(f"/referrals/{mother_with_two.pk}/accept/", {"places": "2"})
    assert response.status_code == 302
    assert _state(mother_with_two)[:4] == (ReferralStatus.ACCEPTED, True, 2, 10)
    page = client.get(f"/referrals/{mother_with_two.pk}/").content.decode()
    assert "займає 2 місця" in page


def test_all_the_free_places_may_be_taken_and_not_one_more(client, provider, mother_with_two):
    _set_free(mother_with_two, 4)
    client.force_login(provider)
    before = _state(mother_with_two)
    refused = client.post(f"/referrals/{mother_with_two.pk}/accept/", {"places": "5"})
    assert refused.status_code == 400
    assert "Вкажіть кількість місць від 1 до 4 (вільних зараз)." in refused.content.decode()
    assert _state(mother_with_two) == before
    accepted = client.post(f"/referrals/{mother_with_two.pk}/accept/", {"places": "4"})
    assert accepted.status_code == 302
    assert _state(mother_with_two)[:4] == (ReferralStatus.ACCEPTED, True, 4, 0)


@pytest.mark.parametrize("value", ["0", "-3", "abc", "1.5", "1e30", "99999999999999999999"])
def test_a_number_of_places_that_is_not_one_or_more_is_refused_at_the_field(
    client, provider, mother_with_two, value
):
    client.force_login(provider)
    before = _state(mother_with_two)
    response = client.post(f"/referrals/{mother_with_two.pk}/accept/", {"places": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="places-error"' in page and 'aria-invalid="true"' in page
    assert _state(mother_with_two) == before


def test_a_full_shelter_says_so_and_takes_nothing(provider, mother_with_two):
    _set_free(mother_with_two, 0)
    before = _state(mother_with_two)
    with pytest.raises(ValidationError) as refused:
        services.referral_accept(actor=provider, referral_id=mother_with_two.pk, places=1)
    assert refused.value.message_dict["places"] == [
        "Вільних місць немає: відхиліть направлення або спершу звільніть місце."
    ]
    assert _state(mother_with_two) == before


def test_without_a_number_the_proposal_is_taken_only_if_it_fits(provider, mother_with_two):
    _set_free(mother_with_two, 2)
    before = _state(mother_with_two)
    with pytest.raises(ValidationError) as refused:
        services.referral_accept(actor=provider, referral_id=mother_with_two.pk)
    assert "Потрібно місць: 3" in refused.value.message_dict["places"][0]
    assert _state(mother_with_two) == before


def test_cancelling_an_accepted_stay_gives_its_places_back(owner, provider, mother_with_two):
    services.referral_accept(actor=provider, referral_id=mother_with_two.pk, places=3)
    services.referral_cancel(actor=owner, referral_id=mother_with_two.pk, reason="Переїхала")
    assert _profile(mother_with_two).capacity_free == 12
    mother_with_two.refresh_from_db()
    assert (mother_with_two.bed_taken, mother_with_two.places) == (False, 3)


def test_a_service_without_beds_ignores_a_number_of_places(owner, organisations, mother_with_two):
    legal_aid = Organisation.objects.get(code="legal-aid-city")
    legal = Referral.objects.create(
        case=mother_with_two.case,
        service="legal_aid",
        provider=legal_aid,
        due_at=mother_with_two.due_at,
        sent_by=owner,
    )
    lawyer = staff(legal_aid, "lawyer")
    services.referral_accept(actor=lawyer, referral_id=legal.pk, places=7)
    legal.refresh_from_db()
    assert (legal.status, legal.bed_taken, legal.places) == (ReferralStatus.ACCEPTED, False, 0)


# --- capacity bars -----------------------------------------------------------------------------


def test_capacity_bars_show_occupied_places_with_an_accessible_name_and_text(
    client, provider, mother_with_two
):
    services.referral_accept(actor=provider, referral_id=mother_with_two.pk)
    client.force_login(provider)
    page = client.get("/referrals/capacity/").content.decode()
    bars = re.findall(r'<div class="progress" role="progressbar"([^>]*)>', page)
    assert bars and all('aria-label="' in bar and 'aria-valuetext="' in bar for bar in bars)
    ours = next(bar for bar in bars if "Притулок № 1" in bar)
    assert 'aria-label="Притулок № 1: Зайнято 3 з 12 місць"' in ours
    assert 'aria-valuenow="3"' in ours and 'aria-valuemax="12"' in ours
    # The same in text beside the bar, for whoever does not see bars.
    assert "Зайнято 3 з 12 місць · вільно: 9" in page


def test_a_full_provider_shows_a_full_bar_marked_in_words_too(client, coordinator, mother_with_two):
    ProviderProfile.objects.filter(organisation__code="crisis-room-1").update(capacity_free=0)
    client.force_login(coordinator)
    page = client.get("/referrals/capacity/").content.decode()
    assert "Зайнято 4 з 4 місць · вільно: 0" in page
    assert re.search(r'aria-valuenow="4"[^>]*><div class="progress-bar w-100 bg-danger"', page)


# --- the staff correct their own places ------------------------------------------------------


def _form(profile: ProviderProfile, **values) -> dict:
    return {
        "capacity_total": profile.capacity_total,
        "occupied": profile.occupied,
        "reason": "Кімнату 3 закрито на ремонт",
        "provider": profile.organisation_id,
        "version": profile.capacity_version,
    } | values


def _count(profile: ProviderProfile) -> tuple:
    profile.refresh_from_db()
    return (
        profile.capacity_total,
        profile.capacity_free,
        profile.capacity_updated_at,
        profile.capacity_note,
        profile.capacity_version,
    )


@pytest.fixture
def shelter_profile(mother_with_two) -> ProviderProfile:
    return _profile(mother_with_two)


def test_the_staff_correct_total_and_occupied_places_and_everyone_sees_when(
    client, provider, coordinator, shelter_profile
):
    client.force_login(provider)
    response = client.post(
        "/referrals/capacity/", _form(shelter_profile, capacity_total=10, occupied=4)
    )
    assert response.status_code == 302
    shelter_profile.refresh_from_db()
    assert (shelter_profile.capacity_total, shelter_profile.occupied) == (10, 4)
    assert shelter_profile.capacity_updated_by == provider
    when = shelter_profile.capacity_updated_at.astimezone().strftime("%d.%m.%Y %H:%M")
    page = client.get("/referrals/capacity/").content.decode()
    assert f"оновлено {when} ({provider})" in page
    assert "Кімнату 3 закрито на ремонт" in page
    assert AuditEvent.objects.filter(
        user=provider,
        action=AuditAction.UPDATE,
        object_type="referrals.providerprofile",
        detail="places 12 -> 10, occupied 0 -> 4: Кімнату 3 закрито на ремонт",
    ).exists()
    client.force_login(coordinator)
    board = client.get("/referrals/capacity/").content.decode()
    assert f"оновлено {when} ({provider})" in board and "Зайнято 4 з 10 місць" in board


def test_another_providers_staff_see_when_but_not_who_or_why(
    client, provider, organisations, shelter_profile
):
    services.provider_capacity_correct(
        actor=provider,
        provider_id=shelter_profile.organisation_id,
        total=12,
        occupied=2,
        reason="Двоє виїхали без направлення",
        version=shelter_profile.capacity_version,
    )
    other = staff(Organisation.objects.get(code="shelter-2"), "shelter-2-staff")
    client.force_login(other)
    page = client.get("/referrals/capacity/").content.decode()
    row = re.search(r"Притулок № 1</span>.*?</li>", page, re.S).group(0)
    assert "оновлено" in row and str(provider) not in row and "виїхали" not in row


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"capacity_total": 2, "occupied": 3}, "occupied", "не може бути більше, ніж їх є (2)"),
        ({"capacity_total": -1}, "capacity_total", "більше чи дорівнює 0"),
        ({"capacity_total": 10_001}, "capacity_total", "менше чи дорівнює 10000"),
        ({"occupied": "багато"}, "occupied", "Введіть ціле число"),
        ({"reason": "   "}, "reason", "Це поле обов'язкове"),
        ({"reason": "я" * 301}, "reason", "300"),
    ],
)
def test_a_wrong_correction_is_refused_at_its_field_and_changes_nothing(
    client, provider, shelter_profile, values, field, message
):
    client.force_login(provider)
    before = _count(shelter_profile)
    response = client.post("/referrals/capacity/", _form(shelter_profile, **values))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in " ".join(errors[field]), errors
    assert _count(shelter_profile) == before


def test_places_held_by_accepted_stays_cannot_be_counted_free_by_hand(
    client, provider, mother_with_two, shelter_profile
):
    services.referral_accept(actor=provider, referral_id=mother_with_two.pk)
    shelter_profile.refresh_from_db()
    client.force_login(provider)
    before = _count(shelter_profile)
    response = client.post("/referrals/capacity/", _form(shelter_profile, occupied=2))
    assert response.status_code == 400
    assert "Місць, які займають прийняті направлення: 3." in " ".join(
        response.context["form"].errors["occupied"]
    )
    assert _count(shelter_profile) == before
    # Exactly the places held is allowed: nobody else is there.
    ok = client.post("/referrals/capacity/", _form(shelter_profile, occupied=3))
    assert ok.status_code == 302


def test_a_correction_typed_on_a_count_that_changed_meanwhile_is_refused(
    client, provider, mother_with_two, shelter_profile
):
    client.force_login(provider)
    stale = _form(shelter_profile, occupied=1)
    services.referral_accept(actor=provider, referral_id=mother_with_two.pk)
    before = _count(shelter_profile)
    response = client.post("/referrals/capacity/", stale)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Кількість місць змінилася, поки ви редагували (зараз зайнято 3 з 12)" in page
    # The form shows the count as it is now, with the reason the staff typed.
    form = response.context["form"]
    assert (form["occupied"].value(), form["reason"].value()) == (3, stale["reason"])
    assert _count(shelter_profile) == before


def test_nobody_corrects_another_organisations_places(
    client, provider, organisations, shelter_profile
):
    other = ProviderProfile.objects.get(organisation__code="shelter-2")
    client.force_login(provider)
    before = (_count(shelter_profile), _count(other))
    for provider_id in [other.organisation_id, "abc", "", "-1", "99999999999999999999"]:
        response = client.post(
            "/referrals/capacity/", _form(shelter_profile, provider=provider_id, occupied=5)
        )
        assert response.status_code in (400, 404), provider_id
    assert (_count(shelter_profile), _count(other)) == before
    with pytest.raises(PermissionDenied):
        services.provider_capacity_correct(
            actor=provider,
            provider_id=other.organisation_id,
            total=1,
            occupied=0,
            reason="чужий",
            version=other.capacity_version,
        )


@pytest.mark.parametrize("persona", ["owner", "coordinator", "police", "secretariat"])
def test_only_a_providers_staff_correct_places(client, personas, shelter_profile, persona):
    client.force_login(personas[persona])
    before = _count(shelter_profile)
    response = client.post("/referrals/capacity/", _form(shelter_profile, occupied=5))
    assert response.status_code == 404
    assert _count(shelter_profile) == before


def test_a_coordinator_sees_every_providers_board_without_a_form(
    client, coordinator, shelter_profile
):
    client.force_login(coordinator)
    page = client.get("/referrals/capacity/").content.decode()
    assert 'data-testid="capacity-form"' not in page
    counted = ProviderProfile.objects.filter(capacity_total__isnull=False)
    assert counted.count() == 3
    for profile in counted.select_related("organisation"):
        assert f'aria-label="{profile.organisation}: Зайнято' in page


def test_the_inbox_shows_our_bar_and_leads_to_the_correction(
    client, provider, organisations, owner, shelter_profile
):
    send_shelter_referral(owner, organisations)
    client.force_login(provider)
    page = client.get("/referrals/").content.decode()
    assert 'aria-label="Притулок № 1: Зайнято 0 з 12 місць"' in page
    assert 'href="/referrals/capacity/"' in page
