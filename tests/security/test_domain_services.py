"""The sane domains of portal/domains.py hold past the forms: the services refuse an insane
date by themselves (in Ukrainian), and pages that parse input by hand answer junk with a
message and write nothing — never a 500, never a silently substituted value."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cases import services as case_services
from orders import services as order_services
from orders.models import Breach, OrderExtension, RestrainingOrder
from portal.models import AuditEvent, Organisation
from programme.models import Indicator, Measure, Programme, ProgrammeTask, Progress
from referrals import services as referral_services
from referrals.models import Holiday, Referral, ReferralStatus, RoutingPolicy
from tests.cases.factories import intake, person, register_case
from tests.orders.factories import share_case_with, urgent
from tests.referrals.factories import catalogue_for_darnytskyi, staff


def _refusal(call) -> dict[str, str]:
    """What a service refused, field by field, in Ukrainian."""
    with translation.override("uk"), pytest.raises(ValidationError) as caught:
        call()
    return {field: " ".join(messages) for field, messages in caught.value.message_dict.items()}


# --- 1. holidays -------------------------------------------------------------------------------


def test_the_holiday_service_refuses_year_one_and_a_long_name_and_audits_what_it_keeps(
    coordinator, owner
):
    too_early = _refusal(
        lambda: referral_services.holiday_add(actor=coordinator, day=date(1, 1, 1), name="x")
    )
    assert "не може бути раніше за 01.01.2000" in too_early["date"]
    assert "name" in _refusal(
        lambda: referral_services.holiday_add(
            actor=coordinator, day=date(2025, 8, 13), name="Я" * 121
        )
    )
    with pytest.raises(PermissionDenied):
        referral_services.holiday_add(actor=owner, day=date(2025, 8, 13), name="День")
    assert not Holiday.objects.filter(date=date(2025, 8, 13)).exists()

    referral_services.holiday_add(actor=coordinator, day=date(2025, 8, 13), name=" День ")
    assert Holiday.objects.get(date=date(2025, 8, 13)).name == "День"
    assert referral_services.holiday_remove(actor=coordinator, day=date(2025, 8, 13))
    assert not Holiday.objects.filter(date=date(2025, 8, 13)).exists()
    assert AuditEvent.objects.filter(object_type="referrals.holiday").count() == 2


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        ({"date": "13.08.2025", "name": "Я" * 121}, "Переконайтеся"),
        ({"date": "01.01.0001", "name": "x"}, "не може бути раніше за 01.01.2000"),
        ({"date": "01.01.40000", "name": "x"}, "Введіть коректну дату"),
        ({"date": "31.02.2025"}, "Введіть коректну дату"),
        ({"date": "' OR 1=1 --", "delete": "1"}, "Введіть коректну дату"),
        # A NUL byte is refused before the view (portal.security) or by the form.
        ({"date": "13.08.2025", "name": "a\x00b"}, "</html>"),
    ],
)
def test_the_holidays_page_answers_an_insane_holiday_with_a_message_and_changes_nothing(
    client, coordinator, data, phrase
):
    client.force_login(coordinator)
    holidays = list(Holiday.objects.values_list("date", "name"))
    audited = AuditEvent.objects.count()
    response = client.post("/referrals/holidays/", data)
    assert response.status_code == 400
    assert phrase in response.content.decode()
    assert list(Holiday.objects.values_list("date", "name")) == holidays
    assert AuditEvent.objects.count() == audited


def test_the_holidays_page_adds_and_removes_a_day_through_the_service(client, coordinator):
    client.force_login(coordinator)
    response = client.post("/referrals/holidays/", {"date": "13.08.2025", "name": "День"})
    assert response.status_code == 302
    assert Holiday.objects.get(date=date(2025, 8, 13)).name == "День"
    client.post("/referrals/holidays/", {"date": "13.08.2025", "delete": "1"})
    assert not Holiday.objects.filter(date=date(2025, 8, 13)).exists()


# --- 2. reasons and outcomes -------------------------------------------------------------------


@pytest.fixture
def shelter_referral(owner, organisations):
    orgs = catalogue_for_darnytskyi(organisations)
    case = register_case(
        owner,
        needs=["shelter"],
        consent_to_share=True,
        risk_answers={"threats_to_kill": True},
    )
    record = referral_services.referral_plan_for_case(actor=owner, case_id=case.pk)
    referrals = referral_services.referral_apply_plan(actor=owner, plan_id=record.pk)
    referral = next(r for r in referrals if r.service == "shelter")
    return referral, staff(orgs["shelter"], "shelter-staff"), record


@pytest.mark.parametrize("reason", ["я" * 10_000, "Немає\x00місць"])
def test_a_huge_or_nul_reason_or_outcome_never_reaches_the_database(
    client, owner, shelter_referral, reason
):
    referral, shelter_staff, _record = shelter_referral
    client.force_login(shelter_staff)
    response = client.post(f"/referrals/{referral.pk}/decline/", {"reason": reason}, follow=True)
    assert response.status_code in (200, 400)  # a message on the page, or the plain 400 page
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == (ReferralStatus.SENT, "")

    referral_services.referral_accept(actor=shelter_staff, referral_id=referral.pk)
    client.post(f"/referrals/{referral.pk}/complete/", {"outcome": reason})
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == (ReferralStatus.ACCEPTED, "")

    client.force_login(owner)
    client.post(f"/referrals/{referral.pk}/cancel/", {"reason": reason})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert not Referral.objects.filter(decline_reason__contains="я" * 301).exists()


def test_the_long_reason_is_refused_with_a_ukrainian_message(client, shelter_referral):
    referral, shelter_staff, _record = shelter_referral
    client.force_login(shelter_staff)
    page = client.post(
        f"/referrals/{referral.pk}/decline/", {"reason": "я" * 10_000}, follow=True
    ).content.decode()
    assert "Скоротіть текст до 300 символів" in page


def test_a_manual_referral_with_a_huge_reason_sends_nothing(client, owner, organisations):
    catalogue_for_darnytskyi(organisations)
    case = register_case(owner, needs=["legal"])
    record = referral_services.referral_plan_for_case(actor=owner, case_id=case.pk)
    client.force_login(owner)
    response = client.post(
        f"/referrals/case/{case.pk}/plan/{record.pk}/apply/",
        {
            "manual_service": "shelter",
            "manual_provider": str(Organisation.objects.get(code="shelter-2").pk),
            "manual_reason": "я" * 10_000,
        },
        follow=True,
    )
    assert "Скоротіть текст до 300 символів" in response.content.decode()
    assert not Referral.objects.filter(case=case).exists()
    record.refresh_from_db()
    assert record.applied_at is None


# --- 3. the routing policy ---------------------------------------------------------------------


HUGE_DEADLINE = (
    '{"rules": [{"id": "x", "service": "shelter", "deadline": {"default": {"days": %s}}}]}'
)


@pytest.mark.parametrize(
    ("rules", "phrase"),
    [
        ("[" * 100_000, "32"),  # the depth limit is named
        ('{"rules": ' + "[" * 500 + "]" * 500 + "}", "32"),
        ("5", "rules"),
        ('["not", "an", "object"]', "rules"),
        ('{"rules": [{"id": "x", "service": "shelter", "when": NaN}]}', "100000"),
        ('{"rules": Infinity}', "100000"),
        (HUGE_DEADLINE % "1e400", "100000"),
        (HUGE_DEADLINE % ("9" * 5000), "100000"),
        (HUGE_DEADLINE % "100000000000000000000", "100000"),
        ('{"rules": [{"id": "x", "service": "shelter", "deadline": 5}]}', "Політика некоректна"),
        ('{"rules": [' + " " * (4 * 1024 * 1024) + "]}", "262144"),
        ("{nope", "JSON"),
    ],
)
@pytest.mark.parametrize("action", ["preview", "publish"])
def test_an_insane_policy_draft_is_refused_with_a_message_and_changes_nothing(
    client, coordinator, rules, phrase, action
):
    client.force_login(coordinator)
    response = client.post("/referrals/policy/", {"rules": rules, "action": action})
    assert response.status_code == 400
    assert 'class="alert alert-danger"' in response.content.decode()
    assert phrase in response.content.decode()
    assert RoutingPolicy.objects.count() == 1


def test_a_policy_body_over_five_megabytes_is_refused_with_a_message(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        "/referrals/policy/", {"rules": "[" * (5 * 1024 * 1024), "action": "publish"}
    )
    assert response.status_code == 413
    assert 'class="alert alert-danger"' in response.content.decode()
    assert RoutingPolicy.objects.count() == 1


def test_a_sane_policy_draft_still_previews_and_publishes(client, coordinator):
    client.force_login(coordinator)
    rules = json.dumps({"rules": RoutingPolicy.objects.get(is_active=True).rules})
    assert client.post("/referrals/policy/", {"rules": rules}).status_code == 200
    response = client.post("/referrals/policy/", {"rules": rules, "action": "publish"})
    assert response.status_code == 302
    assert RoutingPolicy.objects.get(is_active=True).version == 2


# --- 4. cases ----------------------------------------------------------------------------------


def test_the_case_services_refuse_dates_outside_the_domains_in_ukrainian(owner):
    now = timezone.now()
    refused = _refusal(
        lambda: case_services.case_register(
            actor=owner,
            data=intake(
                reported_at=now + timedelta(days=60),
                victim=person(birth_date=date(1899, 12, 31)),
                incident={"occurred_at": now.replace(year=1999), "forms": ["physical"]},
            ),
        )
    )
    assert "не може бути в майбутньому" in refused["reported_at"]
    assert "не може бути раніше за 01.01.2000" in refused["occurred_at"]
    assert "не може бути раніше за 01.01.1900" in refused["victim_birth_date"]

    case = register_case(owner, reported_at=now + timedelta(minutes=5))  # clock skew
    assert "occurred_at" in _refusal(
        lambda: case_services.incident_add(
            actor=owner,
            case_id=case.pk,
            values={"occurred_at": now + timedelta(days=1), "forms": ["physical"]},
        )
    )
    assert "due_date" in _refusal(
        lambda: case_services.task_add(
            actor=owner, case_id=case.pk, title="Дзвінок", due_date=date(2999, 1, 1)
        )
    )
    assert "не може бути в майбутньому" in _refusal(
        lambda: case_services.participant_add(
            actor=owner,
            case_id=case.pk,
            person=person(birth_date=timezone.localdate() + timedelta(days=1)),
            role="child_witness",
        )
    ).get("birth_date", "")
    assert case.incidents.count() == 1 and not case.tasks.exists()


# --- 5. orders ---------------------------------------------------------------------------------


def test_the_order_services_refuse_dates_outside_the_domains_in_ukrainian(police, owner):
    case = register_case(owner)
    share_case_with(police, case)
    later = timezone.now() + timedelta(days=60)
    refused = _refusal(
        lambda: order_services.order_issue_urgent(
            actor=police,
            number="ТЗП-9",
            issued_at=later,
            ends_at=later + timedelta(days=5),
            measures=["no_contact"],
            initiated_by="police",
            case_number=case.number,
        )
    )
    assert "не може бути в майбутньому" in refused["issued_at"]

    today = timezone.localdate()
    refused = _refusal(
        lambda: order_services.order_record_restrictive(
            actor=owner,
            case_id=case.pk,
            number="1/25",
            court="Суд",
            decision_date=today + timedelta(days=1),
            applicant="victim",
            start=date(1999, 12, 31),
            end=date(2100, 1, 1),
            measures=["keep_distance"],
        )
    )
    assert "не може бути в майбутньому" in refused["decision_date"]
    assert "раніше за 01.01.2000" in refused["start"]
    assert "раніше за 01.01.2100" in refused["end"]
    assert not RestrainingOrder.objects.exists()

    start = today - timedelta(days=10)
    order = order_services.order_record_restrictive(
        actor=owner,
        case_id=case.pk,
        number="2/25",
        court="Суд",
        decision_date=start,
        applicant="victim",
        start=start,
        end=start + timedelta(days=60),
        measures=["keep_distance"],
    )
    assert "раніше за 01.01.2100" in _refusal(
        lambda: order_services.order_extend(
            actor=owner, order_id=order.pk, start=start + timedelta(days=61), end=date(2100, 1, 1)
        )
    ).get("end", "")
    assert "не може бути в майбутньому" in _refusal(
        lambda: order_services.breach_record(
            actor=owner,
            order_id=order.pk,
            occurred_at=timezone.now() + timedelta(days=1),
            description="Дзвонив",
            consequence="criminal",
        )
    ).get("occurred_at", "")
    assert not OrderExtension.objects.exists() and not Breach.objects.exists()
    assert urgent(police, case, number="ТЗП-1")  # a sane order still goes through


# --- 6. pages that parse by hand ---------------------------------------------------------------


@pytest.mark.parametrize("as_of", ["junk", "2024-02-30", "0001-01-01", "99999-01-01", "2000-06-01"])
def test_order_statistics_refuse_a_junk_as_of_instead_of_showing_today(client, coordinator, as_of):
    client.force_login(coordinator)
    page = client.get("/orders/statistics/", {"as_of": as_of})
    assert page.status_code == 400
    assert 'class="messages"' in page.content.decode()
    data = client.get("/orders/statistics/", {"as_of": as_of, "format": "json"})
    assert data.status_code == 400 and data.json()["error"]
    assert client.get("/orders/statistics/").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "year", "year": "junk"},
        {"kind": "year", "year": "40000"},
        {"kind": "year", "year": "1"},
        {"kind": "quarter", "year": "2025", "quarter": "5"},
        {"kind": "custom", "start": "2025-13-01", "end": "2025-12-31"},
        {"kind": "custom", "start": "2025-12-31", "end": "2025-01-01"},
        {"kind": "custom", "start": "0001-01-01", "end": "2025-01-01"},
        {"kind": "decade"},
        {"kind": "year", "year": "junk", "format": "xlsx"},
    ],
)
def test_programme_statistics_refuse_a_junk_period(client, coordinator, query):
    client.force_login(coordinator)
    response = client.get("/programme/statistics/", query)
    if query.get("format") == "xlsx":
        assert response.status_code == 302  # no spreadsheet for a period nobody asked for
        return
    assert response.status_code == 400
    assert 'class="messages"' in response.content.decode()


def test_the_programme_page_and_progress_form_refuse_junk(client, coordinator, executor):
    programme = Programme.objects.create(code="p", title="Програма", year_from=2022, year_to=2026)
    task = ProgrammeTask.objects.create(programme=programme, code="1", title="Завдання")
    measure = Measure.objects.create(task=task, code="1.1", title="Захід")
    measure.executors.add(Organisation.objects.get(code="city-centre"))
    indicator = Indicator.objects.create(measure=measure, code="1", title="Люди", unit="осіб")
    client.force_login(coordinator)
    assert client.get("/programme/", {"year": "junk"}).status_code == 400
    assert client.get("/programme/", {"year": "2025"}).status_code == 200

    client.force_login(executor)
    url = f"/programme/measures/{measure.pk}/progress/2025/1/"
    for data in (
        {"spent": "1,5", "status": "in_progress", "version": "junk"},
        {"spent": "1,5", "status": "in_progress", f"ind-{indicator.pk}": "1e999999999"},
        {"spent": "Infinity", "status": "in_progress"},
    ):
        assert client.post(url, data).status_code == 400
    assert not Progress.objects.exists()
    assert client.post(url, {"spent": "1,5", "status": "in_progress"}).status_code == 400
    assert not Progress.objects.exists()  # a form without the version it was opened on
    client.post(url, {"spent": "1,5", "status": "in_progress", "version": "0"})
    assert Progress.objects.get().spent == Decimal("1.5")
