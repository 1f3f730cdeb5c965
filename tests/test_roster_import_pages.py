"""The system admin uploads a roster, sees the plan and confirms; bad or hostile files change
nothing."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import OrgUnit
from enterprises.models import Enterprise, RosterImport
from tests import factories as f
from tests.helpers import sign_in

# Real commits: the upload and the confirmation start their job when their transaction commits
# (inline here, as embedded), so the page that follows finds it done.
pytestmark = pytest.mark.django_db(transaction=True)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def embedded(settings):
    settings.REDIS_URL = ""  # jobs inline, as `make run` has them, whatever the CI leg sets


@pytest.fixture
def admin_client(client):
    f.make_unit(name="云溪镇", kind=OrgUnit.Kind.TOWN)
    return sign_in(client, f.make_user("admin", is_staff=True))


def upload(client, rows, name="名录.xlsx"):
    wb = openpyxl.Workbook()
    wb.active.append(["企业名称", "统一社会信用代码", "所属镇街"])
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return client.post(
        reverse("roster_import"), {"file": SimpleUploadedFile(name, out.getvalue(), XLSX)}
    )


def test_upload_preview_then_confirm(admin_client):
    response = upload(
        admin_client,
        [
            ["甲机械有限公司", f.make_uscc(1), "云溪镇"],
            ["乙鞋业有限公司", f.make_uscc(2), "云溪镇"],
        ],
    )
    record = RosterImport.objects.get()
    assert response["Location"] == reverse("roster_import_detail", args=[record.pk])
    assert (record.status, record.created, Enterprise.objects.count()) == ("planned", 2, 0)
    page = admin_client.get(response["Location"]).content.decode()
    assert "确认导入" in page
    admin_client.post(reverse("roster_import_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == "committed" and Enterprise.objects.count() == 2
    # Confirming twice does nothing more.
    admin_client.post(reverse("roster_import_commit", args=[record.pk]))
    assert Enterprise.objects.count() == 2


def test_a_roster_with_errors_is_shown_row_by_row_and_cannot_be_committed(admin_client):
    upload(admin_client, [["甲机械有限公司", "91330381000000001X", "不存在镇"]])
    record = RosterImport.objects.get()
    assert record.status == "rejected" and record.error_count == 2
    page = admin_client.get(reverse("roster_import_detail", args=[record.pk])).content.decode()
    assert "镇街不存在" in page and "校验位错误" in page and "确认导入" not in page
    admin_client.post(reverse("roster_import_commit", args=[record.pk]))
    assert Enterprise.objects.count() == 0


def test_a_file_that_is_not_what_its_name_says_is_refused_before_anything_is_kept(admin_client):
    fake = SimpleUploadedFile("名录.xlsx", "企业名称,统一社会信用代码\n".encode(), XLSX)
    response = admin_client.post(reverse("roster_import"), {"file": fake})
    assert response.status_code == 200 and "内容是CSV" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_the_template_has_the_headers_and_the_allowed_values(admin_client):
    response = admin_client.get(reverse("roster_import_template"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert headers[:3] == ("企业名称*", "统一社会信用代码*", "所属镇街*")
    allowed = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert allowed[0][:2] == ("所属镇街", "企业规模") and allowed[1][0] == "云溪镇"


def test_the_error_workbook_marks_each_bad_cell_with_its_message(admin_client):
    upload(
        admin_client, [["甲机械有限公司", f.make_uscc(3), "不存在镇"], ["丙公司", "BAD", "云溪镇"]]
    )
    record = RosterImport.objects.get()
    response = admin_client.get(reverse("roster_import_errors", args=[record.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["C2"].comment and "镇街不存在" in sheet["C2"].comment.text
    assert sheet["C2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet["B3"].comment and "统一社会信用代码" in sheet["B3"].comment.text
    assert sheet["A2"].comment is None
    assert sheet["A3"].value == "丙公司"
