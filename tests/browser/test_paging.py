"""Long lists are paged with one pager: the total, page numbers to tap (the current one marked),
a jump to any page that keeps the filters, on the roster and the organiser's help plans."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import OrgUnit
from enterprises import views as enterprise_views
from pairing.models import HelpMeasure, HelpPlan
from tests import factories as f
from tests.browser.test_home_pages import log_in
from tests.browser.test_pairing_pages import PHONE, no_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county():
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, code="E", name="东城区")
    town = f.make_unit(parent=county, code="E1", name="云溪镇")
    f.make_user("organiser", username="zuzhi", jurisdiction_unit=county)
    return town


def pages_offered(page) -> list[str]:
    return page.locator(".pager-pages a").all_inner_texts()


def test_the_roster_offers_page_numbers_a_jump_and_the_total(page, county, monkeypatch):
    monkeypatch.setattr(enterprise_views, "PAGE_SIZE", 5)
    for n in range(38):
        f.make_enterprise(town=county, name=f"云溪机械{n:02d}厂")
    for n in range(3):
        f.make_enterprise(town=county, name=f"云溪纺织{n}厂")
    page.set_viewport_size(PHONE)
    log_in(page, "zuzhi")
    page.goto(reverse("enterprise_list"))
    assert page.inner_text(".pager-total") == "共 41 条，9 页"
    assert pages_offered(page) == ["1", "2", "3", "9", "下一页"]  # 1 2 3 … 9
    assert page.inner_text(".pager-pages .gap") == "…"
    assert page.inner_text(".pager-pages [aria-current=page]") == "1"
    assert no_overflow(page)

    page.click(".pager-pages >> text=9")
    page.wait_for_load_state()
    assert page.inner_text(".pager-pages [aria-current=page]") == "9"
    assert page.locator("table.data tbody tr").count() == 1

    # Filtered to 机械 (38 firms, 8 pages), then a jump to page 6 keeps the filter.
    page.goto(reverse("enterprise_list") + "?q=机械")
    assert page.inner_text(".pager-total") == "共 38 条，8 页"
    page.fill(".pager-jump input[name=page]", "6")
    page.click(".pager-jump button")
    page.wait_for_load_state()
    assert "q=" in page.url and "page=6" in page.url
    assert page.inner_text(".pager-pages [aria-current=page]") == "6"
    assert "云溪机械25厂" in page.inner_text("table.data tbody")
    assert "纺织" not in page.inner_text("table.data tbody")


def test_the_organisers_help_plans_come_a_page_at_a_time(page, county):
    firm = f.make_enterprise(town=county, name="云溪五金厂", production_status="reduced")
    plan = HelpPlan.objects.create(
        enterprise=firm,
        cause="订单下滑",
        responsible="李明",
        target_date=datetime.date(2027, 6, 30),
    )
    HelpMeasure.objects.bulk_create(
        HelpMeasure(
            plan=plan, text=f"措施{n}", owner_name="李明", due_date=datetime.date(2027, 6, 30)
        )
        for n in range(259)
    )
    page.set_viewport_size(PHONE)
    log_in(page, "zuzhi")
    page.goto(reverse("help_plan_list"))
    assert page.locator("table.data tbody tr").count() == 50
    assert page.inner_text(".pager-total") == "共 259 条，6 页"
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 33_752 / 2, height  # the unpaged list was 33,752 px tall on a phone
