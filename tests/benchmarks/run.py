"""Run the benchmarks: `python -m tests.benchmarks.run [name …] [--quick]` (`make bench`).

They run against a database of their own beside the one DATABASE_URL names: `<name>_bench` on
PostgreSQL (dropped and created afresh), a temporary file on SQLite. Results are merged into
.bench/results.json: {"figures": {name: value}, "references": …, "sizes": …, "commit", "database"}.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import pkgutil
import subprocess
import sys
import tempfile
from pathlib import Path

import dj_database_url

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / ".bench" / "results.json"


def bench_database_url() -> tuple[str, str]:
    """(URL of the benchmark database, its vendor)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        config = dj_database_url.parse(url)
        return url.rsplit("/", 1)[0] + f"/{config['NAME']}_bench", "postgresql"
    return f"sqlite:///{tempfile.gettempdir()}/pairing_bench.sqlite3", "sqlite"


def make_fresh_database(url: str, vendor: str):
    def fresh() -> None:
        from django.core.management import call_command
        from django.db import connections

        connections.close_all()
        if vendor == "postgresql":
            import psycopg

            config = dj_database_url.parse(url)
            admin = url.rsplit("/", 1)[0] + "/postgres"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')
                conn.execute(f'CREATE DATABASE "{config["NAME"]}"')
        else:
            path = Path(dj_database_url.parse(url)["NAME"])
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        call_command("migrate", verbosity=0)

    return fresh


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="skip the province-scale figures")
    args = parser.parse_args(argv)

    url, vendor = bench_database_url()
    os.environ["DATABASE_URL"] = url
    # Jobs inline: benchmarks measure the database work. The web benchmark's server gets Redis
    # back (sessions and cache as deployed) through BENCH_REDIS_URL.
    if os.environ.get("REDIS_URL"):
        os.environ.setdefault("BENCH_REDIS_URL", os.environ["REDIS_URL"])
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pairing.settings")
    # Measured as deployed (DEBUG off), which refuses to start without a key of its own.
    os.environ.setdefault("SECRET_KEY", "bench-only-key-" + "x" * 50)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from tests import benchmarks
    from tests.benchmarks import BENCHMARKS, Bench

    for module in pkgutil.iter_modules(benchmarks.__path__):
        if module.name.startswith("bench_"):
            importlib.import_module(f"tests.benchmarks.{module.name}")
    unknown = set(args.names) - set(BENCHMARKS)
    if unknown:
        parser.error(
            f"unknown benchmarks: {', '.join(sorted(unknown))}; known: {', '.join(BENCHMARKS)}"
        )

    bench = Bench(quick=args.quick, fresh_database=make_fresh_database(url, vendor))
    for name in args.names or BENCHMARKS:
        print(f"running {name} on {vendor} …", flush=True)
        BENCHMARKS[name](bench)

    print(f"\n{'figure':<32}{'value':>12}  {'unit':<5}{'reference':>12}{'ratio':>9}")
    for fig in bench.figures:
        reference = f"{fig.reference:12.3f}" if fig.reference else f"{'—':>12}"
        ratio = f"{fig.ratio:9.1f}" if fig.ratio else f"{'—':>9}"
        print(f"{fig.name:<32}{fig.value:>12.3f}  {fig.unit:<5}{reference}{ratio}")
    print("sizes: " + ", ".join(f"{k}={v:,}" for k, v in bench.sizes.items()))

    RESULTS.parent.mkdir(exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.setdefault("figures", {}).update({f.name: round(f.value, 4) for f in bench.figures})
    results.setdefault("references", {}).update(
        {f.name: round(f.reference, 4) for f in bench.figures if f.reference}
    )
    results.setdefault("sizes", {}).update(bench.sizes)
    results.update(
        commit=git_commit(),
        database=vendor,
        at=datetime.datetime.now().isoformat(timespec="seconds"),
    )
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
