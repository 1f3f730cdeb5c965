"""Importing the enterprise roster from an office spreadsheet: read, validate every row, plan
(created / updated / unchanged / rejected), then commit all or nothing, upserting by USCC.

One set of rules: the column aliases and row rules here are what every import path uses.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from accounts import audit
from accounts.exports import escape_cell
from accounts.models import OrgUnit
from enterprises.models import Enterprise, Industry, Tag
from enterprises.spreadsheets import reader
from enterprises.spreadsheets.cells import CellError, fold, parse_amount, parse_date, parse_int
from enterprises.spreadsheets.safety import check_upload
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


def _by_label(choices) -> dict[str, str]:
    """Choice values by their Chinese labels as plain text: the sheets are in Chinese whatever
    the page's language, and a lazy label compared in a dict is translated at every lookup."""
    with translation.override(None):
        return {str(label): value for value, label in choices}


SCALES = _by_label(Enterprise.Scale.choices) | {
    "大": "large",
    "中": "medium",
    "小": "small",
    "微": "micro",
    **{value: value for value in Enterprise.Scale.values},
}
STATUSES = _by_label(Enterprise.ProductionStatus.choices) | {
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


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    message: str


@dataclass
class RosterPlan:
    create: list[tuple[Enterprise, list[Tag]]] = field(default_factory=list)
    update: list[tuple[Enterprise, list[Tag]]] = field(default_factory=list)
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
    all_rows = list(reader.rows(stream, kind))
    header = reader.find_header(all_rows, ALIASES, REQUIRED)
    lookups, plan = Lookups(), RosterPlan(header=header)
    parsed: dict[str, tuple[int, Enterprise, list[Tag]]] = {}
    for index, (number, values) in enumerate(all_rows):
        if index % PROGRESS_EVERY == 0:
            report(0.1 + 0.8 * index / len(all_rows), "check")
        if number <= header.row or all(fold(v) == "" for v in values):
            continue
        plan.rows += 1
        row = _parse_row(number, values, header, lookups, plan.errors)
        if row is None:
            continue
        enterprise, tags = row
        if enterprise.uscc in parsed:
            first = parsed[enterprise.uscc][0]
            plan.errors.append(
                RowError(
                    number,
                    header.labels["uscc"],
                    enterprise.uscc,
                    f"与第{first}行的统一社会信用代码重复",
                )
            )
            continue
        parsed[enterprise.uscc] = (number, enterprise, tags)
    existing = _existing(list(parsed))
    for _number, enterprise, tags in parsed.values():
        current = existing.get(enterprise.uscc)
        if current is None:
            plan.create.append((enterprise, tags))
            continue
        enterprise.pk = current.pk
        same_tags = {t.pk for t in tags} == {t.pk for t in current.tags.all()}
        if same_tags and all(getattr(current, f) == getattr(enterprise, f) for f in COMPARED):
            plan.unchanged += 1
        else:
            plan.update.append((enterprise, tags))
    return plan


PROGRESS_EVERY = 2000


def _existing(codes: list[str]) -> dict[str, Enterprise]:
    found = {}
    for start in range(0, len(codes), 2000):
        chunk = Enterprise.objects.filter(uscc__in=codes[start : start + 2000]).prefetch_related(
            "tags"
        )
        found.update({e.uscc: e for e in chunk})
    return found


def _parse_row(number, values, header, lookups, errors) -> tuple[Enterprise, list[Tag]] | None:
    def cell(name):
        index = header.columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    before = len(errors)

    def fail(name, message):
        errors.append(
            RowError(number, header.labels.get(name, ALIASES[name][0]), fold(cell(name)), message)
        )

    def read(name, parser):
        try:
            return parser(cell(name))
        except CellError as exc:
            fail(name, str(exc))
            return None

    for name in REQUIRED:
        if fold(cell(name)) == "":
            fail(name, "必填项为空")
    uscc = normalise(fold(cell("uscc")))
    if uscc:
        try:
            validate_uscc(uscc)
        except ValidationError as exc:
            fail("uscc", exc.messages[0])
    town = lookups.towns.get(fold(cell("town")))
    if fold(cell("town")) and town is None:
        fail("town", "镇街不存在，请填写系统中已有的镇街名称")
    industry = None
    if fold(cell("industry")):
        industry = lookups.industries.get(fold(cell("industry")).upper()) or lookups.industries.get(
            fold(cell("industry"))
        )
        if industry is None:
            fail("industry", "行业不存在，请填写国民经济行业代码（如 C34）或名称")
    scale = SCALES.get(fold(cell("scale")) or "小型")
    if scale is None:
        fail("scale", "规模只能是：大型、中型、小型、微型")
    status = STATUSES.get(fold(cell("production_status")) or "正常生产")
    if status is None:
        fail("production_status", "生产状态只能是：正常生产、减产、停产")
    tags = []
    for name in (n for n in re.split(r"[、,，;；/\s]+", fold(cell("tags"))) if n):
        tag = lookups.tags.get(name)
        if tag is None:
            fail("tags", f"标签“{name}”不存在")
        else:
            tags.append(tag)
    output = read("annual_output", parse_amount)
    if output is not None:
        output = output.quantize(Decimal("0.01"))  # as stored, so a re-import compares equal
    employees = read("employees", parse_int)
    founded = read("founded", parse_date)
    if len(errors) > before:
        return None
    return Enterprise(
        name=fold(cell("name")),
        uscc=uscc,
        town=town,
        industry=industry,
        scale=scale,
        annual_output=output,
        employees=employees,
        production_status=status,
        legal_representative=fold(cell("legal_representative")),
        contact_name=fold(cell("contact_name")),
        contact_phone=fold(cell("contact_phone")),
        address=fold(cell("address")),
        founded=founded,
    ), tags


@transaction.atomic
def commit(
    plan: RosterPlan, *, actor, request=None, filename: str = "", on_progress=None
) -> dict[str, int]:
    """Write the plan, all or nothing; refuse a plan with any error."""
    report = on_progress or (lambda fraction, stage: None)
    if not plan.ok:
        raise ValueError("a roster with errors is not imported")
    report(0.1, "create")
    created = Enterprise.objects.bulk_create([e for e, _tags in plan.create], batch_size=2000)
    report(0.5, "update")
    through = Enterprise.tags.through
    links = [
        through(enterprise_id=e.pk, tag_id=t.pk)
        for e, (_same, tags) in zip(created, plan.create, strict=True)
        for t in tags
    ]
    updated = [e for e, _tags in plan.update]
    Enterprise.objects.bulk_update(updated, COMPARED, batch_size=1000)
    through.objects.filter(enterprise_id__in=[e.pk for e in updated]).delete()
    links += [through(enterprise_id=e.pk, tag_id=t.pk) for e, tags in plan.update for t in tags]
    report(0.8, "tags")
    through.objects.bulk_create(links, batch_size=5000)
    counts = {"created": len(created), "updated": len(updated), "unchanged": plan.unchanged}
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
        for column, messages in by_row.get(number, {}).items():
            cell = sheet.cell(row=sheet.max_row, column=column + 1)
            cell.fill = red
            cell.comment = Comment("；".join(messages), "校验")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
