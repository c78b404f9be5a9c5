from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi


@pytest.fixture
def orgs(organisations):
    return catalogue_for_darnytskyi(organisations)


def test_routing_plan_prints_the_json_contract(orgs, tmp_path):
    facts = tmp_path / "facts.json"
    facts.write_text(
        json.dumps(
            {
                "reported_at": "2024-10-17T10:00:00+03:00",
                "received_by": "police",
                "district": "darnytskyi",
                "victim": {"age": 30, "sex": "F"},
                "child_witness": True,
                "risk_level": "high",
                "needs": ["shelter", "legal"],
                "consent": True,
                "urgent_order_issued": True,
            }
        )
    )
    out = StringIO()
    call_command("routing_plan", str(facts), stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == {"policy_version", "items", "skipped", "escalations"}
    assert result["policy_version"] == 1
    items = {i["service"]: i for i in result["items"]}
    assert len(items) == len(result["items"])
    assert "police_notice" not in items  # received by the police
    assert items["shelter"]["provider"] == "shelter-1"
    assert items["offender_programme"]["rules"] == ["R12"]
    assert items["shelter"]["due_at"] == "2024-10-17T12:00:00+03:00"
    assert set(items["shelter"]["candidates"][0]) == {"provider", "eligible", "why"}


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '{"district": "darnytskyi"}',
        '{"reported_at": "2024-10-17T10:00:00+03:00", "district": "atlantis"}',
    ],
)
def test_routing_plan_fails_with_exit_code_2_and_a_message(orgs, tmp_path, content):
    path = tmp_path / "facts.json"
    path.write_text(content)
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("routing_plan", str(path), stderr=err)
    assert exit_info.value.code == 2
    assert "routing_plan:" in err.getvalue()


def test_provider_never_reaches_the_case_page_but_sees_its_referral(client, owner, provider, orgs):
    from referrals import services

    case = register_case(owner, needs=["shelter"], consent_to_share=True)
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    referrals = services.referral_apply_plan(actor=owner, plan_id=record.pk)
    shelter = next(r for r in referrals if r.service == "shelter")
    other = next(r for r in referrals if r.service != "shelter")
    client.force_login(provider)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get(f"/referrals/{shelter.pk}/").status_code == 200
    assert client.get(f"/referrals/{other.pk}/").status_code == 404
    assert "Притулок" in client.get("/referrals/").content.decode()


def test_secretariat_sees_no_referrals(client, secretariat):
    client.force_login(secretariat)
    assert client.get("/referrals/").status_code == 404
