"""One roster row as an office writes it: the headers offices use for each field, the values they
write (规上 in the 规模 column, 1,200万元, 2015年3月1日), and the checks that refuse a value no
firm can have (a negative head count, a firm founded before 1949 or next year, a revenue of ten
thousand billion yuan), each with its reason.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from operator import attrgetter
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import OrgUnit
from enterprises.models import Enterprise, Industry, Tag
from enterprises.spreadsheets import messages
from enterprises.spreadsheets.cells import (
    CellError,
    fold,
    parse_amount,
    parse_date,
    parse_int,
    registered_name,
)
from enterprises.spreadsheets.validation import RowError, choices_by_label
from enterprises.uscc import normalise, validate_uscc

# Each field's headers, the template's first. reader.find_header also reads them with a unit
# or a year around them (营业收入（万元）, 2025年营业收入).
ALIASES = {
    "name": ["企业名称", "单位名称", "名称", "企业（单位）名称", "企业全称", "纳税人名称"],
    "uscc": ["统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "纳税人识别号"],
    "town": ["所属镇街", "镇街", "乡镇（街道）", "所在镇街", "属地", "所属乡镇", "镇（街道）"],
    "industry": ["行业代码", "所属行业", "国民经济行业", "国民经济行业代码", "行业", "行业类别"],
    "scale": ["企业规模", "规模", "规模类型"],
    "above_scale": ["规上/规下", "规上规下", "是否规上", "是否规上企业", "规上企业"],
    "annual_output": ["年产值（万元）", "年产值", "产值（万元）", "产值", "工业总产值"],
    "revenue": ["营业收入（万元）", "营业收入", "主营业务收入", "营收", "销售收入"],
    "tax": ["税收（万元）", "税收", "实缴税金", "纳税额", "入库税收", "实缴税收"],
    "tax_per_mu": ["亩均税收（万元/亩）", "亩均税收"],
    "employees": [
        "从业人数",
        "从业人员",
        "从业人员数",
        "年末从业人员",
        "年末从业人数",
        "职工人数",
        "员工人数",
        "用工人数",
    ],
    "production_status": ["生产状态", "生产经营状态", "经营状态"],
    "legal_representative": ["法定代表人", "法人代表", "法人", "企业负责人", "负责人"],
    "contact_name": ["联系人", "企业联系人"],
    "contact_phone": ["联系电话", "手机号", "电话", "联系方式", "联系人电话", "手机"],
    "address": ["注册地址", "地址", "企业地址", "住所"],
    "business_address": ["经营地址", "生产经营地址", "实际经营地址", "经营场所"],
    "main_business": ["主营业务", "主营产品", "主要产品", "经营范围"],
    "founded": ["成立日期", "成立时间", "注册日期", "开业日期"],
    "tags": ["标签", "企业类型标签"],
}
REQUIRED = ["name", "uscc", "town"]

SCALES = choices_by_label(Enterprise.Scale.choices) | {
    "大": "large",
    "中": "medium",
    "小": "small",
    "微": "micro",
    "大型企业": "large",
    "中型企业": "medium",
    "小型企业": "small",
    "微型企业": "micro",
    **{value: value for value in Enterprise.Scale.values},
}
# 规上/规下 as the 规模 column or a column of its own writes it.
SCALE_CLASSES = {
    "规上": True,
    "规模以上": True,
    "规上企业": True,
    "规模以上企业": True,
    "规下": False,
    "规模以下": False,
    "规下企业": False,
    "规模以下企业": False,
}
YES_NO = {"是": True, "否": False, "Y": True, "N": False, "√": True, "×": False}
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
    "above_scale",
    "annual_output",
    "revenue",
    "tax",
    "tax_per_mu",
    "employees",
    "production_status",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "address",
    "business_address",
    "main_business",
    "founded",
]
_COMPARED_VALUES = attrgetter(*COMPARED)
# Cells read as text, each folded once per row (the name keeps its full-width brackets).
TEXT_FIELDS = [
    "uscc",
    "town",
    "industry",
    "scale",
    "above_scale",
    "production_status",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "address",
    "business_address",
    "main_business",
    "tags",
]
FREE_TEXT = [
    "name",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "address",
    "business_address",
    "main_business",
]
LENGTHS = {name: Enterprise._meta.get_field(name).max_length for name in FREE_TEXT}

# What no firm has. Amounts are in 万元: ten thousand billion yuan is more than any firm's
# revenue (the largest are a few thousand billion), so more is a unit typed wrong.
MAX_AMOUNT = Decimal(10**9)
MAX_TAX_PER_MU = Decimal(10**5)
MAX_EMPLOYEES = 2_000_000
FIRST_FOUNDED = datetime.date(1949, 1, 1)
CENT = Decimal("0.01")
AMOUNT_LIMITS = {
    "annual_output": MAX_AMOUNT,
    "revenue": MAX_AMOUNT,
    "tax": MAX_AMOUNT,
    "tax_per_mu": MAX_TAX_PER_MU,
}


class RosterRow(NamedTuple):
    """A valid row as the roster would keep it. A tuple, not an Enterprise: a province's 300,000
    rows are held until the commit, and model instances cost several times the memory and time."""

    number: int
    uscc: str
    name: str
    town: OrgUnit
    industry: Industry | None
    scale: str
    above_scale: bool | None
    annual_output: Decimal | None
    revenue: Decimal | None
    tax: Decimal | None
    tax_per_mu: Decimal | None
    employees: int | None
    production_status: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    address: str
    business_address: str
    main_business: str
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


class Lookups:
    """Towns, industries and tags by the names and codes offices write, loaded once per import.
    With an `area` (an organiser's import), only the towns under it: a town elsewhere reads as
    unknown."""

    def __init__(self, area: OrgUnit | None = None):
        towns = OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.TOWN, OrgUnit.Kind.STREET])
        if area is not None:
            towns = towns.under(area)
        self.towns = {fold(t.name): t for t in towns} | {t.code: t for t in towns}
        industries = Industry.objects.all()
        self.industries = {i.code: i for i in industries} | {fold(i.name): i for i in industries}
        tags = Tag.objects.all()
        self.tags = {fold(t.name): t for t in tags} | {t.code: t for t in tags}
        self.today = timezone.localdate()


TAG_SEPARATORS = re.compile(r"[、,，;；/\s]+")
SCALE_WORDS = "大型、中型、小型、微型，或规上、规下"


def parse_row(number, values, header, lookups, errors) -> tuple[str, RosterRow | None]:
    """The row's normalised credit code (for the duplicate check, whatever else is wrong), and
    the row as the roster would keep it, or None with its errors added to `errors`."""

    def cell(name):
        index = header.columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    text = {name: fold(cell(name)) for name in TEXT_FIELDS}  # each cell folded once
    name_text = registered_name(cell("name"))
    before = len(errors)

    def fail(name, code, message="", **params):
        """An error of the cell: a message code and its parameters (worded in the reader's
        language when shown), or a message as it is (the credit code's checks)."""
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
        if (name_text if name == "name" else text[name]) == "":
            fail(name, "required")
    for name, limit in LENGTHS.items():
        if len(name_text if name == "name" else text[name]) > limit:
            fail(name, "too_long", limit=limit)
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
    scale, above_scale = _scale(text, fail)
    status = STATUSES.get(text["production_status"] or "正常生产")
    if status is None:
        fail("production_status", "bad_production_status")
    tags = []
    for tag_name in (n for n in TAG_SEPARATORS.split(text["tags"]) if n):
        tag = lookups.tags.get(tag_name)
        if tag is None:
            fail("tags", "unknown_tag", tag=tag_name)
        else:
            tags.append(tag)
    amounts = {
        name: _plausible_amount(read(name, parse_amount), limit, name, fail)
        for name, limit in AMOUNT_LIMITS.items()
    }
    employees = read("employees", parse_int)
    if employees is not None and employees < 0:
        fail("employees", "negative_employees")
    elif employees is not None and employees > MAX_EMPLOYEES:
        fail("employees", "too_many_employees", max=f"{MAX_EMPLOYEES:,}")
    founded = read("founded", parse_date)
    if founded is not None and founded > lookups.today:
        fail("founded", "founded_in_future")
    elif founded is not None and founded < FIRST_FOUNDED:
        fail("founded", "founded_before_1949")
    if len(errors) > before:
        return uscc, None
    return uscc, RosterRow(
        number,
        uscc,
        name_text,
        town,
        industry,
        scale,
        above_scale,
        amounts["annual_output"],
        amounts["revenue"],
        amounts["tax"],
        amounts["tax_per_mu"],
        employees,
        status,
        text["legal_representative"],
        text["contact_name"],
        text["contact_phone"],
        text["address"],
        text["business_address"],
        text["main_business"],
        founded,
        tuple(tags),
    )


def _scale(text: dict[str, str], fail) -> tuple[str | None, bool | None]:
    """The size class (大型 … 微型, 小型 when not given) and 规上/规下 (None when not given):
    the 规模 column may hold either kind, a 规上/规下 column holds the second."""
    written, scale, above = text["scale"], "small", None
    if written in SCALES:
        scale = SCALES[written]
    elif written in SCALE_CLASSES:
        above = SCALE_CLASSES[written]
    elif written:
        fail("scale", "bad_scale", words=SCALE_WORDS)
        scale = None
    if text["above_scale"]:
        own = SCALE_CLASSES.get(text["above_scale"], YES_NO.get(text["above_scale"].upper()))
        if own is None:
            fail("above_scale", "bad_above_scale")
        elif above is not None and own != above:
            fail("above_scale", "above_scale_conflict")
        above = own
    return scale, above


def _plausible_amount(amount: Decimal | None, limit: Decimal, name: str, fail) -> Decimal | None:
    """The amount as stored (to the cent, so a re-import compares equal), or None with the
    reason when no firm could have it."""
    if amount is None:
        return None
    if amount < 0:
        fail(name, "negative_amount")
    elif amount >= limit:
        fail(name, "amount_too_large", amount=f"{amount:,.0f}")
    return amount.quantize(CENT)
