"""A provider who reads English switches the portal to English with the header's button and
sees the district and the organisations of their referrals in English."""

from __future__ import annotations

from django.utils import translation

from portal.models import Organisation
from referrals import services as referral_services
from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi


def test_an_english_reader_sees_english_district_and_organisation_names(
    page, live_server, login_as, owner, provider, organisations
):
    with translation.override("uk"):
        catalogue_for_darnytskyi(organisations)
        shelter = organisations["shelter"]
        shelter.name_en, shelter.short_name_en = "Shelter No. 1 for victims", "Shelter No. 1"
        shelter.save(update_fields=["name_en", "short_name_en"])
        case = register_case(owner, needs=["shelter"], consent_to_share=True)
        plan = referral_services.referral_plan_for_case(actor=owner, case_id=case.pk)
        referral_services.referral_apply_plan(actor=owner, plan_id=plan.pk)
    assert Organisation.objects.get(code="shelter-1").name == "Притулок № 1"

    login_as(page, provider)
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("[data-testid=menu-toggle]")
    with page.expect_navigation():
        page.click("button[name=language][value=en]")
    page.goto(f"{live_server.url}/referrals/")
    inbox = page.inner_text("main")
    assert "Darnytskyi" in inbox and "Дарницький" not in inbox
    page.click("[data-testid=inbox-item]")
    detail = page.inner_text("main")
    assert "Darnytskyi" in detail and "Дарницький" not in detail
    page.click("[data-testid=menu-toggle]")
    assert "Shelter No. 1" in page.inner_text("[data-testid=acting-as]")
    assert "Притулок" not in page.inner_text("header")
