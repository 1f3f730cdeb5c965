"""/metrics in Prometheus' text format for the system admin's monitors (prometheus_client).

Requests are counted and timed by view name (the URL pattern's name, so a label never carries an
id); queue depths are read from Redis at scrape time. Under several gunicorn processes set
PROMETHEUS_MULTIPROC_DIR (an empty folder each start) so that a scrape sums all of them, as
prometheus_client documents. The page is for the system admin, or for a scraper presenting
METRICS_TOKEN as `Authorization: Bearer <token>`; everyone else gets 403.
"""

from __future__ import annotations

import hmac
import time

from django.conf import settings
from django.http import HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

from accounts import audit
from accounts.models import AuditEntry
from accounts.roles import Role
from pairing import health, queue

REQUESTS = Counter(
    "pairing_http_requests_total", "HTTP requests answered, by view", ["view", "method", "status"]
)
LATENCY = Histogram(
    "pairing_http_request_duration_seconds",
    "Time to answer an HTTP request, by view",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestMetricsMiddleware:
    """Counts and times every request that reaches Django, labelled by its view's name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "unresolved"
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(view, method, str(response.status_code)).inc()
        LATENCY.labels(view).observe(time.perf_counter() - started)
        return response


class QueueDepthCollector:
    """Jobs waiting per RQ queue, read when scraped (nothing when embedded)."""

    def collect(self):
        family = GaugeMetricFamily(
            "pairing_rq_queue_jobs", "Jobs waiting in an RQ queue", labels=["queue"]
        )
        if not queue.is_embedded():
            for name, depth in health.queue_depths(health.redis_client()).items():
                family.add_metric([name], depth)
        yield family


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer ").encode(), token.encode())
    return request.user.is_authenticated and Role.ADMIN in request.user.roles


def metrics_view(request):
    if not _allowed(request):
        if request.user.is_authenticated:
            audit.record(
                "access_denied",
                request=request,
                result=AuditEntry.Result.DENIED,
                changes={"path": request.path},
            )
        return HttpResponse(status=403)
    if settings.PROMETHEUS_MULTIPROC_DIR:
        from prometheus_client import multiprocess

        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    queues = CollectorRegistry()
    queues.register(QueueDepthCollector())
    response = HttpResponse(
        generate_latest(requests) + generate_latest(queues), content_type=CONTENT_TYPE_LATEST
    )
    response["Cache-Control"] = "no-store"
    return response
