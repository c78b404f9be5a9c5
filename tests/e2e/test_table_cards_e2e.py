"""On a 390 px phone each role's main lists are cards: a row's cells stacked one under another,
each with its column's name in front, and the page no wider than the phone. On a desktop the
same lists are ordinary tables. (Which tables are cards: tests/portal/test_table_cards.py.)"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest

from programme import services as programme_services
from programme.models import Measure
from tests.e2e.test_layout_390 import DESKTOP, PHONE, demo_rows  # noqa: F401 — a fixture

# Each role's lists that have rows in the `demo_rows` world.
LISTS = {
    "owner": ["/cases/", "/referrals/", "/referrals/case/{case}/"],
    "police": ["/orders/"],
    "provider": ["/referrals/"],
    "coordinator": ["/cases/", "/audit/", "/orders/statistics/"],
    "secretariat": ["/programme/", "/programme/measures/{measure}/"],
    "executor": ["/programme/", "/programme/measures/{measure}/"],
}

# (The shelter's places page has bars, not a table: tests/e2e/test_shelter_inbox_e2e.py.)
# For the first body row of every card table on the page (the provider's inbox has cards of its
# own): the cells' boxes, their labels as shown (the ::before content) and the visible name of
# their column's header.
CARDS = """() => [...document.querySelectorAll('main table.table-cards, main table.inbox-table')]
  .filter((table) => table.offsetParent !== null)
  .map((table) => {
    const head = table.tHead ? [...table.tHead.rows[table.tHead.rows.length - 1].cells] : [];
    const names = head.flatMap((th) => {
      const copy = th.cloneNode(true);
      copy.querySelectorAll('.visually-hidden').forEach((el) => el.remove());
      return Array(th.colSpan).fill(copy.textContent.replace(/\\s+/g, ' ').trim());
    });
    const row = [...table.tBodies[0].rows].find((tr) => tr.cells.length > 1);
    const cells = row ? [...row.cells].filter((cell) => cell.offsetParent !== null) : [];
    return {
      testid: table.dataset.testid || '',
      headHeight: table.tHead ? table.tHead.getBoundingClientRect().height : 0,
      display: cells.length ? getComputedStyle(cells[0]).display : '',
      cells: cells.map((cell) => {
        const box = cell.getBoundingClientRect();
        const label = getComputedStyle(cell, '::before').content;
        // The inbox's card is headed by its service (no label, by design of inbox.css).
        const title = table.classList.contains('inbox-table') && cell === row.cells[0];
        return {top: box.top, bottom: box.bottom, left: box.left, right: box.right, title,
                label: label === 'none' ? '' : label,
                column: names[[...row.cells].indexOf(cell)] || ''};
      }),
    };
  })"""


@pytest.fixture
def lists(demo_rows, executor):  # noqa: F811 — the fixture imported above
    """The demo world with a quarterly report on its measure, so the measure's page lists one."""
    programme_services.progress_submit(
        actor=executor,
        measure_id=demo_rows["measure"],
        year=2025,
        quarter=1,
        status="in_progress",
        spent=Decimal("10"),
        narrative="",
        actuals={},
    )
    assert Measure.objects.filter(pk=demo_rows["measure"], progress__isnull=False).exists()
    return demo_rows


@pytest.mark.parametrize("persona", sorted(LISTS))
def test_on_a_phone_each_list_is_cards_with_labels_and_on_a_desktop_a_table(
    page, live_server, login_as, personas, lists, persona
):
    page.set_viewport_size(PHONE)
    login_as(page, personas[persona])
    problems = {}
    for template in LISTS[persona]:
        path = template.format(**lists)
        page.set_viewport_size(PHONE)
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        tables = [t for t in page.evaluate(CARDS) if len(t["cells"]) > 1]
        if not tables:
            problems[path] = "no card with two or more cells"
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems[path] = f"{width} px wide"
        for table in tables:
            cells = table["cells"]
            where = f"{path} {table['testid']}"
            if table["headHeight"] > 1:
                problems[where] = "the header row is still shown"
            if any(c["right"] > PHONE["width"] for c in cells):
                problems[where] = "a cell sticks out"
            if any(b["top"] < a["bottom"] - 1 for a, b in pairwise(cells)):
                problems[where] = "cells side by side, not stacked"
            labelled = [c for c in cells if c["column"] and not c["title"]]
            if not labelled or any(c["column"] not in c["label"] for c in labelled):
                problems[where] = [(c["column"], c["label"]) for c in cells]
        page.set_viewport_size(DESKTOP)
        page.goto(f"{live_server.url}{path}")
        for table in page.evaluate(CARDS):
            if table["display"] != "table-cell" or table["headHeight"] <= 1:
                problems[f"{path} {table['testid']} at 1366 px"] = "not a table"
    assert problems == {}
