"""Importing the enterprise roster from an office spreadsheet: read, validate every row, plan
(created / updated / unchanged / rejected, and the totals rows skipped), then commit all or
nothing, upserting by USCC.

One set of rules: the column aliases and row rules (roster_rows) are what every import path uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain, islice
from typing import BinaryIO

from django.db import transaction

from accounts import audit
from enterprises import roster_write
from enterprises.models import Enterprise, HeaderAlias
from enterprises.roster_rows import (  # noqa: F401  (the roster's rules, as callers name them)
    ALIASES,
    COMPARED,
    REQUIRED,
    SCALES,
    STATUSES,
    Lookups,
    RosterRow,
    parse_row,
)
from enterprises.spreadsheets import messages, reader, workbooks
from enterprises.spreadsheets.cells import is_blank, summary_row
from enterprises.spreadsheets.safety import check_upload
from enterprises.spreadsheets.validation import Planned, RowError

KIND = "enterprises"


@dataclass
class RosterPlan(Planned):
    create: list[RosterRow] = field(default_factory=list)
    update: list[tuple[int, RosterRow]] = field(default_factory=list)  # (primary key, row)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    header: reader.Header | None = None
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, 合计/总计/小计/其中)


def aliases_for(unit) -> dict[str, list[str]]:
    """The roster's aliases with the headers the unit's uploaders mapped on a preview page."""
    mapped = HeaderAlias.objects.filter(kind=KIND, unit=unit).values_list("field", "header")
    aliases = {name: list(names) for name, names in ALIASES.items()}
    for name, header in mapped:
        if name in aliases:
            aliases[name].append(header)
    return aliases


def read_plan(
    stream: BinaryIO,
    filename: str,
    on_progress=None,
    aliases: dict | None = None,
    area=None,
) -> RosterPlan:
    """Everything short of writing: the file checked, every row validated, each classified.
    `on_progress(fraction, stage)` hears how far it got (a job shows it as a progress bar);
    `aliases` are the headers to look for (aliases_for(unit): the unit's own included); `area`
    limits the towns to an organiser's jurisdiction (None: the whole tree, for the admin)."""
    report = on_progress or (lambda fraction, stage: None)
    kind = check_upload(stream, filename)
    report(0.05, "read")
    sheet = reader.rows(stream, kind)
    pairs = iter(sheet)  # read as checked: a province's sheet is never all Python lists at once
    first = list(islice(pairs, reader.HEADER_SEARCH_ROWS))
    header = reader.find_header(first, aliases or ALIASES, REQUIRED)
    lookups, plan = Lookups(area), RosterPlan(header=header)
    parsed: dict[str, RosterRow] = {}
    first_row: dict[str, int] = {}  # credit code → the first row holding it, valid or not
    for number, values in chain(first, pairs):
        if number % PROGRESS_EVERY == 0:
            report(0.1 + 0.7 * min(number / max(sheet.total, 1), 1), "check")
        if number <= header.row or all(is_blank(v) for v in values):
            continue
        summary = summary_row(values)
        if summary:
            plan.skipped.append((number, summary))
            continue
        plan.rows += 1
        uscc, row = parse_row(number, values, header, lookups, plan.errors)
        if uscc and uscc in first_row:
            plan.errors.append(
                RowError(
                    number,
                    header.labels["uscc"],
                    uscc,
                    messages.source("duplicate_uscc", {"first": first_row[uscc]}),
                    "duplicate_uscc",
                    {"first": first_row[uscc]},
                )
            )
            continue
        if uscc:
            first_row[uscc] = number
        if row is not None:
            parsed[uscc] = row
    report(0.8, "compare")
    if area is not None:
        _keep_to_area(parsed, area, plan)
    plan.errors.sort(key=lambda e: e.row)
    _classify(list(parsed.values()), plan)
    return plan


def _keep_to_area(parsed: dict[str, RosterRow], area, plan: RosterPlan) -> None:
    """An organiser's roster may not take over a firm another area holds (its credit code
    already in the roster under a town outside theirs)."""
    codes = list(parsed)
    for start in range(0, len(codes), COMPARE_BATCH):
        outside = (
            Enterprise.objects.filter(uscc__in=codes[start : start + COMPARE_BATCH])
            .exclude(town__path__startswith=area.path)
            .values_list("uscc", flat=True)
        )
        for uscc in outside:
            row = parsed.pop(uscc)
            label = plan.header.labels["uscc"]
            plan.errors.append(
                RowError(row.number, label, uscc, "这家企业属于其他辖区，不能在此导入修改")
            )


PROGRESS_EVERY = 2000
COMPARE_BATCH = 2000


def _classify(rows: list[RosterRow], plan: RosterPlan) -> None:
    """Each row new, changed or as stored, compared with the stored values a batch of codes at a
    time, as plain tuples (a province re-imported would be 300,000 model instances)."""
    through = Enterprise.tags.through
    for start in range(0, len(rows), COMPARE_BATCH):
        batch = rows[start : start + COMPARE_BATCH]
        stored = {
            uscc: (pk, tuple(values))
            for uscc, pk, *values in Enterprise.objects.filter(
                uscc__in=[row.uscc for row in batch]
            ).values_list("uscc", "pk", *COMPARED)
        }
        tags: dict[int, set[int]] = {}
        for enterprise_id, tag_id in through.objects.filter(
            enterprise_id__in=[pk for pk, _values in stored.values()]
        ).values_list("enterprise_id", "tag_id"):
            tags.setdefault(enterprise_id, set()).add(tag_id)
        for row in batch:
            if row.uscc not in stored:
                plan.create.append(row)
                continue
            pk, values = stored[row.uscc]
            if values == row.stored() and tags.get(pk, set()) == {t.pk for t in row.tags}:
                plan.unchanged += 1
            else:
                plan.update.append((pk, row))


def commit(
    plan: RosterPlan,
    *,
    actor,
    request=None,
    filename: str = "",
    on_progress=None,
    via: str = "page",
) -> dict[str, int]:
    """Write the plan, all or nothing; refuse a plan with any error."""
    # A with block rather than the decorator: mutmut leaves decorated functions unmutated.
    with transaction.atomic():
        report = on_progress or (lambda fraction, stage: None)
        if not plan.ok:
            raise ValueError("a roster with errors is not imported")
        roster_write.write(plan.create, plan.update, COMPARED, report)
        audit.record(
            "import",
            user=actor,
            request=request,
            changes={"file": filename, "kind": KIND, "via": via, **plan.counts},
        )
        return plan.counts


def error_workbook(
    stream: BinaryIO, filename: str, aliases: dict | None = None, area=None
) -> bytes:
    """The uploaded sheet again, every bad cell filled red with its message as a comment, so the
    office can correct the very cells and upload again."""
    plan = read_plan(stream, filename, aliases=aliases, area=area)
    return workbooks.marked_copy(stream, filename, plan.header, plan.errors, "名册（标出错误）")
