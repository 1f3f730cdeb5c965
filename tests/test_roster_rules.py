"""Roster rules the suite left unpinned (issue 20, gaps 15 to 17): the industry stored and shown,
a changed row whose tags stay the same, a short CSV row, and industry codes typed in lower case."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises import roster_import
from enterprises.models import Enterprise
from tests import factories as f
from tests import test_roster_import as sheet
from tests.helpers import sign_in, xlsx

pytestmark = pytest.mark.django_db
towns = sheet.towns  # the town the sheets name (云溪镇)


def imported(*rows) -> None:
    plan = roster_import.read_plan(sheet.workbook(*rows), "名录.xlsx")
    assert plan.ok, [(e.row, e.column, e.message) for e in plan.errors]
    roster_import.commit(plan, actor=f.make_user("admin"))


# 15. The industry: its code and name kept, and shown on the firm's file.
def test_the_industry_is_stored_and_shown_on_the_file(towns, client):
    imported(*sheet.GOOD)
    firm = Enterprise.objects.select_related("industry").get(uscc=sheet.CODE_A)
    assert (firm.industry.code, firm.industry.name) == ("C34", "通用设备制造业")
    organiser = f.make_user("organiser", jurisdiction_unit=towns)
    sign_in(client, organiser)
    page = client.get(reverse("enterprise_detail", args=[firm.pk])).content.decode()
    assert "通用设备制造业" in page


# 16. A row whose fields change while its tags stay the same is updated.
def test_a_changed_row_with_the_same_tags_is_updated(towns):
    imported(*sheet.GOOD)
    changed = [list(sheet.GOOD[0]), sheet.GOOD[1]]
    changed[0][5] = "1,500万元"  # output changes; 规上工业 stays
    plan = roster_import.read_plan(sheet.workbook(*changed), "名录.xlsx")
    assert (len(plan.create), len(plan.update), plan.unchanged) == (0, 1, 1)
    roster_import.commit(plan, actor=f.make_user("admin"))
    firm = Enterprise.objects.get(uscc=sheet.CODE_A)
    assert firm.annual_output == 1500
    assert [t.name for t in firm.tags.all()] == ["规上工业"]


# 17. A CSV row shorter than its header; an industry code typed in lower case.
def test_a_csv_row_shorter_than_the_header_reads_its_missing_cells_as_empty(towns):
    lines = [",".join(sheet.HEADER), f"云溪短行有限公司,{sheet.CODE_B},云溪镇"]
    plan = roster_import.read_plan(io.BytesIO("\r\n".join(lines).encode("utf-8")), "名录.csv")
    assert plan.ok and len(plan.create) == 1
    roster_import.commit(plan, actor=f.make_user("admin"))
    firm = Enterprise.objects.get(uscc=sheet.CODE_B)
    assert (firm.name, firm.industry_id, firm.employees) == ("云溪短行有限公司", None, None)


def test_an_industry_code_in_lower_case_is_found(towns):
    row = list(sheet.GOOD[0])
    row[3] = "c34"
    imported(row)
    assert Enterprise.objects.get(uscc=sheet.CODE_A).industry.code == "C34"


# The row rules at their boundaries, each error read with its column, code and parameters.
def errors(**cells) -> list[tuple]:
    """The errors of one row naming 云溪镇's firm, with `cells` by header (the template's)."""
    base = {"企业名称": "云溪测试有限公司", "统一社会信用代码": sheet.CODE_A, "镇街": "云溪镇"}
    base.update(cells)
    header = list(base)
    plan = roster_import.read_plan(xlsx(header, list(base.values())), "名录.xlsx")
    return [(e.column, e.code, e.params) for e in plan.errors]


def parsed(**cells):
    base = {"企业名称": "云溪测试有限公司", "统一社会信用代码": sheet.CODE_A, "镇街": "云溪镇"}
    base.update(cells)
    plan = roster_import.read_plan(xlsx(list(base), list(base.values())), "名录.xlsx")
    assert plan.ok, [(e.column, e.code) for e in plan.errors]
    return plan.create[0]


def test_amounts_from_zero_up_to_just_under_the_limit_are_kept(towns):
    row = parsed(**{"年产值": "0", "营业收入": "999999999.99", "亩均税收": "99999.99"})
    assert (row.annual_output, row.revenue, row.tax_per_mu) == (
        Decimal("0"),
        Decimal("999999999.99"),
        Decimal("99999.99"),
    )


@pytest.mark.parametrize(
    ("header", "value", "code", "params"),
    [
        ("年产值", "-0.01", "negative_amount", {}),
        ("年产值", "1000000000", "amount_too_large", {"amount": "1,000,000,000"}),
        ("亩均税收", "100000", "amount_too_large", {"amount": "100,000"}),
    ],
)
def test_an_amount_below_zero_or_at_its_limit_is_refused(towns, header, value, code, params):
    assert errors(**{header: value}) == [(header, code, params)]


def test_head_counts_from_zero_to_two_million_are_kept(towns):
    assert parsed(**{"从业人数": "0"}).employees == 0
    assert parsed(**{"从业人数": "2000000"}).employees == 2_000_000


@pytest.mark.parametrize(
    ("value", "code", "params"),
    [
        ("-1", "negative_employees", {}),
        ("2000001", "too_many_employees", {"max": "2,000,000"}),
        ("三百", "not_integer", {"value": "三百"}),
    ],
)
def test_a_head_count_below_zero_or_over_two_million_is_refused(towns, value, code, params):
    assert errors(**{"从业人数": value}) == [("从业人数", code, params)]


def test_founding_dates_from_1949_to_today_are_kept(towns):
    today = timezone.localdate()
    assert parsed(**{"成立日期": "1949-01-01"}).founded == datetime.date(1949, 1, 1)
    assert parsed(**{"成立日期": today.isoformat()}).founded == today


@pytest.mark.parametrize(
    ("offset", "code"), [("tomorrow", "founded_in_future"), ("1948", "founded_before_1949")]
)
def test_a_founding_date_tomorrow_or_before_1949_is_refused(towns, offset, code):
    day = (
        timezone.localdate() + datetime.timedelta(days=1)
        if offset == "tomorrow"
        else datetime.date(1948, 12, 31)
    )
    assert errors(**{"成立日期": day.isoformat()}) == [("成立日期", code, {})]


def test_a_name_may_take_its_full_length_and_no_more(towns):
    limit = Enterprise._meta.get_field("name").max_length
    assert parsed(**{"企业名称": "厂" * limit}).name == "厂" * limit
    assert errors(**{"企业名称": "厂" * (limit + 1)}) == [
        ("企业名称", "too_long", {"limit": limit})
    ]
    assert errors(**{"联系人": "张" * 51}) == [("联系人", "too_long", {"limit": 50})]


def test_each_required_cell_left_empty_is_named(towns):
    assert errors(**{"统一社会信用代码": "", "镇街": ""}) == [
        ("统一社会信用代码", "required", {}),
        ("镇街", "required", {}),
    ]
    assert errors(**{"企业名称": ""}) == [("企业名称", "required", {})]


def test_unknown_industries_statuses_and_tags_are_refused_with_their_codes(towns):
    assert errors(**{"行业": "Z99", "生产状态": "歇业", "标签": "规上工业、不存在的"}) == [
        ("行业", "unknown_industry", {}),
        ("生产状态", "bad_production_status", {}),
        ("标签", "unknown_tag", {"tag": "不存在的"}),
    ]


def test_a_bad_credit_code_is_refused_with_the_validators_own_message(towns):
    bad = sheet.CODE_A[:17] + ("0" if sheet.CODE_A[17] != "0" else "1")
    plan = roster_import.read_plan(
        xlsx(["企业名称", "统一社会信用代码", "镇街"], ["某公司", bad, "云溪镇"]),
        "名录.xlsx",
    )
    [error] = plan.errors
    assert (error.column, error.code, error.params) == ("统一社会信用代码", "", {})
    assert error.message.startswith("统一社会信用代码校验位错误")


def test_an_industry_is_found_by_its_name_as_stored_whatever_its_letters(towns):
    from enterprises.models import Industry

    assert parsed(**{"行业": "通用设备制造业"}).industry.code == "C34"
    own = Industry.objects.create(code="X1", name="e商务服务")
    assert parsed(**{"行业": "e商务服务"}).industry == own


@pytest.mark.parametrize(("written", "above"), [("y", True), ("n", False), ("是", True)])
def test_the_above_scale_column_reads_yes_and_no_in_either_case(towns, written, above):
    assert parsed(**{"规上/规下": written}).above_scale is above


def test_a_bad_above_scale_value_is_refused(towns):
    assert errors(**{"规上/规下": "也许"}) == [("规上/规下", "bad_above_scale", {})]


def test_an_error_quotes_the_cell_as_written_folded_under_its_own_header(towns):
    # The office's own header (从业人员, an alias) names the column; the value is the cell with its
    # full-width letters and spaces folded, so the office finds what it typed.
    base = {"企业名称": "云溪测试有限公司", "统一社会信用代码": sheet.CODE_A, "镇街": "云溪镇"}
    base.update({"从业人员": "　三百人 ", "生产状态": "歇业"})
    plan = roster_import.read_plan(xlsx(list(base), list(base.values())), "名录.xlsx")
    assert [(e.row, e.column, e.value, e.code) for e in plan.errors] == [
        (2, "生产状态", "歇业", "bad_production_status"),
        (2, "从业人员", "三百人", "not_integer"),
    ]
