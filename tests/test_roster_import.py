"""The roster import: every row validated and reported by row and column, a plan of what would
change, an all-or-nothing commit that upserts by USCC, and a second import that changes nothing."""

import io

import openpyxl
import pytest
from django.utils import translation

from accounts.models import AuditEntry, OrgUnit
from enterprises import roster_import
from enterprises.models import Enterprise
from enterprises.spreadsheets.reader import UnreadableSheet
from tests import factories as f

pytestmark = pytest.mark.django_db
HEADER = [
    "企业名称",
    "统一社会信用代码",
    "镇街",
    "行业",
    "规模",
    "年产值",
    "从业人数",
    "生产状态",
    "联系电话",
    "成立日期",
    "标签",
]
CODE_A, CODE_B = f.make_uscc(900001), f.make_uscc(900002)


@pytest.fixture
def towns():
    """A town; industries (C34) and tags (规上工业) come with the reference-data migration."""
    return f.make_unit(name="云溪镇", kind=OrgUnit.Kind.TOWN)


def workbook(*rows, title=True):
    wb = openpyxl.Workbook()
    if title:
        wb.active.append(["2026年企业名录（填报说明：带*为必填）"])
    wb.active.append(HEADER)
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


GOOD = [
    [
        "云溪精工机械有限公司",
        CODE_A,
        "云溪镇",
        "C34",
        "中型",
        "1,200万元",
        "350人",
        "正常生产",
        "13812345678",
        "2015年3月1日",
        "规上工业",
    ],
    ["云溪小微贸易有限公司", CODE_B, "云溪镇", "", "", "", "", "", "", "", ""],
]


def test_a_good_roster_is_planned_then_committed(towns):
    plan = roster_import.read_plan(workbook(*GOOD), "名录.xlsx")
    assert plan.ok and plan.rows == 2 and len(plan.create) == 2
    assert Enterprise.objects.count() == 0  # planning writes nothing
    user = f.make_user("admin")
    assert roster_import.commit(plan, actor=user, filename="名录.xlsx") == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    a = Enterprise.objects.get(uscc=CODE_A)
    assert (a.scale, a.annual_output, a.employees, str(a.founded)) == (
        "medium",
        1200,
        350,
        "2015-03-01",
    )
    assert [t.name for t in a.tags.all()] == ["规上工业"]
    assert AuditEntry.objects.get(action="import").changes["created"] == 2


def test_importing_the_same_file_twice_changes_nothing(towns):
    user = f.make_user("admin")
    roster_import.commit(roster_import.read_plan(workbook(*GOOD), "a.xlsx"), actor=user)
    again = roster_import.read_plan(workbook(*GOOD), "a.xlsx")
    assert (len(again.create), len(again.update), again.unchanged) == (0, 0, 2)


def test_a_changed_row_updates_by_uscc(towns):
    user = f.make_user("admin")
    roster_import.commit(roster_import.read_plan(workbook(*GOOD), "a.xlsx"), actor=user)
    changed = [list(GOOD[0]), GOOD[1]]
    changed[0][7] = "停产"
    changed[0][10] = ""
    plan = roster_import.read_plan(workbook(*changed), "a.xlsx")
    assert (len(plan.update), plan.unchanged) == (1, 1)
    roster_import.commit(plan, actor=user)
    a = Enterprise.objects.get(uscc=CODE_A)
    assert a.production_status == "stopped" and not a.tags.exists()
    assert Enterprise.objects.count() == 2


def test_every_bad_row_is_reported_by_row_and_column_and_nothing_is_written(towns):
    bad = [
        ["", CODE_A, "云溪镇"] + [""] * 8,
        ["甲公司", CODE_A[:-1] + ("0" if CODE_A[-1] != "0" else "1"), "云溪镇"] + [""] * 8,
        [
            "乙公司",
            f.make_uscc(900003),
            "不存在镇",
            "Z99",
            "超大型",
            "很多",
            "十个",
            "倒闭",
            "",
            "明年",
            "神秘",
        ],
        GOOD[1],
        ["丙公司", CODE_B, "云溪镇"] + [""] * 8,
    ]
    plan = roster_import.read_plan(workbook(*bad), "bad.xlsx")
    found = {(e.row, e.column) for e in plan.errors}
    assert (3, "企业名称") in found  # row numbers as the user sees them (a title row above)
    assert (4, "统一社会信用代码") in found
    assert {
        (5, c)
        for c in ["镇街", "行业", "规模", "年产值", "从业人数", "生产状态", "成立日期", "标签"]
    } <= found
    duplicate = next(e for e in plan.errors if e.row == 7)
    assert duplicate.column == "统一社会信用代码" and "第6行" in duplicate.message
    assert all(e.message for e in plan.errors)
    with pytest.raises(ValueError):
        roster_import.commit(plan, actor=f.make_user("admin"))
    assert Enterprise.objects.count() == 0


def test_ten_thousand_malformed_rows_give_ten_thousand_errors(towns):
    rows = [[f"坏企业{n}", f"BAD{n}", "云溪镇"] for n in range(10_000)]
    plan = roster_import.read_plan(workbook(*rows, title=False), "big.xlsx")
    assert plan.rows == 10_000 and len(plan.errors) == 10_000
    assert {e.column for e in plan.errors} == {"统一社会信用代码"}


def test_a_sheet_without_the_roster_columns_is_refused(towns):
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    with pytest.raises(UnreadableSheet, match="找不到表头"):
        roster_import.read_plan(out, "x.xlsx")


def test_csv_in_gbk_with_blank_rows_imports_the_same(towns):
    lines = [",".join(HEADER)] + [",".join(str(c) for c in GOOD[0])] + [",,,"] + [",".join(GOOD[1])]
    data = io.BytesIO("\r\n".join(lines).replace("1,200万元", "1200万元").encode("gbk"))
    plan = roster_import.read_plan(data, "名录.csv")
    assert plan.ok and len(plan.create) == 2 and plan.rows == 2


def test_a_roster_in_chinese_imports_the_same_under_the_english_interface(towns):
    with translation.override("en"):
        plan = roster_import.read_plan(workbook(*GOOD), "名录.xlsx")
    assert plan.ok and len(plan.create) == 2
    roster_import.commit(plan, actor=f.make_user("admin"))
    assert set(Enterprise.objects.values_list("scale", flat=True)) == {"medium", "small"}
