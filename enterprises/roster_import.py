"""Importing the enterprise roster from an office spreadsheet: read, validate every row, plan
(created / updated / unchanged / rejected), then commit all or nothing, upserting by USCC.

One set of rules: the column aliases and row rules here are what every import path uses.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from operator import attrgetter
from typing import BinaryIO, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from accounts import audit
from accounts.exports import escape_cell
from accounts.models import OrgUnit
from enterprises import roster_write
from enterprises.models import Enterprise, Industry, Tag
from enterprises.spreadsheets import messages, reader
from enterprises.spreadsheets.cells import (
    CellError,
    fold,
    is_blank,
    parse_amount,
    parse_date,
    parse_int,
)
from enterprises.spreadsheets.safety import check_upload
from enterprises.spreadsheets.validation import RowError, choices_by_label
from enterprises.uscc import normalise, validate_uscc

ALIASES = {
    "name": ["企业名称", "单位名称", "名称", "企业（单位）名称"],
    "uscc": ["统一社会信用代码", "社会信用代码", "信用代码", "统一代码"],
    "town": ["所属镇街", "镇街", "乡镇（街道）", "所在镇街", "属地"],
    "industry": ["行业代码", "国民经济行业", "行业"],
    "scale": ["企业规模", "规模"],
    "annual_output": ["年产值（万元）", "年产值", "产值（万元）", "产值"],
    "employees": ["从业人数", "职工人数", "员工人数"],
    "production_status": ["生产状态", "生产经营状态", "经营状态"],
    "legal_representative": ["法定代表人", "法人代表", "法人"],
    "contact_name": ["联系人"],
    "contact_phone": ["联系电话", "手机号", "电话"],
    "address": ["地址", "企业地址", "注册地址"],
    "founded": ["成立日期", "成立时间"],
    "tags": ["标签", "企业类型标签"],
}
REQUIRED = ["name", "uscc", "town"]


SCALES = choices_by_label(Enterprise.Scale.choices) | {
    "大": "large",
    "中": "medium",
    "小": "small",
    "微": "micro",
    **{value: value for value in Enterprise.Scale.values},
}
STATUSES = choices_by_label(Enterprise.ProductionStatus.choices) | {
    "正常": "normal",
    "在产": "normal",
    "半停产": "reduced",
    "停工": "stopped",
    **{value: value for value in Enterprise.ProductionStatus.values},
}
COMPARED = [
    "name",
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
]
_COMPARED_VALUES = attrgetter(*COMPARED)
# Cells read as text, each folded once per row.
TEXT_FIELDS = [
    "name",
    "uscc",
    "town",
    "industry",
    "scale",
    "production_status",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "address",
    "tags",
]


class RosterRow(NamedTuple):
    """A valid row as the roster would keep it. A tuple, not an Enterprise: a province's 300,000
    rows are held until the commit, and model instances cost several times the memory and time."""

    number: int
    uscc: str
    name: str
    town: OrgUnit
    industry: Industry | None
    scale: str
    annual_output: Decimal | None
    employees: int | None
    production_status: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    address: str
    founded: datetime.date | None
    tags: tuple[Tag, ...]

    @property
    def town_id(self) -> int:
        return self.town.pk

    @property
    def industry_id(self) -> int | None:
        return self.industry.pk if self.industry else None

    def stored(self) -> tuple:
        """The COMPARED fields' values, as the database returns them."""
        return _COMPARED_VALUES(self)

    def enterprise(self, pk: int | None = None) -> Enterprise:
        return Enterprise(pk=pk, uscc=self.uscc, **dict(zip(COMPARED, self.stored(), strict=True)))


@dataclass
class RosterPlan:
    create: list[RosterRow] = field(default_factory=list)
    update: list[tuple[int, RosterRow]] = field(default_factory=list)  # (primary key, row)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    header: reader.Header | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


class Lookups:
    """Towns, industries and tags by the names and codes offices write, loaded once per import."""

    def __init__(self):
        towns = OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.TOWN, OrgUnit.Kind.STREET])
        self.towns = {fold(t.name): t for t in towns} | {t.code: t for t in towns}
        industries = Industry.objects.all()
        self.industries = {i.code: i for i in industries} | {fold(i.name): i for i in industries}
        tags = Tag.objects.all()
        self.tags = {fold(t.name): t for t in tags} | {t.code: t for t in tags}


def read_plan(stream: BinaryIO, filename: str, on_progress=None) -> RosterPlan:
    """Everything short of writing: the file checked, every row validated, each classified.
    `on_progress(fraction, stage)` hears how far it got (a job shows it as a progress bar)."""
    report = on_progress or (lambda fraction, stage: None)
    kind = check_upload(stream, filename)
    report(0.05, "read")
    sheet = reader.rows(stream, kind)
    pairs = iter(sheet)  # read as checked: a province's sheet is never all Python lists at once
    first = list(islice(pairs, reader.HEADER_SEARCH_ROWS))
    header = reader.find_header(first, ALIASES, REQUIRED)
    lookups, plan = Lookups(), RosterPlan(header=header)
    parsed: dict[str, RosterRow] = {}
    for number, values in chain(first, pairs):
        if number % PROGRESS_EVERY == 0:
            report(0.1 + 0.7 * min(number / max(sheet.total, 1), 1), "check")
        if number <= header.row or all(is_blank(v) for v in values):
            continue
        plan.rows += 1
        row = parse_row(number, values, header, lookups, plan.errors)
        if row is None:
            continue
        if row.uscc in parsed:
            first_number = parsed[row.uscc].number
            plan.errors.append(
                RowError(
                    number,
                    header.labels["uscc"],
                    row.uscc,
                    messages.source("duplicate_uscc", {"first": first_number}),
                    "duplicate_uscc",
                    {"first": first_number},
                )
            )
            continue
        parsed[row.uscc] = row
    report(0.8, "compare")
    _classify(list(parsed.values()), plan)
    return plan


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


TAG_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def parse_row(number, values, header, lookups, errors) -> RosterRow | None:
    def cell(name):
        index = header.columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    text = {name: fold(cell(name)) for name in TEXT_FIELDS}  # each cell folded once
    before = len(errors)

    def fail(name, code, message="", **params):
        """An error of the cell: a message code and its parameters, or a message as it is."""
        label, value = header.labels.get(name, ALIASES[name][0]), fold(cell(name))
        message = message or messages.source(code, params)
        errors.append(RowError(number, label, value, message, code, params))

    def read(name, parser):
        try:
            return parser(cell(name))
        except CellError as exc:
            fail(name, exc.code, **exc.params)
            return None

    for name in REQUIRED:
        if text[name] == "":
            fail(name, "required")
    uscc = normalise(text["uscc"])
    if uscc:
        try:
            validate_uscc(uscc)
        except ValidationError as exc:
            fail("uscc", "", exc.messages[0])
    town = lookups.towns.get(text["town"])
    if text["town"] and town is None:
        fail("town", "unknown_town")
    industry = None
    if text["industry"]:
        industry = lookups.industries.get(text["industry"].upper()) or lookups.industries.get(
            text["industry"]
        )
        if industry is None:
            fail("industry", "unknown_industry")
    scale = SCALES.get(text["scale"] or "小型")
    if scale is None:
        fail("scale", "bad_scale")
    status = STATUSES.get(text["production_status"] or "正常生产")
    if status is None:
        fail("production_status", "bad_production_status")
    tags = []
    for name in (n for n in TAG_SEPARATORS.split(text["tags"]) if n):
        tag = lookups.tags.get(name)
        if tag is None:
            fail("tags", "unknown_tag", tag=name)
        else:
            tags.append(tag)
    output = read("annual_output", parse_amount)
    if output is not None:
        output = output.quantize(Decimal("0.01"))  # as stored, so a re-import compares equal
    employees = read("employees", parse_int)
    founded = read("founded", parse_date)
    if len(errors) > before:
        return None
    return RosterRow(
        number,
        uscc,
        text["name"],
        town,
        industry,
        scale,
        output,
        employees,
        status,
        text["legal_representative"],
        text["contact_name"],
        text["contact_phone"],
        text["address"],
        founded,
        tuple(tags),
    )


@transaction.atomic
def commit(
    plan: RosterPlan, *, actor, request=None, filename: str = "", on_progress=None
) -> dict[str, int]:
    """Write the plan, all or nothing; refuse a plan with any error."""
    report = on_progress or (lambda fraction, stage: None)
    if not plan.ok:
        raise ValueError("a roster with errors is not imported")
    roster_write.write(plan.create, plan.update, COMPARED, report)
    counts = {"created": len(plan.create), "updated": len(plan.update), "unchanged": plan.unchanged}
    audit.record(
        "import",
        user=actor,
        request=request,
        changes={"file": filename, "kind": "enterprises", **counts},
    )
    return counts


def error_workbook(stream: BinaryIO, filename: str) -> bytes:
    """The uploaded sheet again, every bad cell filled red with its message as a comment, so the
    office can correct the very cells and upload again."""
    plan = read_plan(stream, filename)
    stream.seek(0)
    column_of = {plan.header.labels[f]: i for f, i in plan.header.columns.items()}
    by_row: dict[int, dict[int, list[str]]] = {}
    for error in plan.errors:
        cells = by_row.setdefault(error.row, {})
        cells.setdefault(column_of.get(error.column, 0), []).append(error.message)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名册（标出错误）"
    red = PatternFill("solid", fgColor="FFC7CE")
    for number, values in reader.rows(stream, check_upload(stream, filename)):
        sheet.append([escape_cell(v) for v in values] or [None])
        for column, notes in by_row.get(number, {}).items():
            cell = sheet.cell(row=sheet.max_row, column=column + 1)
            cell.fill = red
            cell.comment = Comment("；".join(notes), "校验")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
