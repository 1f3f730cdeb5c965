"""The roster preview page says what the import did with the sheet (issue 15): the totals rows it
skipped, every column it did not use, which the uploader may map to a field (kept for the unit's
next uploads), and every error, paged."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEntry, OrgUnit
from enterprises.models import Enterprise, HeaderAlias, RosterImport
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def embedded(settings):
    settings.REDIS_URL = ""  # jobs inline, as `make run` has them


@pytest.fixture
def office():
    county = f.make_unit(name="瑞安市", kind=OrgUnit.Kind.COUNTY)
    f.make_unit(name="塘下镇", kind=OrgUnit.Kind.TOWN, parent=county)
    bureau = f.make_unit(name="经信局", kind=OrgUnit.Kind.DEPARTMENT, parent=county)
    return bureau


def upload(client, header, rows, name="名录.xlsx"):
    wb = openpyxl.Workbook()
    wb.active.append(["2026年企业名录"])
    wb.active.append(header)
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    client.post(reverse("roster_import"), {"file": SimpleUploadedFile(name, out.getvalue(), XLSX)})
    record = RosterImport.objects.order_by("-pk").first()
    return record, client.get(reverse("roster_import_detail", args=[record.pk])).content.decode()


def firms(count, start=0):
    return [[f"企业{n}有限公司", f.make_uscc(960000 + n), "塘下镇", n] for n in range(start, count)]


def test_the_preview_names_each_totals_row_it_skipped(client, office):
    sign_in(client, f.make_user("admin", home_unit=office))
    rows = [*firms(204), ["合计", None, None, 20706], ["其中：规上企业", None, None, 100]]
    record, page = upload(client, ["企业名称", "统一社会信用代码", "镇街", "从业人员"], rows)
    assert record.status == "planned" and record.rows == 204
    assert "第207行是合计行，已跳过" in page
    assert "第208行是“其中”分项行，已跳过" in page


def test_unknown_headers_are_listed_and_a_mapping_is_remembered_for_the_unit(client, office):
    uploader = f.make_user("admin", home_unit=office)
    sign_in(client, uploader)
    header = ["企业名称", "统一社会信用代码", "镇街", "在岗职工", "备注"]
    record, page = upload(client, header, [r + ["说明"] for r in firms(2)])
    assert "未使用的列" in page and "在岗职工" in page and "备注" in page
    assert 'name="map-0"' in page  # the uploader may map it
    assert Enterprise.objects.count() == 0
    response = client.post(
        reverse("roster_import_columns", args=[record.pk]), {"map-0": "employees", "map-1": ""}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == "planned" and record.columns["used"]["employees"] == "在岗职工"
    assert record.columns["unused"] == ["备注"]
    assert HeaderAlias.objects.get().unit == office
    assert AuditEntry.objects.filter(action="import_columns_mapped").exists()
    # The next upload from the same unit reads the column without being asked again.
    again, page = upload(client, header, [r + ["说明"] for r in firms(3)])
    assert again.columns["used"]["employees"] == "在岗职工"
    client.post(reverse("roster_import_commit", args=[again.pk]))
    assert Enterprise.objects.get(name="企业2有限公司").employees == 2
    # Another unit's uploader is not given this unit's mapping.
    other = f.make_unit(name="商务局", kind=OrgUnit.Kind.DEPARTMENT)
    sign_in(client, f.make_user("admin", home_unit=other))
    elsewhere, _page = upload(client, header, firms(1))
    assert "employees" not in elsewhere.columns["used"]


def test_only_the_uploader_may_map_columns(client, office):
    sign_in(client, f.make_user("admin", home_unit=office))
    record, _page = upload(client, ["企业名称", "统一社会信用代码", "镇街", "在岗职工"], firms(1))
    sign_in(client, f.make_user("admin", home_unit=office))
    page = client.get(reverse("roster_import_detail", args=[record.pk])).content.decode()
    assert "在岗职工" in page and 'name="map-0"' not in page
    client.post(reverse("roster_import_columns", args=[record.pk]), {"map-0": "employees"})
    assert not HeaderAlias.objects.exists()


def test_every_error_is_kept_and_paged(client, office):
    sign_in(client, f.make_user("admin", home_unit=office))
    rows = [[f"企业{n}", f"9133{n:04d}", "塘下镇"] for n in range(1500)]
    record, page = upload(client, ["企业名称", "统一社会信用代码", "镇街"], rows)
    assert record.error_count == 1500 and len(record.errors) == 1500
    last = client.get(reverse("roster_import_detail", args=[record.pk]), {"page": 15})
    assert '<td data-label="行">1502</td>' in last.content.decode()
    assert "仅显示前" not in page


def test_a_required_column_under_an_unknown_header_can_be_mapped(client, office):
    sign_in(client, f.make_user("admin", home_unit=office))
    record, page = upload(client, ["单位详细名称", "统一社会信用代码", "镇街"], firms(2))
    assert record.status == "rejected" and "找不到表头" in page
    assert 'name="map-0"' in page  # the header row's unknown cells are still offered
    client.post(reverse("roster_import_columns", args=[record.pk]), {"map-0": "name"})
    record.refresh_from_db()
    assert (record.status, record.created) == ("planned", 2)


def test_an_organiser_imports_firms_of_their_own_area_only(client, office):
    elsewhere = f.make_unit(name="飞云街道", kind=OrgUnit.Kind.STREET)
    taken = f.make_enterprise(town=elsewhere, uscc=f.make_uscc(960000))
    county = OrgUnit.objects.get(name="瑞安市")
    sign_in(client, f.make_user("organiser", jurisdiction_unit=county))
    rows = [*firms(2), ["某公司", f.make_uscc(960500), "飞云街道"]]
    record, page = upload(client, ["企业名称", "统一社会信用代码", "镇街"], rows)
    assert record.status == "rejected"
    assert "这家企业属于其他辖区，不能在此导入修改" in page  # row 3: firm 0's code
    assert "镇街不存在" in page  # a town outside the area reads as unknown
    taken.refresh_from_db()
    assert taken.town == elsewhere
