"""The system admin imports cadres through the pages: a sheet with one bad row is refused with
the row, column and reason shown, a corrected sheet is previewed and confirmed."""

import io

import openpyxl
import pytest

from accounts.models import Cadre, OrgUnit
from accounts.roles import Role
from pairing.models import PeopleImport
from tests import factories as f
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import enrol_second_factor, log_in
from tests.helpers import xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HEADER = ["姓名", "工号", "手机号", "单位", "职务", "职级"]
GOOD = [
    ["张伟", "A001", "13800001111", "经信局", "科长", "科级"],
    ["李娜", "A002", "13800002222", "JXJ", "科员", "一般干部"],
]


@pytest.fixture
def admin():
    f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, code="JXJ", name="经信局")
    f.make_user("admin", username="xitong", is_staff=True)


def write(tmp_path, name, *rows):
    path = tmp_path / name
    path.write_bytes(xlsx(HEADER, *rows).getvalue())
    return str(path)


def upload(page, path):
    page.set_input_files("input[type=file]", path)
    page.click("text=上传并预览")
    page.wait_for_load_state()
    return page.inner_text("main")


def test_upload_a_bad_cadre_sheet_see_the_error_fix_and_confirm(page, admin, tmp_path):
    log_in(page, "xitong")
    enrol_second_factor(page, "xitong")
    page.click("text=导入干部名册")
    page.wait_for_load_state()
    bad = ["王强", "A003", "13800003333", "经信局", "科员", "处长"]
    text = upload(page, write(tmp_path, "干部名册.xlsx", *GOOD, bad))
    assert "文件有错误，未导入任何数据" in text
    errors = page.locator("main table tbody tr")
    assert errors.count() == 1
    assert errors.first.inner_text().split("\t")[:3] == ["4", "职级", "处长"]
    assert "职级只能是" in errors.first.inner_text()
    assert page.locator("text=确认导入").count() == 0
    screenshot(page, "cadre-import-errors")
    with page.expect_download() as download:
        page.click("text=下载标出错误的表格")
    marked = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert marked["F4"].value == "处长"
    assert not Cadre.objects.exists()

    page.click("main >> text=重新上传")
    page.wait_for_load_state()
    fixed = [*bad[:5], "一般干部"]
    text = upload(page, write(tmp_path, "干部名册（改）.xlsx", *GOOD, fixed))
    assert "文件有错误" not in text
    tiles = page.inner_text(".tiles").split()
    assert dict(zip(tiles[1::2], tiles[::2], strict=True)) == {
        "数据行": "3",
        "新增": "3",
        "更新": "0",
        "未变": "0",
        "错误": "0",
    }
    assert not Cadre.objects.exists()  # nothing written before the confirmation
    page.click("text=确认导入")
    page.wait_for_load_state()
    assert "导入完成：新增 3 条，更新 0 条，未变 0 条" in page.inner_text("main")
    assert PeopleImport.objects.filter(status="committed").count() == 1
    cadres = Cadre.objects.select_related("user", "unit").order_by("staff_no")
    assert [(c.staff_no, c.user.display_name, c.unit.code, c.rank) for c in cadres] == [
        ("A001", "张伟", "JXJ", Cadre.Rank.SECTION),
        ("A002", "李娜", "JXJ", Cadre.Rank.GENERAL),
        ("A003", "王强", "JXJ", Cadre.Rank.GENERAL),
    ]
    assert all(Role.CADRE in c.user.roles for c in cadres)
