"""Importing cadres from an office spreadsheet: every row validated, a plan of created / updated /
unchanged / rejected, then an all-or-nothing commit that upserts by staff number (工号), or by
mobile number for a row without one. A masked mobile (138****1234, as exports without the full-PII
permission write it) leaves the stored number as it is.

A new cadre gets an account with the cadre role and no usable password, marked to change it at
first login: the system admin sets the first password on the account's admin page, since no
password travels in a spreadsheet. A new unit, post or rank is a transfer (services.transfer_cadre:
the post history is kept and the pairings stay, 事随人走); retiring or leaving is the hand-over
(services.hand_over), which the import makes only for a cadre with no active pairing, so no
enterprise loses its cadre unnoticed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import BinaryIO

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts import audit
from accounts.masking import is_masked
from accounts.models import Cadre, CadrePost, OrgUnit, User
from accounts.pinyin import initials
from accounts.roles import Role
from enterprises.spreadsheets.cells import fold
from enterprises.spreadsheets.reader import Header, UnreadableSheet
from enterprises.spreadsheets.validation import (
    RowError,
    Sheet,
    SheetRow,
    choices_by_label,
    read_sheet,
)
from pairing import services

ALIASES = {
    "name": ["姓名", "干部姓名"],
    "staff_no": ["工号", "职工号", "干部工号"],
    "phone": ["手机号", "联系电话", "手机", "手机号码"],
    "unit": ["单位", "所在单位", "工作单位", "单位编码"],
    "post": ["职务"],
    "rank": ["职级"],
    "status": ["状态", "在岗状态"],
}
REQUIRED = ["name", "unit", "rank"]
RANKS = choices_by_label(Cadre.Rank.choices) | {value: value for value in Cadre.Rank.values}
STATUSES = choices_by_label(Cadre.Status.choices) | {
    "在职": Cadre.Status.ACTIVE,
    **{value: value for value in Cadre.Status.values},
}
MOBILE = re.compile(r"^1[3-9]\d{9}$")
SHEET_TITLE = gettext_lazy("干部名册")


@dataclass(frozen=True)
class CadreRow:
    number: int
    name: str
    staff_no: str
    phone: str | None  # None: the sheet has no phone column, so the stored one stays
    unit: OrgUnit
    post: str | None  # likewise for the post
    rank: str
    status: str


@dataclass
class CadrePlan:
    create: list[CadreRow] = field(default_factory=list)
    update: list[tuple[Cadre, CadreRow]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    header: Header | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.create),
            "updated": len(self.update),
            "unchanged": self.unchanged,
        }


def normalise_phone(text: str) -> str:
    """Digits of a mobile as offices write it: with spaces, dashes or a +86 in front."""
    digits = re.sub(r"[\s()-]", "", text)
    return re.sub(r"^(\+?86)(?=1\d{10}$)", "", digits)


class Units:
    """Units by code and by exact name, loaded once per import."""

    def __init__(self):
        units = list(OrgUnit.objects.only("pk", "code", "name", "path"))
        self.by_code = {u.code: u for u in units}
        self.by_name = defaultdict(list)
        for unit in units:
            self.by_name[fold(unit.name)].append(unit)


def read_plan(stream: BinaryIO, filename: str) -> CadrePlan:
    """Everything short of writing: the file checked, every row validated, each classified."""
    return plan_sheet(read_sheet(stream, filename, ALIASES, REQUIRED))


def plan_sheet(sheet: Sheet) -> CadrePlan:
    """The plan for a sheet already read: the import pages' file or the admin screen's rows."""
    if not {"staff_no", "phone"} & set(sheet.header.columns):
        raise UnreadableSheet("找不到“工号”或“手机号”列：至少要有其中一列来识别干部。")
    plan, units = CadrePlan(header=sheet.header), Units()
    parsed: list[CadreRow] = []
    first_row: dict[tuple[str, str], int] = {}
    for number, values in sheet.rows:
        plan.rows += 1
        row = SheetRow(number, values, sheet, ALIASES, plan.errors)
        cadre_row = _parse_row(row, units)
        if cadre_row is None:
            continue
        for key, value, what in (
            ("staff_no", cadre_row.staff_no, "工号"),
            ("phone", cadre_row.phone, "手机号"),
        ):
            if value and (key, value) in first_row:
                row.fail(key, f"与第{first_row[key, value]}行的{what}重复")
            elif value:
                first_row[key, value] = number
        if row.ok:
            parsed.append(cadre_row)
    _classify(plan, parsed)
    plan.errors.sort(key=lambda e: e.row)
    return plan


def _parse_row(row: SheetRow, units: Units) -> CadreRow | None:
    for name in REQUIRED:
        if not row.text(name):
            row.fail(name, "必填项为空")
    staff_no, phone = row.text("staff_no"), normalise_phone(row.text("phone"))
    # A masked number (138****1234, from an export without the full-PII permission) is no number:
    # the stored one stays, and it identifies nobody.
    masked = is_masked(phone)
    if len(staff_no) > 32:
        row.fail("staff_no", "工号过长（最多32个字符）")
    if masked and not staff_no:
        row.fail("phone", "手机号已打码，不能用来识别干部，请填写工号")
    elif phone and not masked and not MOBILE.match(phone):
        row.fail("phone", "手机号格式不正确，应为11位手机号")
    if not staff_no and not phone:
        row.fail("staff_no" if row.has("staff_no") else "phone", "工号和手机号至少填写一项")
    if len(row.text("name")) > 50:
        row.fail("name", "姓名过长（最多50个字符）")
    if len(row.text("post")) > 100:
        row.fail("post", "职务过长（最多100个字符）")
    unit, unit_text = None, row.text("unit")
    if unit_text:
        named = units.by_name.get(unit_text, [])
        unit = units.by_code.get(unit_text) or (named[0] if len(named) == 1 else None)
        if len(named) > 1 and unit is None:
            row.fail("unit", "有多个单位叫这个名称，请填写单位编码")
        elif unit is None:
            row.fail("unit", "单位不存在，请填写系统中已有的单位编码或全称")
    rank = RANKS.get(row.text("rank"))
    if row.text("rank") and rank is None:
        row.fail("rank", "职级只能是：" + "、".join(str(label) for _v, label in Cadre.Rank.choices))
    status = STATUSES.get(row.text("status") or "在岗")
    if status is None:
        row.fail("status", "状态只能是：在岗、退休、调离")
    if not row.ok:
        return None
    return CadreRow(
        number=row.number,
        name=row.text("name"),
        staff_no=staff_no,
        phone=phone if row.has("phone") and not masked else None,
        unit=unit,
        post=row.text("post") if row.has("post") else None,
        rank=rank,
        status=status,
    )


def _classify(plan: CadrePlan, parsed: list[CadreRow]) -> None:
    """Match each row to a cadre (by staff number, else by mobile) and decide what it changes."""
    label = {f: plan.header.labels.get(f, ALIASES[f][0]) for f in ALIASES}
    by_staff_no = _by_staff_no(
        lambda chunk: Cadre.objects.filter(staff_no__in=chunk),
        [r.staff_no for r in parsed if r.staff_no],
    )
    by_phone = defaultdict(list)
    for cadre in _by_staff_no(
        lambda chunk: Cadre.objects.filter(user__phone__in=chunk),
        [r.phone for r in parsed if not r.staff_no],
    ).values():
        by_phone[cadre.user.phone].append(cadre)
    loads = services.active_loads([c.pk for c in by_staff_no.values()])
    loads.update(services.active_loads([c.pk for cs in by_phone.values() for c in cs]))
    taken = set(
        User.objects.filter(
            username__in=[r.staff_no for r in parsed if r.staff_no not in by_staff_no]
        ).values_list("username", flat=True)
    )

    def fail(row, name, message):
        value = {"staff_no": row.staff_no, "phone": row.phone, "status": row.status}[name]
        plan.errors.append(RowError(row.number, label[name], value or "", message))

    for row in parsed:
        if row.staff_no:
            cadre = by_staff_no.get(row.staff_no)
        else:
            matches = by_phone.get(row.phone, [])
            if len(matches) > 1:
                fail(row, "phone", "这个手机号对应多名干部，请填写工号")
                continue
            cadre = matches[0] if matches else None
        if cadre is None:
            if not row.staff_no:
                fail(row, "phone", "没有使用这个手机号的干部；新增干部须填写工号")
            elif row.staff_no in taken:
                fail(row, "staff_no", "这个工号已被其他账号用作登录名")
            elif row.status != Cadre.Status.ACTIVE:
                fail(row, "status", "新增干部的状态须为在岗")
            else:
                plan.create.append(row)
            continue
        moved = _post_of(row, cadre) != (cadre.unit_id, cadre.post, cadre.rank)
        if cadre.status != Cadre.Status.ACTIVE and row.status == Cadre.Status.ACTIVE:
            fail(row, "status", "该干部已退休或调离，不能通过导入恢复在岗")
        elif cadre.status != Cadre.Status.ACTIVE and moved:
            fail(row, "status", "已不在岗的干部不能调动")
        elif row.status != cadre.status and loads[cadre.pk]:
            fail(
                row,
                "status",
                f"该干部仍联系着{loads[cadre.pk]}家企业，请在交接页面为其企业安排接替的干部",
            )
        elif moved or row.status != cadre.status or _account_changes(row, cadre):
            plan.update.append((cadre, row))
        else:
            plan.unchanged += 1


def _by_staff_no(query, keys: list[str]) -> dict[str, Cadre]:
    """The cadres `query` finds for the keys, asked 2,000 keys at a time."""
    found = {}
    for start in range(0, len(keys), 2000):
        for cadre in query(keys[start : start + 2000]).select_related("user"):
            found[cadre.staff_no] = cadre
    return found


def _post_of(row: CadreRow, cadre: Cadre) -> tuple[int, str, str]:
    return (row.unit.pk, cadre.post if row.post is None else row.post, row.rank)


def _account_changes(row: CadreRow, cadre: Cadre) -> dict[str, str]:
    wanted = {"display_name": row.name}
    if row.phone is not None:
        wanted["phone"] = row.phone
    return {f: v for f, v in wanted.items() if getattr(cadre.user, f) != v}


@transaction.atomic
def commit(
    plan: CadrePlan, *, actor, request=None, filename: str = "", via: str = "page"
) -> dict[str, int]:
    """Write the plan, all or nothing; refuse a plan with any error. A service refusing a
    transfer or a hand-over raises ValidationError and undoes the whole import."""
    if not plan.ok:
        raise ValueError("a cadre sheet with errors is not imported")
    today = timezone.localdate()
    _create(plan.create, actor=actor, request=request, today=today)
    for cadre, row in plan.update:
        _update(cadre, row, actor=actor, request=request, today=today)
    audit.record(
        "import",
        user=actor,
        request=request,
        changes={"file": filename, "kind": "cadres", "via": via, **plan.counts},
    )
    return plan.counts


def _create(rows: list[CadreRow], *, actor, request, today) -> None:
    users = [
        User(
            username=row.staff_no,
            display_name=row.name,
            phone=row.phone or "",
            home_unit=row.unit,
            must_change_password=True,
        )
        for row in rows
    ]
    for user in users:
        user.set_unusable_password()
    users = User.objects.bulk_create(users, batch_size=1000)
    group = Group.objects.get_or_create(name=Role.CADRE)[0]
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users], batch_size=2000
    )
    cadres = Cadre.objects.bulk_create(
        [
            Cadre(
                user=u,
                staff_no=row.staff_no,
                rank=row.rank,
                unit=row.unit,
                post=row.post or "",
                initials=initials(row.name),
            )
            for u, row in zip(users, rows, strict=True)
        ],
        batch_size=1000,
    )
    CadrePost.objects.bulk_create(
        [CadrePost(cadre=c, unit=c.unit, post=c.post, rank=c.rank, start=today) for c in cadres],
        batch_size=1000,
    )
    audit.record_many(
        "cadre_create",
        cadres,
        user=actor,
        request=request,
        changes=lambda c: {"staff_no": c.staff_no, "unit": c.unit_id, "rank": c.rank},
    )


def _update(cadre: Cadre, row: CadreRow, *, actor, request, today) -> None:
    changes = _account_changes(row, cadre)
    if changes:
        User.objects.filter(pk=cadre.user_id).update(**changes)
        if "display_name" in changes:
            Cadre.objects.filter(pk=cadre.pk).update(initials=initials(changes["display_name"]))
        # Which fields changed, not their values: the trail holds no phone numbers.
        audit.record(
            "cadre_update",
            user=actor,
            request=request,
            obj=cadre,
            changes={"fields": sorted(changes)},
        )
    unit, post, rank = _post_of(row, cadre)
    if (unit, post, rank) != (cadre.unit_id, cadre.post, cadre.rank):
        services.transfer_cadre(
            actor, cadre, unit=row.unit, post=post, rank=rank, date=today, request=request
        )
    if row.status != cadre.status:
        services.hand_over(
            actor, cadre, successors={}, status=row.status, date=today, request=request
        )
