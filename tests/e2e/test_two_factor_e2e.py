"""Two-factor sign-in in the browser: enrol an authenticator, sign out, sign in with its code."""

from __future__ import annotations

import base64
from datetime import timedelta

import time_machine
from django.utils import timezone
from django_otp.oath import totp

from portal.models import RolePolicy
from portal.roles import Role


def _code(secret: str) -> str:
    """What an authenticator app shows for `secret` right now."""
    return f"{totp(base64.b32decode(secret)):06d}"


def _enter_code(page, code: str) -> None:
    page.fill("input[name=token]", code)
    with page.expect_navigation():
        page.click("[data-testid=two-factor-submit]")


def test_coordinator_enrols_an_authenticator_and_then_signs_in_with_its_code(
    page, live_server, login_as, coordinator
):
    RolePolicy.objects.create(role=Role.COORDINATOR, require_two_factor=True)

    # First sign-in: the password alone leads to the enrolment page, with the key as text.
    login_as(page, coordinator)
    assert "/account/two-factor/" in page.url
    secret = page.locator("[data-testid=totp-secret]").inner_text().strip()
    _enter_code(page, _code(secret))
    assert page.locator("[data-testid=dashboard]").is_visible()

    with page.expect_navigation():
        page.locator("form[data-session-sign-out]").evaluate("form => form.submit()")
    assert "/account/login/" in page.url

    # Second sign-in: the code is asked for; a wrong one is refused in Ukrainian.
    login_as(page, coordinator)
    assert "/account/two-factor/" in page.url
    assert page.locator("[data-testid=totp-secret]").count() == 0
    _enter_code(page, "000000")
    assert "Код неправильний або застарів" in page.inner_text("main")
    assert "/account/two-factor/" in page.url

    # Half a minute later the app shows the next code (the enrolment's code cannot be replayed,
    # and django-otp's pause after a wrong code is over).
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        _enter_code(page, _code(secret))
        assert page.locator("[data-testid=dashboard]").is_visible()
