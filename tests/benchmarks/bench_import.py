"""The enterprise roster import on 15,000 and 300,000 generated rows of 18 columns (issue 4):

- floor: reading the file with the fastest reader (python-calamine) plus a COPY of the same rows
  into the enterprise table (on SQLite, which has no COPY, an executemany INSERT);
- import-export: a default django-import-export ModelResource importing the same 15,000 rows;
- ours: read_plan + commit, end to end (read, validate, upsert by USCC, audit), then the same file
  again, which changes nothing.

import_300k_peak_mb is the process's peak resident set size during the 300,000-row import: the
kernel's high-water mark (VmHWM), reset just before it through /proc/self/clear_refs.
"""

from __future__ import annotations

import io
import random
import tempfile
import time
from pathlib import Path

import python_calamine
import tablib
from django.db import connection, transaction
from django.utils import timezone
from import_export import resources

from accounts.demo import build_org_tree
from accounts.models import OrgUnit, User
from enterprises import roster_import
from enterprises.models import Enterprise, Industry, Tag
from reports.demo import SCALES
from tests.benchmarks import Bench, benchmark
from tests.benchmarks.roster_sheet import HEADERS, write_roster

FLOOR_COLUMNS = [
    "name",
    "uscc",
    "kind",
    "town_id",
    "industry_id",
    "scale",
    "annual_output",
    "employees",
    "production_status",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "address",
    "founded",
    "created_at",
    "updated_at",
]


def fresh_area(bench: Bench, scale: str) -> User:
    """An empty roster over the area's towns (the same names each time), and an admin."""
    bench.fresh_database()
    size = SCALES[scale]
    build_org_tree(random.Random(2026), towns=size.towns, counties=size.counties)
    return User.objects.create(username="bench_import_admin")


def town_names() -> list[str]:
    kinds = [OrgUnit.Kind.TOWN, OrgUnit.Kind.STREET]
    return list(OrgUnit.objects.filter(kind__in=kinds).values_list("name", flat=True))


def floor(path: Path) -> float:
    """Seconds to read the file with calamine and write its rows as they are into the table."""
    towns = dict(OrgUnit.objects.values_list("name", "pk"))
    industries = dict(Industry.objects.values_list("code", "pk"))
    started = time.perf_counter()
    sheet = python_calamine.load_workbook(str(path)).get_sheet_by_index(0)
    now = timezone.now()
    rows = [
        (r[1], r[2], "enterprise", towns[r[3]], industries[r[4]])
        + (roster_import.SCALES[r[5]], r[6], int(r[7]), roster_import.STATUSES[r[8]])
        + (r[9], r[10], r[11], r[12], r[13], now, now)
        for r in sheet.iter_rows()
        if r[0] != HEADERS[0]
    ]
    table, columns = Enterprise._meta.db_table, ", ".join(FLOOR_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("%s" for _ in FLOOR_COLUMNS)
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
    seconds = time.perf_counter() - started
    assert Enterprise.objects.count() == len(rows)
    return seconds


class DefaultEnterpriseResource(resources.ModelResource):
    class Meta:
        model = Enterprise
        import_id_fields = ("uscc",)


def import_export(path: Path, actor: User) -> float:
    """Seconds for a default ModelResource import of the file. Being default, it reads columns
    named as the model's fields and foreign keys as primary keys: the headers are renamed and the
    towns, industries, tags and choice labels turned into what it reads, inside the timing."""
    towns = dict(OrgUnit.objects.values_list("name", "pk"))
    industries = dict(Industry.objects.values_list("code", "pk"))
    tags = dict(Tag.objects.values_list("name", "pk"))
    field_of = {names[0]: field for field, names in roster_import.ALIASES.items()}
    started = time.perf_counter()
    with open(path, "rb") as stream:
        dataset = tablib.Dataset().load(stream, format="xlsx")
    dataset.headers = [field_of.get(h.rstrip("*"), h) for h in dataset.headers]
    converted = {
        "town": towns.get,
        "industry": industries.get,
        "scale": roster_import.SCALES.get,
        "production_status": roster_import.STATUSES.get,
        "tags": lambda v: ",".join(str(tags[t]) for t in (v or "").split("、") if t),
    }
    for name, convert in converted.items():
        values = [convert(v) for v in dataset[name]]
        del dataset[name]
        dataset.append_col(values, header=name)
    result = DefaultEnterpriseResource().import_data(dataset, dry_run=False, user=actor)
    seconds = time.perf_counter() - started
    assert not result.has_errors() and not result.has_validation_errors()
    return seconds


def ours(data: bytes, actor: User) -> tuple[float, dict[str, int]]:
    started = time.perf_counter()
    plan = roster_import.read_plan(io.BytesIO(data), "企业名录.xlsx")
    assert plan.ok, plan.errors[:5]
    counts = roster_import.commit(plan, actor=actor, filename="企业名录.xlsx")
    return time.perf_counter() - started, counts


def reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def city(bench: Bench, folder: Path) -> None:
    size = SCALES["city"].enterprises
    path = folder / "city.xlsx"
    fresh_area(bench, "city")
    write_roster(path, size, town_names())
    if connection.vendor != "postgresql":
        print("  SQLite has no COPY: the floor inserts with executemany instead")
    reference = floor(path)
    print(f"  floor (calamine + COPY) {reference:.2f} s")

    actor = fresh_area(bench, "city")
    seconds, counts = ours(path.read_bytes(), actor)
    assert counts == {"created": size, "updated": 0, "unchanged": 0}, counts
    again, counts = ours(path.read_bytes(), actor)
    assert counts == {"created": 0, "updated": 0, "unchanged": size}, counts

    actor = fresh_area(bench, "city")
    theirs = import_export(path, actor)
    print(f"  django-import-export {theirs:.1f} s")

    bench.record("import_15k_s", seconds, "s", reference)
    bench.record("import_15k_vs_floor", seconds / reference, "x")
    bench.record("import_export_15k_vs_ours", theirs / seconds, "x")
    bench.record("reimport_15k_s", again, "s", reference)
    bench.sizes["import_15k_rows"] = size


def province(bench: Bench, folder: Path) -> None:
    size = SCALES["province"].enterprises
    path = folder / "province.xlsx"
    fresh_area(bench, "province")
    write_roster(path, size, town_names())
    reference = floor(path)
    print(f"  floor (calamine + COPY) {reference:.2f} s")

    actor = fresh_area(bench, "province")
    data = path.read_bytes()
    measured = "reset before the import" if reset_peak_rss() else "the process's peak so far"
    seconds, counts = ours(data, actor)
    peak = peak_rss_mb()
    print(f"  peak RSS {peak:.0f} MB (the kernel's VmHWM, {measured})")
    assert counts["created"] == size, counts
    bench.record("import_300k_s", seconds, "s", reference)
    bench.record("import_300k_peak_mb", peak, "MB")
    bench.sizes["import_300k_rows"] = size


@benchmark("import")
def import_roster(bench: Bench) -> None:
    with tempfile.TemporaryDirectory() as folder:
        city(bench, Path(folder))
        if not bench.quick:
            province(bench, Path(folder))
