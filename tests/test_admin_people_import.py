"""The Django admin's import screens for cadres and pairings (django-import-export) plan and write
through the import pages' own modules: a good file imports, a bad row is refused with the pages'
message and nothing written, importing the same file again changes nothing, mobile numbers show
masked, and each import is in the audit trail."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from accounts.models import AuditEntry, Cadre, OrgUnit, User
from pairing.models import Pairing
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

CADRE_HEADER = ["姓名", "工号", "手机号", "单位", "职务", "职级", "状态"]
PAIRING_HEADER = ["企业统一社会信用代码", "干部工号", "角色", "行动"]


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="瑞安市")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W")
    f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="JXJ", name="经信局")
    town = f.make_unit(parent=east, code="E1")
    return {
        "east": east,
        "campaign": f.make_campaign(scope_unit=city, name="合力扶企行动"),
        "firms": [f.make_enterprise(town=town) for _ in range(2)],
        "west_firm": f.make_enterprise(town=f.make_unit(parent=west, code="W1")),
        "cadres": [f.make_cadre() for _ in range(2)],
    }


def admin_client(client, **extra):
    return sign_in(client, f.make_user("admin", is_staff=True, **extra))


def csv_file(header, rows) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("名册.csv", out.getvalue().encode("utf-8"), "text/csv")


def csv_format(page: str) -> str:
    """The value of the format choice labelled csv on the import form."""
    return re.search(r'<option value="([^"]+)"[^>]*>\s*csv\s*</option>', page).group(1)


def dry_run(client, model: str, header, rows) -> str:
    url = reverse(f"admin:{model}_import")
    form = client.get(url).content.decode()
    response = client.post(url, {"format": csv_format(form), "import_file": csv_file(header, rows)})
    assert response.status_code == 200
    return response.content.decode()


def confirm(client, model: str, page: str):
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    return client.post(reverse(f"admin:{model}_process_import"), hidden)


def import_through_the_screens(client, model: str, header, rows):
    """The dry run's page and, when it offers to confirm, the confirmation's response."""
    page = dry_run(client, model, header, rows)
    if 'name="import_file_name"' not in page:
        return page, None  # refused at the dry run: nothing to confirm
    return page, confirm(client, model, page)


CADRES = [
    ["张伟", "A001", "13800001111", "经信局", "科长", "科级", "在岗"],
    ["李娜", "A002", "139 0000 2222", "JXJ", "", "一般干部", ""],
]


def last_import() -> dict:
    return AuditEntry.objects.filter(action="import").latest("pk").changes


def test_cadres_import_through_the_cadre_rules_and_again_change_nothing(client, world):
    admin_client(client)
    page, confirmed = import_through_the_screens(client, "accounts_cadre", CADRE_HEADER, CADRES)
    assert confirmed is not None and confirmed.status_code == 302
    assert "138****1111" in page and "13800001111" not in page  # the preview masks mobiles,
    assert "139****2222" in page and "0000 2222" not in page  # however they are written
    zhang = Cadre.objects.select_related("user").get(staff_no="A001")
    assert zhang.user.phone == "13800001111" and zhang.user.must_change_password
    assert Cadre.objects.get(staff_no="A002").user.phone == "13900002222"  # the rules' folding
    assert last_import() | {"file": ""} == {
        "file": "",
        "kind": "cadres",
        "via": "admin",
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    page, confirmed = import_through_the_screens(client, "accounts_cadre", CADRE_HEADER, CADRES)
    assert confirmed is not None and confirmed.status_code == 302
    assert Cadre.objects.filter(staff_no__startswith="A").count() == 2
    assert last_import()["created"] == 0 and last_import()["unchanged"] == 2


def test_a_bad_cadre_row_is_refused_with_the_import_message_and_nothing_written(client, world):
    admin_client(client)
    rows = [
        *CADRES,
        ["王五", "A003", "13800003333", "不存在局", "", "科级", ""],
        ["赵六", "A004", "138-0000-444", "经信局", "", "科级", ""],
    ]
    page, confirmed = import_through_the_screens(client, "accounts_cadre", CADRE_HEADER, rows)
    assert confirmed is None
    assert "单位不存在，请填写系统中已有的单位编码或全称" in page
    assert "<td>4 </td>" in page  # the sheet's own row number
    assert "手机号格式不正确，应为11位手机号" in page
    assert "13800003333" not in page and "0000-444" not in page
    assert not Cadre.objects.filter(staff_no__startswith="A").exists()
    assert not AuditEntry.objects.filter(action="import").exists()


def test_a_file_that_stopped_passing_before_the_confirmation_writes_nothing(client, world):
    admin_client(client)
    page = dry_run(client, "accounts_cadre", CADRE_HEADER, CADRES)
    f.make_user(username="A002")  # the staff number is taken as a login in the meantime
    response = confirm(client, "accounts_cadre", page)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_cadre_import")
    assert "没有写入任何数据" in str(list(get_messages(response.wsgi_request))[0])
    assert not Cadre.objects.filter(staff_no__startswith="A").exists()
    assert not User.objects.filter(username="A001").exists()


def pairing_rows(world, firms=None):
    lead, helper = world["cadres"]
    firms = firms or world["firms"]
    return [
        [firms[0].uscc, lead.staff_no, "主联系人", "合力扶企行动"],
        [firms[1].uscc, lead.staff_no, "", "合力扶企行动"],
        [firms[0].uscc, helper.staff_no, "协助", "合力扶企行动"],
    ]


def test_pairings_import_for_the_whole_installation_and_again_change_nothing(client, world):
    # The system admin operates from the root of the tree (issue 21): no jurisdiction needed,
    # and firms of every county are theirs to pair.
    admin_client(client)
    rows = pairing_rows(world, firms=[world["firms"][0], world["west_firm"]])
    page, confirmed = import_through_the_screens(client, "pairing_pairing", PAIRING_HEADER, rows)
    assert confirmed is not None and confirmed.status_code == 302, page
    assert Pairing.objects.active().count() == 3
    assert Pairing.objects.filter(enterprise=world["west_firm"]).exists()
    assert Pairing.objects.get(cadre=world["cadres"][1]).role == Pairing.Role.ASSIST
    assert AuditEntry.objects.filter(action="pairing_create").count() == 3
    assert last_import()["via"] == "admin" and last_import()["created"] == 3
    page, confirmed = import_through_the_screens(client, "pairing_pairing", PAIRING_HEADER, rows)
    assert confirmed is not None and confirmed.status_code == 302
    assert Pairing.objects.count() == 3
    assert last_import()["created"] == 0 and last_import()["unchanged"] == 3


def test_an_admin_given_a_jurisdiction_still_imports_for_the_whole_installation(client, world):
    admin_client(client, jurisdiction_unit=world["east"])
    rows = pairing_rows(world, firms=[world["firms"][0], world["west_firm"]])
    page, confirmed = import_through_the_screens(client, "pairing_pairing", PAIRING_HEADER, rows)
    assert confirmed is not None and confirmed.status_code == 302, page
    assert Pairing.objects.filter(enterprise=world["west_firm"]).count() == 1


@pytest.mark.parametrize("model", ["accounts_cadre", "pairing_pairing"])
def test_no_admin_export_leaves_phone_numbers_unmasked(model):
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:{model}_export")
