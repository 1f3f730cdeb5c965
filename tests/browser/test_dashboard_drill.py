"""A province leader drills down through every level (province, city, county, town, the town's
firms) on a desktop, a projector and a phone; at each level a figure equals the rows it opens.
Screenshots go to test-artifacts/ for a human to look at the layout."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import OrgUnit
from issues.models import Category, Status
from tests import factories as f
from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.test_home_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()
LEVELS = ("海澜省", "安澜市", "东城区", "云溪镇")


@pytest.fixture
def province():
    root = f.make_unit(kind=OrgUnit.Kind.PROVINCE, code="P", name=LEVELS[0])
    city = f.make_unit(kind=OrgUnit.Kind.CITY, parent=root, code="C", name=LEVELS[1])
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E", name=LEVELS[2])
    town = f.make_unit(parent=county, code="E1", name=LEVELS[3])
    f.make_unit(parent=county, code="E2", name="青石镇")
    f.make_unit(kind=OrgUnit.Kind.CITY, parent=root, code="W", name="西江市")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D", name="市经信局")
    raiser = f.make_user("cadre")
    categories = list(Category.values)
    for i in range(33):  # every category, over the last year
        firm = f.make_enterprise(town=town, name=f"云溪企业{i}")
        if i % 3:
            f.make_pairing(enterprise=firm)
        created = TODAY - datetime.timedelta(days=11 * i)
        f.make_ticket(
            enterprise=firm,
            raised_by=raiser,
            title=f"难题{i}",
            category=categories[i % len(categories)],
            owner_unit=dept,
            status=Status.ASSIGNED if i % 2 else Status.RESOLVED,
            due_date=TODAY - datetime.timedelta(days=3) if i % 2 else None,
            created_at=timezone.make_aware(datetime.datetime.combine(created, datetime.time(9))),
        )
    f.make_user("leader", username="shengling", jurisdiction_unit=root)


def figure_equals_its_rows(page, key: str) -> None:
    tile = page.locator(f'[data-figure="{key}"]')
    count = int(tile.get_attribute("data-count"))
    tile.click()
    page.wait_for_load_state()
    assert int(page.locator("[data-total]").get_attribute("data-total")) == count
    assert page.locator("table[data-rows] tbody tr a").count() == min(count, 50)
    page.go_back()
    page.wait_for_load_state()


def drill_down(page, name: str) -> None:
    log_in(page, "shengling")
    page.click('.chips a:has-text("本年")')
    page.wait_for_load_state()
    for depth, level in enumerate(LEVELS):
        assert level in page.inner_text("h1")
        assert "period=year" in page.url or depth == 0 or "本年" in page.inner_text(".chips")
        figure_equals_its_rows(page, "collected")
        figure_equals_its_rows(page, "open")
        if depth < len(LEVELS) - 1:
            page.click(f'[data-table="areas"] a[data-area]:text-is("{LEVELS[depth + 1]}")')
            page.wait_for_load_state()
            assert "period=year" in page.url
            trail = page.inner_text(".breadcrumb")
            assert all(above in trail for above in LEVELS[: depth + 2])
    page.wait_for_selector('[data-chart="trend"] svg')
    screenshot(page, f"drill-town-{name}")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.click('.links a:has-text("全部企业")')
    page.wait_for_load_state()
    assert page.locator("[data-total]").get_attribute("data-total") == "33"
    assert "云溪镇 · 全部企业" in page.inner_text("h1")
    page.click(f'.breadcrumb a:text-is("{LEVELS[1]}")')  # straight back up to the city
    page.wait_for_load_state()
    assert LEVELS[1] in page.inner_text("h1") and "period=year" in page.url


@pytest.mark.parametrize(
    "name, width, height", [("desktop", 1366, 768), ("projector", 1920, 1080), ("phone", 390, 844)]
)
def test_a_leader_drills_down_every_level_and_each_figure_equals_its_rows(
    page, province, name, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    drill_down(page, name)


def test_the_charts_are_legible_at_each_size(page, province):
    log_in(page, "shengling")
    for name, width, height in (("1366", 1366, 768), ("1920", 1920, 1080), ("phone", 390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/leader/?period=year")
        page.locator('[data-chart="category"]').scroll_into_view_if_needed()
        page.wait_for_selector('[data-chart="category"] svg')
        page.wait_for_selector('[data-chart="trend"] svg')
        trend = page.locator('[data-chart="trend"]').bounding_box()
        assert trend["width"] >= min(width - 60, 560), (name, trend)
        labels = page.eval_on_selector_all(
            '[data-chart="category"] svg text', "els => els.map(e => e.textContent)"
        )
        assert {"创新与技术", "基础设施", "融资"} <= set(labels), labels  # no label cut
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        screenshot(page, f"dashboard-{name}")
        page.locator(".dash-charts").screenshot(path=str(ARTIFACTS / f"charts-{name}.png"))
