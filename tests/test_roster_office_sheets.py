"""Rosters as county offices really keep them (issue 15): a title row, the office's own headers,
规上/规下 in the 规模 column, totals at the bottom, full-width brackets in registered names, and
the formats Excel saves (.xlsx, .xls, "Unicode text", GBK). Each sheet is made as an office makes
it: openpyxl, xlwt, or text encoded as Excel writes it."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import xlwt

from accounts.models import OrgUnit
from enterprises import roster_import
from enterprises.models import Enterprise
from tests import factories as f
from tests import helpers

pytestmark = pytest.mark.django_db
TITLE = ["瑞安市2026年规上工业企业名录（单位：万元、人）"]
OFFICE_HEADER = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "所属镇街",
    "企业规模",
    "所属行业",
    "产值",
    "营业收入（万元）",
    "税收",
    "亩均税收",
    "年末从业人员",
    "法定代表人",
    "注册地址",
    "经营地址",
    "主营业务",
    "成立日期",
]
CODES = [f.make_uscc(950000 + n) for n in range(10)]


@pytest.fixture
def town():
    return f.make_unit(name="塘下镇", kind=OrgUnit.Kind.TOWN)


def office_row(n, name, scale="规上", **cells):
    values = {
        "序号": n,
        "企业名称": name,
        "统一社会信用代码": CODES[n],
        "所属镇街": "塘下镇",
        "企业规模": scale,
        "所属行业": "C34",
        "产值": "1,200",
        "营业收入（万元）": 1500,
        "税收": "85.5",
        "亩均税收": 32.4,
        "年末从业人员": "120人",
        "法定代表人": "张三",
        "注册地址": "瑞安市塘下镇工业区1号",
        "经营地址": "瑞安市塘下镇工业区2号",
        "主营业务": "汽摩配件",
        "成立日期": "2012-05-01",
    } | cells
    return [values[h] for h in OFFICE_HEADER]


def xlsx(*rows, header=OFFICE_HEADER):
    return helpers.xlsx(TITLE, header, *rows)


def plan_of(stream, name="名录.xlsx", **kwargs):
    return roster_import.read_plan(stream, name, **kwargs)


def messages_of(plan):
    return {(e.row, e.column): e.message for e in plan.errors}


def test_above_scale_in_the_scale_column_is_recorded_apart_from_the_size_class(town):
    plan = plan_of(
        xlsx(
            office_row(0, "宏通阀门有限公司", "规上"),
            office_row(1, "小微五金厂", "规模以下"),
            office_row(2, "中型机械有限公司", "中型"),
        )
    )
    assert plan.ok, plan.errors
    roster_import.commit(plan, actor=f.make_user("admin"))
    stored = {e.name: (e.above_scale, e.scale) for e in Enterprise.objects.all()}
    assert stored == {
        "宏通阀门有限公司": (True, "small"),
        "小微五金厂": (False, "small"),
        "中型机械有限公司": (None, "medium"),
    }


def test_a_column_of_its_own_holds_above_scale_and_a_contradiction_is_refused(town):
    header = ["企业名称", "统一社会信用代码", "镇街", "规模", "规上/规下"]
    plan = plan_of(
        xlsx(
            ["甲公司", CODES[0], "塘下镇", "大型", "规上"],
            ["乙公司", CODES[1], "塘下镇", "规下", "是"],
            ["丙公司", CODES[2], "塘下镇", "特大", ""],
            header=header,
        )
    )
    found = messages_of(plan)
    assert found[(4, "规上/规下")] == "与“规模”列的规上/规下不一致"
    assert "规上、规下" in found[(5, "规模")]  # the message names both kinds of value
    assert [(r.scale, r.above_scale) for r in plan.create] == [("large", True)]


def test_totals_and_breakdown_rows_are_skipped_and_named_on_the_preview(town):
    rows = [office_row(0, "甲公司"), office_row(1, "乙公司")]
    totals = [
        [None, "合 计", None, None, None, None, 2400],
        [None, "其中：规上企业", None, None, None, None, 2400],
        ["小计", None, None, None, None, None, 2400],
    ]
    plan = plan_of(xlsx(*rows, *totals))
    assert plan.ok and plan.rows == 2
    assert plan.skipped == [(5, "合计"), (6, "其中"), (7, "小计")]


def test_the_office_headers_fill_the_fields_and_the_rest_are_listed_as_unused(town):
    header = [*OFFICE_HEADER, "备注", "是否高新"]
    plan = plan_of(xlsx(office_row(0, "甲公司") + ["新投产", "是"], header=header))
    assert plan.ok, plan.errors
    assert sorted(plan.header.unused.values()) == ["备注", "序号", "是否高新"]
    roster_import.commit(plan, actor=f.make_user("admin"))
    firm = Enterprise.objects.get()
    assert (firm.employees, firm.legal_representative, firm.industry.code) == (120, "张三", "C34")
    amounts = (firm.annual_output, firm.revenue, firm.tax, firm.tax_per_mu)
    assert amounts == (1200, 1500, Decimal("85.5"), Decimal("32.4"))
    assert firm.address.endswith("1号") and firm.business_address.endswith("2号")
    assert firm.main_business == "汽摩配件"


@pytest.mark.parametrize(
    "header", ["从业人员", "从业人员数", "年末从业人员", "职工人数", "从业人员（人）"]
)
def test_every_head_count_header_offices_write_is_read(town, header):
    plan = plan_of(
        xlsx(["甲公司", CODES[0], "塘下镇", 35], header=["企业名称", "信用代码", "镇街", header])
    )
    assert plan.create[0].employees == 35


@pytest.mark.parametrize(
    ("field", "header"),
    [
        ("legal_representative", "法人代表"),
        ("legal_representative", "企业负责人"),
        ("address", "注册地址"),
        ("business_address", "经营地址"),
        ("main_business", "主营业务"),
        ("annual_output", "2025年产值（万元）"),
        ("revenue", "营业收入"),
        ("tax", "税收（万元）"),
        ("tax_per_mu", "亩均税收（万元/亩）"),
    ],
)
def test_the_widened_aliases(town, field, header):
    plan = plan_of(
        xlsx(["甲公司", CODES[0], "塘下镇", "12"], header=["企业名称", "信用代码", "镇街", header])
    )
    assert str(getattr(plan.create[0], field)) in {"12", "12.00"}


def test_implausible_values_are_refused_with_the_reason(town):
    next_year = datetime.date.today().year + 1
    plan = plan_of(
        xlsx(
            office_row(0, "甲公司", 产值=-5),
            office_row(1, "乙公司", 年末从业人员="-3"),
            office_row(2, "丙公司", 成立日期=f"{next_year}-01-01"),
            office_row(3, "丁公司", 成立日期="1900-01-01"),
            office_row(4, "戊公司", **{"营业收入（万元）": 10**12}),
            office_row(5, "己公司"),
        )
    )
    found = messages_of(plan)
    assert found[(3, "产值")] == "金额不能为负数"
    assert found[(4, "年末从业人员")] == "从业人数不能为负数"
    assert found[(5, "成立日期")] == "成立日期晚于今天，请核对"
    assert found[(6, "成立日期")] == "成立日期早于1949年，请核对"
    assert "请核对单位" in found[(7, "营业收入(万元)")]  # the header as folded
    assert [r.name for r in plan.create] == ["己公司"]


def test_every_duplicate_code_is_reported_whatever_else_is_wrong_with_the_row(town):
    plan = plan_of(
        xlsx(
            office_row(0, "甲公司", 所属镇街="不存在镇"),
            office_row(0, "甲公司（重复）", 产值="很多"),
            office_row(0, "甲公司（再重复）"),
        )
    )
    duplicates = [e for e in plan.errors if "重复" in e.message]
    assert [(e.row, e.message) for e in duplicates] == [
        (4, "与第3行的统一社会信用代码重复"),
        (5, "与第3行的统一社会信用代码重复"),
    ]


def test_registered_names_keep_full_width_brackets_and_search_ignores_bracket_width(town, client):
    plan = plan_of(
        xlsx(
            office_row(0, "瑞安市宏通阀门（集团）有限公司"), office_row(1, "塘下(浙江)汽配有限公司")
        )
    )
    roster_import.commit(plan, actor=f.make_user("admin"))
    names = set(Enterprise.objects.values_list("name", flat=True))
    assert names == {"瑞安市宏通阀门（集团）有限公司", "塘下（浙江）汽配有限公司"}
    from tests.helpers import sign_in

    sign_in(client, f.make_user("admin"))
    for query, found in [
        ("宏通阀门(集团)", "瑞安市宏通阀门（集团）有限公司"),
        ("宏通阀门（集团）", "瑞安市宏通阀门（集团）有限公司"),
        ("塘下(浙江", "塘下（浙江）汽配有限公司"),
    ]:
        page = client.get("/enterprises/", {"q": query}).content.decode()
        assert found in page, query
    # A row stored before names kept their brackets is found typed either way too.
    Enterprise.objects.filter(name__startswith="塘下").update(name="塘下(浙江)汽配有限公司")
    page = client.get("/enterprises/", {"q": "塘下（浙江）"}).content.decode()
    assert "塘下(浙江)汽配有限公司" in page


def tab_separated(rows) -> str:
    return "\r\n".join("\t".join(str(v) for v in row) for row in rows) + "\r\n"


def test_excel_unicode_text_utf16_tab_separated_is_read(town):
    text = tab_separated([TITLE, OFFICE_HEADER, office_row(0, "甲（集团）公司")])
    # Excel's "Unicode text": UTF-16 little-endian with its BOM, saved as .txt
    plan = plan_of(io.BytesIO(text.encode("utf-16")), "名录.txt")
    assert plan.ok and plan.create[0].name == "甲（集团）公司"
    assert plan.create[0].above_scale is True
    # and a UTF-16 comma-separated .csv
    comma = io.StringIO()
    csv.writer(comma).writerows([OFFICE_HEADER, office_row(1, "乙")])
    utf16_csv = io.BytesIO(comma.getvalue().encode("utf-16"))
    assert plan_of(utf16_csv, "名录.csv").create[0].name == "乙"


def test_gbk_text_and_xls_from_an_office_read_the_same(town):
    rows = [OFFICE_HEADER, office_row(0, "甲公司"), [None, "合计", None, None, None, None, 1200]]
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    from_gbk = plan_of(io.BytesIO(text.getvalue().encode("gbk")), "名录.csv")
    book = xlwt.Workbook()
    sheet = book.add_sheet("名录")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    from_xls = plan_of(out, "名录.xls")
    for plan in (from_gbk, from_xls):
        assert plan.ok, plan.errors
        assert plan.skipped == [(3, "合计")]
        assert (plan.create[0].above_scale, plan.create[0].employees) == (True, 120)


def test_above_scale_is_shown_on_the_file_and_filters_the_roster(town, client):
    from tests.helpers import sign_in

    plan = plan_of(xlsx(office_row(0, "规上甲公司", "规上"), office_row(1, "规下乙公司", "规下")))
    roster_import.commit(plan, actor=f.make_user("admin"))
    sign_in(client, f.make_user("admin"))
    listed = client.get("/enterprises/", {"above_scale": "yes"}).content.decode()
    assert "规上甲公司" in listed and "规下乙公司" not in listed
    firm = Enterprise.objects.get(name="规上甲公司")
    page = client.get(f"/enterprises/{firm.pk}/").content.decode()
    assert "<span data-above-scale>规上</span>" in page and "汽摩配件" in page
