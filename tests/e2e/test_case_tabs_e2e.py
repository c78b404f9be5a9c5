"""The case page's tabs that other apps add are read when first opened, in a real browser: once
per page, from the address (#section-orders) too; a failed read says so in Ukrainian and opening
the tab again retries; a lost session leads to sign-in, not to a sign-in form inside the tab."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.cases.factories import register_case
from tests.orders.factories import urgent

ORDERS = "button[data-bs-target='#section-orders']"
REFERRALS = "button[data-bs-target='#section-referrals']"
OVERVIEW = "button[data-bs-target='#overview']"


def test_a_tab_is_read_once_when_opened_and_says_so_when_it_cannot_be(
    page, live_server, login_as, owner, police
):
    case = register_case(owner)
    urgent(police, case, number="ТЗП-4711")
    reads: list[str] = []
    page.on("request", lambda request: "/tabs/" in request.url and reads.append(request.url))
    login_as(page, owner)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.wait_for_load_state("networkidle")
    assert reads == []

    page.click(ORDERS)
    expect(page.locator("#section-orders [data-testid=offender-measures]")).to_be_visible()
    assert "ТЗП-4711" in page.inner_text("#section-orders")
    page.click(OVERVIEW)
    page.click(ORDERS)
    expect(page.locator("#section-orders [data-testid=offender-measures]")).to_be_visible()
    assert reads == [f"{live_server.url}/cases/{case.pk}/tabs/orders/"]

    page.route("**/tabs/referrals/", lambda route: route.abort())
    page.click(REFERRALS)
    failure = page.locator("#section-referrals [role=alert]")
    expect(failure).to_contain_text("Не вдалося завантажити цю вкладку")
    page.unroute("**/tabs/referrals/")
    page.click(OVERVIEW)
    page.click(REFERRALS)
    expect(page.locator("#section-referrals [data-testid=referral-table]")).to_be_visible()


def test_the_tab_named_in_the_address_opens_with_its_content(
    page, live_server, login_as, owner, police
):
    case = register_case(owner)
    urgent(police, case, number="ТЗП-4712")
    login_as(page, owner)
    page.goto(f"{live_server.url}/cases/{case.pk}/#section-orders")
    expect(page.locator("#section-orders [data-testid=offender-measures]")).to_be_visible()
    assert "ТЗП-4712" in page.inner_text("#section-orders")


def test_a_tab_opened_after_the_session_was_lost_leads_to_sign_in(
    page, live_server, login_as, owner
):
    case = register_case(owner)
    login_as(page, owner)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.context.clear_cookies()
    page.click(ORDERS)
    page.wait_for_url("**/account/login/**")
    expect(page.locator("input[name=username]")).to_be_visible()
    assert page.locator("#section-orders").count() == 0
