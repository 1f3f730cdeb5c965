"""Onboarding a county from its spreadsheets (issue 15): org units with their parents, cadres with
their posts, enterprises, pairings; planned together (each against the sheets before it), written
all or nothing, and the same four sheets again changing nothing."""

import io

import openpyxl
import pytest

from accounts.models import AuditEntry, Cadre, OrgUnit
from enterprises.models import Enterprise
from pairing import onboarding, onboarding_examples, unit_import
from pairing.models import Pairing
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    """A deployment before the county arrives: the city, its campaign, nothing else."""
    city = f.make_unit(name="温州市", kind=OrgUnit.Kind.CITY, code="WZ")
    f.make_campaign(scope_unit=city, name="千名干部挂千企")
    return city


def sheet(*rows) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def four_sheets():
    return {
        kind: (make(), f"泰顺县{kind}.xlsx") for kind, make in onboarding_examples.EXAMPLES.items()
    }


def counts(outcomes):
    return {o.kind: (o.counts, [e.message for e in o.plan.errors]) for o in outcomes}


def test_a_county_is_set_up_from_its_four_sheets_and_the_same_sheets_again_change_nothing(city):
    organiser = f.make_user("organiser", jurisdiction_unit=city)
    sheets = four_sheets()
    dry = onboarding.run(sheets, actor=organiser, commit=False)
    assert all(o.ok for o in dry), counts(dry)
    assert [o.counts["created"] for o in dry] == [7, 7, 6, 7]
    assert not OrgUnit.objects.filter(code="TS").exists()  # the dry run wrote nothing
    assert [o.plan.skipped for o in dry][2] == [(8, "合计")]

    done = onboarding.run(sheets, actor=organiser, commit=True)
    assert all(o.ok for o in done), counts(done)
    county = OrgUnit.objects.get(code="TS")
    assert county.parent == city and OrgUnit.objects.under(county).count() == 7
    assert OrgUnit.objects.get(name="罗阳街道").kind == OrgUnit.Kind.STREET
    cadre = Cadre.objects.get(staff_no="TS0005")
    assert (cadre.unit.name, cadre.post, cadre.posts.count()) == ("罗阳镇", "副镇长", 1)
    firm = Enterprise.objects.get(name="泰顺县罗阳石材（集团）有限公司")
    assert (firm.above_scale, firm.town.name) == (True, "罗阳镇")
    assert Pairing.objects.filter(enterprise__town__path__startswith=county.path).count() == 7
    audited = AuditEntry.objects.filter(action="import").values_list("changes__kind", flat=True)
    assert sorted(audited) == ["cadres", "enterprises", "pairings", "units"]

    again = onboarding.run(four_sheets(), actor=organiser, commit=True)
    assert all(o.ok for o in again), counts(again)
    assert [(o.counts["created"], o.counts["updated"]) for o in again] == [(0, 0)] * 4
    assert [o.counts["unchanged"] for o in again] == [7, 7, 6, 7]


def test_the_dry_run_names_what_refers_to_something_missing_and_writes_nothing(city):
    admin = f.make_user("admin")
    units = sheet(
        ["单位编码", "单位名称", "单位类型", "上级单位"],
        ["TS", "泰顺县", "县", "WZ"],
        ["TS01", "罗阳镇", "镇", "泰顺县"],
    )
    cadres = sheet(
        ["姓名", "工号", "单位", "职级"],
        ["林建国", "TS0001", "罗阳镇", "科级"],
        ["陈晓燕", "TS0002", "泰顺县经信局", "科级"],  # not in the units sheet
    )
    outcomes = onboarding.run(
        {"units": (units, "units.xlsx"), "cadres": (cadres, "cadres.xlsx")},
        actor=admin,
        commit=False,
    )
    assert outcomes[0].ok and outcomes[0].counts["created"] == 2
    assert outcomes[1].missing == {"单位": ["泰顺县经信局"]}
    assert not OrgUnit.objects.filter(code="TS").exists() and not Cadre.objects.exists()
    # A commit with an error anywhere keeps nothing, not even the sheets that checked.
    onboarding.run(
        {"units": (units, "units.xlsx"), "cadres": (cadres, "cadres.xlsx")},
        actor=admin,
        commit=True,
    )
    assert not OrgUnit.objects.filter(code="TS").exists()
    assert not AuditEntry.objects.filter(action="import").exists()


def test_units_name_their_parents_in_any_order_and_bad_trees_are_refused(city):
    plan = unit_import.read_plan(
        io.BytesIO(
            sheet(
                ["2026年泰顺县组织机构表"],
                ["单位编码", "单位名称", "类型", "上级单位"],
                ["TS01", "罗阳镇", "镇", "TS"],  # its parent comes after it
                ["TS", "泰顺县", "县（市、区）", "温州市"],
                ["TS09", "甲单位", "部门", "TS10"],
                ["TS10", "乙单位", "部门", "TS09"],  # a loop
                ["TS11", "丙单位", "局长", "TS"],
                ["TS12", "丁单位", "部门", "火星市"],
                ["合计", "", "", ""],
            )
        ),
        "units.xlsx",
    )
    found = {(e.row, e.column): e.message for e in plan.errors}
    assert found[(5, "上级单位")] == found[(6, "上级单位")] == "上级单位不能是自身或其下级"
    assert found[(7, "类型")].startswith("单位类型只能是")
    assert "都没有这个编码或名称" in found[(8, "上级单位")]
    assert [u.code for u in plan.create] == ["TS", "TS01"]  # parents first
    assert plan.skipped == [(9, "合计")]


def test_an_organiser_imports_units_only_within_their_area(city):
    other = f.make_unit(name="丽水市", kind=OrgUnit.Kind.CITY, code="LS")
    organiser = f.make_user("organiser", jurisdiction_unit=city)
    plan = unit_import.read_plan(
        io.BytesIO(
            sheet(
                ["单位编码", "单位名称", "单位类型", "上级单位"],
                ["TS", "泰顺县", "县", "WZ"],
                ["QT", "青田县", "县", "LS"],
                ["LS", "丽水", "市", ""],
            )
        ),
        "units.xlsx",
        actor=organiser,
    )
    found = {(e.row, e.column): e.message for e in plan.errors}
    assert found[(3, "上级单位")] == "上级单位不在您的管辖范围内"
    assert found[(4, "单位编码")] == "这个编码的单位不在您的管辖范围内"
    assert other.name == "丽水市"
