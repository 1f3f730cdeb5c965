"""dashboard_*_median_ms, dashboard_*_queries, dashboard_scale_ratio and notice_*_s: the leader's
dashboard for the whole area (median server time through Django's test client, against the login
page) and its query count, at full size and at one tenth of it, after the scheduled job has
computed every area's figures (dashboard_*_refresh_s, the job's time); the worst dashboard of a
drill-down from the top through each level (dashboard_drill_median_ms, dashboard_drill_queries);
and a monthly notice for the whole area. `--quick` measures the city; the full run a province
(issue 7's sizes)."""

from __future__ import annotations

import dataclasses
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import OrgUnit, User
from enterprises.models import Enterprise
from issues.models import Ticket
from pairing.models import Cadre, Visit
from reports import area_figures, notices
from reports.demo import SCALES, seed
from reports.models import Notice
from tests.benchmarks import Bench, benchmark
from tests.helpers import sign_in

REPEAT = 11


def build(bench: Bench, scale: str, fraction: float) -> None:
    bench.fresh_database()
    size = SCALES[scale]
    if fraction != 1:
        size = dataclasses.replace(
            size,
            enterprises=int(size.enterprises * fraction),
            cadres=max(50, int(size.cadres * fraction)),
            tickets=int(size.tickets * fraction),
        )
    if scale == "province":
        try:  # the COPY-based builder, when present, takes seconds instead of minutes
            from tests.benchmarks.province import build_province
        except ImportError:
            seed(size)
        else:
            build_province(size)
    else:
        seed(size)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would have done on a live database


def dashboard_ms(bench: Bench) -> tuple[float, int]:
    """(median ms, queries) of the dashboard of the leader who governs the whole area."""
    leader = User.objects.get(username="demo_leader")
    root = leader.jurisdiction_unit
    while root.parent_id:  # the whole area: the top of the tree
        root = root.parent
    leader.jurisdiction_unit = root
    leader.save(update_fields=["jurisdiction_unit"])
    client = Client(SERVER_NAME="localhost")
    sign_in(client, leader)
    client.get("/leader/")  # warm
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        assert client.get("/leader/").status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get("/leader/")
    return statistics.median(times), len(queries.captured_queries), root


def drill_ms(root) -> tuple[float, int]:
    """The worst (median ms, queries) among the dashboards a province leader drills into: the
    province, then at each level the first area below (a city, a county, a town)."""
    leader = User.objects.get(username="demo_leader")
    client = Client(SERVER_NAME="localhost")
    sign_in(client, leader)
    areas, area = [root], root
    while child := OrgUnit.objects.filter(parent=area, kind__in=OrgUnit.AREA_KINDS).first():
        areas.append(child)
        area = child
    worst_ms, worst_queries = 0.0, 0
    for area in areas:
        url = f"/leader/?period=month&area={area.pk}"
        client.get(url)  # warm
        times = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        worst_ms = max(worst_ms, statistics.median(times))
        worst_queries = max(worst_queries, len(queries.captured_queries))
    return worst_ms, worst_queries


def login_ms() -> float:
    client = Client(SERVER_NAME="localhost")
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        client.get("/login/")
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def refresh_s() -> float:
    """The scheduled job's time: every area's figures computed and stored (the page reads them)."""
    started = time.perf_counter()
    area_figures.refresh_all()
    return time.perf_counter() - started


@benchmark("dashboard")
def dashboard(bench: Bench) -> None:
    scale = "city" if bench.quick else "province"
    build(bench, scale, 0.1)
    refresh_s()
    tenth_ms, _queries, _root = dashboard_ms(bench)
    build(bench, scale, 1)
    for model in (Enterprise, Cadre, Visit, Ticket):
        bench.sizes[f"dashboard_{scale}_{model._meta.model_name}s"] = model.objects.count()
    full_refresh_s = refresh_s()
    full_ms, queries, root = dashboard_ms(bench)
    reference = login_ms()
    bench.record(f"dashboard_{scale}_refresh_s", full_refresh_s, "s", reference / 1000)
    bench.record(f"dashboard_{scale}_median_ms", full_ms, "ms", reference)
    bench.record(f"dashboard_{scale}_queries", queries, "queries", 20)
    bench.record("dashboard_scale_ratio", full_ms / tenth_ms, "x", 2)
    worst_ms, worst_queries = drill_ms(root)
    bench.record("dashboard_drill_median_ms", worst_ms, "ms", reference)
    bench.record("dashboard_drill_queries", worst_queries, "queries", 20)
    period = notices.last_complete(Notice.Kind.MONTHLY, timezone.localdate())
    started = time.perf_counter()
    notices.generate(root, Notice.Kind.MONTHLY, period)
    bench.record(f"notice_{scale}_s", time.perf_counter() - started, "s", reference / 1000)
