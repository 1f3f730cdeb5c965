"""Small things a user meets: an empty inbox offers nothing to mark, the handler's next step is
the one primary button, 重置动态口令 only for accounts with an authenticator, usernames in the
Django admin as typed, and an icon at /favicon.ico."""

import datetime

import pytest

from accounts.models import OrgUnit, TOTPDevice
from issues.models import Notification, Status
from tests import factories as f
from tests.browser.test_home_pages import enrol_second_factor, log_in
from tests.browser.test_pairing_pages import PHONE, no_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_inbox_offers_mark_all_read_only_when_something_is_unread(page):
    user = f.make_user("cadre", username="ganbu")
    log_in(page, "ganbu")
    page.goto("/tickets/notifications/")
    assert "没有通知" in page.inner_text("main")
    assert page.locator("button:text-is('全部标为已读')").count() == 0

    Notification.objects.create(recipient=user, kind="notice", key="k1", title="安澜市月通报")
    page.reload()
    page.click("button:text-is('全部标为已读')")
    page.wait_for_load_state()
    assert page.locator(".inbox li").count() == 1  # read, still listed
    assert page.locator("button:text-is('全部标为已读')").count() == 0


@pytest.fixture
def assigned():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    town = f.make_unit(parent=city, code="T1", name="云溪镇")
    bureau = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D1", name="市经信局")
    f.make_user("handler", username="chengban", home_unit=bureau)
    return f.make_ticket(
        enterprise=f.make_enterprise(town=town),
        status=Status.ASSIGNED,
        owner_unit=bureau,
        due_date=datetime.date.today() + datetime.timedelta(days=20),
    )


def test_the_handlers_next_step_is_the_one_primary_button(page, assigned):
    page.set_viewport_size(PHONE)
    log_in(page, "chengban")
    page.goto(f"/tickets/{assigned.pk}/")
    summaries = page.locator("#actions summary")
    labels = summaries.all_inner_texts()
    assert labels[0] == "签收" and len(labels) >= 4, labels
    assert page.locator("#actions summary.primary").all_inner_texts() == ["签收"]
    # On a phone: 签收 across the card; the others side by side, smaller.
    card = page.locator("#actions").bounding_box()
    first = summaries.nth(0).bounding_box()
    second, third = summaries.nth(1).bounding_box(), summaries.nth(2).bounding_box()
    assert first["width"] > 0.8 * card["width"]
    assert second["y"] == third["y"] and second["width"] < 0.6 * card["width"]
    assert no_overflow(page)


def test_reset_authenticator_is_offered_only_to_accounts_with_one(page):
    f.make_user("security_admin", username="anquan")
    cadre = f.make_user("cadre", username="ganbu")
    auditor = f.make_user("auditor", username="shenji")
    TOTPDevice.objects.create(user=auditor, secret="JBSWY3DPEHPK3PXP")
    admin = f.make_user("admin", username="xitong")
    log_in(page, "anquan")
    enrol_second_factor(page, "anquan")
    reset = "button:text-is('重置动态口令')"
    page.goto(f"/security/users/{cadre.pk}/")
    assert page.locator(reset).count() == 0 and "动态口令" not in page.inner_text("main")
    page.goto(f"/security/users/{admin.pk}/")
    assert page.locator(reset).count() == 0 and "尚未绑定" in page.inner_text("main")
    page.goto(f"/security/users/{auditor.pk}/")
    page.click(reset)
    page.wait_for_load_state()
    assert "已重置" in page.inner_text(".messages")
    assert not TOTPDevice.objects.filter(user=auditor).exists()
    assert page.locator(reset).count() == 0


def test_the_django_admin_shows_the_username_as_typed(page):
    f.make_user("admin", username="demo_admin", is_staff=True)
    log_in(page, "demo_admin")
    enrol_second_factor(page, "demo_admin")
    page.goto("/admin/")
    assert page.inner_text("#user-tools strong") == "demo_admin"  # not DEMO_ADMIN


def test_every_page_has_an_icon_and_favicon_ico_answers(page):
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.goto("/login/")
    icon = page.get_attribute("link[rel=icon][type='image/svg+xml']", "href")
    assert page.request.get(icon).ok
    response = page.request.get("/favicon.ico")
    assert response.status == 200 and response.body()[:4] == b"\x00\x00\x01\x00"  # an ICO
    page.goto("/admin/login/")  # a page without our link tag: the browser asks /favicon.ico
    page.wait_for_timeout(500)
    assert missing == []
