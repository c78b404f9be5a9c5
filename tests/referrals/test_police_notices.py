"""The procedure's police notice reaches the police unit: it is in the unit's referral inbox,
the officer opens it and acknowledges it, the case's worker is told; another unit sees nothing."""

from __future__ import annotations

import pytest

from portal.models import Notification, OrganisationKind
from portal.roles import Role
from referrals import services
from referrals.models import Referral
from tests.cases.factories import register_case
from tests.factories import OrganisationFactory, member
from tests.referrals.factories import catalogue_for_darnytskyi

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(owner, police, organisations, django_capture_on_commit_callbacks):
    catalogue_for_darnytskyi(organisations)
    case = register_case(owner, channel="phone", risk_answers={"threats_to_kill": True})
    plan = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_apply_plan(actor=owner, plan_id=plan.pk)
    return Referral.objects.get(case=case, service="police_notice")


def test_the_units_officer_finds_the_notice_in_the_inbox_and_acknowledges_it(
    client, police, owner, notice, django_capture_on_commit_callbacks
):
    assert notice.provider.code == "police-darnytskyi" and notice.mandatory
    # The unit's officers are told, and the dashboard shows the notice among "referrals to us".
    assert Notification.objects.filter(user=police, url=f"/referrals/{notice.pk}/").exists()
    client.force_login(police)
    dashboard = client.get("/").content.decode()
    assert 'href="/referrals/"' in dashboard  # the menu leads to the inbox
    assert f"/referrals/{notice.pk}/" in dashboard
    inbox = client.get("/referrals/").content.decode()
    assert f'href="/referrals/{notice.pk}/"' in inbox
    page = client.get(f"/referrals/{notice.pk}/").content.decode()
    assert "Повідомлення поліції" in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/referrals/{notice.pk}/accept/")
    assert answer.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "accepted" and notice.answered_by == police
    told = Notification.objects.get(user=owner)
    assert told.url == f"/referrals/case/{notice.case_id}/"


def test_another_units_officer_sees_no_notice_and_cannot_answer_it(client, notice):
    other = member(
        Role.POLICE_OFFICER,
        OrganisationFactory(
            code="police-obolon", kind=OrganisationKind.POLICE_UNIT, district_slugs=["obolonskyi"]
        ),
        "police-obolon",
    )
    client.force_login(other)
    assert f"/referrals/{notice.pk}/" not in client.get("/referrals/").content.decode()
    assert client.get(f"/referrals/{notice.pk}/").status_code == 404
    assert client.post(f"/referrals/{notice.pk}/accept/").status_code == 404
    notice.refresh_from_db()
    assert notice.status == "sent"
