"""The data the load brings: roster files for the importer (an organiser of a county)."""

from __future__ import annotations

import os
import re
from pathlib import Path

IMPORTER = "demo_organiser"
FILES = 8  # roster files the importer works through, one after another
ROWS = int(os.environ.get("TOPOLOGY_IMPORT_ROWS", 2000))  # new firms in each
SERIAL_BASE = 870_000_000  # the files' USCC serials: far from the demo's own


def write_import_files(folder: Path, files: int, rows: int) -> None:
    """roster-0.csv … : `rows` new firms each, in the importer's county's towns, every firm's
    credit code unique across the files (so each file imported once adds exactly its rows)."""
    from accounts.models import OrgUnit, User
    from enterprises.uscc import check_char

    county = User.objects.get(username=IMPORTER).jurisdiction_unit
    towns = list(
        OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.TOWN, OrgUnit.Kind.STREET])
        .under(county)
        .values_list("name", flat=True)
    )
    for n in range(files):
        lines = ["企业名称,统一社会信用代码,所属镇街"]
        for i in range(rows):
            first17 = f"91330381{SERIAL_BASE + n * rows + i:09d}"
            lines.append(
                f"压测名册{n}企业{i}有限公司,{first17}{check_char(first17)},{towns[i % len(towns)]}"
            )
        (folder / f"roster-{n}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def uscc_of(n: int, rows: int) -> list[str]:
    from enterprises.uscc import check_char

    codes = []
    for i in range(rows):
        first17 = f"91330381{SERIAL_BASE + n * rows + i:09d}"
        codes.append(first17 + check_char(first17))
    return codes


def firms_of(filename: str) -> int:
    """How many firms of roster-<n>.csv the database holds."""
    from enterprises.models import Enterprise

    n = int(re.search(r"(\d+)", filename).group(1))
    return Enterprise.objects.filter(uscc__in=uscc_of(n, ROWS)).count()
