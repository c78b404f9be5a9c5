"""Every table a browser shows has decided what it becomes on a phone (issue 12).

- `table-cards`: a list of records (cases, referrals, orders, events, meetings…). Below 576 px each
  row is a card and each cell a line with its column's header as a label
  (static/portal/table-cards.css and .js). Its header row therefore names every column; a
  column without a visible name (a button's column) has a visually hidden one, for axe.
- `table-figures`: a few columns of numbers read down the column, year against year (the
  statistics tables). They fit a 390 px screen as tables and stay tables.
- A handful of small tables are neither and are listed below with the reason.
The browser side (cards stacked with labels, nothing wider than the phone) is
tests/e2e/test_table_cards_e2e.py.
"""

from __future__ import annotations

import re

from tests.portal.test_headers import BASE_DIR, TEMPLATE_COMMENT, served_templates

TABLE = re.compile(r"<table\b[^>]*>", re.IGNORECASE)
CLASSES = re.compile(r'class="([^"]*)"')

# (template, the table's data-testid or its position in the file) → why it stays as it is.
NEITHER = {
    ("referrals/templates/referrals/referral_detail.html", "shared-data"): (
        "two columns, a name and a value, each row headed by its own name: already a card"
    ),
    ("cases/templates/cases/_timeline.html", 1): (
        "a field's old and new value inside a timeline entry: three short cells, never wide"
    ),
    ("programme/templates/programme/_report_table.html", 1): (
        "a part of the PDF report (report_pdf.html), never shown in a browser"
    ),
    ("referrals/templates/referrals/_inbox_table.html", "inbox"): (
        "the provider's triage inbox is cards of its own (static/portal/inbox.css: an overdue card"
        " carries a red edge); tests/e2e/test_table_cards_e2e.py checks it as the provider's list"
    ),
    ("cases/templates/cases/panels/coordinator.html", 1): (
        "a dashboard panel of statuses and counts, two columns"
    ),
}


def _tables():
    for path in served_templates():
        text = TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
        for position, match in enumerate(TABLE.finditer(text), start=1):
            tag = match.group(0)
            testid = re.search(r'data-testid="([^"]+)"', tag)
            key = (str(path.relative_to(BASE_DIR)), testid.group(1) if testid else position)
            classes = CLASSES.search(tag)
            yield key, (classes.group(1).split() if classes else []), text, match.end()


def test_every_served_table_is_cards_figures_or_named_with_its_reason():
    undecided = [
        key
        for key, classes, _text, _end in _tables()
        if not {"table-cards", "table-figures"} & set(classes) and (key[0], key[1]) not in NEITHER
    ]
    assert undecided == []


def test_the_tables_that_are_neither_still_exist():
    keys = {key for key, *_rest in _tables()}
    assert set(NEITHER) <= keys


def test_the_main_lists_of_every_role_are_cards():
    cards = {key[0] for key, classes, *_rest in _tables() if "table-cards" in classes}
    assert {
        "cases/templates/cases/case_list.html",
        "referrals/templates/referrals/_referral_table.html",
        "referrals/templates/referrals/coordinator.html",
        "orders/templates/orders/order_list.html",
        "templates/portal/audit_log.html",
        "programme/templates/programme/programme.html",
        "programme/templates/programme/measure.html",
        "programme/templates/programme/reports.html",
        "programme/templates/programme/council/meetings.html",
        "programme/templates/programme/council/_assignment_rows.html",
        "programme/templates/programme/council/memoranda.html",
    } <= cards


def test_a_card_table_names_every_column_in_its_header_row():
    """The labels come from <thead>: a card table has one, and no header cell is empty (an
    action column has a visually hidden name)."""
    problems = []
    for key, classes, text, end in _tables():
        if "table-cards" not in classes:
            continue
        body = text[end : text.find("</table>", end)]
        head = re.search(r"<thead\b.*?</thead>", body, re.DOTALL)
        if head is None:
            problems.append((key, "no <thead>"))
            continue
        for cell in re.findall(r"<th\b[^>]*>(.*?)</th>", head.group(0), re.DOTALL):
            if not re.sub(r"<[^>]+>", "", cell).strip():
                problems.append((key, "an empty header cell"))
    assert problems == []
