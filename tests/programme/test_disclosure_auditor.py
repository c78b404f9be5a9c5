"""An attacker's audit of everything the figures publish.

From the published output alone (the report's JSON, the report and statistics page context,
the orders statistics JSON) the auditor writes down what an outsider knows: "<5" is 1..4, "x"
is 5 or more (it would be "<5" otherwise), the columns add up to their published totals. For
every hidden cell it then asks a linear program for the smallest and largest value it can have.
A "<5" must still be anything from 1 to 4, an "x" must not be pinned. The charts are read back
from their SVG: every hidden value is the same stub, and the scale is that of the shown values.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string

from orders import services as order_services
from portal.disclosure import LESS_THAN_FIVE, WITHHELD, is_hidden
from portal.models import District
from programme.figures import period_for
from programme.report import report_context
from tests.cases.factories import person, register_case
from tests.orders.factories import share_case_with

scipy_optimize = pytest.importorskip("scipy.optimize")

KYIV = ZoneInfo("Europe/Kyiv")
SIDES = ("current", "previous")

# Cases per district, Jan–Sep 2024 and Jan–Sep 2023: big districts and many small cells.
CURRENT = {
    "darnytskyi": 14,
    "desnianskyi": 9,
    "dniprovskyi": 6,
    "obolonskyi": 3,
    "pecherskyi": 1,
    "podilskyi": 5,
    "holosiivskyi": 2,
}
PREVIOUS = {"darnytskyi": 11, "desnianskyi": 4, "dniprovskyi": 7, "pecherskyi": 2, "podilskyi": 1}
CHANNELS = ["phone"] * 5 + ["police", "hotline", "school"]
FORMS = [["physical"], ["psychological"], ["physical", "psychological"], ["economic"]]


@pytest.fixture
def small_cells(owner, police):
    n = 0
    for year, counts in ((2024, CURRENT), (2023, PREVIOUS)):
        for district, count in counts.items():
            for i in range(count):
                n += 1
                when = datetime(year, 1 + n % 9, 1 + n % 27, 12, tzinfo=KYIV)
                case = register_case(
                    owner,
                    district_id=District.objects.get(slug=district).pk,
                    channel=CHANNELS[n % len(CHANNELS)],
                    reported_at=when,
                    victim=person(
                        last_name=f"Особа{n}",
                        sex="M" if n % 11 == 0 else "F",
                        birth_date=date(2010, 1, 1) if n % 13 == 0 else date(1960 + n % 40, 1, 1),
                    ),
                    incident={"occurred_at": when - timedelta(hours=1), "forms": FORMS[n % 4]},
                    children_service_notified=n % 13 == 0,
                )
                if i < 3 and (year == 2024 or i == 0):
                    share_case_with(police, case)
                    order_services.order_issue_urgent(
                        actor=police,
                        number=f"ТЗП-{n}",
                        issued_at=when + timedelta(hours=1),
                        ends_at=when + timedelta(days=5),
                        measures=["no_contact"],
                        initiated_by="victim" if n % 5 == 0 else "police",
                        case_number=case.number,
                    )


# --- the attacker -------------------------------------------------------------------------


def _relations(figures: dict) -> list[tuple[str, list[str]]]:
    """What anyone reading the report knows adds up: (total, parts), per side."""
    cases = figures["cases"]
    relations = []
    for side in SIDES:
        for table, total in (
            ("by_district", "registered"),
            ("by_channel", "registered"),
            ("victim_sex", "victims"),
            ("victim_age", "victims"),
        ):
            relations.append(
                (
                    f"cases.{total}.{side}",
                    [f"cases.{table}.{key}.{side}" for key in cases[table]],
                )
            )
        relations.append(
            (
                f"orders.urgent.{side}",
                [
                    f"orders.urgent_police_initiative.{side}",
                    f"orders.urgent_on_application.{side}",
                    f"orders.urgent_initiator_not_recorded.{side}",
                ],
            )
        )
        relations.append(
            (
                f"referrals.shelter_placements.{side}",
                [f"referrals.shelter_persons.{side}", f"referrals.crisis_room_persons.{side}"],
            )
        )
    return relations


def _flatten(figures: dict) -> dict[str, object]:
    cells = {}
    for section in ("cases", "orders", "referrals"):
        for key, value in figures[section].items():
            if "current" in value:
                for side in SIDES:
                    cells[f"{section}.{key}.{side}"] = value[side]
            else:
                for sub, change in value.items():
                    for side in SIDES:
                        cells[f"{section}.{key}.{sub}.{side}"] = change[side]
    return cells


def _feasible_ranges(cells: dict, relations: list[tuple[str, list[str]]]) -> dict:
    """{hidden cell: (min, max)} over everything the relations and the markers allow."""
    hidden = sorted(k for k, v in cells.items() if is_hidden(v))
    index = {k: i for i, k in enumerate(hidden)}
    bounds = [(1, 4) if cells[k] == LESS_THAN_FIVE else (5, None) for k in hidden]
    rows, rhs = [], []
    for total, parts in relations:
        row, constant = [0.0] * len(hidden), 0.0
        for key, sign in [(total, 1.0)] + [(p, -1.0) for p in parts]:
            if key in index:
                row[index[key]] += sign
            else:
                constant -= sign * (cells[key] or 0)
        if any(row):
            rows.append(row)
            rhs.append(constant)
        else:
            assert constant == 0, f"{total} does not add up"
    ranges = {}
    for key, i in index.items():
        objective = [0.0] * len(hidden)
        found = []
        for sign in (1.0, -1.0):
            objective[i] = sign
            result = scipy_optimize.linprog(
                objective, A_eq=rows or None, b_eq=rhs or None, bounds=bounds, method="highs"
            )
            if result.status == 3:  # unbounded
                found.append(float("inf"))
            else:
                assert result.status == 0, result.message
                found.append(sign * result.fun)
        ranges[key] = (found[0], found[1])
    return ranges


def _audit(cells: dict, relations) -> int:
    ranges = _feasible_ranges(cells, relations)
    for key, (low, high) in ranges.items():
        if cells[key] == LESS_THAN_FIVE:
            assert low <= 1 + 1e-6 and high >= 4 - 1e-6, f"{key} narrowed to {low}..{high}"
        else:
            assert high - low >= 1 - 1e-6, f"{key} pinned to {low}"
    return len(ranges)


def _assert_no_change_on_a_hidden_count(figures: dict) -> None:
    for section in ("cases", "orders", "referrals"):
        for value in figures[section].values():
            for change in [value] if "current" in value else value.values():
                if is_hidden(change["current"]) or is_hidden(change["previous"]):
                    assert (change["diff"], change["pct"]) == (None, None)


def _bars(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)  # noqa: S314 (our own chart, built from escaped text)
    return [
        rect
        for rect in root.iter("{http://www.w3.org/2000/svg}rect")
        if rect.get("height") == "9"  # the bars, not the legend or the hatch
    ]


def _assert_chart_tells_nothing_about_hidden_values(svg: str, rows: list[dict]) -> None:
    values = [row[side] for row in rows for side in SIDES]
    bars = _bars(svg)
    assert len(bars) == len(values)
    stubs = {
        (b.get("width"), b.get("height"), b.get("fill"))
        for b, v in zip(bars, values, strict=True)
        if is_hidden(v)
    }
    assert len(stubs) <= 1, stubs  # one and the same stub for every hidden value
    shown = [
        (float(b.get("width")), v) for b, v in zip(bars, values, strict=True) if not is_hidden(v)
    ]
    peak = max([v for _, v in shown] + [1])
    for width, value in shown:
        # The scale is set by the largest shown value, whatever hides behind a stub.
        assert abs(width - value * (640 - 170 - 60) / peak) < 0.1


# --- the audits -----------------------------------------------------------------------------


def test_no_suppressed_cell_of_the_report_json_can_be_worked_out(small_cells, capsys):
    call_command("programme_report", "--year", "2024", "--months", "9", "--format", "json")
    figures = json.loads(capsys.readouterr().out)
    cells = _flatten(figures)
    assert LESS_THAN_FIVE in cells.values() and WITHHELD in cells.values()
    assert _audit(cells, _relations(figures)) >= 10
    _assert_no_change_on_a_hidden_count(figures)
    for side in SIDES:
        pct = figures["cases"]["repeat_victims_pct"][side]
        if pct is not None:
            assert not is_hidden(figures["cases"]["victims"][side])


def test_the_report_tables_charts_and_pdf_template_publish_only_protected_figures(small_cells):
    context = report_context(period_for("months", 2024, months=9))
    figures = {k: context[k] for k in ("cases", "orders", "referrals")}
    _audit(_flatten(figures), _relations(figures))
    _assert_no_change_on_a_hidden_count(figures)
    districts = dict(District.objects.values_list("name", "slug"))
    for row in context["tables"]["district"]:
        published = figures["cases"]["by_district"].get(districts[row["label"]])
        assert (row["current"], row["previous"]) == (
            (published["current"], published["previous"]) if published else (0, 0)
        )
        assert set(row) == {"label", "current", "previous", "pct"}  # nothing exact rides along
    for key in ("district", "form"):
        _assert_chart_tells_nothing_about_hidden_values(
            context["charts"][key], context["tables"][key]
        )
    html = render_to_string("programme/report_pdf.html", context)
    assert 'data-suppressed="true"' in html
    assert "Особа" not in html


def test_the_statistics_page_for_the_secretariat_is_audited_too(client, secretariat, small_cells):
    client.force_login(secretariat)
    page = client.get("/programme/statistics/", {"kind": "9months", "year": 2024})
    assert page.status_code == 200
    figures = {k: page.context[k] for k in ("cases", "orders", "referrals")}
    _audit(_flatten(figures), _relations(figures))
    _assert_chart_tells_nothing_about_hidden_values(
        page.context["charts"]["district"], page.context["tables"]["district"]
    )
    free = {"kind": "custom", "start": "2024-01-01", "end": "2024-09-29"}
    assert client.get("/programme/statistics/", free).status_code == 400


def test_the_orders_statistics_json_cannot_be_worked_out_either(client, secretariat, small_cells):
    client.force_login(secretariat)
    data = client.get("/orders/statistics/", {"as_of": "2024-09-30", "format": "json"}).json()
    cells, relations = {}, []
    for side in SIDES:
        for kind in ("urgent", "restrictive", "breaches"):
            cells[f"{side}.{kind}"] = data[side][kind]
            parts = []
            for slug, counts in data[side]["by_district"].items():
                cells[f"{side}.{kind}.{slug}"] = counts[kind]
                parts.append(f"{side}.{kind}.{slug}")
            relations.append((f"{side}.{kind}", parts))
    assert LESS_THAN_FIVE in cells.values()
    assert _audit(cells, relations) >= 2
    for kind, pct in data["change_pct"].items():
        if pct is not None:
            assert not is_hidden(data["current"][kind]) and not is_hidden(data["previous"][kind])


def test_the_pdf_renders_with_the_stubs_and_the_markers(small_cells):
    from io import BytesIO

    from pypdf import PdfReader

    from programme.report import render_pdf

    pdf = render_pdf(period_for("months", 2024, months=9))
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "<5" in text
    assert "Особа" not in text
