"""The provider's side: shared data in words, an inbox row that triage can use, places counted
per person (a mother with two children takes three), accessible capacity bars showing occupied
places, and the provider's own correction of its free places with the time of it."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from referrals import services
from referrals.models import ProviderProfile, Referral
from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi


@pytest.fixture
def mother_with_two(owner, organisations):
    catalogue_for_darnytskyi(organisations)
    case = register_case(
        owner,
        needs=["shelter", "psychological"],
        consent_to_share=True,
        accompanying_children=2,
        risk_answers={"threats_to_kill": True},
    )
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    services.referral_apply_plan(actor=owner, plan_id=record.pk)
    referral = Referral.objects.get(case=case, service="shelter")
    # The persona `provider` works in shelter-1; the plan chose by the catalogue.
    Referral.objects.filter(pk=referral.pk).update(provider=organisations["shelter"])
    return Referral.objects.get(pk=referral.pk)


def test_a_mother_with_two_children_takes_three_places_and_gives_them_back(
    provider, mother_with_two
):
    profile = ProviderProfile.objects.get(organisation_id=mother_with_two.provider_id)
    free = profile.capacity_free
    services.referral_accept(actor=provider, referral_id=mother_with_two.pk)
    profile.refresh_from_db()
    assert profile.capacity_free == free - 3
    services.referral_complete(actor=provider, referral_id=mother_with_two.pk, outcome="виїхала")
    profile.refresh_from_db()
    assert profile.capacity_free == free


def test_two_free_places_are_not_enough_for_a_mother_with_two_children(provider, mother_with_two):
    ProviderProfile.objects.filter(organisation_id=mother_with_two.provider_id).update(
        capacity_free=2
    )
    with pytest.raises(ValidationError):
        services.referral_accept(actor=provider, referral_id=mother_with_two.pk)


def test_the_shared_data_is_labelled_and_in_words(client, provider, mother_with_two):
    client.force_login(provider)
    page = client.get(f"/referrals/{mother_with_two.pk}/").content.decode()
    table = re.search(r'data-testid="shared-data">(.*?)</table>', page, re.S).group(1)
    assert not re.search(r"\[|\]|\{|\b(True|False|None)\b|\bhigh\b", table)
    assert re.search(r"<th[^>]*>[^<]+</th><td>2</td>", table)  # accompanying children: 2


def test_the_inbox_row_shows_risk_people_district_and_due_time(client, provider, mother_with_two):
    client.force_login(provider)
    page = client.get("/referrals/").content.decode()
    row = re.search(r'data-testid="inbox-row">(.*?)</tr>', page, re.S).group(1)
    people = re.search(r'data-testid="inbox-people">(.*?)</td>', row, re.S).group(1)
    assert "1" in people and "2" in people
    assert "Дарницький" in row
    assert mother_with_two.case.number in row


def test_capacity_bars_show_occupied_places_and_have_accessible_names(
    client, provider, mother_with_two
):
    services.referral_accept(actor=provider, referral_id=mother_with_two.pk)
    client.force_login(provider)
    page = client.get("/referrals/capacity/").content.decode()
    bars = re.findall(r'<div class="progress" role="progressbar"([^>]*)>', page)
    assert bars and all('aria-label="' in bar for bar in bars)
    profile = ProviderProfile.objects.get(organisation_id=mother_with_two.provider_id)
    assert f'aria-valuenow="{profile.occupied}"' in page and profile.occupied == 3


def test_the_provider_corrects_its_own_free_places_and_sees_when(
    client, provider, organisations, mother_with_two
):
    client.force_login(provider)
    response = client.post("/referrals/capacity/", {"capacity_free": "5"})
    assert response.status_code == 302
    profile = ProviderProfile.objects.get(organisation=organisations["shelter"])
    assert profile.capacity_free == 5 and profile.capacity_updated_at is not None
    page = client.get("/referrals/capacity/").content.decode()
    assert profile.capacity_updated_at.astimezone().strftime("%d.%m.%Y") in page
    too_many = client.post("/referrals/capacity/", {"capacity_free": "999"})
    assert too_many.status_code == 400


def test_someone_who_is_not_a_provider_cannot_correct_places(client, owner, organisations):
    catalogue_for_darnytskyi(organisations)
    client.force_login(owner)
    assert client.post("/referrals/capacity/", {"capacity_free": "0"}).status_code == 404
