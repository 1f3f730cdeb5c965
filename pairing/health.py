"""/healthz for nginx, compose and monitors: is this process able to serve?

It answers before every other middleware, so it reads no session, sets no cookie, and never
redirects (HTTPS=1 redirects only what comes after it). It runs a handful of cheap checks (one
`SELECT 1`, the replica's lag when one is configured, a Redis PING, one LLEN per queue, one
GET of the scheduler's heartbeat) and names what failed; it shows no business data.
"""

from __future__ import annotations

import datetime
import json
import logging

from django.conf import settings
from django.db import connections
from django.http import HttpResponse
from django.utils import timezone

from pairing import queue, replica, schedule

logger = logging.getLogger(__name__)

PATHS = frozenset({"/healthz", "/healthz/"})
# A check must answer well inside the health checker's own timeout (3 s in docker-compose.yml).
REDIS_TIMEOUT_SECONDS = 1.0


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def redis_client():
    import redis

    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )


def queue_depths(client) -> dict[str, int]:
    """Jobs waiting in each RQ queue (one LLEN each)."""
    from rq import Queue

    return {name: Queue(name, connection=client).count for name in settings.RQ_QUEUES}


def report() -> tuple[bool, dict]:
    """(healthy, the JSON body). A failing check is named in `failed` with a short reason."""
    checks: dict[str, str] = {}
    body: dict = {"checks": checks}
    try:
        _database()
        checks["database"] = "ok"
    except Exception as exc:
        logger.warning("healthz: database: %s", exc)
        checks["database"] = f"failed: {type(exc).__name__}"
    if replica.configured():
        _check_replica(checks, body)
    if queue.is_embedded():
        checks["redis"] = "embedded"
    else:
        _check_redis(checks, body)
    failed = sorted(name for name, state in checks.items() if state.startswith("failed"))
    body["status"] = "failed" if failed else "ok"
    body["failed"] = failed
    return not failed, body


def _check_replica(checks: dict[str, str], body: dict) -> None:
    """The replica's lag, reported but never failing the process: while the replica is down or
    behind, the reads chosen for it go to the primary (pairing/replica.py)."""
    try:
        lag = replica.lag_seconds()
    except Exception as exc:
        logger.warning("healthz: replica: %s", exc)
        checks["replica"] = f"unreachable: {type(exc).__name__}"
        body["replica_lag_seconds"] = None
        return
    body["replica_lag_seconds"] = round(lag, 3)
    checks["replica"] = "ok" if lag <= settings.REPLICA_LAG_WARN_SECONDS else f"lagging: {lag:.0f}s"


def _check_redis(checks: dict[str, str], body: dict) -> None:
    client = redis_client()
    try:
        client.ping()
        body["queues"] = queue_depths(client)
        checks["redis"] = "ok"
    except Exception as exc:
        logger.warning("healthz: redis: %s", exc)
        checks["redis"] = f"failed: {type(exc).__name__}"
        checks["scheduler"] = "unknown"  # its heartbeat lives in Redis
        return
    beat = schedule.last_beat(client)
    body["scheduler_last_beat"] = beat.isoformat() if beat else None
    max_age = datetime.timedelta(seconds=settings.SCHEDULER_BEAT_MAX_AGE_SECONDS)
    if beat is None:
        checks["scheduler"] = "failed: no heartbeat"
    elif timezone.now() - beat > max_age:
        checks["scheduler"] = (
            f"failed: last beat {int((timezone.now() - beat).total_seconds())}s ago"
        )
    else:
        checks["scheduler"] = "ok"


def healthz_response() -> HttpResponse:
    healthy, body = report()
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        status=200 if healthy else 503,
    )
    response["Cache-Control"] = "no-store"
    return response


class HealthzMiddleware:
    """First in MIDDLEWARE: answers /healthz before sessions, CSRF, language or login see it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in PATHS and request.method in ("GET", "HEAD"):
            return healthz_response()
        return self.get_response(request)
