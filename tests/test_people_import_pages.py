"""The cadre and pairing import pages: upload, preview with errors by row and column (mobiles
masked), confirm all or nothing, the template and the sheet with its bad cells marked; an
organiser sees only their own pairing imports."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.masking import UNMASKED_MOBILE
from accounts.models import Cadre, OrgUnit
from pairing.models import Pairing, PeopleImport
from tests import factories as f
from tests.helpers import sign_in, xlsx

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, url_name, *rows, name="表.xlsx", **data):
    sheet = SimpleUploadedFile(name, xlsx(*rows).getvalue(), XLSX)
    return client.post(reverse(url_name), {"file": sheet, **data})


@pytest.fixture
def admin_client(client):
    f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, code="JXJ", name="经信局")
    return sign_in(client, f.make_user("admin", is_staff=True))


def test_cadres_upload_preview_then_confirm(admin_client):
    response = upload(
        admin_client,
        "cadre_import",
        ["姓名", "工号", "手机号", "单位", "职级"],
        ["张伟", "A001", "13800001111", "经信局", "科级"],
    )
    record = PeopleImport.objects.get()
    assert response["Location"] == reverse("cadre_import_detail", args=[record.pk])
    assert (record.kind, record.status, record.created, Cadre.objects.count()) == (
        "cadres",
        "planned",
        1,
        0,
    )
    assert "确认导入" in admin_client.get(response["Location"]).content.decode()
    admin_client.post(reverse("cadre_import_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == "committed" and Cadre.objects.count() == 1
    admin_client.post(reverse("cadre_import_commit", args=[record.pk]))  # twice: nothing more
    assert Cadre.objects.count() == 1


def test_cadre_errors_are_shown_with_mobiles_masked_and_marked_in_the_sheet(admin_client):
    upload(
        admin_client,
        "cadre_import",
        ["姓名", "工号", "手机号", "单位", "职级"],
        ["张伟", "A001", "13800001111", "经信局", "科级"],
        ["张三", "A002", "13800001111", "经信局", "科级"],
        ["李四", "A003", "", "不存在局", "科级"],
    )
    record = PeopleImport.objects.get()
    assert record.status == "rejected" and record.error_count == 2
    page = admin_client.get(reverse("cadre_import_detail", args=[record.pk])).content.decode()
    assert "与第2行的手机号重复" in page and "138****1111" in page
    assert not UNMASKED_MOBILE.search(page) and "确认导入" not in page
    admin_client.post(reverse("cadre_import_commit", args=[record.pk]))
    assert not Cadre.objects.exists()
    response = admin_client.get(reverse("cadre_import_errors", args=[record.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "手机号重复" in sheet["C3"].comment.text and "单位不存在" in sheet["D4"].comment.text
    assert sheet["D4"].fill.fgColor.rgb.endswith("FFC7CE") and sheet["A3"].comment is None


def test_the_cadre_template_has_the_headers_and_the_allowed_values(admin_client):
    response = admin_client.get(reverse("cadre_import_template"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert headers[:4] == ("姓名*", "工号", "手机号", "单位*")
    allowed = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert allowed[0] == ("单位编码", "单位名称", "职级", "状态")
    assert ("JXJ", "经信局", "市级领导", "在岗") in allowed


@pytest.fixture
def area():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W")
    return {
        "campaign": f.make_campaign(scope_unit=city, name="合力扶企行动"),
        "firm": f.make_enterprise(town=f.make_unit(parent=east, code="E1")),
        "west_firm": f.make_enterprise(town=f.make_unit(parent=west, code="W1")),
        "cadre": f.make_cadre(),
        "organiser": f.make_user("organiser", jurisdiction_unit=east),
        "west_organiser": f.make_user("organiser", jurisdiction_unit=west),
    }


def test_pairings_upload_with_the_campaign_chosen_then_confirm(client, area):
    sign_in(client, area["organiser"])
    response = upload(
        client,
        "pairing_import",
        ["企业统一社会信用代码", "干部工号"],
        [area["firm"].uscc, area["cadre"].staff_no],
        campaign=area["campaign"].pk,
    )
    record = PeopleImport.objects.get()
    assert response["Location"] == reverse("pairing_import_detail", args=[record.pk])
    assert (record.status, record.created, record.campaign) == ("planned", 1, area["campaign"])
    client.post(reverse("pairing_import_commit", args=[record.pk]))
    assert Pairing.objects.get().campaign == area["campaign"]
    # Another organiser cannot open, confirm or download this import.
    sign_in(client, area["west_organiser"])
    assert client.get(reverse("pairing_import_detail", args=[record.pk])).status_code == 404
    assert client.get(reverse("pairing_import_errors", args=[record.pk])).status_code == 404


def test_pairings_for_another_districts_enterprise_are_rejected_on_the_page(client, area):
    sign_in(client, area["organiser"])
    upload(
        client,
        "pairing_import",
        ["企业统一社会信用代码", "干部工号", "行动"],
        [area["west_firm"].uscc, area["cadre"].staff_no, "合力扶企行动"],
    )
    record = PeopleImport.objects.get()
    page = client.get(reverse("pairing_import_detail", args=[record.pk])).content.decode()
    assert record.status == "rejected" and "管辖范围内没有" in page
    client.post(reverse("pairing_import_commit", args=[record.pk]))
    assert not Pairing.objects.exists()


def test_a_hostile_or_unreadable_file_is_refused_before_anything_is_kept(client, area):
    sign_in(client, area["organiser"])
    fake = SimpleUploadedFile("结对.xlsx", "干部工号\n".encode(), XLSX)
    response = client.post(reverse("pairing_import"), {"file": fake})
    assert response.status_code == 200 and "内容是CSV" in response.content.decode()
    response = upload(client, "pairing_import", ["姓名"], ["张伟"])
    assert "找不到表头" in response.content.decode()
    assert not PeopleImport.objects.exists()


def test_the_pairing_template_lists_the_areas_campaigns_roles_and_groups(client, area):
    area["campaign"].groups.create(name="工业组")
    sign_in(client, area["organiser"])
    response = client.get(reverse("pairing_import_template"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert headers[:3] == ("企业统一社会信用代码", "企业名称", "干部工号*")
    allowed = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert allowed[1] == ("合力扶企行动", "主联系人", "合力扶企行动：工业组")
