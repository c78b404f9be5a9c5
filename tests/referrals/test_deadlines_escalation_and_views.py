"""Working-day deadlines of a real case move with the coordinator's holidays and martial law; a
referral sent after its procedure's deadline says so; the beat escalates a referral once, to the
coordinator when no candidate is left, skipping a full or closed one; what a provider and a
worker read of a referral follows consent and status; plans word every reason."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from cases.models import Case, CaseEvent
from portal.calendar import KYIV
from portal.models import AuditAction, AuditEvent
from referrals import services
from referrals.models import (
    Holiday,
    MartialLawPeriod,
    ProviderProfile,
    Referral,
    ReferralStatus,
    RoutingPlanRecord,
)
from referrals.routing.engine import Why
from referrals.routing.explain import render, rule_words, why_from_dict
from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi, staff


@pytest.fixture
def orgs(organisations):
    return catalogue_for_darnytskyi(organisations)


def _due(record: RoutingPlanRecord, service: str) -> datetime:
    item = next(i for i in record.plan["items"] if i["service"] == service)
    return datetime.fromisoformat(item["due_at"]).astimezone(KYIV)


# --- working days on a real case -------------------------------------------------------------


@pytest.fixture
def friday_case(owner, orgs):
    """A legal-aid need reported on a Friday at 10:00 Kyiv time, two weeks or more ago, with no
    martial law recorded and no holiday listed in the fortnight after it."""
    today = timezone.localdate()
    friday = today - timedelta(days=(today.weekday() - 4) % 7 + 14)
    MartialLawPeriod.objects.all().delete()
    Holiday.objects.filter(date__range=(friday, friday + timedelta(days=14))).delete()
    reported = datetime.combine(friday, time(10, 0), tzinfo=KYIV)
    return register_case(
        owner,
        needs=["legal"],
        consent_to_share=True,
        reported_at=reported,
        incident={"occurred_at": reported - timedelta(hours=2), "forms": ["physical"]},
    )


def test_three_working_days_from_a_friday_end_on_wednesday_at_the_same_time(owner, friday_case):
    record = services.referral_plan_for_case(actor=owner, case_id=friday_case.pk)
    reported = timezone.localtime(friday_case.reported_at)
    assert _due(record, "legal_aid") == reported + timedelta(days=5)  # Mon, Tue, Wed


def test_a_holiday_added_by_the_coordinator_moves_the_deadline_of_the_next_plan(
    client, owner, coordinator, friday_case
):
    reported = timezone.localtime(friday_case.reported_at)
    monday = reported.date() + timedelta(days=3)
    client.force_login(coordinator)
    posted = {"date": monday.strftime("%d.%m.%Y"), "name": "День пам'яті"}
    assert client.post("/referrals/holidays/", posted).status_code == 302
    record = services.referral_plan_for_case(actor=owner, case_id=friday_case.pk)
    assert _due(record, "legal_aid") == reported + timedelta(days=6)  # Tue, Wed, Thu
    # Under martial law the same holiday is a working day (Law 2136-IX art. 6 part 6).
    period = {"starts_on": monday.strftime("%d.%m.%Y"), "ends_on": monday.strftime("%d.%m.%Y")}
    assert client.post("/referrals/holidays/martial-law/", period).status_code == 302
    record = services.referral_plan_for_case(actor=owner, case_id=friday_case.pk)
    assert _due(record, "legal_aid") == reported + timedelta(days=5)


def test_a_referral_sent_after_its_procedures_deadline_gets_a_window_and_says_it_is_late(
    owner, friday_case, settings
):
    record = services.referral_plan_for_case(actor=owner, case_id=friday_case.pk)
    procedure_due = _due(record, "legal_aid")
    before = timezone.now()
    with translation.override("uk"):
        services.referral_apply_plan(actor=owner, plan_id=record.pk)
    legal = Referral.objects.get(case=friday_case, service="legal_aid")
    window = timedelta(minutes=settings.PORTAL_REFERRAL_MIN_WINDOW_MINUTES)
    assert legal.due_at >= before + window
    event = CaseEvent.objects.get(kind="referral.sent", object_id=str(legal.pk))
    assert f"Надіслано після строку, визначеного Порядком: {procedure_due:%d.%m.%Y %H:%M}." in (
        event.summary
    )
    stored_due = datetime.fromisoformat(
        next(i for i in record.plan["items"] if i["service"] == "legal_aid")["due_at"]
    )
    assert AuditEvent.objects.filter(
        username="owner",
        action=AuditAction.CREATE,
        object_id=str(legal.pk),
        detail=f"legal_aid; late: due {stored_due:%Y-%m-%d %H:%M}",
    ).exists()


def test_a_plan_is_applied_only_once(owner, orgs):
    case = register_case(owner, needs=["legal"], consent_to_share=True)
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    sent = services.referral_apply_plan(actor=owner, plan_id=record.pk)
    with translation.override("uk"), pytest.raises(ValidationError) as refused:
        services.referral_apply_plan(actor=owner, plan_id=record.pk)
    assert refused.value.messages == ["Цей план уже застосовано."]
    assert Referral.objects.filter(case=case).count() == len(sent)


def test_a_plan_of_another_case_cannot_be_applied_through_this_one(client, owner, orgs):
    case = register_case(owner, needs=["legal"], consent_to_share=True)
    other = register_case(owner, needs=["shelter"], consent_to_share=True)
    record = services.referral_plan_for_case(actor=owner, case_id=other.pk)
    client.force_login(owner)
    response = client.post(f"/referrals/case/{case.pk}/plan/{record.pk}/apply/")
    assert response.status_code == 404
    record.refresh_from_db()
    assert record.applied_at is None and not Referral.objects.exists()


def test_a_manual_referral_without_a_reason_is_refused_and_nothing_is_sent(client, owner, orgs):
    case = register_case(owner, needs=["legal"], consent_to_share=True)
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    client.force_login(owner)
    posted = {
        "keep": [i["service"] for i in record.plan["items"]],
        "manual_service": "psychological",
        "manual_provider": orgs["mobile-team-1"].pk,
        "manual_reason": "  ",
    }
    response = client.post(
        f"/referrals/case/{case.pk}/plan/{record.pk}/apply/", posted, follow=True
    )
    assert "Зазначте причину ручного направлення." in response.content.decode()
    record.refresh_from_db()
    assert record.applied_at is None and not Referral.objects.exists()
    case.refresh_from_db()
    assert case.status != "referred"


# --- escalation ------------------------------------------------------------------------------


@pytest.fixture
def sent(owner, orgs):
    case = register_case(owner, needs=["shelter", "legal"], consent_to_share=True)
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    services.referral_apply_plan(actor=owner, plan_id=record.pk)
    return {r.service: r for r in Referral.objects.filter(case=case)}


def test_nothing_is_escalated_before_any_deadline(sent):
    before = sorted(Referral.objects.values_list("pk", "status", "escalated_at"))
    assert services.referral_escalate_overdue(now=timezone.now()) == 0
    assert sorted(Referral.objects.values_list("pk", "status", "escalated_at")) == before


def test_an_unanswered_referral_with_no_candidate_left_goes_to_the_coordinator_once(
    owner, coordinator, sent, django_capture_on_commit_callbacks
):
    legal = sent["legal_aid"]
    assert legal.remaining_candidates == []
    now = legal.due_at + timedelta(seconds=1)
    overdue = {r.pk for r in sent.values() if r.due_at < now}
    with translation.override("uk"), django_capture_on_commit_callbacks(execute=True):
        # Re-routed referrals are due a day after the real now, so a late run escalates them too.
        assert services.referral_escalate_overdue(now=now) >= len(overdue)
    assert set(Referral.objects.filter(pk__in=overdue).values_list("status", "escalated_at")) == {
        (ReferralStatus.CANCELLED, now)
    }
    legal.refresh_from_db()
    assert (legal.status, legal.decline_reason, legal.escalated_at) == (
        ReferralStatus.CANCELLED,
        "немає відповіді у строк",
        now,
    )
    following = legal.next
    assert (following.provider, following.status, following.sent_by) == (
        None,
        ReferralStatus.ESCALATED,
        owner,
    )
    due = timezone.localtime(legal.due_at).strftime("%d.%m.%Y %H:%M")
    overdue_event = CaseEvent.objects.get(kind="referral.overdue", object_id=str(legal.pk))
    assert overdue_event.actor is None
    assert overdue_event.summary.endswith(f"не відповів(ла) до {due}: ескальовано")
    assert AuditEvent.objects.filter(
        username="system",
        action=AuditAction.UPDATE,
        object_id=str(legal.pk),
        detail="escalated to coordinator",
    ).exists()
    titles = list(coordinator.notifications.values_list("title", flat=True))
    assert (
        f"Направлення ескальовано: Безоплатна правнича допомога, випадок {legal.case.number}"
        in (titles)
    )
    # The referral with the coordinator is not "overdue": the beat leaves it alone.
    services.referral_escalate_overdue(now=now + timedelta(days=30))
    following.refresh_from_db()
    assert (following.status, following.escalated_at is not None) == (
        ReferralStatus.ESCALATED,
        True,
    )
    assert not Referral.objects.filter(previous=following).exists()


@pytest.mark.parametrize("why", ["full", "closed"])
def test_a_decline_skips_a_candidate_that_is_full_or_closed_since_the_plan(
    provider, orgs, sent, why
):
    shelter = sent["shelter"]
    assert shelter.remaining_candidates == ["shelter-2"]
    if why == "full":
        ProviderProfile.objects.filter(organisation=orgs["shelter-2"]).update(capacity_free=0)
    else:
        orgs["shelter-2"].is_active = False
        orgs["shelter-2"].save(update_fields=["is_active"])
    with translation.override("uk"):
        following = services.referral_decline(
            actor=provider, referral_id=shelter.pk, reason="Немає місць"
        )
    assert (following.provider, following.status, following.previous) == (
        None,
        ReferralStatus.ESCALATED,
        shelter,
    )
    event = CaseEvent.objects.get(kind="referral.sent", object_id=str(following.pk))
    assert event.actor is None
    assert event.summary.startswith(
        "Немає надавача для послуги «Притулок»: передано міському координатору"
    )


# --- what each reader sees of a referral -----------------------------------------------------


def test_a_worker_sees_the_referrals_she_sent_and_her_colleague_does_not(
    client, owner, colleague, sent
):
    links = {f'href="/referrals/{r.pk}/"' for r in sent.values()}
    client.force_login(owner)
    page = client.get("/referrals/").content.decode()
    assert "Надіслані мною направлення" in page
    assert all(link in page for link in links)
    client.force_login(colleague)
    page = client.get("/referrals/").content.decode()
    assert "Надіслані мною направлення" in page
    assert not any(link in page for link in links)


def test_the_inbox_hides_a_declined_referral_until_all_are_asked_for(client, provider, sent):
    shelter = sent["shelter"]
    services.referral_decline(actor=provider, referral_id=shelter.pk, reason="Немає місць")
    client.force_login(provider)
    assert shelter.case.number not in client.get("/referrals/").content.decode()
    assert shelter.case.number in client.get("/referrals/?all=1").content.decode()


def _shared(page: str) -> str:
    return page.split('data-testid="shared-data">', 1)[1].split("</table>", 1)[0]


def test_after_consent_is_withdrawn_the_provider_keeps_only_the_case_number_and_district(
    client, owner, provider, sent
):
    shelter = sent["shelter"]
    client.force_login(provider)
    assert "Шевченко" in _shared(client.get(f"/referrals/{shelter.pk}/").content.decode())
    Case.objects.filter(pk=shelter.case_id).update(consent_to_share=False)
    page = client.get(f"/referrals/{shelter.pk}/").content.decode()
    assert "Постраждала особа відкликала згоду: персональні дані більше не передаються." in page
    table = _shared(page)
    assert shelter.case.number in table and "Дарниц" in table
    assert "Шевченко" not in table
    # The worker, who sees the case anyway, still reads what was shared.
    client.force_login(owner)
    assert "Шевченко" in _shared(client.get(f"/referrals/{shelter.pk}/").content.decode())


def test_a_mandatory_notice_keeps_its_data_after_consent_is_withdrawn(client, orgs, sent):
    notice = sent["coordinator_notice"]
    assert notice.mandatory and notice.provider.code == "rda-darnytskyi"
    client.force_login(staff(orgs["rda-darnytskyi"], "rda"))
    before = _shared(client.get(f"/referrals/{notice.pk}/").content.decode())
    Case.objects.filter(pk=notice.case_id).update(consent_to_share=False)
    page = client.get(f"/referrals/{notice.pk}/").content.decode()
    assert 'data-testid="shared-notice"' not in page
    # Only the narrative, shared with consent, is gone; the form of violence stays.
    assert "Форми насильства</th><td>фізичне" in _shared(page)
    assert _shared(page).count("<tr>") == before.count("<tr>") - 1


def test_a_closed_referral_shows_its_provider_no_victim_data_and_no_buttons(client, provider, sent):
    shelter = sent["shelter"]
    services.referral_decline(actor=provider, referral_id=shelter.pk, reason="Немає місць")
    client.force_login(provider)
    page = client.get(f"/referrals/{shelter.pk}/").content.decode()
    assert "Направлення закрито: залишаються лише номер випадку, послуга та результат." in page
    assert "Шевченко" not in _shared(page)
    assert 'data-testid="accept"' not in page and 'data-testid="decline"' not in page


# --- reasons in words ------------------------------------------------------------------------


def test_a_rule_without_words_is_described_by_the_service_it_asks_for():
    with translation.override("uk"):
        assert rule_words("R99", "shelter") == "Політика маршрутизації передбачає: Притулок."
        assert rule_words("R99", "unknown_service") == (
            "Політика маршрутизації передбачає: unknown_service."
        )


@pytest.mark.parametrize(
    ("code", "params", "words"),
    [
        (
            "fallback",
            {"requested": "shelter"},
            "No shelter has a free place, so a crisis room is offered instead.",
        ),
        (
            "not_enough_places",
            {"free": 2, "needed": 3},
            "2 free places, 3 needed (the victim and the children)",
        ),
        ("too_young", {"min_age": 18}, "admits persons from 18 years"),
        ("too_old", {"max_age": 35}, "admits persons up to 35 years"),
        (
            "required",
            {"mandatory": False},
            "Offered by the procedure: sent with the victim's consent.",
        ),
        (
            "ranked",
            {"rank": 2, "same_district": False, "free_capacity": None, "load": 0.254},
            "eligible, choice no. 2; serves the whole city; load 25%",
        ),
        ("full", {}, "no free places"),
        ("a_code_added_later", {}, "a_code_added_later"),
    ],
)
def test_every_reason_code_is_worded(code, params, words):
    with translation.override("en"):
        assert render(Why(code, tuple(sorted(params.items())))) == words


def test_a_stored_reason_without_structure_reads_as_an_empty_code():
    assert why_from_dict({}) == Why("", ())
    assert why_from_dict({"code": "full", "params": None}) == Why("full", ())


def test_a_plan_naming_a_provider_gone_from_the_catalogue_says_so(client, owner, orgs):
    case = register_case(owner, needs=["legal"], consent_to_share=True)
    services.referral_plan_for_case(actor=owner, case_id=case.pk)
    orgs["legal-aid-city"].code = "legal-aid-renamed"
    orgs["legal-aid-city"].save(update_fields=["code"])
    client.force_login(owner)
    page = client.get(f"/referrals/case/{case.pk}/").content.decode()
    assert "надавач, якого вже немає в каталозі" in page
    assert "legal-aid-city" not in page
