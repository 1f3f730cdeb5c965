"""Forms as a WPS user expects them: number and time boxes as wide as the others with their unit
after them, labels ending in the full-width colon (English keeps ':'), and units chosen in a
searchable box by tapping, which stays a plain multi-select without JavaScript."""

import pytest

from accounts.models import OrgUnit
from issues.models import Ticket
from tests.browser.conftest import screenshot
from tests.browser.test_assignment_form import ticket  # noqa: F401  (fixture)
from tests.browser.test_home_pages import log_in
from tests.browser.test_pairing_pages import PHONE, city, no_overflow  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    """A phone: 390 px wide, driven by touch."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def width(page, selector) -> float:
    return page.locator(selector).bounding_box()["width"]


def test_the_visit_form_has_wide_number_boxes_with_units_and_chinese_colons(page, city):  # noqa: F811
    page.set_viewport_size(PHONE)
    log_in(page, "ganbu")
    page.goto(f"/visits/new/{city['firm'].pk}/")
    assert page.inner_text("label[for=id_date]") == "走访日期："
    assert page.inner_text("label[for=id_survey_staff]") == "在岗职工："
    assert width(page, "#id_survey_staff") >= 150  # was the browser's bare 78 px
    assert width(page, "#id_survey_staff") > 0.4 * width(page, "#id_notes")
    staff = page.locator("#id_survey_staff")
    assert staff.evaluate("e => getComputedStyle(e).minHeight") == "44px"
    unit = page.locator(f"#{staff.get_attribute('aria-describedby')}")
    assert unit.inner_text() == "人" and unit.is_visible()
    assert no_overflow(page)

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    page.reload()
    assert page.inner_text("label[for=id_date]").endswith(":")


def test_the_organiser_picks_co_units_by_typing_and_tapping(phone, ticket):  # noqa: F811
    page = phone
    owner, co_unit = OrgUnit.objects.get(code="D1"), OrgUnit.objects.get(code="D2")
    log_in(page, "zuzhi")
    page.goto(f"/tickets/{ticket.pk}/")
    page.click("details[data-action=assign] summary")
    assert page.inner_text("#id_assign_due_days_unit") == "个工作日"
    assert width(page, "#id_assign_due_days") >= 150
    page.select_option("#id_assign_owner_unit", str(owner.pk))
    # The co-units' box: type a piece of the name (or its pinyin initials), tap the unit.
    box = page.locator("#id_assign_co_units-ts-control")
    box.tap()
    box.fill("zrzy")  # 自然资源 by its pinyin initials
    page.locator(".ts-dropdown .option", has_text="市自然资源局").tap()
    assert page.locator(".ts-wrapper .item", has_text="市自然资源局").is_visible()
    assert box.input_value() == ""  # ready for the next unit
    screenshot(page, "phone-co-units")
    page.click("details[data-action=assign] button[type=submit]")
    page.wait_for_load_state()
    assert list(Ticket.objects.get(pk=ticket.pk).co_units.all()) == [co_unit]


def test_without_javascript_the_units_are_a_plain_multi_select(browser, live_server, ticket):  # noqa: F811
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", java_script_enabled=False, has_touch=True
    )
    page = context.new_page()
    log_in(page, "zuzhi")
    page.goto(f"/tickets/{ticket.pk}/")
    assert page.locator(".ts-wrapper").count() == 0
    assert page.locator("select#id_assign_co_units[multiple]").count() == 1
    context.close()
