""".xlsx is read with python-calamine, openpyxl being the fallback: both must give the same rows,
the way cells.py expects them, and neither may see a file the upload checks refuse."""

import datetime
import io

import openpyxl
import pytest
import python_calamine
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from enterprises import roster_import
from enterprises.spreadsheets import reader
from enterprises.spreadsheets.cells import parse_amount, parse_date, parse_int
from enterprises.spreadsheets.safety import UnsafeUpload
from tests.test_upload_safety import BILLION_LAUGHS, EXTERNAL_ENTITY, workbook_bytes

ROSTER = [
    ["2026年企业名录（带*为必填）"],
    [],
    ["企业名称*", "信用代码*", "年产值", "从业人数", "成立日期", "联系电话", "在册"],
    ["ＡＢＣ机械有限公司 ", "91350100M000100Y43", "1,200万元", 350, datetime.date(2020, 1, 2)],
    ["安澜鞋业", "91110108551385082Q", 88.5, 12.0, 43832, 13812345678, True],
    ["安澜电器", None, 0, "35人", datetime.datetime(2019, 5, 6, 8, 30), "0577-1234", False],
    [None, None, None, None, "2020年1月2日"],
]


def saved(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def roster_bytes(rows=ROSTER, *, epoch=None, first_column=1) -> bytes:
    workbook = openpyxl.Workbook()
    if epoch:
        workbook.epoch = epoch
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=first_column):
            workbook.active.cell(row=r, column=c, value=value)
    return saved(workbook)


def both(data: bytes):
    """(rows as the reader gives them, rows as openpyxl alone gives them). openpyxl reads a date
    cell as a datetime at midnight where calamine reads a date: parse_date takes either."""

    def as_calamine(value):
        midnight = isinstance(value, datetime.datetime) and value.time() == datetime.time()
        return value.date() if midnight else value

    slow = [
        (n, [as_calamine(v) for v in values])
        for n, values in reader._openpyxl_rows(io.BytesIO(data))
    ]
    return list(reader.rows(io.BytesIO(data), "xlsx")), slow


@pytest.mark.parametrize("first_column", [1, 3])
def test_calamine_and_openpyxl_give_the_same_rows(first_column):
    fast, slow = both(roster_bytes(first_column=first_column))
    assert fast == slow
    assert fast[3][1][first_column - 1 : first_column + 4] == [
        "ＡＢＣ机械有限公司 ",
        "91350100M000100Y43",
        "1,200万元",
        350,
        datetime.date(2020, 1, 2),
    ]


def test_numbers_and_dates_come_out_as_the_cell_parsers_expect():
    rows = dict(reader.rows(io.BytesIO(roster_bytes()), "xlsx"))
    assert [parse_amount(rows[n][2]) for n in (4, 5, 6)] == [1200, 88.5, 0]
    assert [parse_int(rows[n][3]) for n in (4, 5, 6)] == [350, 12, 35]
    # A date cell, a serial number (General format), a date-time and text: all the same kind.
    assert [parse_date(rows[n][4]) for n in (4, 5, 6, 7)] == [
        datetime.date(2020, 1, 2),
        datetime.date(2020, 1, 2),
        datetime.date(2019, 5, 6),
        datetime.date(2020, 1, 2),
    ]
    assert rows[5][5] == 13812345678 and isinstance(rows[5][5], int)  # a phone typed as a number
    assert rows[6][1] is None and rows[2] == [None] * 7


def test_date_cells_of_a_1904_workbook_are_read_in_its_calendar():
    data = roster_bytes([["成立日期"], [datetime.date(2020, 1, 2)]], epoch=CALENDAR_MAC_1904)
    fast, slow = both(data)
    assert fast == slow
    assert parse_date(fast[1][1][0]) == datetime.date(2020, 1, 2)


def test_formulas_openpyxl_wrote_without_cached_values_read_as_empty():
    workbook = openpyxl.Workbook()
    workbook.active.append(["企业名称", "年产值", "从业人数"])
    workbook.active.append(["甲公司", "=1+2", "=SUM(B2:B2)"])
    fast, slow = both(saved(workbook))
    assert fast == slow == [(1, ["企业名称", "年产值", "从业人数"]), (2, ["甲公司", None, None])]


def test_an_empty_sheet_has_no_rows():
    assert both(saved(openpyxl.Workbook())) == ([], [])


def test_openpyxl_reads_what_calamine_refuses(monkeypatch):
    def refuse(stream):
        raise python_calamine.CalamineError("unsupported")

    monkeypatch.setattr(python_calamine, "load_workbook", refuse)
    data = roster_bytes()
    fallback = list(reader.rows(io.BytesIO(data), "xlsx"))
    assert fallback == list(reader._openpyxl_rows(io.BytesIO(data)))
    assert fallback[3][1][4] == datetime.datetime(2020, 1, 2)


def test_the_reader_itself_expands_no_entity():
    """check_upload refuses any DTD first; behind it, calamine refuses an entity it does not
    know, and openpyxl (the fallback) parses with defusedxml."""
    data = workbook_bytes(**{"xl/worksheets/sheet1.xml": EXTERNAL_ENTITY})
    with pytest.raises(ValueError, match="invalid XML"):
        list(reader.rows(io.BytesIO(data), "xlsx"))


def test_a_refused_upload_reaches_no_parser(monkeypatch):
    def parse(*args, **kwargs):
        pytest.fail("a parser saw a file the upload checks refuse")

    monkeypatch.setattr(python_calamine, "load_workbook", parse)
    monkeypatch.setattr(openpyxl, "load_workbook", parse)
    data = workbook_bytes(**{"xl/workbook.xml": BILLION_LAUGHS})
    with pytest.raises(UnsafeUpload, match="实体"):
        roster_import.read_plan(io.BytesIO(data), "名录.xlsx")
