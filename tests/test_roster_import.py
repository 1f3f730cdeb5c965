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
from tests.helpers import xlsx

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


def test_an_organisers_roster_may_not_take_over_a_firm_another_area_holds():
    """The area rule read directly (the pages that show it run as transactional tests): each code
    held by a firm outside the area is refused on its own row, under the sheet's own header for
    the code, and left out of the plan; the area's own rows stay."""
    county = f.make_unit(name="东县", kind=OrgUnit.Kind.COUNTY)
    town = f.make_unit(name="东镇", parent=county)
    elsewhere = f.make_unit(name="西镇")
    taken = [f.make_enterprise(town=elsewhere, uscc=f.make_uscc(970000 + n)) for n in range(2)]
    ours = f.make_enterprise(town=town, uscc=f.make_uscc(970010), name="东镇老厂")
    plan = roster_import.read_plan(
        xlsx(
            ["企业名称", "信用代码", "镇街"],
            ["甲公司", taken[0].uscc, "东镇"],  # row 2: the first code read
            ["东镇老厂", ours.uscc, "东镇"],
            ["新公司", f.make_uscc(970020), "东镇"],
            ["乙公司", taken[1].uscc, "东镇"],  # row 5
        ),
        "名录.xlsx",
        area=county,
    )
    assert [(e.row, e.column, e.value, e.message) for e in plan.errors] == [
        (2, "信用代码", taken[0].uscc, "这家企业属于其他辖区，不能在此导入修改"),
        (5, "信用代码", taken[1].uscc, "这家企业属于其他辖区，不能在此导入修改"),
    ]
    assert [row.uscc for row in plan.create] == [f.make_uscc(970020)]
    assert plan.counts == {"created": 1, "updated": 0, "unchanged": 1}


def test_the_area_rule_reads_the_codes_a_batch_at_a_time(monkeypatch):
    """Codes are compared COMPARE_BATCH at a time; with batches of two, the taken codes in the
    first, a later and the last batch are all found."""
    monkeypatch.setattr(roster_import, "COMPARE_BATCH", 2)
    county = f.make_unit(name="东县", kind=OrgUnit.Kind.COUNTY)
    f.make_unit(name="东镇", parent=county)
    elsewhere = f.make_unit(name="西镇")
    codes = [f.make_uscc(971000 + n) for n in range(5)]
    for n in (0, 3, 4):
        f.make_enterprise(town=elsewhere, uscc=codes[n])
    rows = [[f"公司{n}", code, "东镇"] for n, code in enumerate(codes)]
    plan = roster_import.read_plan(
        xlsx(["企业名称", "统一社会信用代码", "镇街"], *rows), "名录.xlsx", area=county
    )
    assert [e.row for e in plan.errors] == [2, 5, 6]
    assert [row.uscc for row in plan.create] == [codes[1], codes[2]]


def test_the_error_workbook_marks_the_bad_cells_of_the_sheet_as_uploaded():
    """error_workbook reads with the unit's aliases and the organiser's area: a code another area
    holds and a header mapped on the preview page are both honoured."""
    county = f.make_unit(name="东县", kind=OrgUnit.Kind.COUNTY)
    f.make_unit(name="东镇", parent=county)
    taken = f.make_enterprise(town=f.make_unit(name="西镇"), uscc=f.make_uscc(972000))
    aliases = {name: list(names) for name, names in roster_import.ALIASES.items()}
    aliases["name"].append("单位详细名称")
    upload = xlsx(
        ["单位详细名称", "统一社会信用代码", "镇街"],
        ["甲公司", taken.uscc, "东镇"],
        ["乙公司", f.make_uscc(972001), "东镇"],
    )
    data = roster_import.error_workbook(upload, "名录.xlsx", aliases=aliases, area=county)
    marked = openpyxl.load_workbook(io.BytesIO(data)).active
    assert marked.title == "名册（标出错误）"
    assert [[c.value for c in row] for row in marked.iter_rows()] == [
        ["单位详细名称", "统一社会信用代码", "镇街"],
        ["甲公司", taken.uscc, "东镇"],
        ["乙公司", f.make_uscc(972001), "东镇"],
    ]
    assert marked["B2"].comment.text == "这家企业属于其他辖区，不能在此导入修改"
    assert [c.coordinate for row in marked.iter_rows() for c in row if c.comment] == ["B2"]


def test_a_town_outside_the_organisers_area_reads_as_unknown():
    county = f.make_unit(name="东县", kind=OrgUnit.Kind.COUNTY)
    f.make_unit(name="东镇", parent=county)
    f.make_unit(name="西镇")
    plan = roster_import.read_plan(
        xlsx(["企业名称", "统一社会信用代码", "镇街"], ["甲公司", f.make_uscc(973000), "西镇"]),
        "名录.xlsx",
        area=county,
    )
    assert [(e.row, e.column, e.code) for e in plan.errors] == [(2, "镇街", "unknown_town")]


def test_a_units_mapped_headers_join_the_roster_aliases_for_that_unit_only():
    from enterprises.models import HeaderAlias

    unit, other = f.make_unit(kind=OrgUnit.Kind.COUNTY), f.make_unit(kind=OrgUnit.Kind.COUNTY)
    by = f.make_user("admin")
    HeaderAlias.objects.create(unit=unit, field="employees", header="职工总数", created_by=by)
    HeaderAlias.objects.create(unit=unit, field="no_such_field", header="备注", created_by=by)
    HeaderAlias.objects.create(unit=other, field="employees", header="在岗人数", created_by=by)
    HeaderAlias.objects.create(
        unit=unit, kind="cadres", field="employees", header="干部人数", created_by=by
    )
    aliases = roster_import.aliases_for(unit)
    assert aliases["employees"] == [*roster_import.ALIASES["employees"], "职工总数"]
    others = {k: v for k, v in roster_import.ALIASES.items() if k != "employees"}
    assert {k: v for k, v in aliases.items() if k != "employees"} == others
    assert "职工总数" not in roster_import.ALIASES["employees"]  # the module's list is left alone
    assert roster_import.aliases_for(f.make_unit()) == roster_import.ALIASES


def test_the_commit_is_audited_with_who_where_which_file_and_the_counts(towns, rf):
    admin, other = f.make_user("admin"), f.make_user("admin")
    request = rf.post("/enterprises/import/", REMOTE_ADDR="10.9.8.7")
    request.user = other  # the entry names the actor given, not the request's user
    plan = roster_import.read_plan(workbook(*GOOD), "名录.xlsx")
    counts = roster_import.commit(
        plan, actor=admin, request=request, filename="名录.xlsx", via="job"
    )
    assert counts == {"created": 2, "updated": 0, "unchanged": 0}
    entry = AuditEntry.objects.get(action="import")
    assert (entry.user, entry.ip) == (admin, "10.9.8.7")
    assert entry.changes == {
        "file": "名录.xlsx",
        "kind": "enterprises",
        "via": "job",
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    roster_import.commit(roster_import.read_plan(workbook(*GOOD), "x.xlsx"), actor=admin)
    defaults = AuditEntry.objects.filter(action="import").latest("pk")
    assert (defaults.ip, defaults.changes["file"], defaults.changes["via"]) == (None, "", "page")


def test_a_plan_with_errors_is_never_committed(towns):
    plan = roster_import.read_plan(workbook(["", CODE_A, "云溪镇"]), "名录.xlsx")
    with pytest.raises(ValueError, match="^a roster with errors is not imported$"):
        roster_import.commit(plan, actor=f.make_user("admin"))
    assert not Enterprise.objects.exists()


def test_reading_reports_its_progress_by_stage(towns, monkeypatch):
    """0.05 once the file is checked; every PROGRESS_EVERY-th sheet row, 0.1 plus 0.7 times the
    share of the sheet's rows read (at most 1); 0.8 before comparing with the roster."""
    monkeypatch.setattr(roster_import, "PROGRESS_EVERY", 2)
    heard = []
    rows = [[f"企业{n}", f.make_uscc(974000 + n), "云溪镇"] for n in range(3)]
    # Rows 1 (title) to 5: the sheet holds five rows; rows 2 and 4 are reported.
    roster_import.read_plan(
        workbook(*rows), "名录.xlsx", on_progress=lambda *args: heard.append(args)
    )
    assert heard == [
        (0.05, "read"),
        (pytest.approx(0.1 + 0.7 * 2 / 5), "check"),
        (pytest.approx(0.1 + 0.7 * 4 / 5), "check"),
        (0.8, "compare"),
    ]


def test_progress_never_passes_the_check_stage_when_the_sheet_under_states_its_rows(
    towns, monkeypatch
):
    """A sheet whose dimension record says one row (some writers leave it so): the share read is
    capped at 1, so every report of the check stage says 0.8."""
    from enterprises.spreadsheets import reader

    real = reader.rows
    monkeypatch.setattr(roster_import, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(roster_import.reader, "rows", lambda *a: reader.Rows(1, iter(real(*a))))
    heard = []
    roster_import.read_plan(
        workbook(*GOOD), "名录.xlsx", on_progress=lambda *args: heard.append(args)
    )
    checks = [fraction for fraction, stage in heard if stage == "check"]
    assert checks == [pytest.approx(0.8)] * 4  # rows 1 to 4: title, header, two firms


def test_a_repeated_code_names_the_row_that_first_held_it(towns):
    rows = [GOOD[0], GOOD[1], [*GOOD[0][:1], CODE_A, "云溪镇"]]
    plan = roster_import.read_plan(workbook(*rows), "名录.xlsx")
    [error] = plan.errors
    assert (error.row, error.column, error.value) == (5, "统一社会信用代码", CODE_A)
    assert (error.code, error.params) == ("duplicate_uscc", {"first": 3})
