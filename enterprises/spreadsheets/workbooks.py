"""The two workbooks an import offers for download: the template (Chinese headers, required ones
starred, and a sheet of allowed values), and the uploaded sheet again with each bad cell marked."""

from __future__ import annotations

import io
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.exports import escape_cell
from enterprises.spreadsheets import reader
from enterprises.spreadsheets.safety import check_upload
from enterprises.spreadsheets.validation import RowError

RED = PatternFill("solid", fgColor="FFC7CE")


def _saved(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_headers(aliases: dict[str, list[str]], required: list[str]) -> list[str]:
    """An import template's header: each field's first alias, required ones starred. Exports
    meant to be imported back use it too."""
    return [names[0] + ("*" if f in required else "") for f, names in aliases.items()]


def template(
    title: str,
    aliases: dict[str, list[str]],
    required: list[str],
    values_title: str,
    allowed: dict[str, list[str]],
    rows: list[list] = (),
) -> bytes:
    """Each field's first alias as its header (required ones starred), then `rows` (an example's
    data). `allowed` lists values by field name, or by a label of its own: a field's column gets
    a drop-down (data validation) of them, and each list is a column of the values sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(template_headers(aliases, required))
    for row in rows:
        sheet.append([escape_cell(v) for v in row])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
    values = workbook.create_sheet(values_title)
    values.append([aliases[key][0] if key in aliases else key for key in allowed])
    for index in range(max((len(v) for v in allowed.values()), default=0)):
        values.append([escape_cell(v[index]) if index < len(v) else None for v in allowed.values()])
    fields = list(aliases)
    for position, (key, choices) in enumerate(allowed.items(), start=1):
        if key not in aliases or not choices:
            continue
        source = get_column_letter(position)
        drop_down = DataValidation(
            type="list",
            formula1=f"'{values_title}'!${source}$2:${source}${len(choices) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=str(aliases[key][0]),
            error="请从下拉列表中选择",
        )
        target = get_column_letter(fields.index(key) + 1)
        drop_down.add(f"{target}2:{target}{TEMPLATE_ROWS}")
        sheet.add_data_validation(drop_down)
    return _saved(workbook)


TEMPLATE_ROWS = 5000  # rows under the header that carry the drop-downs


def marked_copy(
    stream: BinaryIO, filename: str, header: reader.Header, errors: list[RowError], title: str
) -> bytes:
    """The uploaded sheet again, every bad cell filled red with its messages as a comment, so the
    office can correct the very cells and upload again."""
    column_of = {header.labels[f]: i for f, i in header.columns.items()}
    by_row: dict[int, dict[int, list[str]]] = {}
    for error in errors:
        cells = by_row.setdefault(error.row, {})
        cells.setdefault(column_of.get(error.column, 0), []).append(error.message)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    stream.seek(0)
    for number, values in reader.rows(stream, check_upload(stream, filename)):
        sheet.append([escape_cell(v) for v in values] or [None])
        for column, messages in by_row.get(number, {}).items():
            cell = sheet.cell(row=sheet.max_row, column=column + 1)
            cell.fill = RED
            cell.comment = Comment("；".join(messages), "校验")
    return _saved(workbook)
