"""An organiser on a phone follows the enterprise file to every visit of the firm, and the
campaign's coverage to its pairing list, then downloads that list as a workbook."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import OrgUnit
from tests import factories as f
from tests.browser.test_home_pages import log_in
from tests.browser.test_pairing_pages import PHONE, no_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()


@pytest.fixture
def east():
    root = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=root, code="E", name="东城区")
    town = f.make_unit(parent=east, code="E1", name="云溪镇")
    campaign = f.make_campaign(scope_unit=east, name="百名干部联百企")
    firm = f.make_enterprise(town=town, name="云溪精工机械有限公司")
    pairing = f.make_pairing(enterprise=firm, campaign=campaign)
    for days in range(25):
        f.make_visit(
            cadre=pairing.cadre, enterprise=firm, date=TODAY - datetime.timedelta(days=days)
        )
    f.make_user("organiser", username="zuzhi", jurisdiction_unit=east)
    return {"firm": firm, "campaign": campaign}


def test_from_the_file_to_every_visit_on_a_phone(page, east):
    page.set_viewport_size(PHONE)
    log_in(page, "zuzhi")
    page.goto(f"/enterprises/{east['firm'].pk}/")
    page.click("text=全部走访（25）")
    page.wait_for_load_state()
    assert no_overflow(page)
    dates = page.locator("table.data tbody tr td:first-child a").all_inner_texts()
    assert len(dates) == 25 and dates[0] == f"{TODAY:%Y-%m-%d}" and dates == sorted(dates)[::-1]


def test_from_coverage_to_the_pairing_list_and_its_workbook(page, east):
    page.set_viewport_size(PHONE)
    log_in(page, "zuzhi")
    page.goto(f"/pairing/campaigns/{east['campaign'].pk}/")
    page.click("a.button:has-text('结对名单')")
    page.wait_for_load_state()
    assert no_overflow(page)
    assert "云溪精工机械有限公司" in page.inner_text("table.data tbody")
    href = page.get_attribute("a:has-text('导出 Excel')", "href")
    response = page.request.get(page.url.split("?")[0] + href)
    assert response.ok and "spreadsheetml" in response.headers["content-type"]
