"""A notice's workbook, made to open in Excel or WPS ready to read and print: headers frozen and
repeated on each printed page, columns wide enough, counts and rates as numbers (rates formatted
as percentages), a print area, A4 pages fitted to the width; every table ends in a total row equal
to the summary, after a row for what no area or unit holds."""

from __future__ import annotations

import datetime
import io

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from accounts.exports import escape_cell
from reports.notice_content import SUMMARY

HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
BOLD = Font(bold=True)
PERCENT = "0.0%"
CHANGE_PERCENT = "+0.0%;-0.0%;0.0%"
TABLE_FIELDS = (
    ("collected", "收集难题"),
    ("solved", "已解决"),
    ("resolved", "已办结"),
    ("resolution_rate", "化解率"),
    ("completion_rate", "办结率"),
    ("open", "期末在办"),
    ("overdue", "期末超期"),
)


def _sheet(book, title: str, header: list[str], widths: list[int], landscape: bool) -> Worksheet:
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    _a4(sheet, landscape)
    return sheet


def _a4(sheet: Worksheet, landscape: bool) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5


def _finish(sheet: Worksheet) -> None:
    sheet.print_area = f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"


def _figures_row(sheet: Worksheet, first: list, counts: dict, bold: bool = False) -> None:
    sheet.append(first + [counts.get(key) for key, _label in TABLE_FIELDS])
    row = sheet[sheet.max_row]
    for cell, (key, _label) in zip(row[len(first) :], TABLE_FIELDS, strict=True):
        if key.endswith("_rate"):
            cell.number_format = PERCENT
    if bold:
        for cell in row:
            cell.font = BOLD


def summary_sheet(book, title: str, meta: list[tuple[str, str]], content: dict, basis: dict):
    sheet = book.active
    sheet.title = "汇总"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:E1")
    for label, value in meta:
        sheet.append([label, value])
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append(["指标", "本期", "上期", "增减", "口径"])
    for cell in sheet[header_row]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for key, label, kind in SUMMARY:
        now, before = content["now"].get(key), content["before"].get(key)
        change = now - before if now is not None and before is not None else None
        sheet.append([str(label), now, before, change, basis[kind]])
        if key.endswith("_rate"):
            formats = (PERCENT, PERCENT, CHANGE_PERCENT)
            for cell, fmt in zip(sheet[sheet.max_row][1:4], formats, strict=True):
                cell.number_format = fmt
    for letter, width in zip("ABCDE", (18, 12, 12, 12, 36), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    _a4(sheet, landscape=False)
    _finish(sheet)


def build(title: str, meta: list[tuple[str, str]], content: dict, basis: dict, area_name: str):
    """The workbook's bytes."""
    book = openpyxl.Workbook()
    summary_sheet(book, title, meta, content, basis)
    labels = [label for _key, label in TABLE_FIELDS]

    areas = _sheet(book, "分地区", ["地区", *labels], [18] + [11] * 7, landscape=True)
    for row in content["areas"]:
        _figures_row(areas, [escape_cell(row["name"])], row)
    if content["areas_rest"]:
        _figures_row(areas, [f"{area_name}直属（不在下级地区）"], content["areas_rest"])
    _figures_row(areas, ["合计"], content["now"], bold=True)
    _finish(areas)

    units = _sheet(book, "承办单位", ["名次", "承办单位", *labels], [6, 22] + [11] * 7, True)
    for rank, row in enumerate(content["units"], 1):
        _figures_row(units, [rank, escape_cell(row["name"])], row)
    if content["unassigned"]:
        _figures_row(units, ["", "尚未交办（无承办单位）"], content["unassigned"])
    _figures_row(units, ["", "合计"], content["now"], bold=True)
    _finish(units)

    late = _sheet(
        book,
        "期末超期清单",
        ["难题", "企业", "承办单位", "办理期限", "期末超期天数", "现状"],
        [30, 26, 18, 12, 12, 10],
        landscape=True,
    )
    for t in content["overdue_list"]:
        late.append(
            [
                escape_cell(t["title"]),
                escape_cell(t["enterprise"]),
                escape_cell(t["unit"]),
                datetime.date.fromisoformat(t["due_date"]),
                t["days"],
                "仍在办" if t["still_open"] else "已办结",
            ]
        )
    for (cell,) in late.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.number_format = "yyyy-mm-dd"
    _finish(late)

    cases = _sheet(
        book,
        "典型案例",
        ["难题", "企业", "承办单位", "办理结果", "办理经过", "答复企业"],
        [24, 22, 16, 10, 60, 40],
        landscape=True,
    )
    for case in content["cases"]:
        story = "\n".join(
            f"{s['at']} {s['who']} {s['what']}" + (f"：{s['note']}" if s["note"] else "")
            for s in case["story"]
        )
        cases.append(
            [
                escape_cell(case["title"]),
                escape_cell(case["enterprise"]),
                escape_cell(case["unit"]),
                case["outcome"],
                escape_cell(story),
                escape_cell(case["reply"]),
            ]
        )
        for cell in cases[cases.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _finish(cases)

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
