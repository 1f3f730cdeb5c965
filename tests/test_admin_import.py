"""The Django admin's import screens for the roster (django-import-export) apply the roster
import's own rules: a bad row is refused with the same message, a good file imports, and
importing it again changes nothing."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEntry, OrgUnit
from enterprises.models import Enterprise
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    f.make_unit(name="云溪镇", kind=OrgUnit.Kind.TOWN)
    return sign_in(client, f.make_user("admin", is_staff=True))


def csv_file(rows) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["企业名称", "信用代码", "所属镇街", "年产值"]
    )  # aliases, as offices write them
    writer.writerows(rows)
    return SimpleUploadedFile("名录.csv", out.getvalue().encode("utf-8"), "text/csv")


def csv_format(page: str) -> str:
    """The value of the format choice labelled csv on the import form."""
    return re.search(r'<option value="([^"]+)"[^>]*>\s*csv\s*</option>', page).group(1)


def import_through_the_screens(client, rows):
    url = reverse("admin:enterprises_enterprise_import")
    form = client.get(url).content.decode()
    response = client.post(url, {"format": csv_format(form), "import_file": csv_file(rows)})
    page = response.content.decode()
    if 'name="import_file_name"' not in page:
        return page, None  # refused at the dry run: nothing to confirm
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    confirm = client.post(reverse("admin:enterprises_enterprise_process_import"), hidden)
    return page, confirm


def test_the_admin_import_uses_the_roster_rules_and_is_idempotent(admin_client):
    good = [
        ("甲机械有限公司", f.make_uscc(21), "云溪镇", "1,200万元"),
        ("乙鞋业有限公司", f.make_uscc(22), "云溪镇", ""),
    ]
    page, confirm = import_through_the_screens(admin_client, good)
    assert confirm is not None and confirm.status_code == 302
    amounts = dict(Enterprise.objects.values_list("name", "annual_output"))
    assert amounts["甲机械有限公司"] == 1200  # 1,200万元 read by the roster's amount parser
    assert AuditEntry.objects.filter(action="import", changes__via="admin").count() == 1
    page, confirm = import_through_the_screens(admin_client, good)
    assert Enterprise.objects.count() == 2
    assert AuditEntry.objects.filter(action="import", changes__created=0).exists()


def test_a_bad_row_is_refused_with_the_roster_message_and_nothing_written(admin_client):
    rows = [
        ("甲机械有限公司", f.make_uscc(23), "云溪镇", ""),
        ("丙公司", f.make_uscc(24), "不存在镇", ""),
    ]
    page, confirm = import_through_the_screens(admin_client, rows)
    assert confirm is None
    assert "镇街不存在" in page
    assert not Enterprise.objects.exists()
