"""At a phone's size: a cadre logs a visit with two problems (and loses nothing when the network
drops), and an organiser accepts suggested pairings."""

import pytest

from accounts.models import Cadre, OrgUnit
from issues.models import Ticket
from pairing.models import Pairing, Suggestion, Visit
from tests import factories as f
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def city():
    root = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=root, code="E", name="东城区")
    town = f.make_unit(parent=east, code="E1", name="云溪镇")
    campaign = f.make_campaign(scope_unit=root, name="驻企服务行动")
    cadre = f.make_cadre(user=f.make_user("cadre", username="ganbu", home_unit=town))
    firm = f.make_enterprise(town=town, name="云溪精工机械有限公司")
    f.make_pairing(cadre=cadre, enterprise=firm, campaign=campaign)
    f.make_cadre(
        user=f.make_user("cadre", username="zhenganbu", home_unit=town),
        unit=town,
        rank=Cadre.Rank.GENERAL,
    )
    for name in ("云溪五金厂", "云溪纺织有限公司"):
        f.make_enterprise(town=town, name=name)
    f.make_user("organiser", username="zuzhi", jurisdiction_unit=east)
    return {"firm": firm, "campaign": campaign}


def fill_problem(page, index, title, description, category):
    page.select_option(f"#id_problems-{index}-category", category)
    page.fill(f"#id_problems-{index}-title", title)
    page.fill(f"#id_problems-{index}-description", description)


def no_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_a_cadre_logs_a_visit_with_two_problems_on_a_phone(page, city):
    page.set_viewport_size(PHONE)
    log_in(page, "ganbu")
    page.click("text=填报走访")
    page.wait_for_load_state()
    assert no_overflow(page)
    page.select_option("#id_output_status", "reduced")
    page.select_option("#id_survey_orders", "down")
    page.check("input[name=services][value=policy]")
    page.fill("#id_notes", "订单下滑，原料涨价。")
    page.click("[data-add-problem]")
    page.click("[data-add-problem]")
    fill_problem(page, 0, "流动资金紧张", "需要贷款500万元。", "financing")
    fill_problem(page, 1, "缺少熟练工", "缺口约30人。", "hiring")
    screenshot(page, "phone-visit-form")
    page.click("text=保存走访")
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "走访已保存" in text and "流动资金紧张" in text and "缺少熟练工" in text
    assert Visit.objects.get().notes == "订单下滑，原料涨价。"
    assert sorted(Ticket.objects.values_list("title", flat=True)) == ["流动资金紧张", "缺少熟练工"]
    assert no_overflow(page)
    screenshot(page, "phone-visit-saved")
    # The saved visit cleared the draft: a new form starts empty.
    page.goto(f"/visits/new/{city['firm'].pk}/")
    assert page.input_value("#id_notes") == ""
    assert page.is_hidden("[data-draft-note]")


def test_a_visit_form_that_fails_to_send_keeps_what_was_typed(page, city):
    page.set_viewport_size(PHONE)
    log_in(page, "ganbu")
    page.goto(f"/visits/new/{city['firm'].pk}/")
    page.fill("#id_notes", "在车间了解生产情况。")
    page.click("[data-add-problem]")
    fill_problem(page, 0, "道路施工影响物流", "货车绕行增加成本。", "infrastructure")
    page.context.set_offline(True)
    try:
        page.click("text=保存走访", no_wait_after=True)
        page.wait_for_timeout(500)
    finally:
        page.context.set_offline(False)
    assert not Visit.objects.exists()
    page.goto(f"/visits/new/{city['firm'].pk}/")
    assert page.is_visible("[data-draft-note]")
    assert page.input_value("#id_notes") == "在车间了解生产情况。"
    assert page.input_value("#id_problems-0-title") == "道路施工影响物流"
    page.click("text=保存走访")
    page.wait_for_load_state()
    assert Visit.objects.count() == 1
    assert Ticket.objects.get().title == "道路施工影响物流"


def test_an_organiser_accepts_suggested_pairings_on_a_phone(page, city):
    page.set_viewport_size(PHONE)
    log_in(page, "zuzhi")
    page.click("text=驻企服务行动")
    page.wait_for_load_state()
    assert "未结对企业" in page.inner_text("main")
    page.click("[data-suggest] summary")
    page.click("[data-suggest] button[type=submit]")
    page.wait_for_load_state()
    assert no_overflow(page)
    text = page.inner_text("main")
    assert "云溪五金厂" in text and "云溪纺织有限公司" in text
    screenshot(page, "phone-suggestions")
    first = Suggestion.objects.order_by("pk").first()
    page.check(f"input[name=row][value='{first.pk}']")
    page.click("button[value=accept]")
    page.wait_for_load_state()
    assert "已采纳 1 条建议" in page.inner_text("main")
    assert Pairing.objects.active().filter(enterprise=first.enterprise).exists()
    page.click("button[value=accept_all]")
    page.wait_for_load_state()
    assert "没有待确认的建议" in page.inner_text("main")
    assert Pairing.objects.active().count() == 3
