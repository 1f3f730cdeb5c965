"""problem_list_province_ms: the first page of the problem and responsibility list
(问题清单、责任清单) for a leader who governs the whole province (every ticket in scope,
counted for the pager), median server time through Django's test client, against the
login page. `--quick` measures a province of one tenth the size."""

from __future__ import annotations

import statistics
import time

from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from issues.models import Ticket
from tests.benchmarks import Bench, benchmark
from tests.benchmarks.bench_dashboard import build, login_ms
from tests.helpers import sign_in

REPEAT = 15


def province_leader() -> User:
    """The demo leader, made to govern the top of the tree."""
    leader = User.objects.get(username="demo_leader")
    root = leader.jurisdiction_unit
    while root.parent_id:
        root = root.parent
    leader.jurisdiction_unit = root
    leader.save(update_fields=["jurisdiction_unit"])
    return leader


def median_ms(client: Client, url: str) -> float:
    client.get(url)  # warm
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


@benchmark("problem_list")
def problem_list(bench: Bench) -> None:
    fraction = 0.1 if bench.quick else 1
    build(bench, "province", fraction)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum would have done on a live database: rows written by COPY are not yet
            # all-visible, so counting them would read the whole heap instead of the index.
            cursor.execute("VACUUM ANALYZE issues_ticket")
    suffix = "_tenth" if bench.quick else ""
    bench.sizes[f"problem_list_province{suffix}_tickets"] = Ticket.objects.count()
    client = Client(SERVER_NAME="localhost")
    sign_in(client, province_leader())
    url = reverse("problem_list")
    bench.record(f"problem_list_province{suffix}_ms", median_ms(client, url), "ms", login_ms())
