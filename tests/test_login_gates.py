"""The login gates: TOTP for the three administrator roles, forced password change at first login
and after 90 days."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts import totp
from accounts.models import AuditEntry, TOTPDevice

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Another-pass-77"


def code_now(user, offset_steps=0):
    device = TOTPDevice.objects.get(user=user)
    return totp.code_at(device.secret, totp.current_step() + offset_steps)


@pytest.mark.parametrize("role", ["admin", "security_admin", "auditor"])
def test_privileged_roles_must_enrol_a_second_factor_before_anything_else(f, client, role):
    user = f.make_user(role)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("otp_setup")
    page = client.get(reverse("otp_setup"))
    assert page.status_code == 200
    assert b"<svg" in page.content
    wrong = client.post(reverse("otp_setup"), {"code": "000000"})
    assert wrong.status_code == 200 and "动态口令不正确" in wrong.content.decode()
    assert TOTPDevice.objects.get(user=user).confirmed_at is None
    done = client.post(reverse("otp_setup"), {"code": code_now(user)})
    assert done.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed_at is not None
    after = client.get(reverse("home"))
    assert after.get("Location") not in (reverse("otp_setup"), reverse("otp_verify"))
    assert AuditEntry.objects.filter(user=user, action="otp_enrolled").exists()


def test_a_used_code_cannot_be_replayed_at_the_next_login(f, client):
    user = f.make_user("auditor")
    client.force_login(user)
    client.get(reverse("otp_setup"))
    code = code_now(user)
    assert client.post(reverse("otp_setup"), {"code": code}).status_code == 302
    client.logout()
    client.force_login(user)
    assert client.get(reverse("home"))["Location"] == reverse("otp_verify")
    replay = client.post(reverse("otp_verify"), {"code": code})
    assert replay.status_code == 200
    assert client.get(reverse("home"))["Location"] == reverse("otp_verify")


def test_five_wrong_codes_end_the_session(f, client):
    user = f.make_user("admin")
    client.force_login(user)
    client.get(reverse("otp_setup"))
    for _ in range(5):
        response = client.post(reverse("otp_setup"), {"code": "123456"})
    assert response["Location"] == reverse("login")
    assert AuditEntry.objects.filter(username=user.username, action="otp_failed").count() == 5
    assert client.get(reverse("otp_setup"))["Location"].startswith(reverse("login"))


def test_ordinary_roles_are_not_asked_for_a_code(f, client):
    client.force_login(f.make_user("cadre"))
    response = client.get(reverse("otp_setup"))
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_first_login_forces_a_password_change(f, client):
    user = f.make_user("cadre", must_change_password=True)
    client.force_login(user)
    assert client.get(reverse("home"))["Location"] == reverse("password_change")
    response = client.post(
        reverse("password_change"),
        {"old_password": f.PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password(NEW_PASSWORD)
    # The session survives the change and the gate is open.
    assert client.get(reverse("home"))["Location"] != reverse("password_change")
    assert AuditEntry.objects.filter(user=user, action="password_changed").exists()


def test_reusing_a_recent_password_is_refused_on_the_change_page(f, client):
    user = f.make_user("cadre", must_change_password=True)
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": f.PASSWORD, "new_password1": f.PASSWORD, "new_password2": f.PASSWORD},
    )
    assert response.status_code == 200
    assert "最近3次" in response.content.decode()
    user.refresh_from_db()
    assert user.must_change_password


def test_a_password_older_than_ninety_days_must_be_changed(f, client):
    user = f.make_user("cadre")
    user.set_password("Fresh-pass-2026")
    user.save()
    user.refresh_from_db()
    changed = user.password_changed_at
    with time_machine.travel(changed + datetime.timedelta(days=89), tick=False):
        client.force_login(user)
        assert client.get(reverse("home")).get("Location") != reverse("password_change")
    with time_machine.travel(changed + datetime.timedelta(days=91), tick=False):
        client.force_login(user)
        assert client.get(reverse("home"))["Location"] == reverse("password_change")
