"""A leader generates the last month's notice by hand, reads it and downloads its workbook; the
notice reaches the area's organiser through the bell, and opening it there marks it read."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from accounts.models import OrgUnit
from issues.models import Notification, Status
from reports import notices
from reports.models import Notice
from tests import factories as f
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in
from tests.browser.test_pairing_pages import PHONE, no_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def city():
    root = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    town = f.make_unit(parent=root, code="T1", name="云溪镇")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=root, code="D", name="市经信局")
    f.make_ticket(
        enterprise=f.make_enterprise(town=town, name="云溪精工机械有限公司"),
        title="扩建用地指标不足",
        owner_unit=dept,
        status=Status.ASSIGNED,
        due_date=datetime.date(2026, 1, 5),
        created_at=timezone.make_aware(datetime.datetime(2026, 1, 2, 9)),  # overdue ever since
    )
    f.make_user("leader", username="lingdao", jurisdiction_unit=root)
    f.make_user("organiser", username="zuzhi", jurisdiction_unit=root)
    return root


def test_a_leader_generates_a_monthly_notice_and_downloads_it(page, city):
    period = notices.last_complete(Notice.Kind.MONTHLY, timezone.localdate())
    log_in(page, "lingdao")
    page.goto("/notices/")
    assert "尚无通报" in page.inner_text('[data-list="notices"]')
    page.select_option("select[name=period]", f"monthly:{period.start}")
    page.click("text=生成安澜市通报")
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "通报已生成" in text and "安澜市月通报" in text
    assert f"{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}" in text
    assert "化解率" in text and "期末超期难题" in text
    notice = Notice.objects.get()
    assert (notice.area, notice.kind, notice.period_end) == (city, "monthly", period.end)
    screenshot(page, "notice-detail")

    with page.expect_download() as download:
        page.click("text=下载 Excel")
    assert download.value.suggested_filename == f"notice-C-monthly-{period.end:%Y%m%d}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book.sheetnames == ["汇总", "分地区", "承办单位", "期末超期清单", "典型案例"]
    assert [c.value for c in book["汇总"][2]][:2] == ["地区", "安澜市"]
    assert book["期末超期清单"]["A2"].value == "扩建用地指标不足"
    answer = page.request.get(f"/notices/{notice.pk}/workbook.xlsx")
    assert answer.ok and answer.headers["content-type"] == XLSX
    assert openpyxl.load_workbook(io.BytesIO(answer.body()))["汇总"]["B2"].value == "安澜市"

    page.set_viewport_size(PHONE)
    page.click("text=返回")
    page.wait_for_load_state()
    assert "安澜市 · 月通报" in page.inner_text('[data-list="notices"]')
    assert no_overflow(page)
    page.click('[data-list="notices"] a >> nth=0')
    page.wait_for_load_state()
    assert page.inner_text("h1") == "安澜市月通报" and no_overflow(page)


def test_the_notice_rings_the_organisers_bell_and_opening_it_marks_it_read(page, city):
    today = timezone.localdate()
    for kind in (Notice.Kind.WEEKLY, Notice.Kind.MONTHLY):
        notices.generate(city, kind, notices.last_complete(kind, today))
    mine = Notification.objects.filter(recipient__username="zuzhi")
    assert mine.count() == 2
    page.set_viewport_size(PHONE)
    log_in(page, "zuzhi")
    assert page.inner_text("[data-unread]") == "2"
    page.click(".bell")
    page.wait_for_load_state()
    assert no_overflow(page)
    assert page.locator(".inbox li.unread").count() == 2
    screenshot(page, "phone-inbox")
    monthly = mine.get(title__contains="月通报")
    page.click(f"text={monthly.title}")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "安澜市月通报"  # the notice itself, not the inbox again
    monthly.refresh_from_db()
    assert monthly.read_at is not None
    assert mine.filter(read_at__isnull=True).count() == 1
    page.goto("/tickets/notifications/")
    assert page.inner_text("[data-unread]") == "1"
    assert page.locator(".inbox li.unread").count() == 1

    page.click("text=全部标为已读")
    page.wait_for_load_state()
    assert page.locator("[data-unread]").count() == 0
    assert page.locator(".inbox li.unread").count() == 0
    assert not mine.filter(read_at__isnull=True).exists()
