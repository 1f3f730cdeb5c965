"""One ticket's whole life through the pages: raised on a visit, sorted and assigned, accepted,
escalated to a coordination meeting, decided, resolved, rated 不满意, reopened, resolved again
and closed."""

import pytest

from accounts.models import OrgUnit
from issues.models import Status, Ticket
from tests import factories as f
from tests.browser.test_home_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city():
    root = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    town = f.make_unit(parent=root, code="T1", name="云溪镇")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=root, code="D", name="市自然资源局")
    cadre = f.make_cadre(user=f.make_user("cadre", username="ganbu", home_unit=town))
    firm = f.make_enterprise(town=town, name="云溪精工机械有限公司")
    f.make_pairing(cadre=cadre, enterprise=firm, campaign=f.make_campaign(scope_unit=root))
    organiser = f.make_user("organiser", username="zuzhi", jurisdiction_unit=root)
    f.make_user("handler", username="chengban", home_unit=dept)
    return {"firm": firm, "dept": dept, "organiser": organiser}


@pytest.fixture
def as_user(browser, live_server):
    contexts = []

    def open_as(username):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, username)
        return page

    yield open_as
    for context in contexts:
        context.close()


def take(page, ticket, action, fill=None, select=None):
    page.goto(f"/tickets/{ticket.pk}/")
    page.click(f"details[data-action={action}] summary")
    for field, value in (fill or {}).items():
        page.fill(f"#id_{action}_{field}", value)
    for field, value in (select or {}).items():
        page.select_option(f"#id_{action}_{field}", value)
    page.click(f"details[data-action={action}] button[type=submit]")
    page.wait_for_load_state()
    assert "已" in page.inner_text(".messages"), page.inner_text("main")


def status(ticket):
    ticket.refresh_from_db()
    return ticket.status


def test_a_ticket_from_visit_to_closed(as_user, city):
    cadre = as_user("ganbu")
    cadre.set_viewport_size({"width": 390, "height": 844})
    cadre.goto(f"/visits/new/{city['firm'].pk}/")
    cadre.click("[data-add-problem]")
    cadre.select_option("#id_problems-0-category", "land")
    cadre.fill("#id_problems-0-title", "扩建用地指标不足")
    cadre.fill("#id_problems-0-description", "新厂房需用地20亩。")
    cadre.click("text=保存走访")
    cadre.wait_for_load_state()
    ticket = Ticket.objects.get()
    assert status(ticket) == Status.REGISTERED

    organiser = as_user("zuzhi")
    organiser.goto("/tickets/sorting/")
    assert "扩建用地指标不足" in organiser.inner_text("main")
    dept = str(city["dept"].pk)
    take(organiser, ticket, "assign", select={"owner_unit": dept, "urgency": "urgent"})
    assert status(ticket) == Status.ASSIGNED

    handler = as_user("chengban")
    take(handler, ticket, "accept")
    take(handler, ticket, "ask_escalation", fill={"note": "需多部门协调"})
    take(organiser, ticket, "escalate", fill={"note": "提交系统内协调"})
    take(organiser, ticket, "escalate", fill={"note": "提交协调会"})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.level) == (Status.REGISTERED, 3)

    organiser.goto("/tickets/meetings/")
    organiser.fill("#id_title", "用地问题协调会")
    organiser.fill("#id_scheduled_at", "2026-11-25T09:30")
    organiser.select_option("#id_chair", str(city["organiser"].pk))
    organiser.check(f"input[name=tickets][value='{ticket.pk}']")
    organiser.click("main form button[type=submit]")
    organiser.wait_for_load_state()
    organiser.fill(f"#decision_{ticket.pk}", "由市自然资源局调剂指标")
    organiser.select_option(f"#unit_{ticket.pk}", dept)
    organiser.click("text=记录会议纪要和决定")
    organiser.wait_for_load_state()
    assert status(ticket) == Status.ASSIGNED

    take(handler, ticket, "accept")
    take(
        handler, ticket, "resolve", fill={"reply": "已调剂用地指标。"}, select={"outcome": "solved"}
    )
    assert status(ticket) == Status.RESOLVED

    cadre.set_viewport_size({"width": 390, "height": 844})
    take(cadre, ticket, "rate", fill={"note": "指标仍未落实"}, select={"rating": "unsatisfied"})
    assert status(ticket) == Status.ASSIGNED  # reopened

    take(handler, ticket, "accept")
    take(handler, ticket, "resolve", fill={"reply": "指标已落实。"}, select={"outcome": "solved"})
    take(cadre, ticket, "rate", select={"rating": "satisfied"})
    assert status(ticket) == Status.CLOSED
    timeline = cadre.inner_text(".timeline")
    for words in ("登记", "交办", "提级", "办结", "记录企业评价"):
        assert words in timeline
    assert list(ticket.events.values_list("action", flat=True)) == [
        "raise",
        "assign",
        "accept",
        "ask_escalation",
        "escalate",
        "escalate",
        "assign",
        "accept",
        "resolve",
        "rate",
        "accept",
        "resolve",
        "rate",
    ]
