"""The social worker is told what happens to the referrals of their case — accepted, declined
and passed on, not answered in time and escalated — once per event, in-app and by e-mail, with
the case's referrals page as the link and the case number and the service in the words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from portal.models import Notification
from referrals import services
from referrals.models import Referral
from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi


@pytest.fixture
def shelter(owner, organisations, django_capture_on_commit_callbacks):
    catalogue_for_darnytskyi(organisations)
    owner.email = "owner@example.org"
    owner.save(update_fields=["email"])
    case = register_case(owner, needs=["shelter"], consent_to_share=True)
    with django_capture_on_commit_callbacks(execute=True):
        record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
        services.referral_apply_plan(actor=owner, plan_id=record.pk)
    mail.outbox.clear()
    return Referral.objects.select_related("case").get(case=case, service="shelter")


def _notices(owner):
    return list(Notification.objects.filter(user=owner, dedupe_key__contains=":worker:"))


def test_the_worker_is_told_once_when_the_shelter_accepts(
    owner, provider, shelter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_accept(actor=provider, referral_id=shelter.pk)
    [notice] = _notices(owner)
    assert shelter.case.number in notice.title
    assert "shelter" not in notice.title  # the service in words, not its code
    assert notice.url == f"/referrals/case/{shelter.case_id}/"
    assert len(mail.outbox) == 1 and shelter.case.number in mail.outbox[0].subject
    services.referral_notify_worker(referral=shelter, event="accepted")
    assert len(_notices(owner)) == 1  # the same event is not told twice


def test_the_worker_is_told_of_a_decline_with_the_reason_and_the_next_provider(
    owner, provider, shelter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = services.referral_decline(
            actor=provider, referral_id=shelter.pk, reason="немає місць для дітей"
        )
    [notice] = _notices(owner)
    assert shelter.case.number in notice.title
    assert "немає місць для дітей" in notice.body
    assert str(new.provider) in notice.body


def test_the_worker_is_told_when_nobody_answered_in_time(
    owner, shelter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_escalate_overdue(now=shelter.due_at + timedelta(minutes=1))
    # Every referral of the plan was late; the shelter's is told once.
    [notice] = [n for n in _notices(owner) if n.dedupe_key.startswith(f"referral:{shelter.pk}:")]
    assert shelter.case.number in notice.title
    assert notice.url == f"/referrals/case/{shelter.case_id}/"
