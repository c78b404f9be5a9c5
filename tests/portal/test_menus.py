from __future__ import annotations

import re

import pytest

MENU = re.compile(r'data-menu="([a-z_]+)"')

EXPECTED_MENUS = {
    "owner": {"dashboard", "cases", "orders", "referrals"},
    "provider": {"dashboard", "referrals"},
    # The police unit receives the procedure's police notices in the referral inbox.
    "police": {"dashboard", "cases", "orders", "referrals"},
    "coordinator": {"dashboard", "cases", "orders", "referrals", "programme", "council", "audit"},
    "secretariat": {"dashboard", "orders", "programme", "council"},
    "executor": {"dashboard", "programme", "council_assignments"},
    "admin": {"dashboard", "audit", "admin"},
}


@pytest.mark.parametrize(("persona", "expected"), EXPECTED_MENUS.items())
def test_menu_shows_only_what_the_role_may_use(client, personas, persona, expected):
    client.force_login(personas[persona])
    page = client.get("/").content.decode()
    assert set(MENU.findall(page)) == expected


def test_header_shows_the_organisation_the_user_acts_for(client, owner):
    client.force_login(owner)
    page = client.get("/").content.decode()
    assert "ЦСС Дарницького району" in page
    assert "Соціальний працівник" in page


def test_user_with_two_memberships_switches_organisation(client, owner, organisations):
    from portal.models import Membership

    other = Membership.objects.create(
        user=owner, organisation=organisations["css_obolonskyi"], role="social_worker"
    )
    client.force_login(owner)
    client.post("/account/switch/", {"membership": other.pk})
    assert "ЦСС Оболонського району" in client.get("/").content.decode().split("acting-as")[1][:400]


def test_user_cannot_switch_into_a_membership_of_someone_else(client, owner, outsider):
    client.force_login(owner)
    client.post("/account/switch/", {"membership": outsider.memberships.get().pk})
    header = client.get("/").content.decode().split("acting-as")[1][:400]
    assert "ЦСС Дарницького району" in header


def test_pages_are_ukrainian_by_default_and_english_on_request(client, owner):
    client.force_login(owner)
    assert "Панель" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Dashboard" in client.get("/").content.decode()


def test_healthz_answers_without_login(client, db):
    assert client.get("/healthz").json()["status"] == "ok"


def test_404_page_is_in_ukrainian(client, owner):
    client.force_login(owner)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Сторінку не знайдено" in page
    assert "Page not found" not in page
