"""The routing plan as the social worker reads it: providers by name and district, reasons in
words with the procedure's reference, no codes; another provider only from the item's own
candidates; a manual referral only to an organisation that offers the service."""

from __future__ import annotations

import re

import pytest

from cases import services as case_services
from referrals import services
from referrals.models import Referral, RoutingPlanRecord
from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi


@pytest.fixture
def planned(owner, organisations):
    orgs = catalogue_for_darnytskyi(organisations)
    case = register_case(
        owner, needs=["shelter", "legal"], consent_to_share=True, accompanying_children=1
    )
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    return case, record, orgs


def _page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(f"/referrals/case/{case.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    # The page's own content; the layout around it carries its own JSON (htmx headers).
    return page[page.index("<main") : page.index("</main>")]


def test_the_plan_page_shows_no_provider_code_no_rule_id_and_no_python_repr(client, owner, planned):
    case, _record, orgs = planned
    page = _page(client, owner, case)
    for code in (o.code for o in orgs.values()):
        assert code not in page, code
    assert not re.search(r"\bR\d+\b", page)
    assert not re.search(r"\[['\"]|\{['\"]|\b(True|False|None)\b", page)
    assert "load 0." not in page


def test_the_plan_names_each_provider_with_its_district_and_explains_in_words(
    client, owner, planned
):
    case, _record, orgs = planned
    page = _page(client, owner, case)
    assert str(orgs["rda-darnytskyi"]) in page
    assert "Дарницький" in page
    # Each reason is words, with the procedure's reference on expand.
    assert "<details" in page and "658" in page
    assert re.search(r"завантаження \d+%", page)


def test_another_eligible_candidate_of_the_item_can_be_chosen(owner, planned):
    case, record, _orgs = planned
    shelter = next(i for i in record.plan["items"] if i["service"] == "shelter")
    eligible = [i for i, c in enumerate(shelter["candidates"]) if c["eligible"]]
    other = next(i for i in eligible if shelter["candidates"][i]["provider"] != shelter["provider"])
    services.referral_apply_plan(actor=owner, plan_id=record.pk, choices=[f"shelter:{other}"])
    sent = Referral.objects.get(case=case, service="shelter")
    assert sent.provider.code == shelter["candidates"][other]["provider"]
    assert shelter["provider"] in sent.remaining_candidates


def test_a_provider_outside_the_items_candidates_is_refused_with_one_message(
    client, owner, planned
):
    case, record, _orgs = planned
    shelter = next(i for i in record.plan["items"] if i["service"] == "shelter")
    ruled_out = [str(i) for i, c in enumerate(shelter["candidates"]) if not c["eligible"]]
    client.force_login(owner)
    for junk in [
        "shelter:99",
        "shelter:x",
        "nothing:0",
        "shelter:-1",
        *[f"shelter:{i}" for i in ruled_out],
    ]:
        response = client.post(
            f"/referrals/case/{case.pk}/plan/{record.pk}/apply/",
            {"keep": ["shelter"], "provider_choice": junk},
            follow=True,
        )
        assert "Оберіть одного з надавачів, що підходять" in response.content.decode(), junk
    assert not Referral.objects.filter(case=case).exists()
    assert RoutingPlanRecord.objects.get(pk=record.pk).applied_at is None


def test_the_manual_referral_has_labels_and_lists_providers_under_their_service(
    client, owner, planned
):
    case, _record, orgs = planned
    page = _page(client, owner, case)
    assert 'for="manual-service"' in page and 'for="manual-provider"' in page
    assert 'for="manual-reason"' in page
    legal = re.search(r'<optgroup label="[^"]*" data-service="legal_aid">(.*?)</optgroup>', page)
    assert legal and str(orgs["legal-aid-city"]) in legal.group(1)
    assert str(orgs["hospital-1"]) not in legal.group(1)


def test_a_manual_referral_to_junk_or_to_an_organisation_without_the_service_gets_one_error(
    client, owner, planned
):
    case, record, orgs = planned
    client.force_login(owner)
    messages = set()
    for provider in ["junk", "987654321", str(orgs["hospital-1"].pk)]:
        response = client.post(
            f"/referrals/case/{case.pk}/plan/{record.pk}/apply/",
            {
                "manual_service": "legal_aid",
                "manual_provider": provider,
                "manual_reason": "потрібна консультація",
            },
            follow=True,
        )
        messages |= {str(m) for m in response.context["messages"]}
    assert len(messages) == 1
    assert not Referral.objects.filter(case=case).exists()


@pytest.fixture
def planned_without_consent(owner, organisations):
    orgs = catalogue_for_darnytskyi(organisations)
    case = register_case(owner, needs=["legal"], consent_to_share=False)
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    return case, record, orgs


def test_without_consent_the_plan_offers_no_manual_referral_and_says_why(
    client, owner, planned_without_consent
):
    case, _record, _orgs = planned_without_consent
    page = _page(client, owner, case)
    assert 'data-testid="manual-needs-consent"' in page
    assert "Без згоди постраждалої особи надсилаються лише обов&#x27;язкові повідомлення" in page
    assert f'href="/cases/{case.pk}/#consent"' in page
    assert 'name="manual_provider"' not in page


def test_without_consent_a_manual_referral_is_refused_and_nothing_is_sent(
    client, owner, planned_without_consent
):
    """The engine sends only the mandatory notices without consent; a manual referral posted
    anyway would hand the victim's data to a provider around that rule."""
    case, record, orgs = planned_without_consent
    client.force_login(owner)
    posted = {
        "keep": [i["service"] for i in record.plan["items"]],
        "manual_service": "psychological",
        "manual_provider": orgs["mobile-team-1"].pk,
        "manual_reason": "потрібна консультація",
    }
    url = f"/referrals/case/{case.pk}/plan/{record.pk}/apply/"
    response = client.post(url, posted, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Без згоди постраждалої особи надсилаються лише обов'язкові повідомлення: зафіксуйте "
        "згоду на сторінці випадку, перш ніж додавати направлення вручну."
    ]
    assert not Referral.objects.filter(case=case).exists()
    record.refresh_from_db()
    assert record.applied_at is None

    # With the consent recorded, a plan made again takes a manual referral.
    case_services.case_record_consent(actor=owner, case_id=case.pk, consent=True)
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    posted["keep"] = [i["service"] for i in record.plan["items"]]
    client.post(f"/referrals/case/{case.pk}/plan/{record.pk}/apply/", posted)
    manual = Referral.objects.get(case=case, service="psychological")
    assert (manual.provider, manual.manual_reason) == (
        orgs["mobile-team-1"],
        "потрібна консультація",
    )


@pytest.mark.parametrize("consent_at_plan", [True, False])
def test_a_plan_made_before_the_consent_changed_sends_nothing(
    client, owner, organisations, consent_at_plan
):
    """The plan chose what needs consent by the consent of its time: withdrawn since, its
    offered items would still go; given since, it would leave them out."""
    catalogue_for_darnytskyi(organisations)
    case = register_case(owner, needs=["shelter", "legal"], consent_to_share=consent_at_plan)
    record = services.referral_plan_for_case(actor=owner, case_id=case.pk)
    case_services.case_record_consent(actor=owner, case_id=case.pk, consent=not consent_at_plan)
    page = _page(client, owner, case)
    assert 'data-testid="plan-before-consent-change"' in page
    assert 'data-testid="apply-plan"' not in page and 'data-testid="make-plan"' in page
    assert 'name="provider_choice"' not in page  # nothing to choose in a plan not to be sent
    response = client.post(
        f"/referrals/case/{case.pk}/plan/{record.pk}/apply/",
        {"keep": [i["service"] for i in record.plan["items"]]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Згоду постраждалої особи змінено після того, як склали цей план: складіть план заново."
    ]
    assert not Referral.objects.filter(case=case).exists()
    record.refresh_from_db()
    assert record.applied_at is None
