"""Writing tables to .xlsx and .csv for download, safe to open in Excel, and the one step every
list export ends with (export_list: bounded, recorded in the audit trail, then the file).

A cell that begins with = + - @ (or a tab or carriage return) would be run as a formula by Excel
(formula injection); such cells get a leading apostrophe, which Excel shows as text. The import
sheets take that apostrophe off again (unescape_cell), so an exported sheet can be imported back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows per export; larger exports become a background job with the roster import (issue 4).
EXPORT_LIMIT = 50_000
FORMATS = ("xlsx", "csv")


def escape_cell(value):
    """The value as it may safely go into a spreadsheet cell."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_cell(value):
    """A cell read back from a sheet escape_cell wrote: the apostrophe it added taken off."""
    if (
        isinstance(value, str)
        and value[1:2]
        and value[0] == "'"
        and value[1:].startswith(FORMULA_STARTS)
    ):
        return value[1:]
    return value


def to_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str = "Sheet1",
    note: str | None = None,
) -> bytes:
    """One worksheet with the header row (under a note, if any); write-only mode keeps memory
    flat for long tables."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(str(header)) * 2 + 2)
    if note:
        sheet.append([escape_cell(note)])
    sheet.append([escape_cell(h) for h in headers])
    for row in rows:
        sheet.append([escape_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(headers: Sequence[str], rows: Iterable[Sequence], *, note: str | None = None) -> bytes:
    """UTF-8 with a byte-order mark, which Excel on Chinese Windows needs to show Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if note:
        writer.writerow([escape_cell(note)])
    writer.writerow([escape_cell(h) for h in headers])
    for row in rows:
        writer.writerow([escape_cell("" if value is None else value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(
    kind: str,
    headers: Sequence,
    rows: Iterable[Sequence],
    *,
    name: str,
    title: str,
    note: str | None = None,
):
    """An attachment response with the table as .xlsx or .csv, named `<name>-<date>.<kind>`;
    `note`, if given, is a line above the header (import sheets find their header below it)."""
    from django.http import HttpResponse
    from django.utils import timezone

    headers = [str(h) for h in headers]
    note = str(note) if note else None
    if kind == "xlsx":
        body = to_xlsx(headers, rows, title=str(title), note=note)
        response = HttpResponse(body, content_type=XLSX_TYPE)
    else:
        body = to_csv(headers, rows, note=note)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate()}.{kind}"'
    return response


def requested_format(request) -> str | None:
    """'xlsx' or 'csv' when the list page is asked for a file (?export=…), else None."""
    kind = request.GET.get("export")
    return kind if kind in FORMATS else None


def export_list(
    request,
    kind: str,
    items: Iterable,
    row_of: Callable[[object], Sequence],
    *,
    headers: Sequence,
    name: str,
    title: str,
    filters: dict,
    full_pii: bool,
    note: str | None = None,
):
    """The filtered list a page shows, as a file: at most EXPORT_LIMIT of `items` (a queryset,
    already scoped and filtered exactly like the page), each made a row by `row_of`; the export
    recorded in the audit trail with the list's name, the format, the rows, the filters and
    whether personal data went out in full; then the download."""
    from accounts import audit
    from pairing.replica import reading

    if isinstance(items, QuerySet):
        items = items.using(reading())  # a file of many rows: the replica's work (the audit not)
    table = [row_of(item) for item in items[:EXPORT_LIMIT]]
    audit.record(
        "export",
        request=request,
        changes={
            "list": name,
            "format": kind,
            "rows": len(table),
            "filters": {k: str(v) for k, v in filters.items() if v},
            "full_pii": full_pii,
        },
    )
    return download(kind, headers, table, name=name, title=title, note=note)
