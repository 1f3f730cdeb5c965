"""Importing pairings from an office spreadsheet, for an organiser within their jurisdiction:
every row validated, a plan of created / unchanged / rejected, then an all-or-nothing commit.

The pairing rules (scope, campaign, the cadre's state, one active pairing, workload limit) are
pairing_rules.pair_refusals, reported here row by row; the commit makes the pairings through
services.pair_many, which checks them again under its locks. A pair already active with the same
role and group is unchanged, so importing a file twice makes nothing twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from accounts import audit, scoping
from accounts.models import Cadre
from enterprises.models import Enterprise
from enterprises.spreadsheets.cells import fold, parse_date, registered_name
from enterprises.spreadsheets.reader import Header, UnreadableSheet
from enterprises.spreadsheets.validation import (
    RowError,
    Sheet,
    SheetRow,
    choices_by_label,
    read_sheet,
)
from enterprises.uscc import normalise, validate_uscc
from pairing import pairing_rules, selectors, services
from pairing.models import Campaign, CampaignBatch, Pairing, ServiceGroup
from pairing.workload import Caps, campaign_loads

ALIASES = {
    "uscc": ["企业统一社会信用代码", "统一社会信用代码", "社会信用代码", "信用代码"],
    "enterprise": ["企业名称", "单位名称", "名称"],
    "staff_no": ["干部工号", "工号", "职工号"],
    # For the reader of an exported sheet: the staff number names the cadre, this is not read.
    "cadre_name": ["干部姓名"],
    "role": ["角色", "结对角色"],
    "campaign": ["行动", "行动名称"],
    "group": ["专项组/服务组", "服务组", "专项组"],
    "batch": ["批次"],
    "start": ["开始日期", "结对日期"],
}
REQUIRED = ["staff_no"]
ROLES = choices_by_label(Pairing.Role.choices) | {
    "主要联系人": Pairing.Role.LEAD,
    "协助联系": Pairing.Role.ASSIST,
    **{value: value for value in Pairing.Role.values},
}
SHEET_TITLE = gettext_lazy("结对")
WIDE_TO_ASCII_BRACKETS = str.maketrans("（）", "()")


@dataclass(frozen=True)
class Batch:
    """Pairings pair_many makes in one call: one campaign, role, group, campaign batch (批次)
    and start date."""

    campaign: Campaign
    role: str
    group: ServiceGroup | None
    start: datetime.date
    campaign_batch: CampaignBatch | None = None


@dataclass
class PairingPlan:
    batches: dict[Batch, list[tuple[Cadre, Enterprise]]] = field(default_factory=dict)
    unchanged_rows: list[int] = field(default_factory=list)  # their row numbers
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    header: Header | None = None
    skipped: tuple[tuple[int, str], ...] = ()  # the totals rows left out

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unchanged(self) -> int:
        return len(self.unchanged_rows)

    @property
    def counts(self) -> dict[str, int]:
        created = sum(len(pairs) for pairs in self.batches.values())
        return {"created": created, "updated": 0, "unchanged": self.unchanged}


@dataclass(frozen=True)
class PairingRow:
    row: SheetRow
    cadre: Cadre
    enterprise: Enterprise
    batch: Batch


class Lookups:
    """The area's campaigns and their groups, and the file's enterprises (within the area only,
    so a firm elsewhere reads as unknown) and cadres, each loaded in a few queries."""

    def __init__(self, area, rows: list[SheetRow]):
        self.campaigns = defaultdict(list)
        for campaign in selectors.campaigns_for_area(area):
            self.campaigns[fold(campaign.name)].append(campaign)
        campaigns = [c for cs in self.campaigns.values() for c in cs]
        self.groups = {
            (g.campaign_id, fold(g.name)): g
            for g in ServiceGroup.objects.filter(campaign__in=campaigns)
        }
        self.batches = {
            (b.campaign_id, fold(b.name)): b
            for b in CampaignBatch.objects.filter(campaign__in=campaigns)
        }
        in_area = Enterprise.objects.filter(town__path__startswith=area.path).select_related("town")
        codes = {normalise(r.text("uscc")) for r in rows} - {""}
        # Registered names keep （）; a sheet or an older row may write (): look up either.
        names = {registered_name(r.cell("enterprise")) for r in rows} - {""}
        names |= {n.translate(WIDE_TO_ASCII_BRACKETS) for n in names}
        self.by_uscc, self.by_name = {}, defaultdict(list)
        for chunk in _chunks(sorted(codes)):
            self.by_uscc.update({e.uscc: e for e in in_area.filter(uscc__in=chunk)})
        for chunk in _chunks(sorted(names)):
            for enterprise in in_area.filter(name__in=chunk):
                self.by_name[registered_name(enterprise.name)].append(enterprise)
        self.cadres = {}
        for chunk in _chunks(sorted({r.text("staff_no") for r in rows} - {""})):
            self.cadres.update(
                {
                    c.staff_no: c
                    for c in Cadre.objects.select_related("user", "unit").filter(staff_no__in=chunk)
                }
            )


def _chunks(keys: list[str], size: int = 2000):
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def read_plan(
    stream: BinaryIO,
    filename: str,
    *,
    actor,
    campaign: Campaign | None = None,
    batch: CampaignBatch | None = None,
) -> PairingPlan:
    """Everything short of writing: the file checked, every row validated against the actor's
    jurisdiction, each classified. `campaign` and its `batch` serve rows that name none."""
    return plan_sheet(
        read_sheet(stream, filename, ALIASES, REQUIRED), actor=actor, campaign=campaign, batch=batch
    )


def plan_sheet(
    sheet: Sheet, *, actor, campaign: Campaign | None = None, batch: CampaignBatch | None = None
) -> PairingPlan:
    """The plan for a sheet already read: the import page's file or the admin screen's rows."""
    area = scoping.operating_area(actor)  # the organiser's jurisdiction; the admin's whole tree
    if area is None:
        raise UnreadableSheet("您没有管辖范围，不能导入结对。")
    if not {"uscc", "enterprise"} & set(sheet.header.columns):
        raise UnreadableSheet("找不到“企业统一社会信用代码”或“企业名称”列，请使用导入模板的表头。")
    plan = PairingPlan(header=sheet.header, skipped=sheet.skipped)
    rows = [SheetRow(n, values, sheet, ALIASES, plan.errors) for n, values in sheet.rows]
    plan.rows = len(rows)
    lookups = Lookups(area, rows)
    parsed, first_row = [], {}
    for row in rows:
        pairing_row = _parse_row(row, lookups, campaign, batch)
        if pairing_row is None:
            continue
        key = (pairing_row.cadre.pk, pairing_row.enterprise.pk, pairing_row.batch.campaign.pk)
        if key in first_row:
            row.fail_with("staff_no", "duplicate_pairing", first=first_row[key])
            continue
        first_row[key] = row.number
        parsed.append(pairing_row)
    _classify(plan, parsed, actor)
    plan.errors.sort(key=lambda e: e.row)
    return plan


def _firm_field(row: SheetRow) -> str:
    """The column that names the row's enterprise: the USCC when given, else the name; for a row
    with neither, the USCC column if the sheet has one."""
    if row.has("enterprise") and not row.text("uscc"):
        return "enterprise" if row.text("enterprise") or not row.has("uscc") else "uscc"
    return "uscc"


def _parse_row(
    row: SheetRow,
    lookups: Lookups,
    default: Campaign | None,
    default_batch: CampaignBatch | None = None,
) -> PairingRow | None:
    firm = _firm_field(row)
    enterprise = None
    if firm == "uscc" and row.text("uscc"):
        code = normalise(row.text("uscc"))
        try:
            validate_uscc(code)
        except ValidationError as exc:
            row.fail("uscc", exc.messages[0])
        else:
            enterprise = lookups.by_uscc.get(code)
            if enterprise is None:
                row.fail("uscc", gettext_noop("您的管辖范围内没有这个统一社会信用代码的企业"))
    elif firm == "enterprise" and row.text("enterprise"):
        named = lookups.by_name.get(registered_name(row.cell("enterprise")), [])
        if len(named) > 1:
            row.fail("enterprise", gettext_noop("有多家企业叫这个名称，请填写统一社会信用代码"))
        elif not named:
            row.fail("enterprise", gettext_noop("您的管辖范围内没有这个名称的企业"))
        else:
            enterprise = named[0]
    else:
        row.fail(firm, gettext_noop("必填项为空：请填写企业统一社会信用代码或企业名称"))
    cadre = None
    if not row.text("staff_no"):
        row.fail("staff_no", gettext_noop("必填项为空"))
    else:
        cadre = lookups.cadres.get(row.text("staff_no"))
        if cadre is None:
            row.fail("staff_no", gettext_noop("没有这个工号的干部"))
    role = ROLES.get(row.text("role") or "主联系人")
    if role is None:
        row.fail("role", gettext_noop("角色只能是：主联系人、协助"))
    campaign = default
    if row.text("campaign"):
        named = lookups.campaigns.get(row.text("campaign"), [])
        campaign = named[0] if len(named) == 1 else None
        if len(named) > 1:
            row.fail("campaign", gettext_noop("有多个行动叫这个名称，请在上传时选择行动并清空此列"))
        elif not named:
            row.fail("campaign", gettext_noop("您的管辖范围内没有这个行动"))
    elif campaign is None:
        row.fail("campaign", gettext_noop("请填写行动，或在上传时选择行动"))
    group = None
    if campaign is not None and row.text("group"):
        group = lookups.groups.get((campaign.pk, row.text("group")))
        if group is None:
            row.fail_with("group", "no_such_group", campaign=campaign.name)
    campaign_batch = default_batch if campaign == default else None
    if campaign is not None and row.text("batch"):
        campaign_batch = lookups.batches.get((campaign.pk, row.text("batch")))
        if campaign_batch is None:
            row.fail_with("batch", "no_such_batch", campaign=campaign.name)
    start = row.parse("start", parse_date) or (
        campaign_batch.start if campaign_batch else timezone.localdate()
    )
    if not row.ok:
        return None
    return PairingRow(row, cadre, enterprise, Batch(campaign, role, group, start, campaign_batch))


def _classify(plan: PairingPlan, parsed: list[PairingRow], actor) -> None:
    """Unchanged when already active alike; otherwise checked by the pairing rules, batch by
    batch, each batch's pairs counting towards the cadres' loads in the next."""
    active = {
        (p.cadre_id, p.enterprise_id, p.campaign_id): p
        for p in Pairing.objects.active().filter(
            cadre_id__in={r.cadre.pk for r in parsed},
            campaign_id__in={r.batch.campaign.pk for r in parsed},
        )
    }
    batches: dict[Batch, list[PairingRow]] = {}
    for row in parsed:
        current = active.get((row.cadre.pk, row.enterprise.pk, row.batch.campaign.pk))
        if current is None:
            batches.setdefault(row.batch, []).append(row)
        elif (current.role, current.group_id) == (
            row.batch.role,
            getattr(row.batch.group, "pk", None),
        ):
            plan.unchanged_rows.append(row.row.number)
        else:
            row.row.fail_with("role", "already_paired_as", role=str(current.get_role_display()))
    cadres = {row.cadre.pk: row.cadre for rows in batches.values() for row in rows}
    loads, caps = {}, {}
    for batch, rows in batches.items():
        campaign = batch.campaign
        if campaign.pk not in loads:
            loads[campaign.pk] = campaign_loads(campaign, list(cadres))
            caps[campaign.pk] = Caps.of(campaign)
        refusal = pairing_rules.request_refusal(
            campaign, batch.group, batch.start, batch.campaign_batch
        )
        for row in rows if refusal else ():
            row.row.fail("start", refusal)
        pairs = [(row.cadre, row.enterprise) for row in rows]
        for index, subject, message in pairing_rules.pair_refusals(
            actor,
            pairs,
            campaign=campaign,
            cadres=cadres,
            loads=loads[campaign.pk],
            caps=caps[campaign.pk],
        ):
            row = rows[index].row
            row.fail("staff_no" if subject == "cadre" else _firm_field(row), message)
        loads[campaign.pk].update(cadre.pk for cadre, _e in pairs)
        plan.batches[batch] = pairs


@transaction.atomic
def commit(
    plan: PairingPlan, *, actor, request=None, filename: str = "", via: str = "page"
) -> dict[str, int]:
    """Make the plan's pairings through pair_many, all or nothing; refuse a plan with errors."""
    if not plan.ok:
        raise ValueError("a pairing sheet with errors is not imported")
    for batch, pairs in plan.batches.items():
        services.pair_many(
            actor,
            pairs,
            campaign=batch.campaign,
            role=batch.role,
            group=batch.group,
            batch=batch.campaign_batch,
            start=batch.start,
            request=request,
        )
    audit.record(
        "import",
        user=actor,
        request=request,
        changes={"file": filename, "kind": "pairings", "via": via, **plan.counts},
    )
    return plan.counts
