"""Lockout after 5 failures in 10 minutes, audited auth events, session rotation, idle and absolute
session limits — with a frozen clock."""

import datetime

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.test import RequestFactory

from accounts.models import AuditEntry

T0 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
pytestmark = pytest.mark.django_db


def attempt(username, password):
    request = RequestFactory().post("/login/", REMOTE_ADDR="10.1.2.3")
    return authenticate(request, username=username, password=password)


def actions(username):
    return list(
        AuditEntry.objects.filter(username=username)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def test_five_failures_lock_the_account_for_ten_minutes(f):
    f.make_user("cadre", username="zhangsan")
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(5):
            assert attempt("zhangsan", "wrong-Pass-1") is None
        assert actions("zhangsan") == ["login_failed"] * 5 + ["account_locked"]
        # Locked: even the right password is refused, and the refusal is recorded.
        assert attempt("zhangsan", f.PASSWORD) is None
        assert actions("zhangsan")[-1] == "login_locked"
        clock.shift(datetime.timedelta(minutes=9))
        assert attempt("zhangsan", f.PASSWORD) is None
        clock.shift(datetime.timedelta(minutes=2))
        assert attempt("zhangsan", f.PASSWORD) is not None
    failure = AuditEntry.objects.filter(username="zhangsan", action="login_failed").first()
    assert failure.ip == "10.1.2.3"
    assert failure.result == AuditEntry.Result.FAILED


def test_failures_spread_over_more_than_ten_minutes_do_not_lock(f):
    f.make_user("cadre", username="lisi")
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(8):
            attempt("lisi", "wrong-Pass-1")
            clock.shift(datetime.timedelta(minutes=3))
        assert attempt("lisi", f.PASSWORD) is not None
    assert "account_locked" not in actions("lisi")


def test_a_successful_login_clears_earlier_failures(f, client):
    f.make_user("cadre", username="wangwu")
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            attempt("wangwu", "wrong-Pass-1")
        assert client.login(username="wangwu", password=f.PASSWORD)
        for _ in range(4):
            attempt("wangwu", "wrong-Pass-1")
        assert attempt("wangwu", f.PASSWORD) is not None


def test_login_and_logout_are_audited_with_roles(f, client):
    user = f.make_user("cadre", "handler", username="zhaoliu")
    assert client.login(username="zhaoliu", password=f.PASSWORD)
    client.logout()
    entries = AuditEntry.objects.filter(user=user).order_by("at", "id")
    assert [e.action for e in entries] == ["login", "logout"]
    assert entries[0].roles == "cadre,handler"


def test_login_gives_a_new_session_key(f, client):
    f.make_user("cadre", username="sunqi")
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    client.cookies["sessionid"] = before
    assert client.login(username="sunqi", password=f.PASSWORD)
    assert client.session.session_key != before


def test_idle_sessions_end_after_thirty_minutes(f, client):
    f.make_cadre(user=f.make_user("cadre", username="admin1"))
    with time_machine.travel(T0, tick=False) as clock:
        assert client.login(username="admin1", password=f.PASSWORD)
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get("/cadre/").status_code == 200
        clock.shift(datetime.timedelta(minutes=29))  # active 29 minutes ago: still in
        assert client.get("/cadre/").status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get("/cadre/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_sessions_end_twelve_hours_after_login_however_active(f, client, settings):
    f.make_cadre(user=f.make_user("cadre", username="admin2"))
    with time_machine.travel(T0, tick=False) as clock:
        assert client.login(username="admin2", password=f.PASSWORD)
        for _ in range(12 * 3 - 1):
            clock.shift(datetime.timedelta(minutes=20))
            assert client.get("/cadre/").status_code == 200
        clock.shift(datetime.timedelta(minutes=21))
        response = client.get("/cadre/")
    assert response.status_code == 302
    assert client.get("/cadre/").status_code == 302  # logged out, not just redirected once
