"""An organiser's pages at a phone's size: setting up a campaign with its batches, groups and
targets, pairing by hand and by suggestion while the uncovered list shrinks, a cadre's hand-over,
and a help plan (一企一策) for a firm that cut production."""

import pytest

from accounts.models import Cadre, OrgUnit
from enterprises.models import Enterprise, Tag
from pairing.models import Campaign, HelpPlan, Pairing, Suggestion
from tests import factories as f
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in
from tests.browser.test_pairing_pages import PHONE, no_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city():
    root = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=root, code="E", name="东城区")
    town = f.make_unit(parent=east, code="E1", name="云溪镇")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=east, code="ED", name="东城区经信局")
    above_scale = Tag.objects.get_or_create(code="above_scale", defaults={"name": "规上工业"})[0]
    firms = {
        name: f.make_enterprise(town=town, name=name, tags=tags)
        for name, tags in (
            ("云溪精工机械有限公司", [above_scale]),
            ("云溪五金厂", []),
            ("云溪纺织有限公司", []),
            ("云溪电子有限公司", []),
        )
    }
    cadres = {
        username: f.make_cadre(
            user=f.make_user("cadre", username=username, display_name=name, home_unit=unit),
            unit=unit,
        )
        for username, name, unit in (
            ("ganbu", "李明", dept),
            ("zhenganbu", "王芳", town),
            ("jieban", "赵强", dept),
        )
    }
    f.make_user("organiser", username="zuzhi", jurisdiction_unit=east)
    return {"firms": firms, "cadres": cadres, "dept": dept, "town": town}


def go(page, selector):
    page.click(selector)
    page.wait_for_load_state()
    assert no_overflow(page), page.url


def test_an_organiser_sets_up_a_campaign_and_pairs_by_hand_and_by_suggestion(page, city):
    page.set_viewport_size(PHONE)
    log_in(page, "zuzhi")
    assert "辖区内还没有行动" in page.inner_text("main")
    go(page, "text=新建行动")
    page.fill("#id_name", "助企纾困行动")
    page.select_option("#id_scope_unit", label="东城区")
    page.fill("#id_start", "2026-01-01")
    page.fill("#id_visit_every_days", "15")
    # The lists start empty: each row is added as needed (issue 12: not two fixed empty rows).
    for part, rows in (("batches", 2), ("groups", 1), ("targets", 1)):
        for _ in range(rows):
            page.click(f"[data-add-row={part}]")
    page.fill("#id_batches-0-name", "第一批")
    page.fill("#id_batches-0-start", "2026-01-01")
    page.fill("#id_batches-1-name", "第二批")
    page.fill("#id_batches-1-start", "2026-03-01")
    page.fill("#id_groups-0-name", "先进制造服务组")
    page.select_option("#id_groups-0-lead_unit", label="东城区经信局")
    page.select_option("#id_targets-0-tag", label="规上工业")
    page.fill("#id_targets-0-target_percent", "80")
    assert no_overflow(page)
    # Each field's label shows once: its own, not a card's data-label before it as well.
    assert page.evaluate(
        "[...document.querySelectorAll('main form td')]"
        ".every(td => getComputedStyle(td, '::before').content === 'none')"
    )
    go(page, "main button[type=submit]")
    screenshot(page, "phone-campaign-saved")
    text = page.inner_text("main")
    assert "行动已保存" in text and "先进制造服务组" in text
    batches = page.inner_text('[data-coverage="batch"]')
    assert "第一批" in batches and "2026-01-01" in batches and "2026-03-01" in batches
    campaign = Campaign.objects.get()
    assert (campaign.name, campaign.scope_unit.name, campaign.visit_every_days) == (
        "助企纾困行动",
        "东城区",
        15,
    )
    assert sorted(campaign.batches.values_list("name", flat=True)) == ["第一批", "第二批"]
    group = campaign.groups.get()
    assert (group.name, group.lead_unit) == ("先进制造服务组", city["dept"])
    assert list(campaign.coverage_targets.values_list("tag__code", "target_percent")) == [
        ("above_scale", 80)
    ]
    assert page.inner_text('[data-coverage="tag"]').count("80%") == 1
    assert uncovered_count(page, campaign) == 4

    page.click(".brand")
    page.wait_for_load_state()
    assert "助企纾困行动" in page.inner_text("main table")
    go(page, "text=助企纾困行动")

    firms, cadres = city["firms"], city["cadres"]
    go(page, "a.button.primary:text('结对')")
    page.fill("#id_cadre", cadres["ganbu"].staff_no)
    page.fill(
        "#id_usccs",
        f"{firms['云溪精工机械有限公司'].uscc}\n{firms['云溪五金厂'].uscc}",
    )
    page.select_option("#id_group", label="先进制造服务组")
    go(page, "main form button[type=submit]")
    text = page.inner_text("main")
    assert "已结对 2 家企业" in text and "云溪精工机械有限公司" in text and "云溪五金厂" in text
    made = Pairing.objects.active().filter(cadre=cadres["ganbu"], campaign=campaign)
    assert sorted(p.enterprise.name for p in made) == ["云溪五金厂", "云溪精工机械有限公司"]
    assert {p.group_id for p in made} == {group.pk}

    assert uncovered_count(page, campaign) == 2
    listed = page.inner_text("main table")
    assert "云溪纺织有限公司" in listed and "云溪电子有限公司" in listed
    assert "云溪五金厂" not in listed and "云溪精工机械有限公司" not in listed

    page.goto(f"/pairing/campaigns/{campaign.pk}/")
    page.click("[data-suggest] summary")
    go(page, "[data-suggest] button[type=submit]")
    text = page.inner_text("main")
    assert "云溪纺织有限公司" in text and "云溪电子有限公司" in text
    suggestion = Suggestion.objects.get(enterprise__name="云溪纺织有限公司")
    page.check(f"input[name=row][value='{suggestion.pk}']")
    go(page, "button[value=accept]")
    assert "已采纳 1 条建议" in page.inner_text("main")
    assert Pairing.objects.active().get(enterprise__name="云溪纺织有限公司").cadre == (
        suggestion.cadre
    )
    assert uncovered_count(page, campaign) == 1
    assert "云溪电子有限公司" in page.inner_text("main table")


def uncovered_count(page, campaign):
    page.goto(f"/pairing/campaigns/{campaign.pk}/uncovered/")
    assert no_overflow(page)
    return page.locator("main table tbody tr a.button").count()


def test_an_organiser_hands_over_a_retiring_cadres_firms(page, city):
    firms, cadres = city["firms"], city["cadres"]
    campaign = f.make_campaign(scope_unit=city["town"].parent, name="驻企服务行动")
    leaving, successor = cadres["ganbu"], cadres["jieban"]
    kept = f.make_pairing(cadre=leaving, enterprise=firms["云溪五金厂"], campaign=campaign)
    released = f.make_pairing(
        cadre=leaving, enterprise=firms["云溪电子有限公司"], campaign=campaign
    )
    page.set_viewport_size(PHONE)
    log_in(page, "zuzhi")
    page.goto("/pairing/cadres/")
    go(page, "text=李明")
    go(page, "text=退休或调离：办理交接")
    screenshot(page, "phone-hand-over")
    page.select_option("#id_status", "retired")
    page.fill(f"#id_successor_{kept.pk}", successor.staff_no)
    go(page, "text=确认交接")
    assert "请为这家企业安排接手干部" in page.inner_text("main")
    assert Pairing.objects.active().filter(cadre=leaving).count() == 2  # nothing written

    page.fill(f"#id_successor_{kept.pk}", successor.staff_no)
    page.check(f"#id_release_{released.pk}")
    go(page, "text=确认交接")
    text = page.inner_text("main")
    assert "交接完成" in text and "退休" in text
    leaving.refresh_from_db()
    assert leaving.status == Cadre.Status.RETIRED
    assert not Pairing.objects.active().filter(cadre=leaving).exists()
    assert set(Pairing.objects.filter(cadre=leaving).values_list("end_reason", flat=True)) == {
        "干部退休，工作交接"
    }
    assert list(
        Pairing.objects.active().values_list("cadre__staff_no", "enterprise__name", "campaign")
    ) == [(successor.staff_no, "云溪五金厂", campaign.pk)]


def test_a_help_plan_for_a_firm_that_cut_production(page, city):
    firm = city["firms"]["云溪纺织有限公司"]
    Enterprise.objects.filter(pk=firm.pk).update(
        production_status=Enterprise.ProductionStatus.REDUCED
    )
    page.set_viewport_size(PHONE)
    log_in(page, "zuzhi")
    go(page, "text=减停产企业待制定方案")
    owed = page.inner_text('[data-list="owed"]')
    assert "云溪纺织有限公司" in owed and "减产" in owed
    assert "云溪五金厂" not in owed
    go(page, '[data-list="owed"] a.button')
    page.fill("#id_cause", "订单下滑，原料涨价。")
    page.fill("#id_measures", "协调银行续贷，对接新客户。")
    page.fill("#id_responsible", "王芳")
    page.fill("#id_target_date", "2026-12-31")
    screenshot(page, "phone-help-plan")
    go(page, "main form button[type=submit]")
    assert "帮扶方案已保存" in page.inner_text("main")
    plan = HelpPlan.objects.get()
    assert (plan.enterprise, plan.responsible, str(plan.target_date), plan.done) == (
        firm,
        "王芳",
        "2026-12-31",
        False,
    )
    page.goto("/pairing/help-plans/")
    assert "没有待制定方案的企业" in page.inner_text('[data-list="owed"]')
    assert "云溪纺织有限公司" in page.inner_text('[data-list="plans"]')
