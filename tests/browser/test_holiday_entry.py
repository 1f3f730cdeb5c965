"""On 28 November 2026, on a phone, the system admin sees the banner for 2027, pastes the State
Council's notice into the holiday page, checks the filled form and saves: the year is entered, the
open deadline across 春节 is counted again, and the banner is gone."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import OrgUnit
from issues import workdays
from issues.models import CalendarYear, Status, WorkCalendarDay
from tests import factories as f
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import enrol_second_factor, log_in
from tests.browser.test_pairing_pages import PHONE, no_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Made up in the notice's form: the real 2027 notice was not out when this was written.
NOTICE = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历腊月二十九）至13日放假调休，共9天。2月14日（周日）、2月20日（周六）上班。
"""


@pytest.fixture(autouse=True)
def late_november():
    with time_machine.travel(datetime.datetime(2026, 11, 28, 10, tzinfo=SHANGHAI), tick=True):
        call_command("seed_work_calendar", "--year", "2026", stdout=io.StringIO())
        yield


def test_the_admin_enters_2027_from_the_notice_on_a_phone(page):
    f.make_user("admin", username="xitong", is_staff=True)
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, code="Y")
    start = datetime.datetime(2027, 2, 4, 9, tzinfo=SHANGHAI)
    ticket = f.make_ticket(
        enterprise=f.make_enterprise(town=f.make_unit(parent=county)),
        status=Status.ASSIGNED,
        owner_unit=f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=county),
        assigned_at=start,
        due_days=5,
        due_date=workdays.add_working_days(start.date(), 5),
    )
    assert ticket.due_date == datetime.date(2027, 2, 11)  # 春节 counted as working days

    page.set_viewport_size(PHONE)
    log_in(page, "xitong")
    enrol_second_factor(page, "xitong")
    banner = page.locator(".holiday-banner")
    assert "2027 年的法定节假日尚未录入" in banner.inner_text()
    banner.locator("a").click()
    page.wait_for_load_state()
    assert "未录入" in page.locator("tr[data-year='2027']").inner_text()
    page.click("text=录入 2027 年")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "2027 年节假日安排"

    page.fill("#id_text", NOTICE)
    page.click("text=识别并填入下表")
    page.wait_for_load_state()
    assert "读出 2 个假期、2 个调休上班日" in page.inner_text(".messages")
    assert page.input_value("[name=holidays-0-name]") == "元旦"
    assert page.input_value("[name=holidays-1-first]") == "2027-02-05"
    assert page.input_value("[name=holidays-1-last]") == "2027-02-13"
    assert page.input_value("[name=workdays-0-date]") == "2027-02-14"
    assert page.input_value("[name=workdays-1-date]") == "2027-02-20"
    assert page.input_value("#id_text").startswith("国务院办公厅")  # the notice stays to compare
    assert no_overflow(page)
    screenshot(page, "phone-holiday-entry")

    page.click("text=保存 2027 年放假安排")
    page.wait_for_load_state()
    assert "2027 年放假安排已保存" in page.inner_text(".messages")
    assert "1 条在办难题的办理期限已重新计算" in page.inner_text(".messages")
    assert "已录入" in page.locator("tr[data-year='2027']").inner_text()
    assert page.locator(".holiday-banner").count() == 0
    assert no_overflow(page)
    assert CalendarYear.objects.get(year=2027).source == "admin"
    assert WorkCalendarDay.objects.filter(date__year=2027, is_workday=True).count() == 2
    ticket.refresh_from_db()
    assert ticket.due_date == datetime.date(2027, 2, 18)
