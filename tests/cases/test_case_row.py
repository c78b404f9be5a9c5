"""A row of the case list (the case_row tag): what a worker reads about each case without opening
it — the number and its link, the day of the report in Kyiv, the victim's code with the audited
"name" link, district, forms, risk, status and who is responsible — in the reader's language,
never an internal code, and nothing a user typed unescaped."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

from django.template import Context, Template
from django.utils import translation

from cases.models import Case, CaseStatus, RiskLevel, ViolenceForm
from cases.selectors import CaseFilters, case_list
from cases.templatetags.cases_tags import label
from tests.cases.factories import person, register_case

ROW = Template("{% load cases_tags %}{% case_row case %}")


def _row(case: Case) -> str:
    return ROW.render(Context({"case": case}))


def _listed(client, case: Case) -> str:
    """The row of `case` as the case list shows it to the client's user."""
    page = client.get("/cases/").content.decode()
    row = re.search(rf'<tr>\s*<td><a href="/cases/{case.pk}/".*?</tr>', page, re.DOTALL)
    assert row is not None, "the case is not in the list"
    return row.group(0)


def _cells(row: str) -> list[str]:
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
    ]


def test_a_row_shows_the_case_in_eight_cells_in_ukrainian(client, owner):
    case = register_case(
        owner,
        victim=person("Шевченко", "Оксана"),
        incident={"occurred_at": datetime(2024, 3, 1, tzinfo=UTC), "forms": ["physical", "sexual"]},
    )
    case.refresh_from_db()
    client.force_login(owner)
    cells = _cells(_listed(client, case))
    serial = case.number.rsplit("-", 1)[-1]
    assert cells[0] == case.number
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", cells[1])
    assert cells[2] == f"ШО-{serial} ім'я"
    assert cells[3] == "Дарницький"
    assert cells[4] == f"{label(ViolenceForm, 'physical')}, {label(ViolenceForm, 'sexual')}"
    assert case.risk_level and cells[5] == label(RiskLevel, case.risk_level) != case.risk_level
    assert cells[6] == label(CaseStatus, case.status) and cells[6] != case.status
    assert cells[7] == (owner.get_full_name() or owner.username)
    assert "Шевченко" not in "".join(cells) and "Оксана" not in "".join(cells)


def test_the_number_opens_the_case_and_the_name_link_asks_for_the_name_through_htmx(owner):
    register_case(owner)
    case = case_list(user=owner, filters=CaseFilters()).get()  # with the victim's initials
    row = _row(case)
    assert f'<a href="/cases/{case.pk}/" class="fw-semibold">{case.number}</a>' in row
    name = f"/cases/{case.pk}/victim-name/"
    assert f'href="{name}" hx-get="{name}" hx-target="closest .victim-code"' in row
    assert 'data-testid="victim-name-show"' in row
    assert re.search(r'aria-label="Показати ім(\'|&#x27;)я ШО-\d+"', row)


def test_the_day_of_the_report_is_the_day_in_kyiv(owner):
    case = register_case(owner)
    # 22:30 UTC on 31 December is already 1 January in Kyiv (UTC+2 in winter).
    case.reported_at = datetime(2024, 12, 31, 22, 30, tzinfo=UTC)
    assert _cells(_row(case))[1] == "01.01.2025"


def test_a_confidential_case_carries_a_lock_and_a_case_with_children_a_badge(owner):
    case = register_case(owner)
    case.confidential, case.has_children = True, True
    row = _row(case)
    assert 'class="bi bi-lock-fill text-danger" title="Конфіденційно"' in row
    assert 'class="badge text-bg-info" title="Залучено дітей"' in row
    case.confidential, case.has_children = False, False
    plain = _row(case)
    assert "bi-lock-fill" not in plain and "text-bg-info" not in plain


def test_a_case_without_risk_or_responsible_shows_empty_cells_not_none(owner):
    case = register_case(owner)
    case.risk_level, case.responsible = "", None
    cells = _cells(_row(case))
    assert cells[5] == "" and cells[7] == ""
    assert "None" not in _row(case) and "risk-" not in _row(case)


def test_an_english_reader_gets_english_labels(client, owner):
    case = register_case(
        owner, incident={"occurred_at": datetime(2024, 3, 1, tzinfo=UTC), "forms": ["economic"]}
    )
    client.force_login(owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    row = _listed(client, case)
    cells = _cells(row)
    assert cells[2].endswith(" name")
    assert cells[3] == "Darnytskyi"
    assert cells[4] == "economic"
    with translation.override("en"):
        assert cells[6] == str(CaseStatus(case.status).label)
    assert 'aria-label="Show the name' in row


def test_labels_follow_the_reader_language_and_an_unknown_value_is_shown_as_is():
    with translation.override("uk"):
        ukrainian = label(CaseStatus, CaseStatus.NEW)
    with translation.override("en"):
        english = label(CaseStatus, CaseStatus.NEW)
        assert english == str(CaseStatus.NEW.label)
    assert ukrainian == "Новий" and english == "New"
    assert label(ViolenceForm, "no-such-form") == "no-such-form"


def test_whatever_ends_up_in_a_cell_is_escaped(owner):
    case = register_case(owner)
    case.number = 'КИЇВ-<script>"x"-000001'
    case.forms = ["<b>"]
    row = _row(case)
    assert "<script>" not in row and "<b>" not in row
    assert "&lt;script&gt;" in row and "&lt;b&gt;" in row
