"""An office's own roster through the pages (issue 15): Excel's "Unicode text" (UTF-16, tabs)
with a title, 规上 in the 规模 column, a column the import does not know and a 合计 row; the
admin sees the row skipped, maps the column on the preview, and confirms."""

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
    unit = f.make_unit(name="经信局", kind=OrgUnit.Kind.DEPARTMENT)
    f.make_unit(name="塘下镇", kind=OrgUnit.Kind.TOWN)
    f.make_user("admin", username="xitong", is_staff=True, home_unit=unit)


def test_an_office_roster_is_read_mapped_and_confirmed(page, admin, tmp_path):
    rows = [
        ["瑞安市2026年企业名录"],
        ["序号", "企业名称", "统一社会信用代码", "所属镇街", "企业规模", "在岗职工"],
        ["1", "瑞安市宏通阀门（集团）有限公司", f.make_uscc(21), "塘下镇", "规上", "230"],
        ["2", "塘下汽配有限公司", f.make_uscc(22), "塘下镇", "规下", "40"],
        ["", "合计", "", "", "", "270"],
    ]
    path = tmp_path / "名录.txt"
    path.write_bytes("\r\n".join("\t".join(r) for r in rows).encode("utf-16"))
    log_in(page, "xitong")
    enrol_second_factor(page, "xitong")
    page.goto("/enterprises/import/")
    page.set_input_files("input[type=file]", str(path))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "第5行是合计行，已跳过" in text and "在岗职工" in text
    page.select_option("select[aria-label=在岗职工]", "employees")
    page.click("text=保存对应并重新校验")
    page.wait_for_load_state()
    assert "待确认" in page.inner_text("main")
    screenshot(page, "roster-office-mapped")
    page.click("text=确认导入")
    page.wait_for_load_state()
    assert "已导入" in page.inner_text("main")
    firm = Enterprise.objects.get(name="瑞安市宏通阀门（集团）有限公司")
    assert (firm.employees, firm.above_scale) == (230, True)
