"""The system admin imports a roster through the pages: upload, the dry run and its errors, a
corrected file, confirm, and the finished import (jobs inline, as embedded)."""

import pytest

from accounts.models import OrgUnit
from enterprises.models import Enterprise
from tests import factories as f
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import enrol_second_factor, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def admin(settings):
    settings.REDIS_URL = ""  # jobs inline, as `make run` has them
    f.make_unit(name="云溪镇", kind=OrgUnit.Kind.TOWN)
    f.make_user("admin", username="xitong", is_staff=True)


def write_csv(tmp_path, rows, name):
    path = tmp_path / name
    lines = ["企业名称,统一社会信用代码,所属镇街"] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    return path


def test_upload_see_the_errors_fix_and_confirm(page, admin, tmp_path):
    log_in(page, "xitong")
    enrol_second_factor(page, "xitong")
    good = [
        ("甲机械有限公司", f.make_uscc(11), "云溪镇"),
        ("乙鞋业有限公司", f.make_uscc(12), "云溪镇"),
    ]
    bad = [*good, ("丙公司", "91330381000000001X", "不存在镇")]
    page.goto("/enterprises/import/")
    page.set_input_files("input[type=file]", str(write_csv(tmp_path, bad, "名录.csv")))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "有错误" in text and "不存在镇" in text
    assert page.locator("text=确认导入").count() == 0
    screenshot(page, "import-errors")

    page.goto("/enterprises/import/")
    page.set_input_files("input[type=file]", str(write_csv(tmp_path, good, "名录2.csv")))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "待确认" in page.inner_text("main")
    page.click("text=确认导入")
    page.wait_for_load_state()
    assert "已导入" in page.inner_text("main")
    assert page.locator("[data-running]").count() == 0  # the progress bar has finished
    assert set(Enterprise.objects.values_list("name", flat=True)) == {
        "甲机械有限公司",
        "乙鞋业有限公司",
    }
