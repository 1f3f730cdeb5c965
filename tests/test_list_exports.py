"""The organiser's cadre and pairing lists exported as .xlsx and .csv: the import templates'
columns, scoped and filtered like the page, bounded, phones masked without the full-PII
permission, formulas escaped, every export recorded; and a sheet exported then imported back
changes nothing."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from accounts import exports as export_module
from accounts.exports import escape_cell, unescape_cell
from accounts.models import AuditEntry, Cadre, OrgUnit
from enterprises.spreadsheets.reader import Header
from enterprises.spreadsheets.validation import Sheet, SheetRow
from pairing import cadre_import, pairing_import
from pairing.models import Pairing, ServiceGroup
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

CADRE_HEADER = ["姓名*", "工号", "手机号", "单位*", "职务", "职级*", "状态"]
PAIRING_HEADER = [
    "企业统一社会信用代码",
    "企业名称",
    "干部工号*",
    "角色",
    "行动",
    "专项组/服务组",
    "批次",
    "开始日期",
]


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="瑞安市")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E", name="东区")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W", name="西区")
    east_town = f.make_unit(parent=east, code="E1", name="云溪镇")
    west_town = f.make_unit(parent=west, code="W1", name="江口镇")
    # Two units share a name: the export names this one by its code so the import finds it.
    east_dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=east, code="EJX", name="经信局")
    west_dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=west, code="WJX", name="经信局")
    zhang = f.make_cadre(
        user=f.make_user("cadre", home_unit=east_dept, display_name="张伟", phone="13800001111"),
        rank=Cadre.Rank.SECTION,
    )
    Cadre.objects.filter(pk=zhang.pk).update(post="科长")
    formula = f.make_cadre(
        user=f.make_user("cadre", home_unit=east_town, display_name="=1+1", phone="13800002222")
    )
    wang = f.make_cadre(
        user=f.make_user("cadre", home_unit=west_dept, display_name="王芳", phone="13900003333")
    )
    campaign = f.make_campaign(scope_unit=city, name="合力扶企行动")
    group = ServiceGroup.objects.create(campaign=campaign, name="工业组")
    a = f.make_enterprise(town=east_town, name="云溪精工机械有限公司", tags=["above_scale"])
    b = f.make_enterprise(town=east_town, name='=HYPERLINK("http://x")鞋业有限公司')
    c = f.make_enterprise(town=west_town, name="江口贸易有限公司")
    f.make_pairing(cadre=zhang, enterprise=a, campaign=campaign, group=group)
    f.make_pairing(cadre=formula, enterprise=b, campaign=campaign, role=Pairing.Role.ASSIST)
    f.make_pairing(cadre=wang, enterprise=c, campaign=campaign)
    # Ended pairings are history: not exported (the import would make them again).
    f.make_pairing(
        cadre=wang,
        enterprise=a,
        campaign=campaign,
        end=datetime.date(2026, 2, 1),
        end_reason="调整",
    )
    return {
        "east": east,
        "east_dept": east_dept,
        "east_town": east_town,
        "zhang": zhang,
        "formula": formula,
        "wang": wang,
        "campaign": campaign,
        "a": a,
        "b": b,
        "c": c,
        "organiser": f.make_user("organiser", jurisdiction_unit=east),
        "west_organiser": f.make_user("organiser", jurisdiction_unit=west),
        "admin": f.make_user("admin"),
    }


@pytest.fixture
def english(client):
    """Pages in English. The language middleware activates the cookie's language for the rest of
    the thread; restoring the one before keeps later tests in Chinese."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override(translation.get_language()):
        yield


def cadres_url(query=""):
    return reverse("cadre_list") + query


def pairings_url(world, query=""):
    return reverse("campaign_pairings", args=[world["campaign"].pk]) + query


def sheet_rows(response):
    assert response["Content-Disposition"].startswith("attachment;")
    if response["Content-Type"].startswith("text/csv"):
        return [tuple(r) for r in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def the_export():
    return AuditEntry.objects.get(action="export")


def grant_full_pii(user):
    user.user_permissions.add(Permission.objects.get(codename="view_full_pii"))


# The cadre list


def test_the_cadre_export_has_the_import_columns_masked_phones_and_a_note_saying_so(client, world):
    sign_in(client, world["organiser"])
    rows = sheet_rows(client.get(cadres_url("?export=xlsx")))
    note, header, *data = rows
    assert "打码" in note[0] and not any(note[1:])
    assert list(header) == CADRE_HEADER
    by_staff_no = {r[1]: r for r in data}
    assert set(by_staff_no) == {world["zhang"].staff_no, world["formula"].staff_no}
    assert by_staff_no[world["zhang"].staff_no] == (
        "张伟",
        world["zhang"].staff_no,
        "138****1111",
        "EJX",  # the unit's name is shared with another unit: its code
        "科长",
        "科级",
        "在岗",
    )
    entry = the_export()
    assert entry.user == world["organiser"]
    assert entry.changes == {
        "list": "cadres",
        "format": "xlsx",
        "rows": 2,
        "filters": {},
        "full_pii": False,
    }


def test_a_cadre_named_like_a_formula_comes_out_as_text(client, world):
    sign_in(client, world["organiser"])
    response = client.get(cadres_url("?export=xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = next(r[0] for r in sheet.iter_rows() if str(r[0].value).endswith("=1+1"))
    assert cell.value == "'=1+1" and cell.data_type == "s"
    text = client.get(cadres_url("?export=csv")).content.decode("utf-8-sig")
    assert "'=1+1" in [r[0] for r in csv.reader(io.StringIO(text))]


def test_the_cadre_export_is_filtered_like_the_page_and_records_the_filter(client, world):
    sign_in(client, world["organiser"])
    rows = sheet_rows(client.get(cadres_url("?q=张伟&export=csv")))
    assert [r[0] for r in rows[2:]] == ["张伟"]
    assert "13800001111" not in str(rows)
    assert the_export().changes["filters"] == {"q": "张伟"}
    assert the_export().changes["format"] == "csv" and the_export().changes["rows"] == 1


def test_full_numbers_only_with_the_permission_and_then_no_note(client, world):
    grant_full_pii(world["organiser"])
    sign_in(client, world["organiser"])
    header, *data = sheet_rows(client.get(cadres_url("?export=csv")))
    assert list(header) == CADRE_HEADER
    assert {r[2] for r in data} == {"13800001111", "13800002222"}
    assert the_export().changes["full_pii"] is True


def test_another_areas_organiser_gets_only_their_own_cadres(client, world):
    sign_in(client, world["west_organiser"])
    rows = sheet_rows(client.get(cadres_url("?export=xlsx")))
    assert [r[0] for r in rows[2:]] == ["王芳"]
    assert "张伟" not in str(rows) and the_export().changes["rows"] == 1


def test_an_export_is_bounded(client, world, monkeypatch):
    monkeypatch.setattr(export_module, "EXPORT_LIMIT", 1)
    sign_in(client, world["organiser"])
    assert len(sheet_rows(client.get(cadres_url("?export=xlsx")))) == 3  # note, header, 1 row
    assert the_export().changes["rows"] == 1


def test_the_export_is_in_the_imports_language_whatever_the_pages(client, world, english):
    sign_in(client, world["organiser"])
    assert "<h1>Cadre</h1>" in client.get(cadres_url()).content.decode()  # English page
    rows = sheet_rows(client.get(cadres_url("?export=csv")))
    assert list(rows[1]) == CADRE_HEADER
    assert ("科级", "在岗") in {r[5:7] for r in rows[2:]}
    pairing_rows = sheet_rows(client.get(pairings_url(world, "?export=csv")))
    assert {r[3] for r in pairing_rows[1:]} == {"主联系人", "协助"}


def test_the_pages_offer_the_exports(client, world):
    sign_in(client, world["organiser"])
    page = client.get(cadres_url("?q=张")).content.decode()
    assert "?q=%E5%BC%A0&amp;export=xlsx" in page and "export=csv" in page
    assert "手机号已打码" in page
    detail = client.get(reverse("campaign_detail", args=[world["campaign"].pk])).content.decode()
    assert pairings_url(world) in detail
    page = client.get(pairings_url(world))
    assert [p.enterprise for p in page.context["page"]] == [world["b"], world["a"]]
    assert "export=xlsx" in page.content.decode() and "export=csv" in page.content.decode()


# The pairing list


def test_the_pairing_export_has_the_import_columns_and_the_areas_active_pairings(client, world):
    sign_in(client, world["organiser"])
    header, *data = sheet_rows(client.get(pairings_url(world, "?export=xlsx")))
    assert list(header) == PAIRING_HEADER
    assert sorted(data) == sorted(
        [
            (
                world["a"].uscc,
                "云溪精工机械有限公司",
                world["zhang"].staff_no,
                "主联系人",
                "合力扶企行动",
                "工业组",
                None,
                datetime.datetime(2026, 1, 1),
            ),
            (
                world["b"].uscc,
                '\'=HYPERLINK("http://x")鞋业有限公司',
                world["formula"].staff_no,
                "协助",
                "合力扶企行动",
                None,
                None,
                datetime.datetime(2026, 1, 1),
            ),
        ]
    )
    assert the_export().changes == {
        "list": "pairings",
        "format": "xlsx",
        "rows": 2,
        "filters": {"campaign": "合力扶企行动"},
        "full_pii": False,
    }


def test_the_pairing_export_follows_the_pages_filters(client, world):
    sign_in(client, world["organiser"])
    tag = world["a"].tags.get()
    rows = sheet_rows(client.get(pairings_url(world, f"?tag={tag.pk}&export=csv")))
    assert [r[1] for r in rows[1:]] == ["云溪精工机械有限公司"]
    assert the_export().changes["filters"] == {"campaign": "合力扶企行动", "tag": tag.name}
    AuditEntry.objects.filter(action="export").delete()
    query = f"?town={world['east_town'].pk}&q={world['formula'].staff_no}&export=csv"
    rows = sheet_rows(client.get(pairings_url(world, query)))
    assert [r[2] for r in rows[1:]] == [world["formula"].staff_no]
    assert the_export().changes["filters"] == {
        "campaign": "合力扶企行动",
        "town": "云溪镇",
        "q": world["formula"].staff_no,
    }


def test_another_areas_organiser_gets_only_their_areas_pairings(client, world):
    sign_in(client, world["west_organiser"])
    header, *data = sheet_rows(client.get(pairings_url(world, "?export=xlsx")))
    assert [r[1] for r in data] == ["江口贸易有限公司"]
    # Naming the other area's town filters to nothing rather than reaching it.
    rows = sheet_rows(client.get(pairings_url(world, f"?town={world['east_town'].pk}&export=csv")))
    assert rows[1:] == []


# The round trip


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize("full_pii", [False, True])
def test_cadres_exported_then_imported_back_are_unchanged(client, world, kind, full_pii):
    if full_pii:
        grant_full_pii(world["organiser"])
    sign_in(client, world["organiser"])
    response = client.get(cadres_url(f"?export={kind}"))
    plan = cadre_import.read_plan(io.BytesIO(response.content), f"cadres.{kind}")
    assert plan.errors == []
    assert plan.counts == {"created": 0, "updated": 0, "unchanged": 2}
    cadre_import.commit(plan, actor=world["admin"])
    zhang = Cadre.objects.select_related("user").get(pk=world["zhang"].pk)
    assert (zhang.user.phone, zhang.user.display_name, zhang.unit) == (
        "13800001111",
        "张伟",
        world["east_dept"],
    )
    assert Cadre.objects.get(pk=world["formula"].pk).user.display_name == "=1+1"


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_pairings_exported_then_imported_back_are_unchanged(client, world, kind):
    sign_in(client, world["organiser"])
    response = client.get(pairings_url(world, f"?export={kind}"))
    plan = pairing_import.read_plan(
        io.BytesIO(response.content), f"pairings.{kind}", actor=world["organiser"]
    )
    assert plan.errors == []
    assert plan.counts == {"created": 0, "updated": 0, "unchanged": 2}
    before = Pairing.objects.count()
    pairing_import.commit(plan, actor=world["organiser"])
    assert Pairing.objects.count() == before


def test_the_round_trip_works_for_a_user_whose_pages_are_in_english(client, world, english):
    """The sheets are in Chinese whatever the page's language, and so is what the imports read."""
    sign_in(client, world["organiser"])
    cadres = client.get(cadres_url("?export=xlsx")).content
    pairings = client.get(pairings_url(world, "?export=csv")).content
    with translation.override("en"):
        plan = cadre_import.read_plan(io.BytesIO(cadres), "cadres.xlsx")
        assert (plan.errors, plan.counts["unchanged"]) == ([], 2)
        plan = pairing_import.read_plan(
            io.BytesIO(pairings), "pairings.csv", actor=world["organiser"]
        )
        assert (plan.errors, plan.counts["unchanged"]) == ([], 2)


# Reading back what an export escaped


@pytest.mark.parametrize(
    "value", ["=1+1", "+86 138", "-5", "@SUM(A1)", "\tx", "张伟", "'quoted", 7]
)
def test_unescape_undoes_escape(value):
    assert unescape_cell(escape_cell(value)) == value


def test_import_rows_read_escaped_cells_as_they_were():
    header = Header(row=1, columns={"name": 0}, labels={"name": "姓名"})
    row = SheetRow(2, ["'=1+1"], Sheet(header, []), {"name": ["姓名"]}, [])
    assert row.text("name") == "=1+1"
    row = SheetRow(3, ["'张伟"], Sheet(header, []), {"name": ["姓名"]}, [])
    assert row.text("name") == "'张伟"  # an apostrophe escape_cell did not add stays
