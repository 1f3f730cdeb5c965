"""A cadre's records on a phone (issue 12): their service diary from the home page, printed (the
filters and buttons left off the sheet), then a help plan written as measures, a second measure
added with the page's own button (no script), and the list showing both."""

import datetime

import pytest

from accounts.models import OrgUnit
from enterprises.models import Enterprise
from pairing.models import HelpMeasure
from tests import factories as f
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in
from tests.browser.test_organiser_pages import go
from tests.browser.test_pairing_pages import PHONE, no_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def firm():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="瑞安市")
    town = f.make_unit(parent=city, code="T1", name="塘下镇")
    f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="CD", name="市经信局")
    cadre = f.make_cadre(
        user=f.make_user("cadre", username="ganbu", display_name="陈立新", home_unit=town)
    )
    campaign = f.make_campaign(scope_unit=city, name="驻企服务行动", visit_every_days=30)
    firm = f.make_enterprise(
        town=town, name="塘下汽配有限公司", production_status=Enterprise.ProductionStatus.REDUCED
    )
    today = datetime.date.today()
    f.make_pairing(cadre=cadre, enterprise=firm, campaign=campaign, start=today.replace(day=1))
    f.make_visit(cadre=cadre, enterprise=firm, campaign=campaign, date=today, notes="了解订单情况")
    f.make_ticket(enterprise=firm, raised_by=cadre.user, title="订单不足")
    return firm


def test_a_cadre_prints_their_diary_and_writes_a_help_plan_as_measures(page, firm):
    page.set_viewport_size(PHONE)
    log_in(page, "ganbu")
    go(page, "text=我的服务日志")
    this_month = page.locator(f'[data-month="{datetime.date.today():%Y-%m}"]')
    assert this_month.locator("[data-visits]").inner_text() == "1"
    assert "了解订单情况" in page.inner_text('[data-list="visits"]')
    assert not page.is_visible('[data-list="visits"] thead')  # cards on the phone's screen
    page.emulate_media(media="print")
    assert not page.is_visible("form.filters") and not page.is_visible("[data-print]")
    assert page.is_visible('[data-list="visits"] thead')  # a table on paper
    screenshot(page, "phone-diary-print")
    page.emulate_media(media="screen")

    page.goto(f"/pairing/help-plans/new/{firm.pk}/")
    page.fill("#id_cause", "外贸订单回落。")
    page.fill("#id_responsible", "陈立新")
    page.fill("#id_target_date", "2026-12-31")
    page.fill("#id_measures-0-text", "组织参加产销对接会")
    page.select_option("#id_measures-0-owner_unit", label="市经信局")
    page.fill("#id_measures-0-due_date", "2026-10-31")
    page.check("text=订单不足")
    go(page, "button[name=add_row]")
    assert page.input_value("#id_measures-0-text") == "组织参加产销对接会"
    page.fill("#id_measures-1-text", "申请稳岗补贴")
    page.fill("#id_measures-1-owner_name", "陈立新")
    page.fill("#id_measures-1-due_date", "2026-11-30")
    page.select_option("#id_measures-1-state", "in_progress")
    screenshot(page, "phone-help-plan-measures")
    go(page, "main form button.primary")
    assert "帮扶方案已保存" in page.inner_text("main")
    assert sorted(HelpMeasure.objects.values_list("text", "state")) == [
        ("申请稳岗补贴", "in_progress"),
        ("组织参加产销对接会", "planned"),
    ]
    page.goto("/pairing/help-plans/")
    listed = page.inner_text('[data-list="measures"]')
    assert "组织参加产销对接会" in listed and "订单不足" in listed and "推进中" in listed
    assert no_overflow(page)
