"""The pages work under the Content-Security-Policy: the browser refuses nothing on them."""

from __future__ import annotations

import pytest

from tests.cases.factories import register_case

CSP_WORDS = ("Content Security Policy", "Content-Security-Policy", "Refused to")


@pytest.fixture
def csp_violations(page):
    """Every CSP complaint of the browser: console messages and securitypolicyviolation events."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if any(word in message.text for word in CSP_WORDS) else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', function (e) {"
        " console.error('Refused to load: ' + e.violatedDirective + ' ' + e.blockedURI); });"
    )
    return seen


def test_the_login_page_and_the_coordinators_pages_raise_no_csp_violation(
    page, live_server, login_as, coordinator, csp_violations
):
    page.goto(f"{live_server.url}/account/login/")
    login_as(page, coordinator)
    for path in ["/", "/orders/statistics/", "/referrals/capacity/", "/programme/", "/cases/"]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert csp_violations == []


def test_the_case_page_opens_the_tab_named_in_the_address_without_inline_script(
    page, live_server, login_as, owner, csp_violations
):
    case = register_case(owner)
    login_as(page, owner)
    page.goto(f"{live_server.url}/cases/{case.pk}/#timeline")
    page.wait_for_selector("#timeline.active")
    page.click("[data-testid=acting-as]")  # Bootstrap's dropdown positions itself via CSSOM
    assert csp_violations == []


def test_the_browser_does_refuse_an_injected_inline_style_and_script(
    page, live_server, csp_violations
):
    # Proves the two tests above would see a violation: the policy is enforced, not just sent.
    page.goto(f"{live_server.url}/account/login/")
    with page.expect_console_message(lambda message: "Refused" in message.text):
        page.evaluate(
            "document.body.insertAdjacentHTML('beforeend', '<div style=\"color: red\"></div>');"
            "var s = document.createElement('script'); s.textContent = 'window.__ran = 1;';"
            "document.body.appendChild(s);"
        )
    assert page.evaluate("window.__ran") is None
    assert csp_violations
