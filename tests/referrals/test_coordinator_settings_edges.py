"""The settings a coordinator keeps — holidays, martial law, the routing policy — and a
provider's own count of free places: each refused input is said in Ukrainian and changes
nothing, each accepted change is audited, and nobody else may make it (the services refuse as
the pages do)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import translation

from portal.models import AuditAction, AuditEvent
from portal.roles import Role
from referrals import services
from referrals.models import Holiday, MartialLawPeriod, ProviderProfile, RoutingPolicy
from tests.cases.factories import register_case
from tests.factories import member
from tests.referrals.factories import catalogue_for_darnytskyi, staff

CHRISTMAS = date(2031, 12, 25)


@pytest.fixture
def orgs(organisations):
    return catalogue_for_darnytskyi(organisations)


@pytest.fixture
def second_coordinator(organisations):
    return member(Role.COORDINATOR, organisations["city_centre"], "coordinator2")


def _audited() -> int:
    return AuditEvent.objects.exclude(action=AuditAction.VIEW).count()


def _settings() -> tuple:
    return (
        tuple(Holiday.objects.values_list("date", "name")),
        tuple(MartialLawPeriod.objects.values_list("pk", "starts_on", "ends_on", "note")),
        tuple(RoutingPolicy.objects.values_list("version", "is_active")),
        _audited(),
    )


def _rules() -> list:
    return RoutingPolicy.objects.get(is_active=True).rules


# --- the places of a shelter ----------------------------------------------------------------


def _correction(profile: ProviderProfile, **values) -> dict:
    return {
        "capacity_total": profile.capacity_total,
        "occupied": profile.occupied,
        "reason": "Дві жінки поселилися без направлення",
        "provider": profile.organisation_id,
        "version": profile.capacity_version,
    } | values


def test_the_provider_correction_is_audited_with_the_count_before_and_after(client, provider, orgs):
    profile = ProviderProfile.objects.get(organisation=orgs["shelter"])
    client.force_login(provider)
    response = client.post("/referrals/capacity/", _correction(profile, occupied=5), follow=True)
    assert "Кількість місць виправлено." in response.content.decode()
    profile.refresh_from_db()
    assert profile.capacity_free == 7
    assert AuditEvent.objects.filter(
        username="provider",
        action=AuditAction.UPDATE,
        object_type="referrals.providerprofile",
        object_id=str(profile.pk),
        detail="places 12 -> 12, occupied 0 -> 5: Дві жінки поселилися без направлення",
    ).exists()


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ("13", "Зайнятих місць не може бути більше, ніж їх є (12)."),
        ("-1", "Переконайтеся, що це значення більше чи дорівнює 0."),
        ("багато", "Введіть ціле число."),
    ],
)
def test_a_count_outside_the_shelters_places_is_refused_and_nothing_changes(
    client, provider, orgs, posted, message
):
    profile = ProviderProfile.objects.get(organisation=orgs["shelter"])
    client.force_login(provider)
    before = _audited()
    response = client.post("/referrals/capacity/", _correction(profile, occupied=posted))
    assert response.status_code == 400
    assert message in response.content.decode()
    profile.refresh_from_db()
    assert (profile.capacity_free, profile.capacity_updated_at) == (12, None)
    assert _audited() == before


def test_staff_of_a_provider_without_counted_places_cannot_correct_a_count(client, orgs):
    mobile = staff(orgs["mobile-team-1"], "mobile")
    client.force_login(mobile)
    assert client.get("/referrals/capacity/").status_code == 200  # the city's board, read only
    assert 'data-testid="capacity-form"' not in client.get("/referrals/capacity/").content.decode()
    shelter = ProviderProfile.objects.get(organisation=orgs["shelter"])
    before = (_audited(), sorted(ProviderProfile.objects.values_list("pk", "capacity_free")))
    for provider_id in (orgs["mobile-team-1"].pk, shelter.organisation_id):
        posted = _correction(shelter, occupied=1, provider=provider_id)
        assert client.post("/referrals/capacity/", posted).status_code == 404
    assert (_audited(), sorted(ProviderProfile.objects.values_list("pk", "capacity_free"))) == (
        before
    )


def test_the_coordinator_reads_the_board_but_has_no_count_to_correct(client, coordinator, orgs):
    client.force_login(coordinator)
    page = client.get("/referrals/capacity/").content.decode()
    assert orgs["crisis-room-1"].name in page
    assert 'data-testid="capacity-form"' not in page
    shelter = ProviderProfile.objects.get(organisation=orgs["shelter"])
    with pytest.raises(PermissionDenied):
        services.provider_capacity_correct(
            actor=coordinator,
            provider_id=shelter.organisation_id,
            total=12,
            occupied=0,
            reason="координатор",
            version=shelter.capacity_version,
        )


# --- holidays --------------------------------------------------------------------------------


def test_a_holiday_without_a_name_is_refused_and_not_added(client, coordinator, orgs):
    client.force_login(coordinator)
    before = _settings()
    response = client.post("/referrals/holidays/", {"date": "25.12.2031", "name": "  "})
    assert response.status_code == 400
    assert "Вкажіть назву свята." in response.content.decode()
    assert _settings() == before


def test_a_holiday_that_is_not_a_date_is_refused_and_not_added(client, coordinator, orgs):
    client.force_login(coordinator)
    before = _settings()
    response = client.post("/referrals/holidays/", {"date": "31.02.2031", "name": "Свято"})
    assert response.status_code == 400
    assert "Введіть коректну дату." in response.content.decode()
    assert _settings() == before


def test_adding_a_day_already_listed_renames_it_and_is_audited_as_a_change(coordinator, orgs):
    services.holiday_add(actor=coordinator, day=CHRISTMAS, name="Різдво")
    services.holiday_add(actor=coordinator, day=CHRISTMAS, name="  Різдво Христове ")
    assert list(Holiday.objects.filter(date=CHRISTMAS).values_list("name", flat=True)) == [
        "Різдво Христове"
    ]
    actions = list(
        AuditEvent.objects.filter(detail="holiday 2031-12-25")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE]


@pytest.mark.parametrize("name", ["с" * 121, "Різдво\x00"])
def test_the_service_refuses_a_holiday_name_too_long_or_with_a_nul(coordinator, orgs, name):
    before = _settings()
    with translation.override("uk"), pytest.raises(ValidationError) as refused:
        services.holiday_add(actor=coordinator, day=CHRISTMAS, name=name)
    assert refused.value.message_dict["name"] == [
        "Назва має містити не більше 120 символів і жодних керівних символів."
    ]
    assert _settings() == before


def test_the_service_refuses_a_holiday_in_year_one(coordinator, orgs):
    before = _settings()
    with pytest.raises(ValidationError) as refused:
        services.holiday_add(actor=coordinator, day=date(1, 1, 1), name="Нічого")
    assert "date" in refused.value.message_dict
    assert _settings() == before


def test_removing_a_day_that_is_not_listed_says_so_and_writes_no_audit_entry(
    client, coordinator, orgs
):
    assert services.holiday_remove(actor=coordinator, day=CHRISTMAS) is False
    client.force_login(coordinator)
    before = _settings()
    response = client.post("/referrals/holidays/", {"date": "25.12.2031", "delete": "1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "25.12.2031 немає у списку святкових днів: нічого не вилучено." in page
    assert "Святкові дні оновлено" not in page
    assert _settings() == before


@pytest.mark.parametrize("persona", ["owner", "provider", "secretariat", "admin"])
def test_only_a_policy_editor_changes_holidays_or_martial_law_through_the_services(
    personas, orgs, persona
):
    actor = personas[persona]
    before = _settings()
    with pytest.raises(PermissionDenied):
        services.holiday_add(actor=actor, day=CHRISTMAS, name="Різдво")
    with pytest.raises(PermissionDenied):
        services.holiday_remove(actor=actor, day=date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        services.martial_law_save(actor=actor, starts_on=date(2030, 1, 1), ends_on=None)
    assert _settings() == before


# --- martial law -----------------------------------------------------------------------------


def test_a_new_period_of_martial_law_is_saved_and_audited(client, coordinator, orgs):
    client.force_login(coordinator)
    response = client.post(
        "/referrals/holidays/martial-law/",
        {"starts_on": "01.03.2031", "ends_on": "", "note": "Указ № 1/2031"},
        follow=True,
    )
    assert "Період воєнного стану збережено." in response.content.decode()
    period = MartialLawPeriod.objects.get(starts_on=date(2031, 3, 1))
    assert (period.ends_on, period.note) == (None, "Указ № 1/2031")
    assert AuditEvent.objects.filter(
        username="coordinator",
        action=AuditAction.CREATE,
        object_id=str(period.pk),
        detail="martial law 2031-03-01–",
    ).exists()


@pytest.mark.parametrize("pk", ["999999", "не-число"])
def test_changing_a_period_that_no_longer_exists_is_refused(client, coordinator, orgs, pk):
    client.force_login(coordinator)
    before = _settings()
    response = client.post(
        "/referrals/holidays/martial-law/",
        {"pk": pk, "starts_on": "24.02.2022", "ends_on": "31.12.2031"},
    )
    assert response.status_code == 400
    assert "Цього періоду воєнного стану вже немає." in response.content.decode()
    assert _settings() == before


def test_an_end_set_by_a_colleague_meanwhile_is_not_written_over(
    client, coordinator, orgs, second_coordinator
):
    period = MartialLawPeriod.objects.create(starts_on=date(2022, 2, 24), note="Указ № 64/2022")
    client.force_login(coordinator)
    page = client.get("/referrals/holidays/").content.decode()
    assert f'name="opened_state" value="{period.state}"' in page
    row = {"pk": period.pk, "opened_state": period.state, "starts_on": "24.02.2022", "note": ""}
    services.martial_law_save(
        actor=second_coordinator,
        period_id=period.pk,
        opened_state=period.state,
        starts_on=period.starts_on,
        ends_on=date(2031, 5, 1),
        note=period.note,
    )
    before = _settings()
    response = client.post("/referrals/holidays/martial-law/", {**row, "ends_on": "30.04.2031"})
    assert response.status_code == 400
    assert (
        "Поки ваша сторінка була відкрита, цей період змінили: тепер він закінчується "
        "01.05.2031. Перевірте й збережіть ще раз." in response.content.decode()
    )
    assert _settings() == before
    period.refresh_from_db()
    # The page that refused shows the period as it is now, with its new state to save on.
    assert f'name="opened_state" value="{period.state}"' in response.content.decode()
    again = client.post(
        "/referrals/holidays/martial-law/",
        {**row, "opened_state": period.state, "note": period.note, "ends_on": "30.04.2031"},
    )
    assert again.status_code == 302
    period.refresh_from_db()
    assert period.ends_on == date(2031, 4, 30)


@pytest.mark.parametrize("opened_state", [None, "", "junk", "0" * 32])
def test_a_change_without_the_state_its_page_showed_is_refused(coordinator, orgs, opened_state):
    period = MartialLawPeriod.objects.create(starts_on=date(2022, 2, 24))
    before = _settings()
    with translation.override("uk"), pytest.raises(ValidationError) as refused:
        services.martial_law_save(
            actor=coordinator,
            period_id=period.pk,
            opened_state=opened_state,
            starts_on=period.starts_on,
            ends_on=date(2031, 1, 1),
        )
    assert refused.value.messages == [
        "Поки ваша сторінка була відкрита, цей період змінили: тепер він без кінцевої дати. "
        "Перевірте й збережіть ще раз."
    ]
    assert _settings() == before


def test_a_period_ending_before_it_starts_is_refused_by_the_service_too(coordinator, orgs):
    before = _settings()
    with translation.override("uk"), pytest.raises(ValidationError) as refused:
        services.martial_law_save(
            actor=coordinator, starts_on=date(2031, 3, 1), ends_on=date(2031, 2, 28)
        )
    assert refused.value.message_dict == {
        "ends_on": ["Період не може закінчитися раніше, ніж почався."]
    }
    with pytest.raises(ValidationError) as refused:
        services.martial_law_save(
            actor=coordinator, starts_on=date(2031, 3, 1), ends_on=None, note="Указ\x00"
        )
    assert "note" in refused.value.message_dict
    assert _settings() == before


def test_the_martial_law_address_only_takes_a_post(client, coordinator, orgs):
    client.force_login(coordinator)
    response = client.get("/referrals/holidays/martial-law/")
    assert (response.status_code, response["Location"]) == (302, "/referrals/holidays/")


# --- the routing policy ----------------------------------------------------------------------


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2_000)
def test_a_draft_larger_than_the_upload_limit_is_refused_with_413(client, coordinator, orgs):
    client.force_login(coordinator)
    before = _settings()
    response = client.post("/referrals/policy/", {"rules": "x" * 3_000, "action": "publish"})
    assert response.status_code == 413
    assert "Запит завеликий. Нічого не змінено." in response.content.decode()
    assert _settings() == before


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        ("[]", "Політика має бути об’єктом JSON зі списком правил"),
        ('{"rules": [{"id": "R1", "deadline": {"days": 1e9}}]}', "Числа в політиці мають бути"),
        ('{"rules": [{"id": "X", "service": "nothing"}]}', "Політика некоректна:"),
        ("{", "Некоректний JSON:"),
        ('{"rules": ' + "[" * 40 + "]" * 40 + "}", "Політика має завелику вкладеність"),
        ('{"rules": []}' + " " * 262_144, "Політика задовга: скоротіть її до 262144 символів."),
    ],
)
def test_a_malformed_draft_is_refused_in_ukrainian_before_preview_or_publishing(
    client, coordinator, orgs, draft, message
):
    client.force_login(coordinator)
    before = _settings()
    for action in ("preview", "publish"):
        response = client.post("/referrals/policy/", {"rules": draft, "action": action})
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page
        assert 'data-testid="preview' not in page
    assert _settings() == before


def test_a_draft_that_cannot_be_evaluated_fails_in_the_preview_not_with_a_500(
    client, owner, coordinator, orgs
):
    register_case(owner, needs=["shelter"], consent_to_share=True)
    rules = _rules()
    rules[0] = {**rules[0], "when": {"fact": "risk_level", "gt": 5}}
    client.force_login(coordinator)
    before = _settings()
    response = client.post(
        "/referrals/policy/", {"rules": json.dumps({"rules": rules}), "action": "preview"}
    )
    assert response.status_code == 400
    assert "Політика некоректна:" in response.content.decode()
    assert _settings() == before


def test_the_preview_lists_the_service_a_draft_would_drop(client, owner, coordinator, orgs):
    case = register_case(owner, needs=["legal"], consent_to_share=True)
    rules = [rule for rule in _rules() if rule["service"] != "legal_aid"]
    client.force_login(coordinator)
    before = _settings()
    response = client.post(
        "/referrals/policy/", {"rules": json.dumps({"rules": rules}), "action": "preview"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    preview = page.split('data-testid="preview"', 1)[1].split("</table>", 1)[0]
    assert case.number in preview and "Безоплатна правнича допомога" in preview
    assert _settings() == before


def test_the_service_publishes_a_bare_list_of_rules_and_retires_the_old_version(coordinator, orgs):
    old = RoutingPolicy.objects.get(is_active=True)
    record = services.policy_publish(actor=coordinator, rules_json=json.dumps(old.rules))
    old.refresh_from_db()
    assert (record.version, record.is_active, old.is_active) == (old.version + 1, True, False)
    assert record.rules == old.rules and record.created_by == coordinator


@pytest.mark.parametrize(
    ("draft", "message"),
    [("{", "Некоректний JSON:"), ('{"rules": [{"id": 1}]}', "Політика некоректна:")],
)
def test_the_publishing_service_refuses_what_the_form_would_and_keeps_the_version(
    coordinator, orgs, draft, message
):
    before = _settings()
    with translation.override("uk"), pytest.raises(ValidationError) as refused:
        services.policy_publish(actor=coordinator, rules_json=draft)
    assert refused.value.message_dict["rules"][0].startswith(message)
    assert _settings() == before


def test_only_a_policy_editor_publishes_through_the_service(owner, orgs):
    before = _settings()
    with pytest.raises(PermissionDenied):
        services.policy_publish(actor=owner, rules_json=json.dumps(_rules()))
    assert _settings() == before
