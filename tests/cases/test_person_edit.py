"""A person is corrected after intake by whoever may change the case, with every change kept and
shown as a history, on the case timeline and in the audit; a stale form never overwrites; the
case header names the victim and says what a high-risk case needs next."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cases.models import CaseEvent, Person
from portal.models import AuditAction, AuditEvent
from tests.cases.factories import person, register_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(owner):
    return register_case(
        owner,
        victim=person("Бондар", "Марія", phone="0671112233"),
        offender=person("Бондар", "Олег", "M", relation_to_victim="spouse"),
    )


@pytest.fixture
def victim(case):
    return case.participants.get(role="victim").person


def _form(victim: Person, **changes) -> dict:
    data = {
        "last_name": victim.last_name,
        "first_name": victim.first_name,
        "patronymic": victim.patronymic,
        "sex": victim.sex,
        "birth_date": victim.birth_date.strftime("%d.%m.%Y") if victim.birth_date else "",
        "approximate_age": victim.approximate_age or "",
        "phone": victim.phone,
        "address": victim.address,
        "seen": victim.history.order_by("-history_id").first().history_id,
    }
    return {**data, **changes}


def _url(case, victim) -> str:
    return reverse("cases:person", args=[case.pk, victim.pk])


def test_the_worker_corrects_the_phone_and_the_change_is_kept_in_three_places(
    client, owner, case, victim
):
    client.force_login(owner)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert _url(case, victim) in page
    answer = client.post(_url(case, victim), _form(victim, phone="0509998877", address="Київ"))
    assert answer.status_code == 302
    victim.refresh_from_db()
    assert (victim.phone, victim.address) == ("+380509998877", "Київ")
    event = CaseEvent.objects.get(case=case, kind="person.updated")
    assert "телефон" in event.summary and "0509998877" not in event.summary
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="cases.person", object_id=str(victim.pk)
    ).exists()
    history = client.get(_url(case, victim)).content.decode()
    assert "+380671112233 → <strong>+380509998877</strong>" in history


def test_a_form_opened_before_a_colleagues_change_is_refused_and_her_change_stays(
    client, owner, colleague, case, victim
):
    stale = _form(victim, first_name="Марина")
    client.force_login(colleague)
    assert client.post(_url(case, victim), _form(victim, address="Дарниця")).status_code == 302
    client.force_login(owner)
    refused = client.post(_url(case, victim), stale)
    assert refused.status_code == 400
    assert "Хтось змінив дані цієї особи" in refused.content.decode()
    victim.refresh_from_db()
    assert (victim.first_name, victim.address) == ("Марія", "Дарниця")


def test_junk_is_refused_at_the_field_and_nothing_changes(client, owner, case, victim):
    client.force_login(owner)
    before = Person.objects.values().get(pk=victim.pk)
    for junk in (
        {"phone": "12-34"},
        {"birth_date": "31.02.1990"},
        {"birth_date": "01.01.1850"},
        {"last_name": "   "},
        {"approximate_age": "400"},
    ):
        answer = client.post(_url(case, victim), _form(victim, **junk))
        assert answer.status_code == 400, junk
        assert 'aria-invalid="true"' in answer.content.decode(), junk
    assert Person.objects.values().get(pk=victim.pk) == before
    assert not CaseEvent.objects.filter(kind="person.updated").exists()


def test_a_new_birth_date_making_the_victim_a_child_is_derived_on_the_case(
    client, owner, case, victim
):
    client.force_login(owner)
    assert not case.has_children
    child_birthday = date(case.reported_at.year - 15, 1, 1).strftime("%d.%m.%Y")
    client.post(_url(case, victim), _form(victim, birth_date=child_birthday))
    case.refresh_from_db()
    assert case.has_children


def test_who_only_sees_the_case_reads_the_history_but_gets_no_form_and_cannot_post(
    client, owner, coordinator, case, victim
):
    client.force_login(coordinator)
    page = client.get(_url(case, victim))
    assert page.status_code == 200
    assert 'data-testid="person-history"' in page.content.decode()
    assert 'data-testid="person-form"' not in page.content.decode()
    assert client.post(_url(case, victim), _form(victim, first_name="Х")).status_code == 403
    victim.refresh_from_db()
    assert victim.first_name == "Марія"


def test_a_person_of_another_case_is_answered_like_a_missing_one(
    client, owner, outsider, case, victim
):
    other = register_case(outsider, victim=person("Інша", "Особа"))
    client.force_login(owner)
    foreign = client.get(
        reverse("cases:person", args=[case.pk, other.participants.first().person_id])
    )
    missing = client.get(reverse("cases:person", args=[case.pk, 987654321]))
    assert foreign.status_code == missing.status_code == 404
    client.force_login(outsider)
    assert client.get(_url(case, victim)).status_code == 404


def test_the_header_names_the_victim_and_what_a_high_risk_case_needs_next(
    client, owner, police, organisations
):
    high = register_case(
        owner,
        victim=person("Кравець", "Ольга"),
        offender=person("Кравець", "Іван", "M", relation_to_victim="spouse"),
        risk_answers={"threats_to_kill": True},
    )
    assert high.risk_level == "high"
    client.force_login(owner)
    page = client.get(reverse("cases:detail", args=[high.pk])).content.decode()
    assert "Кравець Ольга" in page.split('data-testid="case-victim"')[1][:200]
    steps = page.split('data-testid="next-steps"')[1].split("</div>")[0]
    assert "Немає термінового заборонного припису" in steps
    assert "складіть план маршрутизації" in steps
    assert reverse("referrals:case", args=[high.pk]) in steps
    # The worker does not issue orders: the step is said, without a link to a form she can't use.
    assert reverse("orders:urgent_new") not in steps


def test_the_header_search_finds_a_case_by_a_phone_for_those_who_find_cases(
    client, owner, provider, secretariat, case
):
    client.force_login(owner)
    dashboard = client.get("/").content.decode()
    assert 'data-testid="global-search"' in dashboard and 'action="/cases/"' in dashboard
    found = client.get("/cases/", {"q": "0671112233"}).content.decode()
    assert case.number in found
    for who in (provider, secretariat):  # they never see a case, so they get no search box
        client.force_login(who)
        assert 'data-testid="global-search"' not in client.get("/").content.decode()


def _child(**extra) -> dict:
    data = {
        "participant-role": "child",
        "participant-relation_to_victim": "child",
        "participant-last_name": "Бондар",
        "participant-first_name": "Соня",
        "participant-sex": "F",
        "participant-birth_date": "05.06.2019",
    }
    return {**data, **extra}


def test_a_child_who_comes_to_light_later_is_added_as_a_person(client, owner, case):
    client.force_login(owner)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-testid="participant-add"' in page
    answer = client.post(reverse("cases:participant_add", args=[case.pk]), _child())
    assert answer.status_code == 302 and answer["Location"].endswith("#people")
    child = case.participants.get(role="child")
    assert child.person.first_name == "Соня" and child.relation_to_victim == "child"
    case.refresh_from_db()
    assert case.has_children
    assert CaseEvent.objects.filter(case=case, kind="person.added").exists()


def test_a_person_without_a_name_or_with_a_wrong_role_is_refused_and_nobody_is_added(
    client, owner, case
):
    client.force_login(owner)
    before = case.participants.count()
    for junk in (
        {"participant-first_name": ""},
        {"participant-role": "judge"},
        {"participant-birth_date": "31.12.2999"},
    ):
        answer = client.post(reverse("cases:participant_add", args=[case.pk]), _child(**junk))
        assert answer.status_code == 400, junk
        assert "participant-add" in answer.content.decode()
    assert case.participants.count() == before


def test_who_only_sees_the_case_cannot_add_a_person(client, coordinator, case):
    client.force_login(coordinator)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-testid="participant-add"' not in page
    answer = client.post(reverse("cases:participant_add", args=[case.pk]), _child())
    assert answer.status_code in (403, 404)
    assert not case.participants.filter(role="child").exists()


def test_a_form_without_the_version_it_was_opened_on_is_refused(client, owner, case, victim):
    client.force_login(owner)
    data = _form(victim, first_name="Марина")
    del data["seen"]
    assert client.post(_url(case, victim), data).status_code == 400
    victim.refresh_from_db()
    assert victim.first_name == "Марія"
