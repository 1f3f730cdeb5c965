"""Rows out of .xlsx, .xls and .csv files, and the header row found by its aliases.

Call safety.check_upload first: it refuses hostile files and says which kind a file is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from enterprises.spreadsheets.cells import fold

HEADER_SEARCH_ROWS = 10  # office sheets put a title or a note above the header


class UnreadableSheet(ValueError):
    """The file as a whole cannot be read as a roster; str() says why, in Chinese. `header`:
    the likeliest header row when the required columns were not found in it, so a page can
    offer to map its unknown cells."""

    def __init__(self, message: str, header: Header | None = None):
        super().__init__(message)
        self.header = header


class Rows:
    """(row number as the office user sees it, cell values) for every row of the first sheet,
    read as they are iterated, so a province's roster is never all in memory as Python lists.
    `total` is how many rows the sheet says it has, for a progress bar (for CSV, its lines)."""

    def __init__(self, total: int, pairs: Iterator[tuple[int, list]]):
        self.total, self._pairs = total, pairs

    def __iter__(self) -> Iterator[tuple[int, list]]:
        return self._pairs


def rows(stream: BinaryIO, kind: str) -> Rows:
    if kind == "xlsx":
        return _xlsx_rows(stream)
    if kind == "xls":
        return _xls_rows(stream)
    if kind == "csv":
        return _csv_rows(stream)
    raise UnreadableSheet(f"不支持的文件类型：{kind}")


def _xlsx_rows(stream) -> Rows:
    """python-calamine (Rust) reads a sheet about ten times faster than openpyxl; openpyxl reads
    what calamine refuses. Either only ever sees a file check_upload passed."""
    import python_calamine

    try:
        sheet = python_calamine.load_workbook(stream).get_sheet_by_index(0)
    except python_calamine.CalamineError:
        stream.seek(0)
        return _openpyxl_rows(stream)
    if sheet.start is None:  # an empty sheet; calamine's iterator needs a start
        return Rows(0, iter(()))
    return Rows(sheet.end[0] + 1, _calamine_rows(sheet))


def _calamine_rows(sheet):
    """Rows as openpyxl gives them, which cells.py expects: from column A even when the sheet's
    first columns are empty (calamine's iterator starts rows at row 1 but columns at the first
    one used), None for an empty cell (calamine says ''), and whole numbers as int (calamine
    reads every number as a float). A date cell comes as a date where openpyxl gives a datetime
    at midnight; parse_date takes either."""
    padding = [None] * sheet.start[1]
    for number, values in enumerate(sheet.iter_rows(), start=1):
        yield (
            number,
            padding
            + [
                None if v == "" else int(v) if type(v) is float and v.is_integer() else v
                for v in values
            ],
        )


def _openpyxl_rows(stream) -> Rows:
    import openpyxl

    workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]

    def pairs():
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(values)
        finally:
            workbook.close()

    return Rows(sheet.max_row or 0, pairs())


def _xls_rows(stream) -> Rows:
    import xlrd

    book = xlrd.open_workbook(file_contents=stream.read())
    sheet = book.sheet_by_index(0)

    def pairs():
        for index in range(sheet.nrows):
            values = []
            for cell in sheet.row(index):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    values.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype == xlrd.XL_CELL_EMPTY:
                    values.append(None)
                else:
                    values.append(cell.value)
            yield index + 1, values

    return Rows(sheet.nrows, pairs())


def _csv_rows(stream) -> Rows:
    """Comma- or tab-separated text (Excel's "Unicode text" is UTF-16 with tabs), in UTF-8,
    UTF-16 (with its BOM) or GBK/GB18030."""
    data = stream.read()
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ()
    for encoding in (*encodings, "utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableSheet("CSV文件的编码无法识别，请另存为 UTF-8 或 GBK 编码。")
    # Tabs or commas, whichever the first lines (a title, then the header) hold more of.
    head = text[:4096]
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    lines = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return Rows(text.count("\n") + 1, enumerate(lines, start=1))


@dataclass(frozen=True)
class Header:
    row: int  # the header's row number
    columns: dict[str, int]  # field → column index
    labels: dict[str, str]  # field → the header text as the sheet wrote it
    # column index → header text of the filled header cells no field took, for the preview
    unused: dict[int, str] = field(default_factory=dict)


def find_header(
    first_rows: list[tuple[int, list]], aliases: dict[str, list[str]], required: list[str]
) -> Header:
    """The row among the first few whose cells name the most fields (by any alias), or
    UnreadableSheet naming the required columns that no row has."""
    lookup = {
        header_key(alias): name for name, aliases_of in aliases.items() for alias in aliases_of
    }
    best: Header | None = None
    for number, values in first_rows[:HEADER_SEARCH_ROWS]:
        columns, labels, unused = {}, {}, {}
        for index, value in enumerate(values):
            key = header_key(value)
            # 营业收入（万元）, 2025年营业收入: the unit and the year do not change the column.
            name = lookup.get(key) or lookup.get(_QUALIFIERS.sub("", key))
            if name and name not in columns:
                columns[name] = index
                labels[name] = fold(value)
            elif fold(value):
                unused[index] = fold(value)
        if best is None or len(columns) > len(best.columns):
            best = Header(number, columns, labels, unused)
    missing = [name for name in required if best is None or name not in best.columns]
    if missing:
        wanted = "、".join(aliases[name][0] for name in missing)
        raise UnreadableSheet(
            f"找不到表头（前{HEADER_SEARCH_ROWS}行中没有“{wanted}”列），请使用导入模板的表头。",
            best if best is not None and best.columns else None,
        )
    return best


_QUALIFIERS = re.compile(r"^\d{4}年度?|\([^()]*\)$")


def header_key(value) -> str:
    """Header text compared without spaces, punctuation widths, case, or a trailing * (required)."""
    return fold(value).replace(" ", "").rstrip("*＊").lower()
