"""A cadre on a phone records a problem the bureau chief solved there and then: how and by whom
are asked only once 已现场解决 is ticked, and the ticket is saved resolved."""

import pytest

from accounts.models import OrgUnit
from issues.models import Status, Ticket
from tests import factories as f
from tests.browser.test_home_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_problem_solved_on_the_spot_from_the_phone(page):
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    town = f.make_unit(parent=city, code="T1", name="云溪镇")
    cadre = f.make_cadre(user=f.make_user("cadre", username="ganbu", home_unit=town))
    firm = f.make_enterprise(town=town, name="云溪精工机械有限公司")
    f.make_pairing(cadre=cadre, enterprise=firm, campaign=f.make_campaign(scope_unit=city))
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "ganbu")
    page.goto(f"/visits/new/{firm.pk}/")
    page.click("[data-add-problem]")
    assert not page.is_visible("#id_problems-0-solution")
    page.select_option("#id_problems-0-category", "policy")
    page.fill("#id_problems-0-title", "技改补助申报口径不清")
    page.fill("#id_problems-0-description", "企业不清楚申报口径。")
    page.check("#id_problems-0-solved_on_spot")
    assert page.is_visible("#id_problems-0-solution") and page.is_visible(
        "#id_problems-0-solved_by"
    )
    page.fill("#id_problems-0-solution", "局长现场讲解，企业当场确认。")
    page.fill("#id_problems-0-solved_by", "市经信局 李局长")
    page.click("text=保存走访")
    page.wait_for_load_state()
    assert "现场解决（市经信局 李局长）" in page.inner_text("main")
    ticket = Ticket.objects.get()
    assert ticket.status == Status.RESOLVED and ticket.solved_on_spot_by == "市经信局 李局长"
