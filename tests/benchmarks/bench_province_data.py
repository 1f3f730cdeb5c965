"""province_build_s: the time to build SCALES["province"] with the COPY-based builder, against a
reference of COPYing the same number of bare enterprise rows. PostgreSQL only."""

import time

from django.db import connection, transaction

from accounts.models import OrgUnit
from enterprises.models import Enterprise
from enterprises.uscc import check_char
from reports.demo import SCALES
from tests.benchmarks import Bench, benchmark
from tests.benchmarks.province import build_province, copy_rows


def reference_copy(count: int) -> float:
    """Seconds to COPY `count` enterprises with valid codes and nothing else."""
    town = OrgUnit(kind=OrgUnit.Kind.TOWN, code="BENCHREF", name="基准镇")
    town.save()
    rows = []
    for n in range(count):
        first17 = f"91330381{n:09d}"
        rows.append((f"基准企业{n}", first17 + check_char(first17), town.pk))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        copy_rows(cursor, Enterprise, ("name", "uscc", "town"), rows)
    return time.perf_counter() - started


@benchmark("province_data")
def province_data(bench: Bench) -> None:
    if connection.vendor != "postgresql":
        print(f"province_data: PostgreSQL only (COPY), skipped on {connection.vendor}")
        return
    size = SCALES["province"]
    bench.fresh_database()
    reference = reference_copy(size.enterprises)
    bench.fresh_database()
    started = time.perf_counter()
    counts = build_province(size)
    bench.record("province_build_s", time.perf_counter() - started, "s", reference)
    bench.sizes.update({f"province_{name}": n for name, n in counts.items()})  # run.py prints them
