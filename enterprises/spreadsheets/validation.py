"""An import sheet as its validators see it: the data rows under the header found by aliases,
each cell by field name, and every problem kept as a RowError with the row number, the column as
the sheet names it, the value and a Chinese message."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils import translation

from accounts.exports import unescape_cell
from enterprises.spreadsheets import messages, reader
from enterprises.spreadsheets.cells import CellError, fold, summary_row
from enterprises.spreadsheets.safety import check_upload


def choices_by_label(choices) -> dict[str, str]:
    """Choice values by their Chinese labels as plain text: the sheets are in Chinese whatever
    the page's language, and a lazy label compared in a dict is translated at every lookup."""
    with translation.override(None):
        return {str(label): value for value, label in choices}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    message: str  # in Chinese, for the error workbook and for readers of older records
    code: str = ""  # the message's code in spreadsheets.messages, worded for the page's reader
    params: dict = field(default_factory=dict)


class Planned:
    """What every import's plan answers: whether it may be committed, and its counts. The plan
    (a dataclass) holds `create`, `update`, `unchanged` and `errors`."""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        created, updated = len(self.create), len(self.update)
        return {"created": created, "updated": updated, "unchanged": self.unchanged}


@dataclass(frozen=True)
class Sheet:
    header: reader.Header
    rows: list[tuple[int, list]]  # (row number, values) under the header, blank rows left out
    # (row number, 合计/总计/小计/其中) of the totals rows left out
    skipped: tuple[tuple[int, str], ...] = ()


def read_sheet(
    stream: BinaryIO, filename: str, aliases: dict[str, list[str]], required: list[str]
) -> Sheet:
    """The upload checked for safety, then read; UnsafeUpload or UnreadableSheet say why not."""
    return sheet_from_rows(
        list(reader.rows(stream, check_upload(stream, filename))), aliases, required
    )


def sheet_from_rows(
    all_rows: list[tuple[int, list]], aliases: dict[str, list[str]], required: list[str]
) -> Sheet:
    """The header found by aliases among (row number, values) already read, e.g. the rows of the
    admin's import screen; UnreadableSheet when the required columns are not there."""
    header = reader.find_header(all_rows, aliases, required)
    data, skipped = [], []
    for number, values in all_rows:
        if number <= header.row or not any(fold(x) for x in values):
            continue
        summary = summary_row(values)
        if summary:
            skipped.append((number, summary))
        else:
            data.append((number, values))
    return Sheet(header, data, tuple(skipped))


class SheetRow:
    """One data row: its cells by field name; fail() adds an error for a field's cell."""

    def __init__(self, number: int, values: list, sheet: Sheet, aliases, errors: list[RowError]):
        self.number, self.values, self.header = number, values, sheet.header
        self.aliases, self.errors = aliases, errors
        self._before = len(errors)

    def has(self, name: str) -> bool:
        return name in self.header.columns

    def cell(self, name: str):
        """The field's cell; text an export escaped against formulas ('=…) comes back as it was."""
        index = self.header.columns.get(name)
        if index is None or index >= len(self.values):
            return None
        return unescape_cell(self.values[index])

    def text(self, name: str) -> str:
        return fold(self.cell(name))

    def label(self, name: str) -> str:
        return self.header.labels.get(name, self.aliases[name][0])

    def fail_with(self, name: str, code: str, **params) -> None:
        """An error of the field's cell by its message code (messages.py) and parameters."""
        self.fail(name, messages.source(code, params), code=code, params=params)

    def fail(self, name: str, message: str, *, code: str = "", params: dict | None = None) -> None:
        """An error of the field's cell: its message in Chinese and, when it has one, the code
        and parameters that word it for the page's reader (messages.py)."""
        row_error = RowError(
            self.number, self.label(name), self.text(name), message, code, params or {}
        )
        self.errors.append(row_error)

    def parse(self, name: str, parser):
        """The cell through a cells.py parser; None, and an error, when it cannot be read."""
        try:
            return parser(self.cell(name))
        except CellError as exc:
            self.fail(name, str(exc), code=exc.code, params=exc.params)
            return None

    @property
    def ok(self) -> bool:
        return len(self.errors) == self._before
