"""The two sheets an office prints and files: the 会议纪要 of a meeting held and a numbered 交办单.
Printed (print media), only the sheet shows; the 打印 button calls the browser's print."""

import pytest
from django.utils import timezone

from accounts.models import OrgUnit
from issues import meetings
from issues.models import Level, Meeting
from tests import factories as f
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Stands in for the print dialog (which headless Chromium has not): counts the calls.
FAKE_PRINT = "window.__printed = 0; window.print = () => { window.__printed += 1; };"


@pytest.fixture
def held_meeting():
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, code="SC", name="遂昌县")
    town = f.make_unit(parent=county, code="SC1", name="妙高街道")
    land = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=county, code="L", name="县自然资源局")
    organiser = f.make_user("organiser", username="zuzhi", jurisdiction_unit=county)
    head = f.make_user("leader", username="xianzhang", jurisdiction_unit=county)
    head.display_name = "张县长"
    head.save()
    firm = f.make_enterprise(town=town, name="遂昌金属制品有限公司")
    ticket = f.make_ticket(enterprise=firm, level=Level.COUNTY_HEAD, title="扩建用地指标不足")
    meeting = meetings.schedule(
        organiser,
        kind=Meeting.Kind.COUNTY_HEAD,
        title="县长办公会议（第12次）",
        scheduled_at=timezone.now(),
        chair=head,
        units=[land],
        tickets=[ticket],
        place="县政府第一会议室",
        attendees="县自然资源局 林海 局长",
    )
    meetings.record(
        organiser,
        meeting,
        minutes="会议研究了企业扩建用地问题。",
        item_minutes={ticket.pk: "县自然资源局汇报了指标使用情况。"},
        decisions={
            ticket.pk: {
                "decision": "从县级统筹指标中调剂30亩",
                "owner_unit": land,
                "due_days": 10,
                "version": ticket.version,
            }
        },
    )
    return meeting, ticket


def test_the_minutes_and_the_assignment_sheet_print_as_sheets(page, held_meeting):
    meeting, ticket = held_meeting
    page.add_init_script(FAKE_PRINT)
    log_in(page, "xianzhang")  # the chair reads and prints the minutes
    page.goto(f"/tickets/meetings/{meeting.pk}/minutes/")
    sheet = page.inner_text("[data-sheet=minutes]")
    for words in (
        "县长办公会议（第12次）纪要",
        "张县长",
        "县政府第一会议室",
        "议题一：扩建用地指标不足",
    ):
        assert words in sheet
    assert "从县级统筹指标中调剂30亩" in sheet and "签发" in sheet
    page.click("[data-print]")
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    assert page.is_visible("[data-sheet=minutes]")
    assert not page.is_visible(".no-print") and not page.is_visible(".topbar")
    screenshot(page, "minutes-print")

    page = page.context.browser.new_context(
        base_url=page.url.split("/tickets")[0], locale="zh-CN"
    ).new_page()
    page.add_init_script(FAKE_PRINT)
    log_in(page, "zuzhi")
    page.goto(f"/tickets/{ticket.pk}/assignment-form/")
    sheet = page.inner_text("[data-sheet=assignment]")
    year = timezone.localdate().year
    assert f"〔{year}〕第0001号" in sheet and "限10个工作日内办结" in sheet
    assert "签发人" in sheet and "签收日期" in sheet
    assert "交办时间" in sheet and "—" not in sheet.split("交办时间")[1].split("\n")[0]
    page.click("[data-print]")
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    assert page.is_visible("[data-sheet=assignment]") and not page.is_visible(".no-print")
    screenshot(page, "assignment-sheet-print")
    page.context.close()
