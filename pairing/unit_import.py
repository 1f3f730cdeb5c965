"""Importing org units from a county's sheet (its towns and streets, its departments, each with
its parent): every row validated, a plan of created / updated / unchanged / rejected, then an
all-or-nothing commit that upserts by unit code.

A parent is a unit already in the system or a row of the same sheet, by code or by name; rows are
written parents first, whatever their order in the sheet. An organiser imports only under their
own area: every parent must lie in it, and no unit outside it is changed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext_lazy

from accounts import audit
from accounts.models import OrgUnit
from enterprises.spreadsheets.cells import fold
from enterprises.spreadsheets.reader import Header
from enterprises.spreadsheets.validation import (
    Planned,
    RowError,
    Sheet,
    SheetRow,
    choices_by_label,
    read_sheet,
)

ALIASES = {
    "code": ["单位编码", "编码", "单位代码", "机构编码"],
    "name": ["单位名称", "名称", "单位全称"],
    "kind": ["单位类型", "类型", "类别"],
    "parent": ["上级单位", "上级单位编码", "上级", "所属上级"],
}
REQUIRED = ["code", "name", "kind"]
KINDS_WRITTEN = choices_by_label(OrgUnit.Kind.choices) | {
    "省份": OrgUnit.Kind.PROVINCE,
    "县": OrgUnit.Kind.COUNTY,
    "区": OrgUnit.Kind.COUNTY,
    "县级市": OrgUnit.Kind.COUNTY,
    "乡": OrgUnit.Kind.TOWN,
    "乡镇": OrgUnit.Kind.TOWN,
    "街道办事处": OrgUnit.Kind.STREET,
    "局": OrgUnit.Kind.DEPARTMENT,
    "单位": OrgUnit.Kind.DEPARTMENT,
    "开发区": OrgUnit.Kind.ZONE,
    "园区": OrgUnit.Kind.ZONE,
    "村": OrgUnit.Kind.COMMUNITY,
    "社区": OrgUnit.Kind.COMMUNITY,
    **{value: value for value in OrgUnit.Kind.values},
}
KINDS = {fold(label): kind for label, kind in KINDS_WRITTEN.items()}  # 县(市、区) as read
CODE = re.compile(r"^[0-9A-Za-z_-]+$")
SHEET_TITLE = gettext_lazy("组织单位")


@dataclass(frozen=True)
class UnitRow:
    number: int
    code: str
    name: str
    kind: str
    parent: str | None  # the parent's code (in the system or the sheet); None for a root


@dataclass
class UnitPlan(Planned):
    create: list[UnitRow] = field(default_factory=list)
    update: list[UnitRow] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    header: Header | None = None
    skipped: list[tuple[int, str]] = field(default_factory=list)


def read_plan(stream: BinaryIO, filename: str, *, actor=None) -> UnitPlan:
    """Everything short of writing. `actor`: an organiser is held to their area."""
    return plan_sheet(read_sheet(stream, filename, ALIASES, REQUIRED), actor=actor)


def _area_of(actor) -> OrgUnit | None:
    from accounts.roles import Role

    if actor is None or Role.ADMIN in actor.roles:
        return None
    return actor.jurisdiction_unit


def plan_sheet(sheet: Sheet, *, actor=None) -> UnitPlan:
    plan = UnitPlan(header=sheet.header, skipped=list(sheet.skipped))
    area = _area_of(actor)
    stored = {u.code: u for u in OrgUnit.objects.select_related("parent")}
    stored_by_name = defaultdict(list)
    for unit in stored.values():
        stored_by_name[fold(unit.name)].append(unit.code)
    rows, first_row = [], {}
    sheet_by_name = defaultdict(list)
    for number, values in sheet.rows:
        plan.rows += 1
        row = SheetRow(number, values, sheet, ALIASES, plan.errors)
        code = row.text("code")
        if code and code in first_row:
            row.fail("code", f"与第{first_row[code]}行的单位编码重复")
            continue
        if code:
            first_row[code] = number
            sheet_by_name[row.text("name")].append(code)
        rows.append(row)
    parsed: dict[str, UnitRow] = {}
    for row in rows:
        unit = _parse_row(row, stored, stored_by_name, first_row, sheet_by_name, area)
        if unit is not None:
            parsed[unit.code] = unit
    _check_tree(parsed, stored, plan, sheet)
    for code, unit in parsed.items():
        if any(e.row == unit.number for e in plan.errors):
            continue
        current = stored.get(code)
        if current is None:
            plan.create.append(unit)
        elif (current.name, current.kind, current.parent.code if current.parent else None) == (
            unit.name,
            unit.kind,
            unit.parent,
        ):
            plan.unchanged += 1
        else:
            plan.update.append(unit)
    plan.create = _parents_first(plan.create)
    plan.errors.sort(key=lambda e: e.row)
    return plan


def _parse_row(row, stored, stored_by_name, in_sheet, sheet_by_name, area) -> UnitRow | None:
    for name in REQUIRED:
        if not row.text(name):
            row.fail(name, "必填项为空")
    code, name = row.text("code"), row.text("name")
    if code and (not CODE.match(code) or len(code) > 32):
        row.fail("code", "单位编码只能包含字母、数字、下划线和短横线，最多32个字符")
    if len(name) > 100:
        row.fail("name", "单位名称过长（最多100个字）")
    kind = KINDS.get(row.text("kind"))
    if row.text("kind") and kind is None:
        labels = "、".join(str(label) for _v, label in OrgUnit.Kind.choices)
        row.fail("kind", f"单位类型只能是：{labels}")
    parent = None
    written = row.text("parent")
    if written:
        if written in stored or written in in_sheet:
            parent = written
        else:
            named = stored_by_name.get(written, []) + sheet_by_name.get(written, [])
            if len(set(named)) > 1:
                row.fail("parent", "有多个单位叫这个名称，请填写上级单位的编码")
            elif not named:
                row.fail("parent", "上级单位不存在：系统中和本表中都没有这个编码或名称")
            else:
                parent = named[0]
    elif stored or area is not None:
        row.fail("parent", "请填写上级单位（只有系统中的第一个单位可以没有上级）")
    if area is not None:
        current = stored.get(code)
        if current is not None and not current.path.startswith(area.path):
            row.fail("code", "这个编码的单位不在您的管辖范围内")
        elif parent in stored and not stored[parent].path.startswith(area.path):
            row.fail("parent", "上级单位不在您的管辖范围内")
    if not row.ok:
        return None
    return UnitRow(row.number, code, name, kind, parent)


def _check_tree(parsed: dict[str, UnitRow], stored, plan: UnitPlan, sheet: Sheet) -> None:
    """Refuse a row whose parent is itself or below it (by the sheet's parents, or the stored
    ones for units the sheet does not name), and a row under a rejected row."""
    label = sheet.header.labels.get("parent", ALIASES["parent"][0])

    def parent_of(code):
        if code in parsed:
            return parsed[code].parent
        unit = stored.get(code)
        return unit.parent.code if unit is not None and unit.parent else None

    for code, unit in parsed.items():
        seen, node = {code}, unit.parent
        while node is not None:
            if node in seen:
                message = "上级单位不能是自身或其下级"
                plan.errors.append(RowError(unit.number, label, unit.parent, message))
                break
            if node not in parsed and node not in stored:
                message = "上级单位所在的行有错误"
                plan.errors.append(RowError(unit.number, label, unit.parent, message))
                break
            seen.add(node)
            node = parent_of(node)


def _parents_first(rows: list[UnitRow]) -> list[UnitRow]:
    by_code = {row.code: row for row in rows}
    ordered, placed = [], set()

    def place(row):
        if row.code in placed:
            return
        if row.parent in by_code:
            place(by_code[row.parent])
        placed.add(row.code)
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered


@transaction.atomic
def commit(
    plan: UnitPlan, *, actor, request=None, filename: str = "", via: str = "page"
) -> dict[str, int]:
    """Create the new units parents first, then change the others (a new parent moves the
    unit's subtree), all or nothing; refuse a plan with any error."""
    if not plan.ok:
        raise ValueError("a unit sheet with errors is not imported")
    units = {u.code: u for u in OrgUnit.objects.all()}
    for row in plan.create:
        unit = OrgUnit(code=row.code, name=row.name, kind=row.kind, parent=units.get(row.parent))
        unit.save()
        units[row.code] = unit
    for row in plan.update:
        unit = units[row.code]
        unit.name, unit.kind, unit.parent = row.name, row.kind, units.get(row.parent)
        unit.save()
    audit.record(
        "import",
        user=actor,
        request=request,
        changes={"file": filename, "kind": "units", "via": via, **plan.counts},
    )
    return plan.counts
