"""A provider's profile in the admin: services ticked by name, hours written as people write
them ("Пн 09:00–18:00"), a mistake refused in Ukrainian before it can reach the routing of
every case, and the places count left to the provider's board and the acceptances."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from referrals.hours import format_hours, parse_hours
from referrals.models import ProviderProfile
from tests.admin_pages import STATE

pytestmark = pytest.mark.django_db

ADD = "/admin/referrals/providerprofile/add/"


def _profile_post(organisation, **fields) -> dict:
    return {
        "organisation": organisation.pk,
        "services": ["shelter"],
        "min_age": "",
        "max_age": "",
        "accepts_children": "on",
        "accessible": "on",
        "opening_hours": "Пн 09:00–18:00\nвт 9:00-13:00\nВт 14:00 - 18:00",
        "capacity_total": "12",
        **fields,
    }


def test_a_profile_is_made_with_services_by_name_and_hours_in_words(
    client, admin_user, organisations
):
    client.force_login(admin_user)
    page = client.get(ADD).content.decode()
    # The code travels, the name is read.
    assert re.search(r'value="shelter"[^>]*>\s*Притулок</label>', page)
    assert re.search(r'value="crisis_room"[^>]*>\s*Кімната кризового реагування</label>', page)
    response = client.post(ADD, _profile_post(organisations["shelter"]))
    assert response.status_code == 302, response.context and response.context["errors"]
    profile = ProviderProfile.objects.get(organisation=organisations["shelter"])
    assert profile.services == ["shelter"]
    assert profile.opening_hours == [
        [0, "09:00", "18:00"],
        [1, "09:00", "13:00"],
        [1, "14:00", "18:00"],
    ]
    assert (profile.capacity_total, profile.capacity_free) == (12, 12)
    listing = client.get("/admin/referrals/providerprofile/").content.decode()
    assert ">shelter<" not in listing and "shelter," not in listing
    changed = client.get(f"/admin/referrals/providerprofile/{profile.pk}/change/").content.decode()
    assert "Пн 09:00–18:00\nВт 09:00–13:00\nВт 14:00–18:00" in changed


@pytest.mark.parametrize(
    ("hours", "always_open", "message"),
    [
        ("Пн 9-18", "", "Рядок 1: напишіть день і години"),
        ("Пн 09:00–18:00\nПонеділок 09:00–18:00", "", "Рядок 2: напишіть день і години"),
        ("Сб 18:00–09:00", "", "Рядок 1: час закриття має бути пізніше"),
        ("Нд 25:00–26:00", "", "Рядок 1: напишіть день і години"),
        ("", "", "Зазначте години роботи або позначте «Цілодобово»"),
    ],
)
def test_hours_that_routing_could_not_read_are_refused_in_ukrainian(
    client, admin_user, organisations, hours, always_open, message
):
    client.force_login(admin_user)
    data = _profile_post(organisations["shelter"], opening_hours=hours)
    if always_open:
        data["always_open"] = always_open
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProviderProfile.objects.exists()


def test_a_provider_open_around_the_clock_needs_no_hours(client, admin_user, organisations):
    client.force_login(admin_user)
    data = _profile_post(organisations["shelter"], opening_hours="", always_open="on")
    assert client.post(ADD, data).status_code == 302
    assert ProviderProfile.objects.get().opening_hours == []


def test_ages_the_wrong_way_round_are_refused(client, admin_user, organisations):
    client.force_login(admin_user)
    response = client.post(ADD, _profile_post(organisations["shelter"], min_age="18", max_age="5"))
    assert "Максимальний вік менший за мінімальний." in response.content.decode()
    assert not ProviderProfile.objects.exists()


def test_saving_a_profile_never_writes_back_the_places_count(client, admin_user, organisations):
    """The count moves with acceptances while the administrator edits the services: the
    administrator's save keeps the count the database has, and the total is the board's."""
    profile = ProviderProfile.objects.create(
        organisation=organisations["shelter"],
        services=["shelter"],
        always_open=True,
        capacity_total=12,
        capacity_free=12,
    )
    client.force_login(admin_user)
    url = f"/admin/referrals/providerprofile/{profile.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="capacity_total"' not in page and 'name="capacity_free"' not in page
    ProviderProfile.objects.filter(pk=profile.pk).update(capacity_free=9, capacity_version=3)
    data = _profile_post(organisations["shelter"], services=["shelter", "crisis_room"])
    data.pop("capacity_total")
    data["always_open"] = "on"
    # The page was opened before the acceptance: a count the form does not edit is no conflict.
    [state] = STATE.findall(page)
    assert client.post(url, {**data, "_opened_state": state}).status_code == 302
    profile.refresh_from_db()
    assert profile.services == ["shelter", "crisis_room"]
    assert (profile.capacity_total, profile.capacity_free, profile.capacity_version) == (12, 9, 3)


@pytest.mark.parametrize(
    "stored",
    [
        {"monday": "9-18"},
        [[7, "09:00", "18:00"]],
        [[0, "9", "18"]],
        [[0, "18:00", "09:00"]],
        [["0", "09:00", "18:00"]],
        [[0, "09:00"]],
    ],
)
def test_the_model_refuses_hours_that_would_break_routing(organisations, stored):
    profile = ProviderProfile(
        organisation=organisations["shelter"], services=["shelter"], opening_hours=stored
    )
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert "opening_hours" in refused.value.message_dict


def test_hours_read_and_write_in_either_language():
    windows = [[0, "09:00", "18:00"], [6, "10:00", "14:00"]]
    with translation.override("uk"):
        assert format_hours(windows) == "Пн 09:00–18:00\nНд 10:00–14:00"
    with translation.override("en"):
        assert format_hours(windows) == "Mon 09:00–18:00\nSun 10:00–14:00"
        assert parse_hours("sun 10:00-14:00\nПн. 9:00 — 18:00") == windows
    assert format_hours("not a list") == ""
    # "To 24:00" is the end of the day.
    assert parse_hours("Пт 20:00–24:00") == [[4, "20:00", "23:59"]]


def test_routing_policies_are_only_shown_in_the_admin(client, admin_user):
    """Rules are published through the coordinator's policy page, which checks them; a rule
    typed in the admin would reach the routing of every case unchecked."""
    from referrals.models import RoutingPolicy

    policy = RoutingPolicy.objects.get(is_active=True)
    client.force_login(admin_user)
    listing = client.get("/admin/referrals/routingpolicy/")
    assert listing.status_code == 200 and "постанова КМУ № 658" in listing.content.decode()
    url = f"/admin/referrals/routingpolicy/{policy.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="rules"' not in page and "R1" not in page
    assert client.post(url, {"rules": "[]", "is_active": ""}).status_code == 403
    assert client.get("/admin/referrals/routingpolicy/add/").status_code == 403
    policy.refresh_from_db()
    assert policy.is_active and policy.rules
