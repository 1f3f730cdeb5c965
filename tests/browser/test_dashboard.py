"""A leader reads the dashboard (charts drawn, on a projector and on a phone) and drills from a
figure to the rows behind it."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import OrgUnit
from issues.models import Status
from tests import factories as f
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city():
    root = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=root, code="E", name="东城区")
    town = f.make_unit(parent=county, code="E1", name="云溪镇")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=root, code="D", name="市经信局")
    raiser = f.make_user("cadre")
    late = timezone.localdate() - datetime.timedelta(days=4)
    for i in range(6):
        firm = f.make_enterprise(town=town, name=f"云溪企业{i}")
        f.make_pairing(enterprise=firm)
        f.make_ticket(
            enterprise=firm,
            raised_by=raiser,
            title=f"难题{i}",
            category=["land", "financing", "talent"][i % 3],
            owner_unit=dept,
            status=Status.ASSIGNED if i % 2 else Status.RESOLVED,
            due_date=late if i % 2 else None,
        )
    f.make_user("leader", username="lingdao", jurisdiction_unit=root)


def test_a_leader_drills_from_the_overdue_figure_to_its_tickets(page, city):
    page.set_viewport_size({"width": 1920, "height": 1080})
    log_in(page, "lingdao")
    page.wait_for_selector('[data-chart="trend"] svg')
    page.wait_for_selector('[data-chart="category"] svg')
    screenshot(page, "dashboard-projector")
    overdue = page.locator('[data-figure="overdue"] .n').inner_text()
    assert overdue == "3"
    page.click('[data-figure="overdue"]')
    page.wait_for_load_state()
    rows = page.locator('[data-rows="overdue"] tbody tr')
    assert rows.count() == 3
    page.click('[data-rows="overdue"] tbody tr a')
    page.wait_for_load_state()
    assert "/tickets/" in page.url and "难题" in page.inner_text("h1")


def test_the_dashboard_reads_on_a_phone(page, city):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "lingdao")
    assert not page.evaluate("!!window.echarts")  # the charts are below the fold: not loaded yet
    page.locator('[data-chart="trend"]').scroll_into_view_if_needed()
    page.wait_for_selector('[data-chart="trend"] svg')
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "dashboard-phone")


def test_a_leader_asks_for_the_figures_again_and_sees_a_new_problem(page, city):
    from reports.models import AreaFigures

    log_in(page, "lingdao")
    collected = page.locator('[data-figure="collected"] .n')
    assert collected.inner_text() == "6"
    f.make_ticket(enterprise=f.make_enterprise(town=OrgUnit.objects.get(code="E1")), title="新问题")
    AreaFigures.objects.update(computed_at=timezone.now() - datetime.timedelta(minutes=2))
    page.reload()
    assert collected.inner_text() == "6"  # as counted, with the time it was counted
    assert "数据更新于" in page.inner_text("[data-computed]")
    page.click("[data-computed] button")
    page.wait_for_load_state()
    assert page.locator('[data-figure="collected"] .n').inner_text() == "7"
