"""A worker routes a new high-risk case; the shelter's staff accept it in their inbox; the
worker is told and sees "accepted" on the case. No provider code or rule id on the way."""

from __future__ import annotations

import re

from portal.models import Notification
from tests.cases.factories import register_case
from tests.referrals.factories import catalogue_for_darnytskyi


def test_worker_routes_a_case_and_the_shelter_accepts_it(
    page, live_server, login_as, owner, provider, organisations, browser
):
    catalogue_for_darnytskyi(organisations)
    case = register_case(
        owner,
        risk_answers={"threats_to_kill": True},
        needs=["shelter", "legal"],
        consent_to_share=True,
    )
    login_as(page, owner)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click("[data-bs-target='#section-referrals']")
    page.click("[data-testid=route-case]")
    page.click("[data-testid=make-plan]")
    plan = page.inner_text("[data-testid=plan-form]")
    assert "Притулок" in plan and "обов'язково" in plan
    assert page.inner_text("[data-testid=provider-shelter]") == "Притулок № 1"
    assert "shelter-1" not in plan and "rda-darnytskyi" not in plan
    assert not re.search(r"\bR\d+\b", plan)
    page.click("[data-testid=apply-plan]")

    staff_page = browser.new_context(locale="uk-UA").new_page()
    login_as(staff_page, provider)
    staff_page.click("[data-testid=main-menu] [data-menu=referrals]")
    staff_page.click("[data-testid=inbox-item]")
    assert case.number in staff_page.inner_text("main")
    staff_page.click("[data-testid=accept]")
    assert "прийнято" in staff_page.inner_text("[data-testid=referral-status]")
    staff_page.context.close()

    assert Notification.objects.filter(user=owner, url=f"/referrals/case/{case.pk}/").exists()
    page.goto(f"{live_server.url}/referrals/case/{case.pk}/")
    statuses = page.locator("[data-testid=referral-table] [data-testid=referral-status]")
    assert "прийнято" in [statuses.nth(i).inner_text() for i in range(statuses.count())]
