"""Pages read in words, never the codes stored: the audit trail's roles, actions and objects,
its filters (choices with those words), a ticket's steps and its light."""

import datetime

import pytest

from accounts import audit
from issues.models import Status, TicketEvent
from tests import factories as f
from tests.browser.test_home_pages import enrol_second_factor, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODES = ("security_admin", "otp_verified", "role_change", "accounts.user", "#")


@pytest.fixture
def trail():
    f.make_user("auditor", username="shenji")
    security = f.make_user("security_admin", username="anquan", display_name="安全员")
    cadre = f.make_user("cadre", username="ganbu", display_name="李明")
    audit.record("login", user=cadre)
    audit.record("otp_verified", user=security, obj=security)
    audit.record("role_change", user=security, obj=cadre, changes={"roles": ["cadre"]})


def rows(page) -> list[str]:
    return page.locator("table.data tbody tr").all_inner_texts()


def test_the_auditor_reads_labels_and_filters_by_them(page, trail):
    log_in(page, "shenji")
    enrol_second_factor(page, "shenji")
    page.goto("/audit/")
    table = page.inner_text("table.data tbody")
    for code in CODES:
        assert code not in table, code
    assert "安全管理员" in table and "联系干部" in table
    assert "动态口令验证" in table and "角色调整" in table and "登录" in table
    role_change = next(row for row in rows(page) if "角色调整" in row)
    assert "用户" in role_change and "李明" in role_change

    # 操作 and 对象类型 are choices with words, not boxes wanting codes.
    assert page.locator("select#id_action option", has_text="角色调整").count() == 1
    page.select_option("#id_action", label="角色调整")
    page.select_option("#id_object_type", label="用户")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert len(rows(page)) == 1 and "李明" in rows(page)[0]
    assert page.locator("#id_action option:checked").inner_text() == "角色调整"


def test_a_ticket_names_its_steps_and_its_light(page):
    raiser = f.make_user("cadre", username="ganbu", display_name="李明")
    ticket = f.make_ticket(
        raised_by=raiser,
        status=Status.ASSIGNED,
        due_date=datetime.date.today() - datetime.timedelta(days=3),
    )
    TicketEvent.objects.create(ticket=ticket, action="raise", to_status=Status.REGISTERED)
    log_in(page, "ganbu")
    page.goto(f"/tickets/{ticket.pk}/")
    timeline = page.inner_text("ol.timeline")
    assert "登记" in timeline and "raise" not in timeline
    assert page.get_attribute("h1 .light", "title") == "红灯：已超期"
