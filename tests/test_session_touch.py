"""A page view writes the session only when its idle expiry would move by a minute or more
(accounts.middleware.SessionTouchMiddleware), not on every request; the idle limit itself is
tested in test_auth_security."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def sessions_in_database(settings):
    """Redis expires a cached session by its own clock, which time_machine does not move: tests
    that travel in time keep sessions in the database alone, where the expiry is a column."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


def session_writes(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return sum(
        q["sql"].startswith(('UPDATE "django_session"', 'INSERT INTO "django_session"'))
        for q in captured
    )


def test_a_page_view_writes_the_session_at_most_once_a_minute(f, client, sessions_in_database):
    f.make_cadre(user=f.make_user("cadre", username="touchy"))
    with time_machine.travel(T0, tick=False) as clock:
        assert client.login(username="touchy", password=f.PASSWORD)
        assert session_writes(client, "/cadre/") == 1  # first view after login: touched
        clock.shift(datetime.timedelta(seconds=30))
        assert session_writes(client, "/cadre/") == 0
        assert session_writes(client, "/cadre/") == 0
        clock.shift(datetime.timedelta(seconds=31))
        assert session_writes(client, "/cadre/") == 1


def test_a_session_kept_alive_by_views_less_than_a_minute_apart_never_idles_out(
    f, client, sessions_in_database
):
    f.make_cadre(user=f.make_user("cadre", username="steady"))
    with time_machine.travel(T0, tick=False) as clock:
        assert client.login(username="steady", password=f.PASSWORD)
        for _ in range(40):  # 40 views 50 s apart: 33 minutes, never 30 idle
            clock.shift(datetime.timedelta(seconds=50))
            assert client.get("/cadre/").status_code == 200
        clock.shift(datetime.timedelta(minutes=30, seconds=1))
        response = client.get("/cadre/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_an_anonymous_page_view_writes_no_session(client):
    assert session_writes(client, "/login/") == 0
    assert "sessionid" not in client.cookies


@pytest.mark.skipif(not settings.REDIS_URL, reason="sessions are cached only with REDIS_URL")
def test_with_redis_a_page_view_reads_its_session_from_the_cache(f, client):
    f.make_cadre(user=f.make_user("cadre", username="cached"))
    assert client.login(username="cached", password=f.PASSWORD)
    client.get("/cadre/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/cadre/").status_code == 200
    assert not [q for q in captured if "django_session" in q["sql"]]
