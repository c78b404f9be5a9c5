"""The audit log on a phone: one card per event, nothing wider than the screen."""

from __future__ import annotations

from portal.audit import audit_record
from portal.models import AuditAction
from tests.cases.factories import register_case

# Elements of the page's content (not the shared header) that reach past the right edge; the
# visually hidden table header is clipped to 1 px and cannot scroll.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll('#content *'))
    .filter(e => e.closest('thead') === null)
    .filter(e => e.getBoundingClientRect().right > width + 0.5)
    .map(e => e.tagName + ' ' + e.className);
}"""


def test_the_audit_log_fits_a_390_px_phone_without_horizontal_scrolling(
    page, live_server, login_as, owner, coordinator
):
    case = register_case(owner)
    audit_record(actor=owner, action=AuditAction.VIEW, obj=case, detail="x" * 400)
    page.set_viewport_size({"width": 390, "height": 844})
    login_as(page, coordinator)
    page.goto(f"{live_server.url}/audit/")
    assert page.locator("[data-testid=audit-table] tbody tr").count() >= 2
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate("document.getElementById('content').scrollWidth") <= 390
    # Each cell carries its column name, since the header row is visually hidden.
    first_cell = page.locator("[data-testid=audit-table] tbody td").first
    assert "Коли" in first_cell.evaluate("td => getComputedStyle(td, '::before').content")
