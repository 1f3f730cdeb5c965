"""The pairing import: every row checked by the pairing rules and reported by row and column,
only within the organiser's jurisdiction, committed all or nothing through pair_many, and a
second import of the same file makes nothing."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEntry, Cadre, OrgUnit
from pairing import pairing_import
from pairing.models import Pairing, ServiceGroup
from tests import factories as f
from tests.helpers import xlsx

pytestmark = pytest.mark.django_db
HEADER = [
    "企业统一社会信用代码",
    "企业名称",
    "干部工号",
    "角色",
    "行动",
    "专项组/服务组",
    "开始日期",
]


@pytest.fixture
def area():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W")
    town = f.make_unit(parent=east, code="E1")
    campaign = f.make_campaign(scope_unit=city, name="合力扶企行动")
    return {
        "town": town,
        "organiser": f.make_user("organiser", jurisdiction_unit=east),
        "west_organiser": f.make_user("organiser", jurisdiction_unit=west),
        "campaign": campaign,
        "group": ServiceGroup.objects.create(campaign=campaign, name="工业组"),
        "firms": [f.make_enterprise(town=town, name=f"东区机械{n}") for n in range(3)],
        "west_firm": f.make_enterprise(town=f.make_unit(parent=west, code="W1")),
        "cadre": f.make_cadre(),
        "helper": f.make_cadre(),
    }


def plan_of(area, *rows, header=HEADER, actor=None, campaign=None, name="结对.xlsx"):
    return pairing_import.read_plan(
        xlsx(header, *rows), name, actor=actor or area["organiser"], campaign=campaign
    )


def good_rows(area):
    a, b, _c = area["firms"]
    return [
        [a.uscc, "", area["cadre"].staff_no, "主联系人", "合力扶企行动", "工业组", "2026年3月1日"],
        ["", b.name, area["cadre"].staff_no, "", "合力扶企行动", "", ""],
        [a.uscc, "", area["helper"].staff_no, "协助", "合力扶企行动", "", "2026-03-02"],
    ]


def test_a_good_sheet_is_planned_then_committed_through_pair_many(area):
    plan = plan_of(area, *good_rows(area))
    assert (
        plan.ok and plan.rows == 3 and plan.counts == {"created": 3, "updated": 0, "unchanged": 0}
    )
    assert not Pairing.objects.exists()  # planning writes nothing
    pairing_import.commit(plan, actor=area["organiser"], filename="结对.xlsx")
    a, b, _c = area["firms"]
    lead = Pairing.objects.get(enterprise=a, cadre=area["cadre"])
    assert (lead.role, lead.group, lead.start) == ("lead", area["group"], datetime.date(2026, 3, 1))
    assert Pairing.objects.get(enterprise=a, cadre=area["helper"]).role == "assist"
    assert Pairing.objects.get(enterprise=b).start == timezone.localdate()
    assert AuditEntry.objects.filter(action="pairing_create").count() == 3
    assert AuditEntry.objects.get(action="import").changes["kind"] == "pairings"


def test_header_aliases_and_a_title_row(area):
    header = ["统一社会信用代码", "工号", "结对角色", "行动名称", "服务组", "结对日期"]
    a = area["firms"][0]
    plan = plan_of(
        area,
        [area["cadre"].staff_no + "的结对表"],  # not a header: too few names match
        header,
        [a.uscc, area["cadre"].staff_no, "协助", "合力扶企行动", "工业组", "2026/3/1"],
        header=["2026年结对名单"],
    )
    assert plan.ok and plan.header.row == 3 and plan.counts["created"] == 1


def test_importing_the_same_file_twice_makes_nothing_twice(area):
    pairing_import.commit(plan_of(area, *good_rows(area)), actor=area["organiser"])
    again = plan_of(area, *good_rows(area))
    assert again.ok and again.counts == {"created": 0, "updated": 0, "unchanged": 3}
    pairing_import.commit(again, actor=area["organiser"])
    assert Pairing.objects.count() == 3


def test_an_active_pair_in_another_role_is_an_error_not_a_change(area):
    a = area["firms"][0]
    f.make_pairing(cadre=area["cadre"], enterprise=a, campaign=area["campaign"], role="assist")
    plan = plan_of(area, [a.uscc, "", area["cadre"].staff_no, "主联系人", "合力扶企行动", "", ""])
    assert [(e.row, e.column) for e in plan.errors] == [(2, "角色")]
    assert "先结束原结对" in plan.errors[0].message


def test_every_bad_row_is_reported_by_row_and_column(area):
    a, b, c = area["firms"]
    f.make_enterprise(town=area["town"], name=b.name)  # a second firm of the same name
    no = area["cadre"].staff_no
    bad_code = a.uscc[:-1] + ("0" if a.uscc[-1] != "0" else "1")
    rows = [
        [bad_code, "", no, "", "合力扶企行动", "", ""],  # 2: check digit
        [f.make_uscc(777), "", no, "", "合力扶企行动", "", ""],  # 3: no such firm
        ["", b.name, no, "", "合力扶企行动", "", ""],  # 4: two firms of that name
        ["", "", no, "", "合力扶企行动", "", ""],  # 5: no firm at all
        [a.uscc, "", "NOBODY", "", "合力扶企行动", "", ""],  # 6: unknown staff number
        [a.uscc, "", no, "组长", "合力扶企行动", "", ""],  # 7: role
        [a.uscc, "", no, "", "不存在的行动", "", ""],  # 8: campaign
        [a.uscc, "", no, "", "合力扶企行动", "农业组", ""],  # 9: group
        [c.uscc, "", no, "", "合力扶企行动", "", "明年"],  # 10: date
        [c.uscc, "", no, "", "", "", ""],  # 11: no campaign, none chosen at upload
    ]
    plan = plan_of(area, *rows)
    assert [(e.row, e.column) for e in plan.errors] == [
        (2, "企业统一社会信用代码"),
        (3, "企业统一社会信用代码"),
        (4, "企业名称"),
        (5, "企业统一社会信用代码"),
        (6, "干部工号"),
        (7, "角色"),
        (8, "行动"),
        (9, "专项组/服务组"),
        (10, "开始日期"),
        (11, "行动"),
    ]
    assert "校验位" in plan.errors[0].message and "有多家企业" in plan.errors[2].message
    assert plan.errors[4].value == "NOBODY"
    with pytest.raises(ValueError):
        pairing_import.commit(plan, actor=area["organiser"])
    assert not Pairing.objects.exists()


def test_the_pairing_rules_are_reported_on_their_rows(area):
    f.set_caps(area["campaign"], general=2)
    a, b, c = area["firms"]
    retired = f.make_cadre(user=f.make_user("cadre", display_name="老王"))
    Cadre.objects.filter(pk=retired.pk).update(status=Cadre.Status.RETIRED)
    ended = f.make_campaign(
        scope_unit=area["campaign"].scope_unit, name="已结束行动", end=datetime.date(2026, 2, 1)
    )
    no = area["cadre"].staff_no
    rows = [
        [a.uscc, "", no, "", "合力扶企行动", "", ""],
        [b.uscc, "", no, "", "合力扶企行动", "", ""],
        [c.uscc, "", no, "", "合力扶企行动", "", ""],  # 4: a third firm, over the limit of 2
        [a.uscc, "", retired.staff_no, "", "合力扶企行动", "", ""],  # 5: not in post
        [b.uscc, "", area["helper"].staff_no, "", "已结束行动", "", "2026-03-01"],  # 6: ended
    ]
    plan = plan_of(area, *rows)
    assert [(e.row, e.column) for e in plan.errors] == [
        (4, "干部工号"),
        (5, "干部工号"),
        (6, "开始日期"),
    ]
    assert "上限 2" in plan.errors[0].message and "不在岗" in plan.errors[1].message
    assert str(ended.end) in plan.errors[2].message


def test_an_enterprise_outside_the_campaign_is_refused_on_its_cell(area):
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=area["town"].parent, code="ED")
    f.make_campaign(scope_unit=dept, name="部门行动")  # reaches no town
    plan = plan_of(
        area, [area["firms"][0].uscc, "", area["cadre"].staff_no, "", "部门行动", "", ""]
    )
    assert [(e.row, e.column) for e in plan.errors] == [(2, "企业统一社会信用代码")]
    assert "行动的范围" in plan.errors[0].message


def test_an_organiser_cannot_import_pairings_for_another_districts_enterprises(area):
    west_firm = area["west_firm"]
    row = [west_firm.uscc, "", area["cadre"].staff_no, "", "合力扶企行动", "", ""]
    plan = plan_of(area, row)
    assert [(e.row, e.column) for e in plan.errors] == [(2, "企业统一社会信用代码")]
    assert "管辖范围内没有" in plan.errors[0].message
    assert west_firm.name not in plan.errors[0].message  # an outsider's firm is not named
    assert plan_of(area, row, actor=area["west_organiser"]).ok  # its own organiser may


def test_duplicates_in_the_file_are_reported_against_the_first(area):
    a = area["firms"][0]
    row = [a.uscc, "", area["cadre"].staff_no, "", "合力扶企行动", "", ""]
    by_name = ["", a.name, area["cadre"].staff_no, "协助", "合力扶企行动", "", ""]
    plan = plan_of(area, row, by_name)
    assert [(e.row, e.column) for e in plan.errors] == [(3, "干部工号")]
    assert "与第2行重复" in plan.errors[0].message


def test_a_bad_last_row_leaves_nothing_written(area):
    rows = good_rows(area) + [[area["firms"][2].uscc, "", "NOBODY", "", "合力扶企行动", "", ""]]
    plan = plan_of(area, *rows)
    assert [e.row for e in plan.errors] == [5]
    with pytest.raises(ValueError):
        pairing_import.commit(plan, actor=area["organiser"])
    assert not Pairing.objects.exists() and not AuditEntry.objects.filter(action="import").exists()


def test_a_rule_broken_between_preview_and_commit_undoes_every_batch(area):
    plan = plan_of(area, *good_rows(area))  # three batches: lead with group, lead, assist
    assert len(plan.batches) == 3
    Cadre.objects.filter(pk=area["helper"].pk).update(status=Cadre.Status.LEFT)
    with pytest.raises(ValidationError, match="不在岗"):
        pairing_import.commit(plan, actor=area["organiser"])
    assert not Pairing.objects.exists()


def test_the_campaign_chosen_at_upload_serves_rows_without_one(area):
    other = f.make_campaign(scope_unit=area["campaign"].scope_unit, name="第二批")
    a, b, _c = area["firms"]
    plan = plan_of(
        area,
        [a.uscc, "", area["cadre"].staff_no, "", "", "", ""],
        [b.uscc, "", area["cadre"].staff_no, "", "第二批", "", ""],
        campaign=area["campaign"],
    )
    assert plan.ok
    pairing_import.commit(plan, actor=area["organiser"])
    assert dict(Pairing.objects.values_list("enterprise_id", "campaign_id")) == {
        a.pk: area["campaign"].pk,
        b.pk: other.pk,
    }


def test_csv_in_gbk_reads_the_same(area):
    a = area["firms"][0]
    lines = [
        "统一社会信用代码,干部工号,角色,行动",
        f"{a.uscc},{area['cadre'].staff_no},主联系人,合力扶企行动",
        ",,,",
    ]
    data = "\r\n".join(lines).encode("gbk")
    plan = pairing_import.read_plan(io.BytesIO(data), "结对.csv", actor=area["organiser"])
    assert plan.ok and plan.rows == 1 and plan.counts["created"] == 1


def test_the_workload_limit_counts_a_cadres_rows_across_batches(area):
    f.set_caps(area["campaign"], general=2)
    no = area["cadre"].staff_no
    rows = [  # three batches: a start date, a role, a group of their own
        [firm.uscc, "", no, role, "合力扶企行动", group, start]
        for firm, role, group, start in zip(
            area["firms"],
            ["主联系人", "协助", "主联系人"],
            ["", "", "工业组"],
            ["2026-03-01", "2026-03-01", "2026-03-02"],
            strict=True,
        )
    ]
    plan = plan_of(area, *rows)
    assert len(plan.batches) == 3
    assert [(e.row, e.column) for e in plan.errors] == [(4, "干部工号")]
