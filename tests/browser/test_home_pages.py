"""A person logs in through the real form as each role and sees that role's home page."""

import pytest

from accounts import totp
from accounts.models import OrgUnit, TOTPDevice
from issues.models import Status
from tests import factories as f
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city():
    root = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=root, code="E", name="东城区")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=root, code="W", name="西江区")
    town = f.make_unit(parent=east, code="E1", name="云溪镇")
    other = f.make_unit(parent=west, code="W1", name="青石镇")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=root, code="D", name="市经信局")
    campaign = f.make_campaign(scope_unit=root, name="驻企服务行动")
    mine = f.make_cadre(user=f.make_user("cadre", username="ganbu", home_unit=town))
    theirs = f.make_cadre(user=f.make_user("cadre", username="ganbu2", home_unit=other))
    e1 = f.make_enterprise(town=town, name="云溪精工机械有限公司", contact_phone="13812345678")
    e2 = f.make_enterprise(town=other, name="青石华瑞鞋业有限公司")
    f.make_pairing(cadre=mine, enterprise=e1, campaign=campaign)
    f.make_pairing(cadre=theirs, enterprise=e2, campaign=campaign)
    f.make_ticket(
        enterprise=e1,
        raised_by=mine.user,
        title="扩建用地指标不足",
        owner_unit=dept,
        status=Status.ASSIGNED,
    )
    f.make_ticket(
        enterprise=e2, raised_by=theirs.user, title="流动资金续贷困难", status=Status.CLOSED
    )
    f.make_user("handler", username="chengban", home_unit=dept)
    f.make_user("organiser", username="zuzhi", jurisdiction_unit=east)
    f.make_user("leader", username="lingdao", jurisdiction_unit=root)
    f.make_user("admin", username="xitong", is_staff=True)
    f.make_user("auditor", username="shenji")
    return {"east": east}


def log_in(page, username):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def enrol_second_factor(page, username):
    """What an administrator does at first login: type the key into an app, enter its code."""
    assert page.url.endswith("/account/otp/setup/")
    secret = page.inner_text("code.secret")
    assert TOTPDevice.objects.get(user__username=username).secret == secret
    page.fill("#id_code", totp.code_at(secret, totp.current_step()))
    page.click("main button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize(
    ("username", "shows", "hides"),
    [
        (
            "ganbu",
            ["我的联系企业", "云溪精工机械有限公司", "扩建用地指标不足"],
            ["青石华瑞鞋业有限公司"],
        ),
        ("chengban", ["本单位承办的难题", "扩建用地指标不足"], ["流动资金续贷困难"]),
        ("zuzhi", ["东城区 · 结对工作", "驻企服务行动"], []),
        ("lingdao", ["安澜市 · 联企服务概况", "化解率", "50.0%", "东城区", "西江区"], []),
    ],
)
def test_each_role_lands_on_its_own_home_page(page, city, username, shows, hides):
    log_in(page, username)
    text = page.inner_text("main")
    for words in shows:
        assert words in text, words
    for words in hides:
        assert words not in text, words
    screenshot(page, f"home-{username}")


def test_the_system_admin_enrols_a_second_factor_then_sees_the_admin_home(page, city):
    log_in(page, "xitong")
    enrol_second_factor(page, "xitong")
    assert "系统管理" in page.inner_text("main")
    screenshot(page, "home-admin")


def test_the_auditor_enrols_a_second_factor_then_reads_the_trail(page, city):
    log_in(page, "shenji")
    enrol_second_factor(page, "shenji")
    text = page.inner_text("main")
    assert "审计记录" in text
    assert "xitong" in text or "ganbu" in text or "没有符合条件的记录" in text
    screenshot(page, "home-auditor")


def test_the_cadre_home_fits_a_phone_and_masks_the_contact_phone(page, city):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "ganbu")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(page, "phone-cadre-home")
    page.click("text=云溪精工机械有限公司")
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "138****5678" in text and "13812345678" not in text
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "phone-enterprise-file")


def test_switching_the_language_shows_english(page, city):
    log_in(page, "ganbu")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert "My enterprises" in page.inner_text("main")
    assert page.get_attribute("html", "lang") == "en"


def test_a_permitted_user_reveals_a_full_phone_number_with_one_click(page, city):
    from django.contrib.auth.models import Permission

    from accounts.models import AuditEntry, User
    from enterprises.models import Enterprise

    leader = User.objects.get(username="lingdao")
    leader.user_permissions.add(Permission.objects.get(codename="view_full_pii"))
    enterprise = Enterprise.objects.get(name="云溪精工机械有限公司")
    log_in(page, "lingdao")
    page.goto(f"/enterprises/{enterprise.pk}/")
    assert page.inner_text("#contact-phone") == "138****5678"
    page.click("text=显示完整号码")
    # A function, not a bare expression: Playwright evaluates a bare one with eval(), which the
    # page's Content-Security-Policy refuses.
    page.wait_for_function(
        "() => document.querySelector('#contact-phone').innerText.includes('13812345678')"
    )
    assert AuditEntry.objects.filter(action="pii_view", user=leader).count() == 1
