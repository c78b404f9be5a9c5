"""Every role's main pages pass axe-core (WCAG 2.1 A and AA rules) with no serious or critical
violation, at desktop width and on a phone.

axe-core is vendored for the tests only (tests/vendor/axe-core, see its README); the portal
never serves it. It is injected through the DevTools protocol, so the portal's CSP stays as it is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e import test_layout_390 as layout
from tests.e2e.test_layout_390 import DESKTOP, PAGES, PHONE

demo_rows = layout.demo_rows  # the same pages, with the same rows in them

AXE = (Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js").read_text()
BLOCKING = {"serious", "critical"}


def _violations(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    results = page.evaluate(
        """async () => {
          const r = await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
          });
          return r.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
          }));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(v['nodes'])}"
        for v in results
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("persona", sorted(PAGES))
def test_main_pages_have_no_serious_or_critical_accessibility_violation(
    page, live_server, login_as, personas, demo_rows, persona
):
    login_as(page, personas[persona])
    found = {}
    for template in PAGES[persona]:
        path = template.format(**demo_rows)
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            if violations := _violations(page):
                found[f"{path} at {viewport['width']} px"] = violations
    assert not found, "\n".join(f"{where}: {v}" for where, vs in found.items() for v in vs)


def test_the_sign_in_page_has_no_serious_or_critical_accessibility_violation(page, live_server):
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/account/login/")
        assert _violations(page) == []
