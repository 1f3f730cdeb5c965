"""Reading rosters as offices keep them: .xlsx, .xls, CSV in UTF-8 (with or without BOM) and GBK,
headers found by alias below a title row, full-width text, amounts with units, dates in any form."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import xlwt

from enterprises.spreadsheets.cells import (
    CellError,
    fold,
    is_blank,
    parse_amount,
    parse_date,
    parse_int,
)
from enterprises.spreadsheets.reader import UnreadableSheet, find_header, rows

ALIASES = {
    "name": ["企业名称", "单位名称", "名称"],
    "uscc": ["统一社会信用代码", "信用代码", "社会信用代码"],
    "output": ["年产值（万元）", "年产值", "产值"],
    "founded": ["成立日期", "成立时间"],
}
TABLE = [
    ["2026年安澜市重点企业名单", None, None, None],
    [" 单位名称 ", "信用代码*", "年产值", "成立时间"],
    ["ＡＢＣ机械有限公司", "91350100M000100Y43", "1,200万元", "2020-1-2"],
    ["安澜鞋业有限公司", "91110108551385082Q", 350, datetime.datetime(2019, 5, 6)],
]


def xlsx_bytes(table):
    wb = openpyxl.Workbook()
    for row in table:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return io.BytesIO(out.getvalue())


def xls_bytes(table):
    book = xlwt.Workbook()
    sheet = book.add_sheet("名单")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if isinstance(value, datetime.datetime):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return io.BytesIO(out.getvalue())


def csv_bytes(table, encoding):
    lines = [",".join("" if v is None else f'"{v}"' for v in row) for row in table]
    return io.BytesIO("\r\n".join(lines).encode(encoding))


@pytest.mark.parametrize(
    ("kind", "make"),
    [
        ("xlsx", xlsx_bytes),
        ("xls", xls_bytes),
        ("csv", lambda t: csv_bytes(t, "utf-8-sig")),
        ("csv", lambda t: csv_bytes(t, "utf-8")),
        ("csv", lambda t: csv_bytes(t, "gb18030")),
    ],
)
def test_every_format_gives_the_same_rows_under_a_header_found_by_alias(kind, make):
    table = [[fold(v) if isinstance(v, str) else v for v in row] for row in TABLE]
    if kind == "csv":
        table[3][3] = "2019/05/06"
    all_rows = list(rows(make(table if kind == "csv" else TABLE), kind))
    header = find_header(all_rows, ALIASES, required=["name", "uscc"])
    assert header.row == 2
    assert header.columns == {"name": 0, "uscc": 1, "output": 2, "founded": 3}
    data = [values for number, values in all_rows if number > header.row]
    assert [fold(v[0]) for v in data] == ["ABC机械有限公司", "安澜鞋业有限公司"]
    assert [parse_amount(v[2]) for v in data] == [Decimal(1200), Decimal(350)]
    assert [parse_date(v[3]) for v in data] == [
        datetime.date(2020, 1, 2),
        datetime.date(2019, 5, 6),
    ]


def test_a_sheet_without_the_required_columns_is_refused_with_the_reason():
    with pytest.raises(UnreadableSheet, match="统一社会信用代码"):
        find_header(
            [(1, ["企业名称", "地址"]), (2, ["甲公司", "某路1号"])], ALIASES, ["name", "uscc"]
        )


def test_a_csv_in_an_unknown_encoding_is_refused():
    with pytest.raises(UnreadableSheet, match="编码"):
        list(rows(io.BytesIO(b"\xff\xfe\x00\xd8bad"), "csv"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,200万元", Decimal(1200)),
        ("１，２００万", Decimal(1200)),
        ("1.5亿", Decimal(15000)),
        ("350000元", Decimal(35)),
        (" 88 ", Decimal(88)),
        (12.5, Decimal("12.5")),
        ("", None),
        (None, None),
    ],
)
def test_amounts_are_read_into_ten_thousands_of_yuan(raw, expected):
    assert parse_amount(raw) == expected


@pytest.mark.parametrize("raw", ["一千万", "12万美元", "1.2.3", "abc"])
def test_things_that_are_not_amounts_are_refused_in_chinese(raw):
    with pytest.raises(CellError, match="不是金额"):
        parse_amount(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020-1-2", datetime.date(2020, 1, 2)),
        ("2020/01/02", datetime.date(2020, 1, 2)),
        ("2020.1.2", datetime.date(2020, 1, 2)),
        ("2020年1月2日", datetime.date(2020, 1, 2)),
        ("20200102", datetime.date(2020, 1, 2)),
        (43832, datetime.date(2020, 1, 2)),
        ("43832", datetime.date(2020, 1, 2)),
        (datetime.datetime(2020, 1, 2, 8, 0), datetime.date(2020, 1, 2)),
        ("２０２０－０１－０２", datetime.date(2020, 1, 2)),
        ("2020-01-02 00:00:00", datetime.date(2020, 1, 2)),
        ("", None),
    ],
)
def test_dates_in_every_office_form(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "words"), [("2020-2-30", "不是存在的日期"), ("明年", "不是日期"), (-5, "日期序号")]
)
def test_impossible_dates_are_refused(raw, words):
    with pytest.raises(CellError, match=words):
        parse_date(raw)


def test_whole_numbers_allow_separators_and_units():
    assert [parse_int(v) for v in ["1,200", "35人", 12.0, 7, ""]] == [1200, 35, 12, 7, None]
    with pytest.raises(CellError, match="不是整数"):
        parse_int("十二")


def test_fold_cleans_office_text():
    assert fold("\u3000ＡＢＣ　 有限公司 ") == "ABC 有限公司"
    assert fold(12.0) == "12" and fold(None) == ""


@pytest.mark.parametrize(
    "value",
    [None, "", "  ", "\u3000", "\t\n", "Ａ", " x ", 0, 0.0, False, datetime.date(2020, 1, 2)],
)
def test_a_blank_cell_is_one_that_folds_to_nothing(value):
    assert is_blank(value) == (fold(value) == "")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  安澜\t鞋业\n有限公司 ", "安澜 鞋业 有限公司"),
        ("ＡＢＣ\u3000１２３（集团）", "ABC 123(集团)"),
        ("甲\u00a0\u2003乙", "甲 乙"),
        (1200.0, "1200"),
        (12.5, "12.5"),
        (None, ""),
    ],
)
def test_fold_evens_out_widths_and_white_space(raw, expected):
    assert fold(raw) == expected
