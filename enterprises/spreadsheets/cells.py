"""Reading the values that office spreadsheets really hold: stray and full-width characters,
amounts with units and separators, dates as text in several forms or as Excel serial numbers.

Each parser returns a clean value or raises CellError with a message code for the error report.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from itertools import islice

from enterprises.spreadsheets import messages

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's 1900 leap bug


class CellError(ValueError):
    """A cell that cannot be read: a message code and its parameters (messages.py); str() is the
    message in Chinese for the person who filled it in."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(messages.source(code, params))


# Full-width ASCII (U+FF01–FF5E) to half-width, and the ideographic space to a space.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_WIDE = re.compile("[\uff01-\uff5e\u3000]")


def fold(value) -> str:
    """Text with full-width ASCII folded to half-width, the ideographic space to a space, runs of
    white space to one, and no white space at the ends. None and numbers become text."""
    if value is None:
        return ""
    if type(value) is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    if _WIDE.search(value):  # most cells have nothing to fold: skip translating them
        value = value.translate(_HALF_WIDTH)
    return " ".join(value.split())  # split() takes the same white space as the regex \s


def is_blank(value) -> bool:
    """fold(value) == "", without folding."""
    return value is None or (type(value) is str and not value.strip())


# Multipliers into 万元, the unit the roster keeps amounts in.
_UNITS = {
    "亿元": Decimal(10000),
    "亿": Decimal(10000),
    "万元": Decimal(1),
    "万": Decimal(1),
    "元": Decimal("0.0001"),
}
_AMOUNT = re.compile(r"^(-?[\d,]*\.?\d+)\s*(亿元|亿|万元|万|元)?$")


def parse_amount(value, *, default_unit: str = "万元") -> Decimal | None:
    """'1,200万元' → 1200; '1.5亿' → 15000; '350000元' → 35; a bare number is in `default_unit`.
    Empty → None."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value)) * _UNITS[default_unit]
    text = fold(value).replace("，", ",").replace(" ", "")
    if not text:
        return None
    match = _AMOUNT.match(text)
    if not match:
        raise CellError("not_amount", value=fold(value))
    try:
        number = Decimal(match.group(1).replace(",", ""))
    except InvalidOperation as exc:
        raise CellError("not_amount_number", value=fold(value)) from exc
    return number * _UNITS[match.group(2) or default_unit]


_DATE_TEXT = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def parse_date(value) -> datetime.date | None:
    """A date from a datetime, an Excel serial number, or text like 2020-1-2, 2020/01/02,
    2020.1.2, 2020年1月2日, 20200102. Empty → None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # up to 9999-12-31
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError("bad_date_serial", value=str(value))
    text = fold(value).split(" ")[0]
    if text.isdigit() and len(text) <= 5:
        return parse_date(int(text))
    for pattern in _DATE_TEXT:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError as exc:
                raise CellError("no_such_date", value=fold(value)) from exc
    raise CellError("not_date", value=fold(value))


def parse_int(value) -> int | None:
    """A whole number, allowing separators, a minus sign and a trailing 人/个 (a negative count
    is read, so that the plausibility check can say what is wrong with it). Empty → None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = fold(value).replace(",", "").removesuffix("人").removesuffix("个")
    if not text:
        return None
    if not text.removeprefix("-").isdigit():
        raise CellError("not_integer", value=fold(value))
    return int(text)


_ASCII_BRACKETS = str.maketrans("()", "（）")


def registered_name(value) -> str:
    """A registered name as the registry writes it: folded like any text, but with full-width
    brackets （）, which fold() would have made ASCII (宏通阀门（集团）有限公司)."""
    return fold(value).translate(_ASCII_BRACKETS)


# A row an office adds under (or among) its data: 合计, 总计, 小计, or a breakdown line
# such as 其中：规上企业. Spaces inside (合 计) are common.
_SUMMARY = re.compile(r"^(合计|总计|小计|其中)")


def summary_row(values) -> str | None:
    """'合计', '总计', '小计' or '其中' when one of the row's first two filled cells says so
    (the first may be a 序号), else None."""
    filled = (value for value in values if not is_blank(value))
    for value in islice(filled, 2):
        if type(value) is str:
            match = _SUMMARY.match(fold(value).replace(" ", ""))
            if match:
                return match.group(1)
    return None
