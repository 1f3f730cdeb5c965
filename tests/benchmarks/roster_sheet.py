"""A generated office roster for the import benchmark: the import template's fourteen columns,
headed as the template heads them, plus four that real sheets carry and the import ignores (序号,
注册资本, 经营范围, 备注): eighteen in all, with valid codes and the towns, industries and tags
the database knows."""

from __future__ import annotations

import datetime
import math
import random

from openpyxl import Workbook

from accounts.demo import person_name, weighted_choice
from enterprises.demo import INDUSTRY_MIX, NAME_WORDS
from enterprises.models import Tag
from enterprises.roster_import import ALIASES, REQUIRED
from enterprises.uscc import check_char

# The fourteen columns the roster template had when the benchmark's reference was set (issue
# 4); the template has grown since (营业收入, 税收 …), the benchmark's sheet keeps its shape.
FIELDS = [
    "name",
    "uscc",
    "town",
    "industry",
    "scale",
    "annual_output",
    "employees",
    "production_status",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "address",
    "founded",
    "tags",
]
HEADERS = [
    "序号",
    *(ALIASES[field][0] + ("*" if field in REQUIRED else "") for field in FIELDS),
    "注册资本",
    "经营范围",
    "备注",
]
SCALES = [("大型", 1), ("中型", 6), ("小型", 40), ("微型", 53)]
STATUSES = [("正常生产", 90), ("减产", 7), ("停产", 3)]
OUTPUT = {"大型": 120_000, "中型": 18_000, "小型": 2_500, "微型": 300}


def uscc(serial: int) -> str:
    first17 = f"91330381{serial:09d}"
    return first17 + check_char(first17)


def write_roster(path, count: int, towns: list[str], seed: int = 2026) -> None:
    """`count` data rows under the header row, written with openpyxl's streaming writer."""
    rng = random.Random(seed)
    tags = list(Tag.objects.values_list("name", flat=True))
    mix = [((code, words), share) for code, share, words in INDUSTRY_MIX]
    founded_from = datetime.date(1990, 1, 1)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("企业名录")
    sheet.append(HEADERS)
    for n in range(count):
        code, words = weighted_choice(rng, mix)
        town = towns[n % len(towns)]
        scale = weighted_choice(rng, SCALES)
        output = OUTPUT[scale] * math.exp(rng.gauss(0, 0.6))
        firm_tags = rng.sample(tags, k=weighted_choice(rng, [(0, 60), (1, 30), (2, 10)]))
        sheet.append(
            [
                n + 1,
                f"{town[:2]}{rng.choice(NAME_WORDS)}{rng.choice(words)}有限公司{n}",
                uscc(n + 1),
                town,
                code,
                scale,
                round(output, 2),
                max(3, int(output / 40)),
                weighted_choice(rng, STATUSES),
                person_name(rng),
                person_name(rng),
                f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                f"{town}{rng.choice(NAME_WORDS)}路{rng.randrange(1, 999)}号",
                founded_from + datetime.timedelta(days=rng.randrange(12_000)),
                "、".join(firm_tags),
                f"{rng.randrange(50, 5000)}万元",
                f"{words[0]}的生产、销售",
                "" if rng.random() < 0.9 else "重点培育",
            ]
        )
    workbook.save(path)
