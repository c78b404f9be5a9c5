"""The coordinator's pages: durations in words, the overdue list once per case and service with
how late each is and filters; the policy editor speaks Ukrainian and says when a draft changes
nothing; the martial-law period is edited on the holidays page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from referrals import services
from referrals.models import MartialLawPeriod, Referral, ReferralStatus, RoutingPolicy
from referrals.routing import PolicyError, policy_from_dict
from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi


@pytest.fixture
def overdue_shelter(owner, organisations):
    catalogue_for_darnytskyi(organisations)
    case = register_case(owner, needs=["shelter"], consent_to_share=True)
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    services.referral_apply_plan(actor=owner, plan_id=record.pk)
    referral = Referral.objects.get(case=case, service="shelter")
    late = timezone.now() - timedelta(hours=1, minutes=20)
    Referral.objects.filter(pk=referral.pk).update(due_at=late)
    # A second open referral for the same case and service (a manual resend): one problem.
    twin = Referral.objects.get(pk=referral.pk)
    twin.pk = None
    twin.sent_at = timezone.now()
    twin.save()
    return referral


def test_the_overdue_list_shows_each_case_and_service_once_with_how_late(
    client, coordinator, overdue_shelter
):
    client.force_login(coordinator)
    page = client.get("/referrals/").content.decode()
    rows = re.findall(r'data-testid="overdue-row">(.*?)</tr>', page, re.S)
    shelter_rows = [r for r in rows if overdue_shelter.case.number in r]
    assert len(shelter_rows) == 1
    assert re.search(r"1\D+h\D+20\D+min|1\D+год\D+20\D+хв", shelter_rows[0])


def test_the_overdue_list_filters_by_service_and_district(client, coordinator, overdue_shelter):
    client.force_login(coordinator)
    number = overdue_shelter.case.number
    assert number in client.get("/referrals/?service=shelter&district=darnytskyi").content.decode()
    assert number not in client.get("/referrals/?service=legal_aid").content.decode()
    assert number not in client.get("/referrals/?district=obolonskyi").content.decode()
    assert client.get("/referrals/?district=junk&service=x").status_code == 200


def test_the_average_response_is_in_words_not_a_timedelta(
    client, coordinator, provider, overdue_shelter
):
    Referral.objects.filter(case=overdue_shelter.case).update(
        status=ReferralStatus.ACCEPTED,
        answered_at=overdue_shelter.sent_at + timedelta(seconds=10.912745),
    )
    client.force_login(coordinator)
    page = client.get("/referrals/").content.decode()
    avg = re.search(r'data-testid="avg-response">(.*?)</strong>', page).group(1)
    assert ":" not in avg and "0:00" not in avg


def test_the_policy_preview_says_no_change_when_the_draft_changes_nothing(
    client, coordinator, overdue_shelter
):
    import json

    client.force_login(coordinator)
    active = RoutingPolicy.objects.get(is_active=True)
    response = client.post(
        "/referrals/policy/",
        {"rules": json.dumps({"rules": active.rules}), "action": "preview"},
    )
    assert response.status_code == 200
    assert 'data-testid="preview-no-change"' in response.content.decode()


def test_every_policy_editor_message_has_a_ukrainian_translation():
    """The editor's messages are gettext msgids; the compiled Ukrainian catalogue has each
    of them, so none is shown in English."""
    import ast
    from pathlib import Path

    from django.utils import translation

    root = Path(__file__).resolve().parents[2]
    for module in ("referrals/routing/policy.py", "referrals/forms.py"):
        tree = ast.parse((root / module).read_text(encoding="utf-8"))
        msgids = {
            node.args[0].value
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "_"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        }
        with translation.override("uk"):
            untranslated = sorted(m for m in msgids if translation.gettext(m) == m)
        assert msgids and not untranslated, untranslated
    with pytest.raises(PolicyError):
        policy_from_dict({"rules": [{"id": "X", "service": "nothing"}]})


def test_the_coordinator_sets_the_end_of_martial_law_on_the_holidays_page(client, coordinator):
    client.force_login(coordinator)
    period = MartialLawPeriod.objects.create(starts_on=date(2022, 3, 24))
    page = client.get("/referrals/holidays/").content.decode()
    assert 'data-testid="martial-law"' in page and "24.03.2022" in page
    response = client.post(
        "/referrals/holidays/martial-law/",
        {
            "pk": period.pk,
            "opened_state": period.state,
            "starts_on": "24.03.2022",
            "ends_on": "31.12.2026",
            "note": "",
        },
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.ends_on == date(2026, 12, 31)
    backwards = client.post(
        "/referrals/holidays/martial-law/", {"starts_on": "24.03.2022", "ends_on": "01.01.2020"}
    )
    assert backwards.status_code == 400


def test_a_social_worker_cannot_touch_martial_law(client, owner):
    client.force_login(owner)
    response = client.post("/referrals/holidays/martial-law/", {"starts_on": "01.01.2026"})
    assert response.status_code == 404
    assert not MartialLawPeriod.objects.filter(starts_on=date(2026, 1, 1)).exists()
