"""Writing tables to .xlsx and .csv for download, safe to open in Excel.

A cell that begins with = + - @ (or a tab or carriage return) would be run as a formula by Excel
(formula injection); such cells get a leading apostrophe, which Excel shows as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """The value as it may safely go into a spreadsheet cell."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_xlsx(headers: Sequence[str], rows: Iterable[Sequence], *, title: str = "Sheet1") -> bytes:
    """One worksheet with a bold header row; write-only mode keeps memory flat for long tables."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(str(header)) * 2 + 2)
    sheet.append([escape_cell(h) for h in headers])
    for row in rows:
        sheet.append([escape_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a byte-order mark, which Excel on Chinese Windows needs to show Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([escape_cell(h) for h in headers])
    for row in rows:
        writer.writerow([escape_cell("" if value is None else value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(kind: str, headers: Sequence, rows: Iterable[Sequence], *, name: str, title: str):
    """An attachment response with the table as .xlsx or .csv, named `<name>-<date>.<kind>`."""
    from django.http import HttpResponse
    from django.utils import timezone

    headers = [str(h) for h in headers]
    if kind == "xlsx":
        response = HttpResponse(to_xlsx(headers, rows, title=title), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(to_csv(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate()}.{kind}"'
    return response
