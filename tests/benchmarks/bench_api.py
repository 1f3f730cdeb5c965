"""api_create_ticket_queries: the queries one 12345 forward through the API takes (token, rate
limit, audit, the ticket, its event and attachment), against a budget of 20.
api_changes_province_ms (api_changes_quick_ms with --quick): reading 1,000 changed tickets from
the changes feed (two pages of 500) as a province-wide client, against the login page."""

from __future__ import annotations

import statistics
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.api_clients import Scope, create_client
from enterprises.models import Enterprise
from issues.models import Ticket
from tests.benchmarks import Bench, benchmark
from tests.benchmarks.bench_dashboard import build

REPEAT = 11
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


def _top(unit):
    while unit.parent_id:
        unit = unit.parent
    return unit


def changes_ms(client, auth: dict) -> float:
    """Median ms of reading the first 1,000 changed tickets, two pages of 500."""
    since = Ticket.objects.order_by("updated_at").values_list("updated_at", flat=True).first()
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        first = client.get(
            "/api/v1/tickets/changes", {"since": since.isoformat(), "limit": 500}, **auth
        )
        assert first.status_code == 200, first.content
        second = client.get(
            "/api/v1/tickets/changes",
            {"since": since.isoformat(), "limit": 500, "cursor": first.json()["next_cursor"]},
            **auth,
        )
        assert second.status_code == 200 and len(second.json()["items"]) == 500
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


@benchmark("api")
def api(bench: Bench) -> None:
    scale = "city" if bench.quick or connection.vendor != "postgresql" else "province"
    build(bench, scale, 1)
    firm = Enterprise.objects.select_related("town").first()
    area = _top(firm.town)
    _client, token = create_client(
        name="bench", area=area, scopes=Scope.values, rate_per_minute=1_000_000
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client = Client(SERVER_NAME="localhost")
    reference_ms = statistics.median([_timed(lambda: client.get("/login/")) for _ in range(REPEAT)])
    client.get("/api/v1/tickets/changes", {"since": "2000-01-01T00:00:00"}, **auth)  # warm
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/tickets/hotline",
            {
                "hotline_no": "BENCH-0001",
                "credit_code": firm.uscc,
                "category": "land",
                "text": "基准测试：12345 转办。",
                "attachments": [SimpleUploadedFile("a.png", PNG)],
            },
            **auth,
        )
    assert response.status_code == 201, response.content
    bench.record("api_create_ticket_queries", len(queries.captured_queries), "queries", 20)
    figure = "api_changes_province_ms" if scale == "province" else "api_changes_quick_ms"
    bench.record(figure, changes_ms(client, auth), "ms", reference_ms)


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000
