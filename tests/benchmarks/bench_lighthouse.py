"""lighthouse_<page>_<category>: Lighthouse's mobile scores (0-100) of the main pages as deployed
(tests/benchmarks/lighthouse.py), each against the target of 90 (issue 18) as its reference.
On the demo city, in the bench database (BENCH_WEB_REUSE=1 keeps one already seeded)."""

from __future__ import annotations

from tests.benchmarks import Bench, benchmark
from tests.benchmarks import lighthouse as lh
from tests.benchmarks.bench_web import build


@benchmark("lighthouse")
def lighthouse(bench: Bench) -> None:
    build(bench)
    for page, figures in lh.run_all().items():
        for category, score in figures.items():
            name = f"lighthouse_{page}_{category.replace('-', '_')}"
            bench.record(name, score, "score", lh.TARGET)
