"""The firm portal's sign-in: credit code + SMS code (6 digits, 5 minutes, 5 tries, single use),
rate limits by number and by address, the audit trail, and sessions kept apart from cadres'."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from enterprises.models import FirmAccount, PortalCode
from issues import portal_otp
from tests.helpers import sign_in
from tests.portal_helpers import (
    MOBILE,
    last_code,
    portal_sign_in,
    portal_world,
    run_jobs_at_once,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_file(tmp_path, settings, monkeypatch):
    run_jobs_at_once(monkeypatch)
    settings.SMS_BACKEND = "issues.channels.sms.ConsoleSMSBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    return tmp_path / "sms.log"


@pytest.fixture
def world():
    return portal_world()


def ask_code(client, firm, **extra):
    return client.post(reverse("portal_login"), {"uscc": firm.uscc}, **extra)


def enter(client, code, **extra):
    return client.post(reverse("portal_verify"), {"code": code}, **extra)


def test_a_firm_signs_in_with_its_credit_code_and_the_texted_code(world, sms_file):
    client = Client()
    response = ask_code(client, world["firm"])
    assert response.status_code == 302
    line = sms_file.read_text("utf-8").strip()
    assert MOBILE in line and "5分钟内有效" in line
    page = client.get(response["Location"])
    assert "138****5678" in page.content.decode() and MOBILE not in page.content.decode()
    response = enter(client, last_code(sms_file))
    assert response["Location"] == reverse("portal_home")
    home = client.get(reverse("portal_home"))
    assert home.status_code == 200 and world["firm"].name in home.content.decode()
    account = FirmAccount.objects.get(enterprise=world["firm"])
    assert not account.user.is_active and not account.user.has_usable_password()
    entries = AuditEntry.objects.filter(username=f"firm:{world['firm'].uscc}").order_by("id")
    actions = list(entries.values_list("action", flat=True))
    assert actions == ["portal_code_sent", "portal_login"]


def test_a_code_is_stored_encrypted_and_the_number_only_as_a_keyed_hash(world, sms_file):
    from django.db import connection

    ask_code(Client(), world["firm"])
    code = last_code(sms_file)
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, code, phone_digest FROM enterprises_portalcode")
        phone, stored, digest = cursor.fetchone()
    assert MOBILE not in phone and code not in stored and MOBILE not in digest


def test_a_bad_or_unknown_credit_code_gets_a_clear_message_and_sends_nothing(world, sms_file):
    client = Client()
    response = client.post(reverse("portal_login"), {"uscc": "123"})
    assert response.status_code == 400 and "18位统一社会信用代码" in response.content.decode()
    from tests.factories import make_uscc

    response = client.post(reverse("portal_login"), {"uscc": make_uscc(99999)})
    assert "平台中没有这家企业" in response.content.decode()
    assert not PortalCode.objects.exists() and not sms_file.exists()


def test_a_firm_without_a_mobile_on_file_is_told_whom_to_ask(world, sms_file):
    world["firm"].contact_phone = "0577-65812345"
    world["firm"].save()
    response = ask_code(Client(), world["firm"])
    assert "没有可接收短信的手机号" in response.content.decode()
    entry = AuditEntry.objects.get(action="portal_code_refused")
    assert entry.changes == {"reason": "no_phone"} and entry.result == "denied"


def test_the_sixth_try_is_refused_even_with_the_right_code(world, sms_file):
    client = Client()
    ask_code(client, world["firm"])
    right = last_code(sms_file)
    wrong = "000000" if right != "000000" else "111111"
    for _try in range(5):
        response = enter(client, wrong)
        assert response.status_code == 400
    assert "错误次数过多" in response.content.decode()
    response = enter(client, right)
    assert response.status_code == 400 and "错误次数过多" in response.content.decode()
    assert client.get(reverse("portal_home")).status_code == 302  # not signed in
    assert AuditEntry.objects.filter(action="portal_code_failed").count() == 6


def test_an_expired_code_is_refused(world, sms_file):
    client = Client()
    ask_code(client, world["firm"])
    PortalCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = enter(client, last_code(sms_file))
    assert response.status_code == 400 and "验证码已过期" in response.content.decode()


def test_a_code_lives_five_minutes(world, sms_file):
    ask_code(Client(), world["firm"])
    row = PortalCode.objects.get()
    assert row.expires_at - row.created_at == datetime.timedelta(minutes=5)
    later = row.created_at + datetime.timedelta(minutes=5, seconds=1)
    with pytest.raises(portal_otp.SignInError, match="过期"):
        portal_otp.verify(world["firm"], row.code, request=None, now=later)


def test_a_used_code_is_refused_when_replayed(world, sms_file):
    client = portal_sign_in(Client(), world["firm"], sms_file)
    code = last_code(sms_file)
    client.post(reverse("portal_logout"))
    thief = Client()  # someone who read the code off the firm's phone, at the same step
    session = thief.session
    session["portal_pending_firm"] = world["firm"].pk
    session.save()
    response = enter(thief, code)
    assert response.status_code == 400 and "已使用" in response.content.decode()
    assert thief.get(reverse("portal_home")).status_code == 302


def test_codes_to_one_number_are_limited(world, sms_file, settings):
    client = Client()
    assert ask_code(client, world["firm"]).status_code == 302
    again = ask_code(client, world["firm"])  # within the minute
    assert again.status_code == 400 and "秒后再重新获取" in again.content.decode()
    settings.PORTAL_CODE_RESEND_SECONDS = 0
    for _n in range(settings.PORTAL_CODES_PER_PHONE_HOUR - 1):
        assert ask_code(Client(REMOTE_ADDR="10.0.0.9"), world["firm"]).status_code == 302
    refused = ask_code(Client(), world["firm"], REMOTE_ADDR="10.0.0.10")
    assert "该手机号一小时内获取验证码次数过多" in refused.content.decode()
    assert PortalCode.objects.count() == settings.PORTAL_CODES_PER_PHONE_HOUR
    reasons = AuditEntry.objects.filter(action="portal_code_refused").values_list(
        "changes", flat=True
    )
    assert {r["reason"] for r in reasons} == {"resend", "phone_limit"}


def test_codes_asked_from_one_address_are_limited(world, sms_file, settings):
    from tests import factories as f

    settings.PORTAL_CODES_PER_IP_HOUR = 3
    firms = [f.make_enterprise(contact_phone=f"1390000{n:04d}") for n in range(4)]
    answers = [ask_code(Client(), firm, REMOTE_ADDR="10.1.1.1").status_code for firm in firms]
    assert answers == [302, 302, 302, 400]
    assert ask_code(Client(), firms[3], REMOTE_ADDR="10.1.1.2").status_code == 302
    entry = AuditEntry.objects.get(action="portal_code_refused")
    assert entry.changes == {"reason": "ip_limit"} and entry.ip == "10.1.1.1"


def test_wrong_codes_from_one_address_lock_its_sign_ins(world, sms_file, settings):
    from accounts import lockout

    settings.PORTAL_CODE_RESEND_SECONDS = 0
    client = Client(REMOTE_ADDR="10.2.2.2")
    for _n in range(lockout.MAX_IP_FAILURES // 5):
        ask_code(client, world["firm"])
        for _try in range(5):
            enter(client, "999999" if last_code(sms_file) != "999999" else "888888")
        PortalCode.objects.all().delete()  # past the number's hourly limit
    ask_code(client, world["firm"])
    response = enter(client, last_code(sms_file))
    assert "验证失败次数过多" in response.content.decode()


def test_a_portal_session_is_refused_on_cadre_pages(world, sms_file):
    client = portal_sign_in(Client(), world["firm"], sms_file)
    for name in ("home", "cadre_home", "enterprise_list", "inbox", "problem_list"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    ticket_url = reverse("ticket_detail", args=[1])
    assert client.get(ticket_url)["Location"].startswith(reverse("login"))


def test_a_cadre_session_is_never_taken_for_a_firm(world, sms_file):
    client = portal_sign_in(Client(), world["firm"], sms_file)
    sign_in(client, world["cadre"])  # a cadre signs in on the same browser
    assert "portal_account" not in client.session
    response = client.get(reverse("portal_home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal_login"))
    page = client.get(reverse("portal_login"))
    assert "已以干部身份登录" in page.content.decode()
    assert 'name="uscc"' not in page.content.decode()


def test_signing_out_ends_the_firms_session(world, sms_file):
    client = portal_sign_in(Client(), world["firm"], sms_file)
    client.post(reverse("portal_logout"))
    assert client.get(reverse("portal_home")).status_code == 302


def test_a_firms_account_is_not_a_login_the_security_admin_can_give_roles(world, sms_file):
    portal_sign_in(Client(), world["firm"], sms_file)
    account = FirmAccount.objects.get()
    from tests import factories as f

    security = sign_in(Client(), f.make_user("security_admin"))
    listing = security.get(reverse("security_users") + "?q=firm-")
    assert account.user.username not in listing.content.decode()
    url = reverse("security_user_roles", args=[account.user.pk])
    assert security.get(url).status_code == 404
    # Nor does the cadres' login take it: no usable password, and the account is inactive.
    browser = Client()
    login = browser.post(reverse("login"), {"username": account.user.username, "password": "x"})
    assert login.status_code == 200 and "_auth_user_id" not in browser.session
