"""Notices about referrals name the case and what happened; opening one (or the referral it is
about) marks it seen and the bell's count drops; once a referral is answered, passed on or
resolved, the notices that asked someone to act on it are new for nobody."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import AuditAction, AuditEvent, Notification, Organisation
from referrals import services
from referrals.models import Referral, ReferralStatus
from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi, staff


@pytest.fixture
def colleague_staff(organisations):
    return staff(organisations["shelter"], "shelter-colleague")


@pytest.fixture
def shelter(owner, provider, colleague_staff, organisations, django_capture_on_commit_callbacks):
    """A shelter referral sent by the plan to the `provider` persona's shelter, whose two staff
    are told of it."""
    catalogue_for_darnytskyi(organisations)
    case = register_case(owner, needs=["shelter"], consent_to_share=True)
    with django_capture_on_commit_callbacks(execute=True):
        record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
        services.referral_apply_plan(actor=owner, plan_id=record.pk)
    referral = Referral.objects.select_related("case").get(case=case, service="shelter")
    assert referral.provider == organisations["shelter"]
    return referral


def _new(user, referral) -> Notification:
    return Notification.objects.get(user=user, dedupe_key=f"referral:{referral.pk}:sent")


def _bell(client) -> int:
    return client.get("/notifications/").context["unread_notifications"]


def test_the_new_referral_notice_names_the_service_and_the_case(provider, shelter):
    notice = _new(provider, shelter)
    assert notice.title == f"Нове направлення: Притулок, випадок {shelter.case.number}"
    assert notice.body.startswith("Відповісти до ")
    assert notice.url == f"/referrals/{shelter.pk}/"


def test_opening_a_notice_marks_it_seen_and_leads_to_its_page(client, provider, shelter):
    notice = _new(provider, shelter)
    client.force_login(provider)
    before = _bell(client)
    page = client.get("/notifications/").content.decode()
    assert f'href="/notifications/{notice.pk}/"' in page and "нове" in page
    response = client.get(f"/notifications/{notice.pk}/")
    assert response.status_code == 302 and response.url == f"/referrals/{shelter.pk}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert _bell(client) == before - 1


def test_opening_the_referral_marks_its_notices_seen(client, provider, colleague_staff, shelter):
    client.force_login(provider)
    client.get(f"/referrals/{shelter.pk}/")
    assert _new(provider, shelter).read_at is not None
    # Only the reader's own notice: the colleague has not seen it yet.
    assert _new(colleague_staff, shelter).read_at is None


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_an_answered_referral_is_new_for_none_of_the_providers_staff(
    provider, colleague_staff, shelter, answer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        if answer == "accept":
            services.referral_accept(actor=colleague_staff, referral_id=shelter.pk)
        else:
            services.referral_decline(actor=colleague_staff, referral_id=shelter.pk, reason="Повно")
    assert _new(provider, shelter).read_at is not None
    assert _new(colleague_staff, shelter).read_at is not None


def test_a_cancelled_referral_leaves_the_providers_new_notices(owner, provider, shelter):
    services.referral_cancel(actor=owner, referral_id=shelter.pk, reason="Помилка")
    assert _new(provider, shelter).read_at is not None


def test_an_escalated_referral_leaves_the_late_providers_new_notices(
    provider, shelter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_escalate_overdue(now=shelter.due_at + timedelta(minutes=1))
    shelter.refresh_from_db()
    assert shelter.status == ReferralStatus.CANCELLED
    assert _new(provider, shelter).read_at is not None


def test_the_coordinators_escalation_notice_clears_when_one_of_them_assigns_it(
    owner, coordinator, organisations, django_capture_on_commit_callbacks
):
    catalogue_for_darnytskyi(organisations)
    case = register_case(owner, needs=["legal"], consent_to_share=True)
    Organisation.objects.filter(code="legal-aid-city").update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
        services.referral_apply_plan(actor=owner, plan_id=record.pk)
    referral = Referral.objects.get(case=case, service="legal_aid")
    assert referral.status == ReferralStatus.ESCALATED
    notice = Notification.objects.get(
        user=coordinator, dedupe_key=f"referral:{referral.pk}:escalated"
    )
    assert case.number in notice.title
    Organisation.objects.filter(code="legal-aid-city").update(is_active=True)
    services.referral_assign(
        actor=coordinator,
        referral_id=referral.pk,
        provider_id=Organisation.objects.get(code="legal-aid-city").pk,
    )
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_the_workers_notice_of_an_answer_is_seen_on_the_cases_referrals_page(
    client, owner, provider, shelter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_accept(actor=provider, referral_id=shelter.pk)
    told = Notification.objects.get(user=owner, dedupe_key__endswith=":worker:accepted")
    assert shelter.case.number in told.title and told.read_at is None
    client.force_login(owner)
    client.get(f"/referrals/case/{shelter.case_id}/")
    told.refresh_from_db()
    assert told.read_at is not None


def test_someone_elses_notice_cannot_be_opened_or_marked(client, owner, provider, shelter):
    notice = _new(provider, shelter)
    client.force_login(owner)
    denied = AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED).count()
    assert client.get(f"/notifications/{notice.pk}/").status_code == 404
    assert client.get("/notifications/987654321/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED).count() > denied


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "referrals/1/"]
)
def test_a_notice_pointing_outside_the_portal_opens_the_notices_page(client, owner, url):
    notice = Notification.objects.create(user=owner, title="Дивне посилання", url=url)
    client.force_login(owner)
    response = client.get(f"/notifications/{notice.pk}/")
    assert response.status_code == 302 and response.url == "/notifications/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_opening_a_notice_is_only_by_get(client, owner):
    notice = Notification.objects.create(
        user=owner, title="Тест", url="/", created_at=timezone.now()
    )
    client.force_login(owner)
    assert client.post(f"/notifications/{notice.pk}/").status_code == 405
