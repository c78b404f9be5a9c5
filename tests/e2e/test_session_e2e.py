"""A worker typing a note is warned before the idle session ends, can stay signed in, and gets
the typed note back after signing in again. The idle time is seconds here instead of thirty
minutes, so that the test waits on the real expiry of the session row for a few seconds."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from tests.cases.factories import register_case
from tests.factories import PASSWORD

NOTE = "Сусідка чула крики о 23:00, дзвонила 102"


@pytest.fixture
def short_sessions(settings):
    def _set(*, idle: int, warning: int) -> None:
        settings.SESSION_COOKIE_AGE = idle
        settings.PORTAL_SESSION_WARNING_SECONDS = warning
        settings.PORTAL_SESSION_RENEW_SECONDS = 1

    return _set


def _expire_date(page):
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    return Session.objects.get(session_key=key).expire_date


def _sign_in_on_this_page(page, user):
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")


def _type_a_note(page, live_server, case):
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click("[data-bs-target='#notes']")
    page.fill("#id_note-text", NOTE)


def test_worker_is_warned_stays_signed_in_and_gets_the_note_back_after_the_session_ends(
    page, live_server, login_as, owner, short_sessions
):
    short_sessions(idle=6, warning=4)
    case = register_case(owner)
    login_as(page, owner)
    _type_a_note(page, live_server, case)

    warning = page.get_by_role("alertdialog")
    expect(warning).to_be_visible(timeout=6_000)
    expect(warning.locator("[data-session-countdown]")).to_have_text(re.compile(r"^0:0[1-4]$"))
    expect(page.get_by_test_id("stay-signed-in")).to_be_focused()
    expiry_before = _expire_date(page)
    with page.expect_response("**/account/keep-alive/") as keep_alive:
        page.get_by_test_id("stay-signed-in").click()
    assert keep_alive.value.status == 204
    expect(warning).to_be_hidden()
    assert _expire_date(page) > expiry_before  # still signed in, for longer
    expect(page.locator("#id_note-text")).to_be_focused()

    expect(page.get_by_test_id("sign-in-again")).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("sign-in-again")).to_be_focused()
    page.get_by_test_id("sign-in-again").click()
    _sign_in_on_this_page(page, owner)
    assert page.url == f"{live_server.url}/cases/{case.pk}/"
    page.click("[data-bs-target='#notes']")
    expect(page.locator("#id_note-text")).to_have_value(NOTE)


def test_a_note_sent_after_the_session_ended_is_back_on_the_case_page_after_sign_in(
    page, live_server, login_as, owner, short_sessions
):
    short_sessions(idle=3, warning=1)
    case = register_case(owner)
    login_as(page, owner)
    _type_a_note(page, live_server, case)
    expect(page.get_by_test_id("sign-in-again")).to_be_visible(timeout=5_000)
    page.keyboard.press("Escape")  # close the notice and send the note anyway
    with page.expect_navigation():
        page.click("#notes form[action$='/notes/'] button")
    assert "/account/login/" in page.url
    _sign_in_on_this_page(page, owner)
    assert page.url == f"{live_server.url}/cases/{case.pk}/"  # the page, not the POST-only URL
    page.click("[data-bs-target='#notes']")
    expect(page.locator("#id_note-text")).to_have_value(NOTE)
    expect(page.locator(".session-restored[role=status]")).to_be_visible()
