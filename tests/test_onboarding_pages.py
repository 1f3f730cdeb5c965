"""The onboarding pages (issue 15): the dry run of a county's four sheets, the example sheets and
the templates with drop-downs, and the org unit import's upload → preview → confirm."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import OrgUnit
from pairing import onboarding_examples
from pairing.models import PeopleImport
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def city():
    city = f.make_unit(name="温州市", kind=OrgUnit.Kind.CITY, code="WZ")
    f.make_campaign(scope_unit=city, name="千名干部挂千企")
    return city


def upload(name, content):
    return SimpleUploadedFile(name, content, XLSX)


def test_the_dry_run_page_reports_each_sheet_and_writes_nothing(client, city):
    sign_in(client, f.make_user("admin"))
    page = client.get(reverse("onboarding")).content.decode()
    assert page.count('data-example="') == 4
    files = {
        kind: upload(f"{kind}.xlsx", make()) for kind, make in onboarding_examples.EXAMPLES.items()
    }
    page = client.post(reverse("onboarding"), files).content.decode()
    assert page.count("data-sheet=") == 4
    assert "第8行是合计行，已跳过" in page
    assert not OrgUnit.objects.filter(code="TS").exists()


def test_the_dry_run_page_refuses_a_hostile_file_before_reading_it(client, city):
    sign_in(client, f.make_user("admin"))
    page = client.post(
        reverse("onboarding"), {"units": upload("units.xlsx", b"PK\x03\x04 broken zip")}
    ).content.decode()
    assert "文件已损坏" in page and "data-sheet=" not in page


def test_the_examples_and_templates_carry_drop_downs(client, city):
    sign_in(client, f.make_user("admin"))
    for url, column in [
        (reverse("onboarding_example", args=["units"]), "C"),
        (reverse("unit_import_template"), "C"),
        (reverse("roster_import_template"), "E"),  # 企业规模
        (reverse("cadre_import_template"), "F"),
    ]:
        book = openpyxl.load_workbook(io.BytesIO(client.get(url).content))
        ranges = [str(v.sqref) for v in book.worksheets[0].data_validations.dataValidation]
        assert any(r.startswith(f"{column}2:") for r in ranges), (url, ranges)
    assert client.get(reverse("onboarding_example", args=["nothing"])).status_code == 404


def test_the_unit_import_is_uploaded_previewed_and_confirmed(client, city):
    sign_in(client, f.make_user("organiser", jurisdiction_unit=city))
    response = client.post(
        reverse("unit_import"), {"file": upload("units.xlsx", onboarding_examples.units_sheet())}
    )
    record = PeopleImport.objects.get(kind="units")
    assert response["Location"] == reverse("unit_import_detail", args=[record.pk])
    assert (record.status, record.created) == ("planned", 7)
    client.post(reverse("unit_import_commit", args=[record.pk]))
    assert OrgUnit.objects.get(code="TS01").parent.code == "TS"
    again = client.post(
        reverse("unit_import"), {"file": upload("units.xlsx", onboarding_examples.units_sheet())}
    )
    record = PeopleImport.objects.get(pk=int(again["Location"].rstrip("/").split("/")[-1]))
    assert (record.created, record.updated, record.unchanged) == (0, 0, 7)


def test_an_organiser_without_an_area_and_other_roles_are_kept_out(client, city):
    sign_in(client, f.make_user("organiser"))
    for name in ["onboarding", "unit_import", "cadre_import", "roster_import"]:
        assert "尚未设置管辖范围" in client.get(reverse(name)).content.decode()
    sign_in(client, f.make_user("handler"))
    assert client.get(reverse("onboarding")).status_code == 403
    assert client.get(reverse("unit_import")).status_code == 403
