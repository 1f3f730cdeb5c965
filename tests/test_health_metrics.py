"""/healthz for nginx, compose and monitors (no session, no cookie, names what failed) and
/metrics in Prometheus' format for the system admin or a scraper's token only."""

import datetime
import threading

import pytest
from django.utils import timezone

from pairing import schedule
from tests.factories import make_user
from tests.helpers import sign_in
from tests.test_queue import redis_url

pytestmark = pytest.mark.django_db

DOWN_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


def real_redis(settings) -> str:
    url = redis_url()
    settings.REDIS_URL = url
    settings.RQ_QUEUES = {n: {"URL": url, "DEFAULT_TIMEOUT": 60} for n in settings.RQ_QUEUES}
    return url


def test_embedded_healthz_checks_the_database_and_sets_no_cookie(
    client, settings, django_assert_num_queries
):
    settings.REDIS_URL = ""
    client.cookies["sessionid"] = "stale-session-key"
    with django_assert_num_queries(1):  # SELECT 1: no session read, nothing heavy
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "checks": {"database": "ok", "redis": "embedded"},
        "status": "ok",
        "failed": [],
    }
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert response["Cache-Control"] == "no-store"


def test_healthz_answers_plain_http_even_when_https_redirects_everything_else(client, settings):
    settings.REDIS_URL = ""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/login/").status_code == 301


def test_a_down_redis_gives_503_naming_redis(client, settings):
    settings.REDIS_URL = DOWN_REDIS
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failed"
    assert body["failed"] == ["redis"]
    assert body["checks"]["redis"].startswith("failed: ")
    assert body["checks"]["database"] == "ok"
    assert "Set-Cookie" not in response.headers


def test_a_failing_database_gives_503_naming_the_database(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    def broken():
        raise ConnectionError("database is down")

    monkeypatch.setattr("pairing.health._database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]


@pytest.mark.redis
def test_with_redis_healthz_reports_queue_depths_and_the_schedulers_beat(client, settings):
    url = real_redis(settings)
    import redis

    redis.Redis.from_url(url).delete(schedule.BEAT_KEY)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["scheduler"]
    assert response.json()["checks"]["scheduler"] == "failed: no heartbeat"

    schedule.beat(timezone.now() - datetime.timedelta(minutes=10))
    assert client.get("/healthz").json()["checks"]["scheduler"].startswith("failed: last beat 6")

    schedule.beat()
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["checks"] == {"database": "ok", "redis": "ok", "scheduler": "ok"}
    assert set(body["queues"]) == {"default", "imports", "reports"}


def test_the_scheduler_loop_beats_embedded(settings):
    settings.REDIS_URL = ""
    moment = timezone.now()
    schedule.beat(moment)
    assert schedule.last_beat(None) == moment
    stopped = threading.Event()
    stopped.set()
    schedule.run_forever(stopped)  # beats as it starts, before its first minute
    assert schedule.last_beat(None) > moment


def test_metrics_are_refused_to_anyone_but_the_system_admin(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 403
    for role in ("cadre", "leader", "auditor", "security_admin"):
        sign_in(client, make_user(role))
        response = client.get("/metrics")
        assert response.status_code == 403, role
        assert b"pairing_http_requests_total" not in response.content


def test_the_system_admin_reads_request_counts_by_view_and_queue_depths(client, settings):
    settings.REDIS_URL = ""
    sign_in(client, make_user("admin"))
    client.get("/login/")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'pairing_http_requests_total{method="GET",status="' in text
    assert 'view="login"' in text
    assert "pairing_http_request_duration_seconds_bucket" in text
    assert "# TYPE pairing_rq_queue_jobs gauge" in text


def test_a_scraper_with_the_token_reads_metrics_and_a_wrong_token_does_not(client, settings):
    settings.REDIS_URL = ""
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert response.status_code == 200
    assert b"pairing_rq_queue_jobs" in response.content


@pytest.mark.redis
def test_metrics_read_queue_depths_from_redis(client, settings):
    import redis
    from rq import Queue

    reports = Queue("reports", connection=redis.Redis.from_url(real_redis(settings)))
    settings.METRICS_TOKEN = "t"
    reports.empty()
    reports.enqueue("tests.jobs_for_tests.leave_mark", "x")
    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer t").content.decode()
    reports.empty()
    assert 'pairing_rq_queue_jobs{queue="reports"} 1.0' in text
