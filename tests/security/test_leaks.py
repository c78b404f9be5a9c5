"""Every path by which a client-supplied reference once reached someone else's victim is closed:
each test names the leak it protects against."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import Case, Participant
from cases.selectors import people_matching
from orders import services as order_services
from orders.models import RestrainingOrder
from portal.models import AuditAction, AuditEvent, District
from referrals import services as referral_services
from referrals.models import Referral, ReferralStatus
from tests.cases.factories import person, register_case
from tests.cases.test_views import _intake_post
from tests.orders.factories import share_case_with, urgent
from tests.referrals.factories import catalogue_for_darnytskyi, staff

# --- intake links a person only from the worker's own scope ---------------------------------


@pytest.fixture
def hidden_victim(outsider):
    """A confidential victim of another district, with a phone and an address."""
    case = register_case(
        outsider,
        district_id=District.objects.get(slug="obolonskyi").pk,
        confidential=True,
        victim=person("Таємна", "Марія", phone="0671234567", address="вул. Схована, 7"),
    )
    return case.participants.get(role="victim").person


@pytest.mark.parametrize("field", ["victim-existing_person", "offender-existing_person"])
def test_intake_cannot_link_a_person_of_a_case_the_worker_cannot_see(
    client, owner, hidden_victim, field
):
    client.force_login(owner)
    data = _intake_post(
        **{
            "case-district": str(District.objects.get(slug="darnytskyi").pk),
            field: hidden_victim.pk,
        }
    )
    response = client.post("/cases/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Цю особу не можна обрати" in page
    assert "Таємна" not in page and "Схована" not in page and "1234567" not in page
    assert not Case.objects.filter(created_by=owner).exists()
    assert Participant.objects.filter(person=hidden_victim).count() == 1


@pytest.mark.parametrize("value", ["999999999", "9223372036854775807", "-1", "abc", "1e5"])
def test_intake_answers_a_missing_or_junk_person_id_like_an_unseen_one(client, owner, value):
    client.force_login(owner)
    data = _intake_post(
        **{
            "case-district": str(District.objects.get(slug="darnytskyi").pk),
            "victim-existing_person": value,
        }
    )
    response = client.post("/cases/new/", data)
    assert response.status_code == 200
    assert not Case.objects.exists()


def test_intake_links_a_person_the_worker_can_see(client, owner):
    earlier = register_case(owner, victim=person("Повторна", "Ганна"))
    known = earlier.participants.get(role="victim").person
    client.force_login(owner)
    data = _intake_post(
        **{
            "case-district": str(District.objects.get(slug="darnytskyi").pk),
            "victim-existing_person": known.pk,
        }
    )
    assert client.post("/cases/new/", data).status_code == 302
    assert Participant.objects.filter(person=known).count() == 2


# --- the "possibly already known" lookup says only what the role may know --------------------


def test_the_lookup_names_people_only_in_cases_the_worker_can_see(owner, outsider, hidden_victim):
    register_case(owner, victim=person("Таємнова", "Марія"))
    matches = people_matching(user=owner, last_name="Таємна", first_name="Марія")
    named = [m["person"].last_name for m in matches if m["visible"]]
    assert named == ["Таємнова"]
    # A surname alone says nothing about the other district's victim.
    assert [m for m in matches if not m["visible"]] == []


def test_the_lookup_puts_the_closest_names_first_and_leaves_distant_ones_out(owner):
    for surname, name in [
        ("Шевчук", "Олена"),
        ("Левченко", "Олена"),
        ("Шевченко", "Ірина"),
        ("Шевченко", "Олена"),
        ("Бондар", "Олена"),
    ]:
        register_case(owner, victim=person(surname, name))
    matches = people_matching(user=owner, last_name="Шевченко", first_name="Олена")
    named = [f"{m['person'].last_name} {m['person'].first_name}" for m in matches]
    assert named[0] == "Шевченко Олена"
    # A typo still finds her; a different surname with the same first name is not offered.
    typo = people_matching(user=owner, last_name="Шевчнко", first_name="Олена")
    assert typo[0]["person"].last_name == "Шевченко"
    assert "Бондар Олена" not in named


def test_the_lookup_needs_three_letters_of_a_surname_and_ignores_a_first_name_without_any(owner):
    register_case(owner, victim=person("Шевченко", "Олена"))
    for surname in ["---", "Ш-в", "   ", "'?!"]:
        assert people_matching(user=owner, last_name=surname, first_name="Олена") == [], surname
    matches = people_matching(user=owner, last_name="Шевченко", first_name="--")
    # the offender of the factory's case is a Шевченко too: both, as for the surname alone
    assert sorted(m["person"].first_name for m in matches) == ["Олена", "Петро"]


def test_the_same_name_and_birth_date_earns_one_sentence_without_a_name(owner, hidden_victim):
    matches = people_matching(
        user=owner, last_name="Таємна", first_name="Марія", birth_date=hidden_victim.birth_date
    )
    assert matches == [{"person": None, "visible": False, "cases": 0}]


@pytest.mark.parametrize("persona", ["police", "provider", "coordinator", "secretariat", "admin"])
def test_the_lookup_tells_other_roles_nothing(personas, hidden_victim, persona, client):
    user = personas[persona]
    assert (
        people_matching(
            user=user, last_name="Таємна", first_name="Марія", birth_date=hidden_victim.birth_date
        )
        == []
    )
    client.force_login(user)
    response = client.get(
        "/cases/people/lookup/", {"prefix": "victim", "victim-last_name": "Таємна"}
    )
    assert response.status_code in (403, 404)
    assert "Таємна" not in response.content.decode()


def test_a_lookup_that_names_someone_is_audited(client, owner):
    register_case(owner, victim=person("Знайома", "Ольга"))
    client.force_login(owner)
    response = client.get(
        "/cases/people/lookup/", {"prefix": "victim", "victim-last_name": "Знайома"}
    )
    assert "Знайома" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.person", detail__startswith="lookup:"
    ).exists()


# --- police link an order only to a case they may see --------------------------------------


def _urgent_post(case_number: str) -> dict:
    issued = timezone.localtime() - timedelta(hours=1)
    return {
        "number": "ТЗП-777",
        "issued_at": issued.strftime("%d.%m.%Y %H:%M"),
        "ends_at": (issued + timedelta(days=5)).strftime("%d.%m.%Y %H:%M"),
        "measures": ["no_contact"],
        "initiated_by": "police",
        "case_number": case_number,
        "victim_sex": "F",
        "offender_sex": "M",
    }


def test_police_get_the_same_answer_for_a_missing_and_an_unseen_case_number(
    client, police, outsider
):
    other = register_case(
        outsider,
        district_id=District.objects.get(slug="obolonskyi").pk,
        victim=person("Чужа", "Дарина"),
    )
    client.force_login(police)
    unseen = client.post("/orders/urgent/new/", _urgent_post(other.number))
    missing = client.post("/orders/urgent/new/", _urgent_post("КИЇВ-2024-999999"))
    assert unseen.status_code == missing.status_code == 200
    body_unseen = unseen.content.decode().replace(other.number, "NUMBER")
    body_missing = missing.content.decode().replace("КИЇВ-2024-999999", "NUMBER")
    # Tokens differ per response, and the seconds left of the session may tick between the two.
    strip = re.compile(
        r'(csrfmiddlewaretoken" value=|X-CSRFToken": |data-session-expires-in=)"[^"]+"'
    )
    assert strip.sub("", body_unseen) == strip.sub("", body_missing)
    assert "Чужа" not in body_unseen
    assert not RestrainingOrder.objects.exists()


def test_police_link_an_order_to_a_case_they_were_given(police, owner):
    case = register_case(owner)
    with pytest.raises(ValidationError):
        order_services.order_issue_urgent(
            actor=police,
            number="1",
            issued_at=timezone.now() - timedelta(hours=1),
            ends_at=timezone.now() + timedelta(days=2),
            measures=["no_contact"],
            initiated_by="police",
            case_number=case.number,
        )
    share_case_with(police, case)
    order = urgent(police, case)
    assert order.case == case


# --- only the issuing unit cancels an urgent order; ended orders take no breach -------------


def test_a_social_worker_cannot_cancel_a_police_urgent_order(client, police, owner):
    order = urgent(police, register_case(owner))
    with pytest.raises(PermissionDenied):
        order_services.order_cancel(actor=owner, order_id=order.pk, reason="помилка")
    client.force_login(owner)
    response = client.post(f"/orders/{order.pk}/cancel/", {"cancel-reason": "помилка"})
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.cancelled_at is None
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert f"/orders/{order.pk}/cancel/" not in page


def test_the_issuing_unit_cancels_its_urgent_order(police, owner):
    order = urgent(police, register_case(owner))
    order_services.order_cancel(actor=police, order_id=order.pk, reason="помилка в номері")
    order.refresh_from_db()
    assert order.cancelled_at is not None


def test_a_cancelled_order_takes_no_breach(police, owner):
    order = urgent(police, register_case(owner))
    order_services.order_cancel(actor=police, order_id=order.pk, reason="помилка в номері")
    with pytest.raises(ValidationError, match=r"скасован|cancelled"):
        order_services.breach_record(
            actor=police,
            order_id=order.pk,
            occurred_at=timezone.now() - timedelta(minutes=5),
            description="x",
            consequence="administrative",
        )
    assert not order.breaches.exists()


def test_an_expired_order_takes_no_breach_after_its_end(police, owner):
    start = timezone.now() - timedelta(days=5)
    order = urgent(police, register_case(owner), issued_at=start, days=2)
    with pytest.raises(ValidationError):
        order_services.breach_record(
            actor=police,
            order_id=order.pk,
            occurred_at=start + timedelta(days=3),
            description="x",
            consequence="administrative",
        )
    # A breach while it was in force is still recorded later.
    order_services.breach_record(
        actor=police,
        order_id=order.pk,
        occurred_at=start + timedelta(days=1),
        description="x",
        consequence="administrative",
    )
    assert order.breaches.count() == 1


# --- a provider sees the victim's data only while it works on the referral -------------------


@pytest.fixture
def sent(owner, organisations):
    catalogue_for_darnytskyi(organisations)
    case = register_case(
        owner,
        needs=["shelter"],
        consent_to_share=True,
        summary="Розповідь постраждалої",
        victim=person("Захищена", "Віра", phone="0501112233"),
    )
    record = referral_services.referral_plan_for_case(actor=owner, case_id=case.pk)
    referral_services.referral_apply_plan(actor=owner, plan_id=record.pk)
    return case, Referral.objects.get(case=case, service="shelter")


def _provider_page(client, referral):
    user = staff(referral.provider, f"staff-{referral.provider.code}")
    client.force_login(user)
    return user, client.get(f"/referrals/{referral.pk}/").content.decode()


def test_a_provider_sees_the_minimum_while_the_referral_is_open(client, sent):
    _case, referral = sent
    _user, page = _provider_page(client, referral)
    assert "Захищена" in page and "Розповідь постраждалої" in page
    assert "Рівень ризику" in page


def test_withdrawn_consent_reaches_a_referral_already_sent(client, owner, sent):
    from cases import services as case_services

    case, referral = sent
    case_services.case_record_consent(actor=owner, case_id=case.pk, consent=False)
    _user, page = _provider_page(client, referral)
    assert "Розповідь постраждалої" not in page
    assert "Захищена" not in page and "0501112233" not in page and "+380501112233" not in page
    assert case.number in page


def test_a_provider_keeps_only_the_number_service_and_outcome_after_declining(client, sent):
    _case, referral = sent
    user = staff(referral.provider, "decliner")
    referral_services.referral_decline(actor=user, referral_id=referral.pk, reason="немає місць")
    client.force_login(user)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert "Захищена" not in page and "+380501112233" not in page
    assert referral.case.number in page
    assert "немає місць" in page


@pytest.mark.parametrize("junk", ["", "abc", "0", "99999999999999999999", "-5"])
def test_a_manual_referral_to_a_junk_provider_is_refused_and_sends_nothing(
    client, owner, organisations, junk
):
    catalogue_for_darnytskyi(organisations)
    case = register_case(owner, needs=["legal"], consent_to_share=True)
    record = referral_services.referral_plan_for_case(actor=owner, case_id=case.pk)
    client.force_login(owner)
    response = client.post(
        f"/referrals/case/{case.pk}/plan/{record.pk}/apply/",
        {"manual_service": "legal_aid", "manual_provider": junk, "manual_reason": "прохання"},
    )
    assert response.status_code in (302, 400)
    if junk:
        assert not Referral.objects.filter(case=case).exists()


def test_an_infant_victim_makes_a_case_with_children(owner):
    """`age or 99` once treated a victim under one year old as an adult."""
    case = register_case(
        owner,
        victim=person("Маленька", "Софія", birth_date=timezone.localdate() - timedelta(days=30)),
        offender=person("Дорослий", "Іван", "M"),
        children_service_notified=True,
        incident={"occurred_at": timezone.now() - timedelta(hours=3), "forms": ["physical"]},
    )
    assert case.has_children


def test_names_lose_invisible_characters_and_unreadable_bytes_are_refused(client, owner):
    """Found by attacking the demo: a surname of a zero-width space, one with a right-to-left
    override, and invalid UTF-8 stored as U+FFFD were all accepted."""
    client.force_login(owner)
    district = str(District.objects.get(slug="darnytskyi").pk)
    empty = client.post(
        "/cases/new/", _intake_post(**{"case-district": district, "victim-last_name": "\u200b"})
    )
    assert empty.status_code == 200 and not Case.objects.exists()
    unreadable = client.post(
        "/cases/new/",
        _intake_post(**{"case-district": district, "victim-last_name": "Ко\ufffd\ufffdва"}),
    )
    assert "не вдалося прочитати" in unreadable.content.decode()
    assert not Case.objects.exists()
    client.post(
        "/cases/new/",
        _intake_post(**{"case-district": district, "victim-last_name": "Ковал\u202eьчук"}),
    )
    assert Case.objects.get().participants.get(role="victim").person.last_name == "Ковальчук"
