"""A newcomer tries the demo as `make run` leaves it: logs in through the real form with a demo
login and its printed password and finds something on the first page, on a desktop and a phone."""

import dataclasses

import pytest

from accounts.demo import DEMO_PASSWORD
from reports.demo import SCALES, seed
from tests.browser.test_pairing_pages import PHONE, no_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SMALL = dataclasses.replace(SCALES["city"], enterprises=500, cadres=140, towns=10, tickets=200)


@pytest.fixture
def demo():
    seed(SMALL)


def log_in(page, username):
    page.goto("/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_the_province_leader_sees_both_cities_and_a_year_of_month_ends(page, demo):
    log_in(page, "demo_leader")
    main = page.inner_text("main")
    assert "安澜省" in main and "安澜市" in main and "临江市" in main
    page.click("text=查看数据")
    rows = page.locator("details table tbody tr").all_inner_texts()
    past = [row.split("\t") for row in rows[:-1]]  # the months before this one
    assert len(past) >= 11 and all(cells[4] != "—" and cells[5] != "—" for cells in past)


def test_the_county_organiser_finds_the_second_campaign_waiting_on_a_phone(page, demo):
    page.set_viewport_size(PHONE)
    log_in(page, "demo_organiser")
    assert no_overflow(page)
    page.click("text=万名干部进万企·助企纾困专项行动")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "第三批" in main and "第一服务组（工业）" in main and "未结对" in main
    assert no_overflow(page)
