"""Import messages are stored as a code and its parameters and worded when shown, in the reader's
language (issue 21): an English reader of a roster import reads English; a message stored in
Chinese before codes existed is still shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import OrgUnit
from enterprises.models import RosterImport
from tests import factories as f
from tests.helpers import sign_in
from tests.test_roster_import_pages import upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def embedded(settings):
    settings.REDIS_URL = ""


@pytest.fixture
def admin(client):
    f.make_unit(name="云溪镇", kind=OrgUnit.Kind.TOWN)
    return sign_in(client, f.make_user("admin", is_staff=True))


def test_row_errors_are_stored_as_codes_and_worded_in_the_readers_language(
    admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin, [["甲机械有限公司", f.make_uscc(1), "不存在镇"]])
    record = RosterImport.objects.get()
    [error] = record.errors
    assert (error["code"], error["params"]) == ("unknown_town", {})
    assert error["message"] == "镇街不存在，请填写系统中已有的镇街名称"  # for the workbook
    url = reverse("roster_import_detail", args=[record.pk])
    assert "镇街不存在" in admin.get(url).content.decode()
    admin.cookies["django_language"] = "en"
    page = admin.get(url).content.decode()
    assert "镇街不存在" not in page and "No such town or street" in page


def test_a_job_message_is_a_code_and_an_old_chinese_one_is_still_shown(admin):
    user = f.make_user("admin", is_staff=True)
    coded = RosterImport.objects.create(
        uploaded_by=user, filename="a.xlsx", status="planned", job_error="interrupted"
    )
    old = RosterImport.objects.create(
        uploaded_by=user,
        filename="b.xlsx",
        status="rejected",
        job_error="后台任务中断，数据库未作任何改变，请重新操作。",
        errors=[{"row": 3, "column": "镇街", "value": "x", "message": "旧的中文说明"}],
        error_count=1,
    )
    for record in (coded, old):
        page = admin.get(reverse("roster_import_detail", args=[record.pk])).content.decode()
        assert "后台任务中断" in page
    assert "旧的中文说明" in page
    admin.cookies["django_language"] = "en"
    for record in (coded, old):
        page = admin.get(reverse("roster_import_detail", args=[record.pk])).content.decode()
        assert "The background job was interrupted" in page and "后台任务中断" not in page
    assert "旧的中文说明" in page  # a row message stored before codes: shown as stored


def test_pairing_import_messages_are_worded_for_an_english_reader(client):
    from pairing.models import PeopleImport
    from tests import test_people_import_pages as people

    area = people.area.__wrapped__()
    sign_in(client, area["organiser"])
    people.upload(
        client,
        "pairing_import",
        ["企业统一社会信用代码", "干部工号", "行动", "服务组"],
        [area["west_firm"].uscc, "NO-SUCH", "合力扶企行动", ""],
        [area["firm"].uscc, area["cadre"].staff_no, "合力扶企行动", "不存在的组"],
    )
    record = PeopleImport.objects.get()
    codes = {e.get("code") for e in record.errors}
    assert "no_such_group" in codes
    url = reverse("pairing_import_detail", args=[record.pk])
    page = client.get(url).content.decode()
    assert "没有这个工号的干部" in page and "中没有这个专项组/服务组" in page
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert "没有这个工号的干部" not in page and "No cadre has this staff number" in page
    assert "The campaign “合力扶企行动” has no such group" in page
