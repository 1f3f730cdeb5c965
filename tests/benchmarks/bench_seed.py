"""seed_demo_s and seed_province_s: the time to build the demo city and a province, against a
reference of inserting the same number of bare enterprise rows with bulk_create."""

import time

from accounts.models import OrgUnit
from enterprises.models import Enterprise
from enterprises.uscc import check_char
from reports.demo import SCALES, seed
from tests.benchmarks import Bench, benchmark


def reference_insert(count: int) -> float:
    """Seconds to bulk_create `count` enterprises with valid codes and nothing else."""
    town = OrgUnit(kind=OrgUnit.Kind.TOWN, code="BENCHREF", name="基准镇")
    town.save()
    rows = []
    for n in range(count):
        first17 = f"91330381{n:09d}"
        rows.append(Enterprise(name=f"基准企业{n}", uscc=first17 + check_char(first17), town=town))
    started = time.perf_counter()
    Enterprise.objects.bulk_create(rows, batch_size=2000)
    return time.perf_counter() - started


def seed_figure(bench: Bench, scale: str, figure: str) -> None:
    size = SCALES[scale]
    bench.fresh_database()
    reference = reference_insert(size.enterprises)
    bench.fresh_database()
    started = time.perf_counter()
    counts = seed(size)
    bench.record(figure, time.perf_counter() - started, "s", reference)
    bench.sizes.update({f"{scale}_{name}": n for name, n in counts.items()})


@benchmark("seed")
def seed_demo(bench: Bench) -> None:
    seed_figure(bench, "city", "seed_demo_s")
    if not bench.quick:
        seed_figure(bench, "province", "seed_province_s")
