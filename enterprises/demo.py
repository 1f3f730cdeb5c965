"""Synthetic enterprise roster for the demo city: plausible names, valid USCCs, industries like
Rui'an's (auto and motorcycle parts, shoes and clothing, machinery, electronics), tags, outputs."""

from __future__ import annotations

import datetime
import math
import random
from decimal import Decimal

from accounts.demo import OrgTree, person_name, weighted_choice
from enterprises.models import Enterprise, Industry, Tag
from enterprises.uscc import check_char

# (division code, share, trade words): mostly manufacturing, as in a county-level industrial city.
INDUSTRY_MIX = [
    ("C36", 14, ["汽车部件", "汽摩配", "车业", "汽配"]),
    ("C19", 10, ["鞋业", "皮革", "鞋材"]),
    ("C18", 7, ["服饰", "制衣", "针织"]),
    ("C34", 9, ["机械", "泵阀", "轴承", "液压"]),
    ("C35", 6, ["包装机械", "制药机械", "印刷机械"]),
    ("C38", 7, ["电器", "电气", "电机", "光电"]),
    ("C39", 5, ["电子", "智能科技", "通讯"]),
    ("C33", 6, ["五金", "金属制品", "紧固件"]),
    ("C29", 5, ["塑业", "橡胶", "新材料"]),
    ("C13", 3, ["食品", "粮油", "农产品加工"]),
    ("C27", 2, ["药业", "生物医药"]),
    ("C24", 2, ["工艺品", "文体用品"]),
    ("A01", 3, ["农业开发", "生态农业", "果蔬"]),
    ("E48", 4, ["建设", "建筑工程", "市政工程"]),
    ("F51", 6, ["贸易", "商贸", "进出口"]),
    ("G54", 2, ["物流", "运输"]),
    ("H62", 2, ["餐饮管理", "酒店管理"]),
    ("I65", 3, ["网络科技", "软件", "信息技术"]),
    ("R88", 1, ["文化传媒", "文化创意"]),
    ("L72", 3, ["企业管理", "商务咨询"]),
]
FORMS = ["有限公司", "有限公司", "有限公司", "股份有限公司", "实业有限公司", "集团有限公司"]
NAME_WORDS = [
    "华瑞",
    "恒达",
    "永强",
    "宏泰",
    "鑫源",
    "长城",
    "东方",
    "金马",
    "天成",
    "立信",
    "正泰",
    "中和",
    "顺发",
    "博远",
    "联创",
    "康宁",
    "新锐",
    "精工",
    "力拓",
    "众诚",
    "鸿运",
    "盛达",
    "安信",
    "佳美",
    "晨光",
    "海诚",
    "百利",
    "通达",
    "亿丰",
    "德胜",
    "瑞丰",
    "兴业",
    "凯达",
    "宇航",
]
SCALES = [
    (Enterprise.Scale.LARGE, 0.01),
    (Enterprise.Scale.MEDIUM, 0.06),
    (Enterprise.Scale.SMALL, 0.40),
    (Enterprise.Scale.MICRO, 0.53),
]
# Median annual output in 万元 by scale; outputs spread log-normally around it.
MEDIAN_OUTPUT = {"large": 120_000, "medium": 18_000, "small": 2_500, "micro": 300}
MEDIAN_STAFF = {"large": 1200, "medium": 300, "small": 60, "micro": 12}


def make_uscc(rng: random.Random, division_code: str, serial: int) -> str:
    """91 (enterprise) + a 6-digit division + 9-character organisation code + check character."""
    org = f"{serial:08d}{rng.choice('0123456789ABCDEFGHJKLMNPQRTUWXY')}"
    first17 = f"91{division_code}{org}"
    return first17 + check_char(first17)


def build_enterprises(
    rng: random.Random, tree: OrgTree, *, count: int, today: datetime.date
) -> list[Enterprise]:
    industries = {i.code: i for i in Industry.objects.all()}
    tags = {t.code: t for t in Tag.objects.all()}
    mix = [((code, words), share) for code, share, words in INDUSTRY_MIX]
    town_weights = [(town, rng.uniform(0.5, 2.0)) for town in tree.towns]
    rows, tag_rows, used_names = [], [], set()
    for n in range(count):
        code, words = weighted_choice(rng, mix)
        town = weighted_choice(rng, town_weights)
        scale = weighted_choice(rng, SCALES)
        name = unique_name(rng, town.name[:2], words, used_names)
        output = MEDIAN_OUTPUT[scale] * math.exp(rng.gauss(0, 0.6))
        status = weighted_choice(rng, [("normal", 90), ("reduced", 7), ("stopped", 3)])
        county_code = (
            330381 + tree.counties.index(tree.county_of(town)) if tree.counties else 330381
        )
        rows.append(
            Enterprise(
                name=name,
                uscc=make_uscc(rng, str(county_code), n + 1),
                kind=Enterprise.Kind.PROJECT if n % 150 == 0 else Enterprise.Kind.ENTERPRISE,
                town=town,
                industry=industries.get(code),
                scale=scale,
                annual_output=Decimal(f"{output:.2f}"),
                employees=max(3, int(MEDIAN_STAFF[scale] * math.exp(rng.gauss(0, 0.5)))),
                production_status=status,
                legal_representative=person_name(rng),
                contact_name=person_name(rng),
                contact_phone=f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                address=f"{town.name}{rng.choice(NAME_WORDS)}路{rng.randrange(1, 999)}号",
                founded=today - datetime.timedelta(days=rng.randrange(365, 365 * 35)),
            )
        )
        tag_rows.append([tags[c] for c in tag_codes(rng, code, scale, output) if c in tags])
    created = Enterprise.objects.bulk_create(rows, batch_size=2000)
    through = Enterprise.tags.through
    through.objects.bulk_create(
        [
            through(enterprise_id=e.pk, tag_id=t.pk)
            for e, ts in zip(created, tag_rows, strict=True)
            for t in ts
        ],
        batch_size=5000,
    )
    return created


def unique_name(rng: random.Random, place: str, words: list[str], used: set[str]) -> str:
    """A name not used yet; brands grow a character or two when the simple ones run out."""
    for attempt in range(200):
        brand = rng.choice(NAME_WORDS)
        if attempt > 3:
            brand += rng.choice(NAME_WORDS)[0]
        if attempt > 20:
            brand += rng.choice(NAME_WORDS)[1]
        prefix = f"安澜{brand}" if rng.random() < 0.3 else f"{place}{brand}"
        name = f"{prefix}{rng.choice(words)}{rng.choice(FORMS)}"
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError("could not invent a new enterprise name")


def tag_codes(rng: random.Random, code: str, scale: str, output: float) -> list[str]:
    chosen = []
    manufacturing = code.startswith("C")
    if manufacturing and output >= 2000:
        chosen.append("above_scale")
    if manufacturing and scale in ("medium", "large", "small") and rng.random() < 0.03:
        chosen.append("specialised")
    if rng.random() < (0.12 if code in ("C39", "C38", "I65", "C27") else 0.01):
        chosen.append("high_tech")
    if code.startswith("A") and rng.random() < 0.3:
        chosen.append("agri_leader")
    if rng.random() < 0.006:
        chosen.append("state_owned")
    if code.startswith("E"):
        chosen.append("construction")
    if code in ("H62", "R88"):
        chosen.append("tourism_culture")
    if code[0] in "FGHIL":
        chosen.append("services")
    if scale == "large" and rng.random() < 0.2:
        chosen.append("listed")
    return chosen
