"""A surname typed as a formula leaves the portal as text, in CSV and in XLSX."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.cases.factories import person, register_case

FORMULA = '=HYPERLINK("http://x","y")'


def test_formula_surname_is_plain_text_in_the_csv_export(client, owner, coordinator):
    register_case(owner, victim=person(last_name=FORMULA))
    client.force_login(coordinator)
    response = client.get("/cases/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    victim = rows[1][7]
    assert victim.startswith("'=HYPERLINK(")
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_formula_surname_is_a_text_cell_in_the_xlsx_export(client, owner, coordinator):
    register_case(owner, victim=person(last_name=FORMULA))
    client.force_login(coordinator)
    response = client.get("/cases/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=8)
    assert cell.data_type != "f"
    assert cell.value.startswith("'=HYPERLINK(")
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
