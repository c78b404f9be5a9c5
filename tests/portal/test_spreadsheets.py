"""portal.spreadsheets: a cell typed by a person never becomes a formula."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portal.spreadsheets import csv_bytes, safe_cell, safe_row, xlsx_bytes


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x","y")',
        "+380671234567",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        "\n=1+1",
        "\uff1dHYPERLINK()",  # fullwidth =
        "\uff0b1",
        "\uff0d1",
        "\uff20SUM(A1)",
        "  =1+1",
    ],
)
def test_text_that_a_spreadsheet_would_evaluate_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


def test_ordinary_text_is_left_as_typed():
    assert safe_cell("Ковальчук Ірина") == "Ковальчук Ірина"
    assert safe_cell("a=b") == "a=b"
    assert safe_cell("") == ""


def test_control_characters_are_removed_before_the_check():
    assert safe_cell("Ко\x00валь\x1bчук\x7f") == "Ковальчук"
    assert safe_cell("\x00=1+1") == "'=1+1"
    assert safe_cell("рядок\nдругий") == "рядок\nдругий"


@pytest.mark.parametrize(
    "value",
    [None, 0, -5, 3.5, -12.5, True, Decimal("-1.50"), date(2024, 2, 29), datetime(2024, 1, 1, 9)],
)
def test_numbers_and_dates_pass_unchanged(value):
    assert safe_cell(value) is value


def test_other_objects_become_their_neutralised_text():
    class Name:
        def __str__(self):
            return "=cmd"

    assert safe_row([Name(), 1]) == ["'=cmd", 1]


def test_csv_is_utf8_with_a_bom_and_every_cell_neutralised():
    data = csv_bytes(["Прізвище", "Вік"], [["=1+1", 42]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Прізвище", "Вік"], ["'=1+1", "42"]]


def test_xlsx_writes_text_cells_not_formulas_and_keeps_numbers_typed():
    data = xlsx_bytes(
        [("Випадки", ["=title"], [['=HYPERLINK("http://x","y")', -3, date(2024, 5, 1)]])]
    )
    sheet = load_workbook(io.BytesIO(data))["Випадки"]
    assert sheet["A1"].value == "'=title"
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == '\'=HYPERLINK("http://x","y")'
    assert sheet["B2"].value == -3 and sheet["B2"].data_type == "n"
    assert sheet["C2"].is_date
