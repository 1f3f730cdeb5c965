"""Bad input on the enterprise pages: the filtered list, the file and its history pages, the
contact-phone reveal, and the roster import pages. Each answers with a message (or 404 for another
area's record), never a server error, and changes nothing."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEntry, OrgUnit
from enterprises.models import Enterprise, RosterImport
from tests import factories as f
from tests.helpers import sign_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def snapshot():
    """What a bad request must leave as it was."""
    return (
        list(Enterprise.objects.order_by("pk").values()),
        list(RosterImport.objects.order_by("pk").values("pk", "status", "job_error")),
        AuditEntry.objects.exclude(action__in=["access_denied", "pii_view", "export"]).count(),
    )


@pytest.fixture
def roster(db):
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W")
    town = f.make_unit(parent=east, code="E1", name="云溪镇")
    west_town = f.make_unit(parent=west, code="W1", name="西江镇")
    a = f.make_enterprise(
        town=town,
        name="云溪精工机械有限公司",
        uscc=f.make_uscc(987654),
        contact_phone="13812345678",
    )
    c = f.make_enterprise(town=west_town, name="西江贸易有限公司", contact_phone="13900001111")
    leader = f.make_user("organiser", jurisdiction_unit=east)
    return {"a": a, "c": c, "town": town, "west_town": west_town, "leader": leader}


def names(response):
    return [e.name for e in response.context["page"]]


# The filtered list ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "town=999999",
        "town=abc",
        "town=99999999999999999999999",
        "town=-1",
        "tag=999999",
        "tag=abc",
        "industry=999999",
        "industry=1.5",
        "scale=huge",
        "paired=maybe",
        "q=" + "长" * 101,
    ],
)
def test_a_bad_filter_value_shows_an_error_and_no_rows(client, roster, query):
    sign_in(client, roster["leader"])
    before = snapshot()
    response = client.get(reverse("enterprise_list") + "?" + query)
    assert response.status_code == 200 and names(response) == []
    form = response.context["form"]
    assert form.errors
    page = response.content.decode()
    assert 'class="errorlist' in page  # the reason is on the page, by its field
    assert snapshot() == before


def test_another_areas_town_finds_nothing_of_that_area(client, roster):
    sign_in(client, roster["leader"])
    response = client.get(reverse("enterprise_list") + f"?town={roster['west_town'].pk}")
    assert response.status_code == 200 and names(response) == []


@pytest.mark.parametrize("page", ["abc", "-1", "0", "999999", "1.5", "99999999999999999999999"])
def test_an_odd_page_number_shows_a_page(client, roster, page):
    sign_in(client, roster["leader"])
    response = client.get(reverse("enterprise_list") + f"?page={page}")
    assert response.status_code == 200 and names(response) == [roster["a"].name]


def test_a_very_long_query_is_refused_with_a_message_and_kept_in_the_box(client, roster):
    sign_in(client, roster["leader"])
    text = "精工" * 5000
    response = client.get(reverse("enterprise_list"), {"q": text})
    assert response.status_code == 200 and names(response) == []
    assert response.context["form"].errors["q"]
    assert text[:100] in response.content.decode()


@pytest.mark.parametrize("case", ["lower", "fullwidth", "fullwidth_lower", "spaced"])
def test_a_uscc_typed_in_lowercase_or_full_width_finds_the_enterprise(client, roster, case):
    uscc = roster["a"].uscc
    typed = {
        "lower": uscc.lower(),
        "fullwidth": "".join(chr(ord(ch) + 0xFEE0) for ch in uscc),
        "fullwidth_lower": "".join(chr(ord(ch) + 0xFEE0) for ch in uscc.lower()),
        "spaced": f"  {uscc}\u3000",
    }[case]
    sign_in(client, roster["leader"])
    response = client.get(reverse("enterprise_list"), {"q": typed})
    assert names(response) == [roster["a"].name]


@pytest.mark.parametrize("value", ["pdf", "XLSX", "", "xlsx;csv", "../../etc/passwd"])
def test_an_unknown_export_format_shows_the_page(client, roster, value):
    sign_in(client, roster["leader"])
    response = client.get(reverse("enterprise_list"), {"export": value})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert names(response) == [roster["a"].name]
    assert not AuditEntry.objects.filter(action="export").exists()


def test_an_export_with_a_bad_filter_exports_nothing_of_another_area(client, roster):
    sign_in(client, roster["leader"])
    response = client.get(reverse("enterprise_list"), {"export": "csv", "town": "abc"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert roster["c"].name not in text and roster["a"].name not in text


# The file, its history pages and the phone --------------------------------------------------


@pytest.mark.parametrize("route", ["enterprise_detail", "enterprise_visits", "enterprise_tickets"])
def test_the_file_of_a_missing_or_another_areas_firm_is_404(client, roster, route):
    sign_in(client, roster["leader"])
    assert client.get(reverse(route, args=[roster["c"].pk])).status_code == 404
    assert client.get(reverse(route, args=[999999])).status_code == 404
    assert client.get(f"/enterprises/{roster['c'].pk}abc/").status_code == 404


@pytest.mark.parametrize("route", ["enterprise_visits", "enterprise_tickets"])
@pytest.mark.parametrize("page", ["abc", "-5", "999999"])  # NUL: 400, test_hostile_parameters
def test_history_pages_take_any_page_number(client, roster, route, page):
    sign_in(client, roster["leader"])
    response = client.get(reverse(route, args=[roster["a"].pk]) + f"?page={page}")
    assert response.status_code == 200


def test_the_phone_of_a_missing_or_another_areas_firm_is_404_and_nothing_is_revealed(
    client, roster
):
    roster["leader"].user_permissions.add(Permission.objects.get(codename="view_full_pii"))
    sign_in(client, roster["leader"])
    for pk in (roster["c"].pk, 999999):
        response = client.get(reverse("enterprise_contact_phone", args=[pk]))
        assert response.status_code == 404
        assert "13900001111" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="pii_view").exists()


def test_a_cadre_not_paired_with_the_firm_cannot_reveal_its_phone(client, roster):
    cadre = f.make_cadre(user=f.make_user("cadre", home_unit=roster["town"]))
    cadre.user.user_permissions.add(Permission.objects.get(codename="view_full_pii"))
    sign_in(client, cadre.user)
    assert client.get(reverse("enterprise_contact_phone", args=[roster["a"].pk])).status_code == 404


# The roster import pages ---------------------------------------------------------------------


@pytest.fixture
def admin_client(client, settings, db):
    settings.REDIS_URL = ""
    f.make_unit(name="云溪镇", kind=OrgUnit.Kind.TOWN)
    return sign_in(client, f.make_user("admin", is_staff=True))


def workbook(rows) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["企业名称", "统一社会信用代码", "所属镇街"])
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, rows, name="名录.xlsx"):
    return client.post(
        reverse("roster_import"), {"file": SimpleUploadedFile(name, workbook(rows), XLSX)}
    )


@pytest.mark.parametrize(
    "files",
    [
        {},
        {"file": SimpleUploadedFile("名录.xlsx", b"", XLSX)},
        {"file": SimpleUploadedFile("名录.pdf", b"%PDF-1.4", "application/pdf")},
        {"file": SimpleUploadedFile("名录.xlsx", b"not a zip at all", XLSX)},
    ],
)
def test_a_missing_empty_or_wrong_file_is_refused_with_a_message(admin_client, files):
    response = admin_client.post(reverse("roster_import"), files)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not RosterImport.objects.exists() and not Enterprise.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_confirming_twice_imports_once(admin_client):
    upload(admin_client, [["甲机械有限公司", f.make_uscc(1), "云溪镇"]])
    record = RosterImport.objects.get()
    url = reverse("roster_import_commit", args=[record.pk])
    admin_client.post(url)
    before = snapshot()
    response = admin_client.post(url, follow=True)
    assert response.status_code == 200
    assert "已经导入过" in response.content.decode()
    assert snapshot() == before and Enterprise.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_rejected_roster_cannot_be_confirmed(admin_client):
    upload(admin_client, [["甲机械有限公司", "not-a-uscc", "云溪镇"]])
    record = RosterImport.objects.get()
    assert record.status == "rejected"
    before = snapshot()
    response = admin_client.post(reverse("roster_import_commit", args=[record.pk]), follow=True)
    assert "不能导入" in response.content.decode()
    assert snapshot() == before and not Enterprise.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_confirm_by_get_missing_or_for_another_admin(admin_client):
    other = f.make_user("admin", is_staff=True)
    upload(sign_in(admin_client, other), [["甲机械有限公司", f.make_uscc(1), "云溪镇"]])
    record = RosterImport.objects.get()
    me = f.make_user("admin", is_staff=True)
    sign_in(admin_client, me)
    before = snapshot()
    assert admin_client.get(reverse("roster_import_commit", args=[record.pk])).status_code == 405
    assert admin_client.post(reverse("roster_import_commit", args=[999999])).status_code == 404
    assert snapshot() == before
    # Confirming is the uploader's act (issue 21): another administrator is told so.
    response = admin_client.post(reverse("roster_import_commit", args=[record.pk]), follow=True)
    assert "只有上传这份文件的人可以确认导入" in response.content.decode()
    assert snapshot() == before
    sign_in(admin_client, other)
    admin_client.post(reverse("roster_import_commit", args=[record.pk]))
    assert Enterprise.objects.count() == 1
    assert AuditEntry.objects.filter(action="import", user=other).count() == 1


def test_progress_and_pages_of_a_missing_import_are_404(admin_client):
    for route in ("roster_import_detail", "roster_import_progress", "roster_import_errors"):
        assert admin_client.get(reverse(route, args=[999999])).status_code == 404


def test_progress_of_an_import_whose_job_is_gone_reloads_the_page(admin_client):
    admin = f.make_user("admin", is_staff=True)
    record = RosterImport.objects.create(
        uploaded_by=admin, filename="x.xlsx", status="checking", job_id="no-such-job"
    )
    response = admin_client.get(reverse("roster_import_progress", args=[record.pk]))
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    record.refresh_from_db()
    assert record.status == "rejected" and record.job_error


@pytest.mark.parametrize("page", ["abc", "-1", "999999"])
def test_the_import_page_takes_any_page_number(admin_client, page):
    admin = f.make_user("admin", is_staff=True)
    record = RosterImport.objects.create(
        uploaded_by=admin,
        filename="x.xlsx",
        status="rejected",
        error_count=1,
        errors=[{"row": 2, "column": "名称", "value": "", "message": "必填"}],
    )
    response = admin_client.get(reverse("roster_import_detail", args=[record.pk]) + f"?page={page}")
    assert response.status_code == 200


def test_the_import_pages_are_refused_to_roles_that_do_not_import(client, roster):
    sign_in(client, f.make_user("handler"))
    assert client.get(reverse("roster_import")).status_code == 403
    assert client.post(reverse("roster_import_commit", args=[1])).status_code == 403


def test_an_organiser_sees_only_their_own_roster_imports(client, roster):
    other = f.make_user("admin")
    record = RosterImport.objects.create(
        uploaded_by=other, filename="a.xlsx", status="planned", rows=1, created=1
    )
    sign_in(client, roster["leader"])  # an organiser of the eastern county
    assert client.get(reverse("roster_import")).status_code == 200
    assert client.get(reverse("roster_import_detail", args=[record.pk])).status_code == 404
    assert client.post(reverse("roster_import_commit", args=[record.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_confirming_after_the_roster_no_longer_checks_writes_nothing_and_says_why(admin_client):
    upload(admin_client, [["甲机械有限公司", f.make_uscc(1), "云溪镇"]])
    record = RosterImport.objects.get()
    assert record.status == "planned"
    OrgUnit.objects.filter(name="云溪镇").update(name="云溪街道")  # the town renamed meanwhile
    response = admin_client.post(reverse("roster_import_commit", args=[record.pk]), follow=True)
    assert response.status_code == 200
    assert not Enterprise.objects.exists()
    page = response.content.decode()
    assert "data-job-error" in page and "未导入任何数据" in page
    assert "云溪镇" in page  # the row and the value that no longer check are shown
    record.refresh_from_db()
    assert record.status == "rejected" and record.error_count == 1
    assert "确认导入" not in page


def test_an_interrupted_job_says_so_in_english_on_an_english_page(admin_client):
    admin = f.make_user("admin", is_staff=True)
    record = RosterImport.objects.create(
        uploaded_by=admin, filename="x.xlsx", status="checking", job_id="no-such-job"
    )
    admin_client.cookies["django_language"] = "en"
    page = admin_client.get(reverse("roster_import_detail", args=[record.pk])).content.decode()
    assert "data-job-error" in page  # on the first view, not only after a reload
    assert "后台任务中断" not in page and "The background job was interrupted" in page


@pytest.mark.parametrize(
    "name",
    ["../../etc/" + "很长的名册文件名" * 30 + ".xlsx", "名\x00录.xlsx", "C:\\temp\\名录.xlsx"],
)
def test_an_odd_file_name_is_kept_short_and_harmless(admin_client, name):
    response = upload(admin_client, [["甲机械有限公司", f.make_uscc(1), "云溪镇"]], name=name)
    assert response.status_code in (200, 302)
    for record in RosterImport.objects.all():
        assert ".." not in record.file.name and "\x00" not in record.file.name
        assert record.file.name.startswith("imports/")


HAN = re.compile(r"[\u4e00-\u9fff]")


def test_the_list_with_a_bad_filter_in_english_has_no_chinese_left(client, roster):
    sign_in(client, roster["leader"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("enterprise_list"), {"town": "abc", "q": "x" * 101}).content.decode()
    page = page.replace(roster["leader"].display_name, "").replace("简体中文", "")
    page = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    left = [line for line in page.splitlines() if HAN.search(line) and "<option" not in line]
    assert left == []  # the choices are the area's own names (towns, tags), not the interface


@pytest.mark.django_db(transaction=True)
def test_confirming_when_the_stored_file_is_gone_says_so_and_writes_nothing(admin_client):
    upload(admin_client, [["甲机械有限公司", f.make_uscc(1), "云溪镇"]])
    record = RosterImport.objects.get()
    record.file.delete(save=False)  # the file changed under the import: removed from storage
    response = admin_client.post(reverse("roster_import_commit", args=[record.pk]), follow=True)
    assert response.status_code == 200
    assert not Enterprise.objects.exists()
    record.refresh_from_db()
    assert record.status != "committing"  # not left 'importing' for ever
    assert "data-job-error" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_error_workbook_of_an_import_whose_file_is_gone_is_not_a_server_error(admin_client):
    upload(admin_client, [["甲机械有限公司", "not-a-uscc", "云溪镇"]])
    record = RosterImport.objects.get()
    record.file.delete(save=False)
    response = admin_client.get(reverse("roster_import_errors", args=[record.pk]), follow=True)
    assert response.status_code == 200
    assert "文件已不在服务器上" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_roster_with_a_header_and_no_rows_is_refused_with_a_message(admin_client):
    response = upload(admin_client, [])
    record = RosterImport.objects.get()
    assert record.status == "rejected"
    page = admin_client.get(response["Location"]).content.decode()
    assert "名册没有数据行" in page and "确认导入" not in page
    assert not Enterprise.objects.exists()
