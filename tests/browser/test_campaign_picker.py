"""The cadre and firm pickers on a 390 px phone, by touch (issue 12): an organiser of a county
finds a city bureau chief by the initials of his name and two firms by part of their names, and
pairs them without typing a staff number or a credit code; then adds a service group to the
campaign form and picks its lead and a member the same way, in a row the form added."""

import pytest

from accounts.models import Cadre, OrgUnit
from pairing.models import Campaign, Pairing
from tests import factories as f
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in
from tests.browser.test_pairing_pages import PHONE, no_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def touch_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def county():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E", name="东城区")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W", name="西城区")
    town = f.make_unit(parent=east, code="E1", name="云溪镇")
    bureau = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="CD", name="市商务局")
    west_dept = f.make_unit(
        kind=OrgUnit.Kind.DEPARTMENT, parent=west, code="WD", name="西城区商务局"
    )

    def cadre(name, unit, rank=Cadre.Rank.SECTION):
        return f.make_cadre(user=f.make_user("cadre", display_name=name), unit=unit, rank=rank)

    chief = cadre("李建国", bureau, Cadre.Rank.COUNTY)
    cadre("李建军", west_dept)  # another county's: never offered
    town_cadre = cadre("王芳", town)
    firms = [
        f.make_enterprise(town=town, name=name)
        for name in ("云溪精工机械有限公司", "云溪精密铸造有限公司", "云溪纺织有限公司")
    ]
    f.make_user("organiser", username="zuzhi", jurisdiction_unit=east)
    campaign = f.make_campaign(scope_unit=east, name="助企行动")
    return {"chief": chief, "town_cadre": town_cadre, "firms": firms, "campaign": campaign}


def pick(page, picker, typed, option_text):
    """Type into a picker's search box and tap the option that shows `option_text`."""
    page.locator(f"{picker} .picker-q").fill(typed)
    option = page.locator(f"{picker} .picker-option", has_text=option_text)
    option.wait_for()
    option.tap()


def test_an_organiser_pairs_by_touch_with_the_pickers(touch_page, county):
    page = touch_page
    log_in(page, "zuzhi")
    campaign = county["campaign"]
    page.goto(f"/pairing/campaigns/{campaign.pk}/pair/")
    cadre_picker = ".picker:has(#id_cadre)"
    page.locator(f"{cadre_picker} .picker-q").fill("lj")
    page.locator(f"{cadre_picker} .picker-option").first.wait_for()
    offered = page.inner_text(f"{cadre_picker} .picker-results")
    assert "李建国" in offered and "市商务局" in offered and "李建军" not in offered
    assert no_overflow(page)
    page.locator(f"{cadre_picker} .picker-option", has_text="李建国").tap()
    assert page.input_value("#id_cadre") == county["chief"].staff_no
    firm_picker = ".picker:has(#id_usccs)"
    pick(page, firm_picker, "精工", "云溪精工机械有限公司")
    pick(page, firm_picker, "铸造", "云溪精密铸造有限公司")
    first, second, _third = county["firms"]
    assert page.input_value("#id_usccs") == f"{first.uscc}\n{second.uscc}"
    screenshot(page, "phone-pair-picker")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "已结对 2 家企业" in page.inner_text("main")
    made = Pairing.objects.filter(campaign=campaign)
    assert {(p.cadre_id, p.enterprise_id) for p in made} == {
        (county["chief"].pk, first.pk),
        (county["chief"].pk, second.pk),
    }


def test_a_group_added_to_the_campaign_form_takes_its_people_from_the_picker(touch_page, county):
    page = touch_page
    log_in(page, "zuzhi")
    campaign = county["campaign"]
    page.goto(f"/pairing/campaigns/{campaign.pk}/edit/")
    page.tap("[data-add-row=groups]")
    page.tap("[data-add-row=groups]")
    page.fill("#id_groups-1-name", "商贸服务组")
    pick(page, ".picker:has(#id_groups-1-lead)", "ljg", "李建国")
    pick(page, ".picker:has(#id_groups-1-member_numbers)", "wf", "王芳")
    assert no_overflow(page)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "行动已保存" in page.inner_text("main")
    group = Campaign.objects.get().groups.get()
    assert (group.name, group.lead_cadre) == ("商贸服务组", county["chief"])
    assert list(group.members.all()) == [county["town_cadre"]]
    assert "李建国" in page.inner_text('[data-coverage="group"]')
