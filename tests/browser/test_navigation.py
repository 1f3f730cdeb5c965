"""Every role has a menu that says where one is (aria-current); on a phone it is a 菜单 button
that opens it, and without JavaScript it simply shows. No menu or bell before the second factor."""

import pytest

from accounts.models import OrgUnit
from tests import factories as f
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import enrol_second_factor, log_in
from tests.browser.test_pairing_pages import PHONE, no_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORGANISER_MENU = [
    "结对工作",
    "难题梳理交办",
    "协调会议",
    "干部",
    "一企一策",
    "问题清单",
    "通报",
    "企业档案",
]


@pytest.fixture
def county():
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, code="E", name="东城区")
    town = f.make_unit(parent=county, code="E1", name="云溪镇")
    f.make_user("organiser", username="zuzhi", jurisdiction_unit=county)
    return {"firm": f.make_enterprise(town=town, name="云溪五金厂")}


def menu(page) -> list[str]:
    return page.locator("#site-menu a").all_inner_texts()


def current(page) -> str:
    return page.inner_text("#site-menu a[aria-current=page]")


def test_the_organiser_reaches_every_page_from_the_menu_and_sees_where_she_is(page, county):
    log_in(page, "zuzhi")
    assert menu(page) == ORGANISER_MENU
    assert current(page) == "结对工作"
    for label, path in (
        ("难题梳理交办", "/tickets/sorting/"),
        ("协调会议", "/tickets/meetings/"),
        ("干部", "/pairing/cadres/"),
        ("一企一策", "/pairing/help-plans/"),
    ):
        page.click(f"#site-menu a:text-is('{label}')")
        page.wait_for_load_state()
        assert page.url.endswith(path) and current(page) == label
    page.goto(f"/enterprises/{county['firm'].pk}/")  # a page under the roster
    assert current(page) == "企业档案"


def test_on_a_phone_the_menu_opens_from_a_button_naming_the_page(page, county):
    page.set_viewport_size(PHONE)
    log_in(page, "zuzhi")
    toggle = page.locator("button.menu-toggle")
    assert toggle.is_visible() and toggle.inner_text() == "菜单 · 结对工作"
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#site-menu a").first.is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert all(link.is_visible() for link in page.locator("#site-menu a").all())
    assert no_overflow(page)
    screenshot(page, "phone-menu-open")
    page.click("#site-menu a:text-is('协调会议')")
    page.wait_for_load_state()
    assert page.inner_text("button.menu-toggle") == "菜单 · 协调会议"


def test_without_javascript_the_phone_shows_the_menu(browser, live_server, county):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, "zuzhi")
    assert page.locator("#site-menu a:text-is('一企一策')").is_visible()
    assert not page.locator("button.menu-toggle").is_visible()
    context.close()


def test_no_menu_or_bell_before_the_second_factor(page):
    f.make_user("security_admin", username="anquan")
    log_in(page, "anquan")
    assert page.url.endswith("/account/otp/setup/")
    assert page.locator("#site-menu").count() == 0 and page.locator(".bell").count() == 0
    assert page.locator("button:text-is('退出')").is_visible()  # leaving is still offered
    enrol_second_factor(page, "anquan")
    assert menu(page) == ["账号与角色", "审计记录"] and current(page) == "账号与角色"
    assert page.locator(".bell").count() == 1
