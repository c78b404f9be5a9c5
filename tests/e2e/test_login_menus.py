"""Each role signs in through the real form and sees its own menu; five wrong passwords lock."""

from __future__ import annotations

import pytest

from tests.portal.test_menus import EXPECTED_MENUS


@pytest.mark.parametrize("persona", sorted(EXPECTED_MENUS))
def test_each_role_signs_in_and_sees_its_menu(page, live_server, login_as, personas, persona):
    login_as(page, personas[persona])
    menu = page.locator("[data-testid=main-menu] [data-menu]")
    keys = {menu.nth(i).get_attribute("data-menu") for i in range(menu.count())}
    assert keys == EXPECTED_MENUS[persona]
    assert page.locator("html").get_attribute("lang") == "uk"


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(page, live_server, owner):
    for _ in range(5):
        page.goto(f"{live_server.url}/account/login/")
        page.fill("input[name=username]", "owner")
        page.fill("input[name=password]", "not-the-password")
        page.click("[data-testid=login-submit]")
    assert "тимчасово заблоковано" in page.locator("[data-testid=locked-out]").inner_text()


def test_font_size_control_enlarges_text_and_remembers_it(page, live_server, login_as, owner):
    login_as(page, owner)
    page.click("[data-font-step='1']")
    assert page.locator("html").get_attribute("data-font-scale") == "1"
    page.reload()
    assert page.locator("html").get_attribute("data-font-scale") == "1"
