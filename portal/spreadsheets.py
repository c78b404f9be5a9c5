"""Everything the portal writes into CSV or XLSX goes through here.

A spreadsheet treats a cell that starts with `=`, `+`, `-` or `@` (or their fullwidth forms,
or a tab/CR/LF/space that a program strips before it) as a formula: a surname typed as
`=HYPERLINK(…)` would become a live link in the coordinator's Excel (OWASP "CSV injection").
Text cells are neutralised with a leading apostrophe and stripped of control characters;
numbers and dates pass unchanged and stay typed.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO, StringIO

# OWASP CSV injection: = + - @, tab and carriage return; LF and the fullwidth forms because
# some spreadsheet programs normalise them to the ASCII characters before parsing.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Control characters other than tab, LF and CR make openpyxl raise and confuse spreadsheet
# programs; C1 controls and DEL are invisible and only ever arrive by accident or malice.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
TYPED_VALUES = (bool, int, float, Decimal, date, datetime, time, timedelta)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def safe_cell(value: object) -> object:
    """A value that a spreadsheet shows as typed and never evaluates."""
    if value is None or isinstance(value, TYPED_VALUES):
        return value
    # Lazy translations and any other object: the text a person would read.
    text = CONTROL_CHARACTERS.sub("", str(value))
    # A leading space does not protect: LibreOffice and Excel's import trim it.
    if text.startswith(FORMULA_PREFIXES) or text.lstrip(" ").startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in row]


def csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads the Cyrillic right), every cell neutralised."""
    buffer = StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[object], Iterable[Sequence[object]]]]) -> bytes:
    """An XLSX workbook of (title, header, rows) sheets, every cell neutralised."""
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=str(title)[:31])
        sheet.append(safe_row(header))
        for row in rows:
            sheet.append(safe_row(row))
        sheet.freeze_panes = "A2"
    if len(workbook.worksheets) > 1:  # a workbook needs at least one sheet
        workbook.remove(first)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def spreadsheet_response(*, fmt: str, title: str, stem: str, header, rows):
    """The download of one table as CSV or XLSX: neutralised cells, a dated attachment name,
    never cached (exports carry personal data)."""
    from django.http import HttpResponse
    from django.utils import timezone

    if fmt == "csv":
        response = HttpResponse(csv_bytes(header, rows), content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(xlsx_bytes([(title, header, rows)]), content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
