"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Fixtures:
  page                      a fresh page (pytest-playwright); on failure a screenshot goes to
                            var/test-artifacts/ (--screenshot only-on-failure in pyproject)
  login_as(page, user)      signs `user` in through the real login form; returns the page
  base_url                  the live server's URL
Every test here is marked `e2e`; `make test` runs them with the rest.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test's thread; the ORM calls that fixtures
# make in that thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}; run `make system-deps` (apt-get install chromium)."
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "uk-UA",
        "timezone_id": "Europe/Kyiv",
        "viewport": {"width": 1366, "height": 900},
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url


@pytest.fixture
def login_as(live_server):
    from tests.factories import PASSWORD

    def _login(page, user, password: str = PASSWORD):
        page.goto(f"{live_server.url}/account/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("[data-testid=login-submit]")
        if "/account/login/" in page.url:
            raise AssertionError(f"{user.username} could not sign in: {page.inner_text('main')}")
        return page

    return _login
