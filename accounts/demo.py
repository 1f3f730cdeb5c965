"""Synthetic org tree, users and cadres for the demo city (seed_demo). Invented names: no real
place or person is implied."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from accounts.models import Cadre, CadrePost, OrgUnit, User
from accounts.pinyin import initials
from accounts.roles import Role

DEMO_PASSWORD = "Pairing-2026"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖"
    "石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺顾毛郝龚邵万钱严洪"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌辉玉兰海燕云峰晨宇浩然子涵欣怡俊杰晓东立新卫东雪梅丹丹佳琪思"
    "远嘉豪鹏飞永强春燕亚楠"
)

COUNTIES = [("东城区", "county"), ("西江区", "county"), ("南湖县", "county"), ("北山县", "county")]
ZONE = "安澜经济开发区"
TOWN_WORDS = [
    "云溪",
    "青石",
    "白沙",
    "金桥",
    "柳岸",
    "梅岭",
    "桃源",
    "枫林",
    "石门",
    "清河",
    "龙湾",
    "凤鸣",
    "长亭",
    "塘头",
    "湖畔",
    "松岗",
    "仙岩",
    "鹿城",
    "玉泉",
    "丰乐",
    "永安",
    "新民",
    "宝山",
    "花园",
    "滨江",
    "瑞祥",
    "锦湖",
    "东岙",
    "南浦",
    "潘桥",
]

DEPARTMENTS = [
    "市发改局",
    "市经信局",
    "市教育局",
    "市科技局",
    "市公安局",
    "市民政局",
    "市司法局",
    "市财政局",
    "市人力社保局",
    "市自然资源和规划局",
    "市生态环境局",
    "市住建局",
    "市交通运输局",
    "市水利局",
    "市农业农村局",
    "市商务局",
    "市文广旅体局",
    "市卫健局",
    "市退役军人局",
    "市应急管理局",
    "市审计局",
    "市市场监管局",
    "市统计局",
    "市医保局",
    "市综合行政执法局",
    "市信访局",
    "市大数据管理中心",
    "市行政审批服务局",
    "市金融服务中心",
    "市投资促进中心",
    "市税务局",
    "人民银行市支行",
    "市供电公司",
    "市消防救援大队",
    "市海关办事处",
    "市邮政管理局",
    "市烟草专卖局",
    "市气象局",
    "市总工会",
    "团市委",
    "市妇联",
    "市工商联",
    "市科协",
    "市侨联",
    "市残联",
    "市委组织部",
    "市委宣传部",
    "市委统战部",
    "市委政法委",
    "市纪委监委",
    "市委办公室",
    "市政府办公室",
    "市人大常委会办公室",
    "市政协办公室",
    "市委编办",
    "市档案馆",
    "市机关事务管理局",
    "市城投集团",
    "市国资中心",
    "市供销社",
]

# Share of cadres by rank (DOMAIN.md: every rank takes part).
RANK_SHARES = [
    (Cadre.Rank.CITY_LEADER, 0.013),
    (Cadre.Rank.COUNTY, 0.08),
    (Cadre.Rank.SECTION, 0.30),
    (Cadre.Rank.GENERAL, 0.47),
    (Cadre.Rank.COMMUNITY, 0.137),
]
POSTS = {
    Cadre.Rank.CITY_LEADER: ["副市长", "市委常委", "市人大副主任", "市政协副主席"],
    Cadre.Rank.COUNTY: ["局长", "副局长", "镇党委书记", "镇长", "街道主任"],
    Cadre.Rank.SECTION: ["科长", "副科长", "副镇长", "站长", "办公室主任"],
    Cadre.Rank.GENERAL: ["科员", "干部", "专管员", "联络员"],
    Cadre.Rank.COMMUNITY: ["村书记", "社区主任", "网格员"],
}


@dataclass
class OrgTree:
    city: OrgUnit
    counties: list[OrgUnit] = field(default_factory=list)
    towns: list[OrgUnit] = field(default_factory=list)
    departments: list[OrgUnit] = field(default_factory=list)
    department_by_name: dict[str, OrgUnit] = field(default_factory=dict)


def weighted_choice(rng: random.Random, options):
    """One value from [(value, weight), …], with probability proportional to its weight."""
    roll = rng.random() * sum(weight for _value, weight in options)
    for value, weight in options:
        roll -= weight
        if roll <= 0:
            return value
    return options[-1][0]


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _bulk_units(units: list[OrgUnit]) -> list[OrgUnit]:
    """bulk_create skips save(): set each path the way OrgUnit.compute_path does."""
    for unit in units:
        unit.path = unit.compute_path()
        unit.depth = unit.path.count("/") - 2
    return OrgUnit.objects.bulk_create(units)


def build_org_tree(rng: random.Random, *, towns: int, counties: int = 4) -> OrgTree:
    city = OrgUnit(kind=OrgUnit.Kind.CITY, code="AL", name="安澜市")
    _bulk_units([city])
    city = OrgUnit.objects.get(code="AL")
    areas = [
        OrgUnit(kind=OrgUnit.Kind.COUNTY, code=f"AL{i + 1:02d}", name=name, parent=city)
        for i, (name, _kind) in enumerate(_county_names(counties))
    ]
    areas.append(OrgUnit(kind=OrgUnit.Kind.ZONE, code="ALKF", name=ZONE, parent=city))
    departments = [
        OrgUnit(kind=OrgUnit.Kind.DEPARTMENT, code=f"ALD{i + 1:02d}", name=name, parent=city)
        for i, name in enumerate(DEPARTMENTS)
    ]
    _bulk_units(areas + departments)
    areas = list(
        OrgUnit.objects.filter(parent=city).exclude(kind=OrgUnit.Kind.DEPARTMENT).order_by("code")
    )
    words = town_names(rng, towns)
    town_units = []
    for i, word in enumerate(words):
        parent = areas[i % len(areas)]
        street = i % 3 == 0 or parent.kind == OrgUnit.Kind.ZONE
        kind = OrgUnit.Kind.STREET if street else OrgUnit.Kind.TOWN
        name = f"{word}{'街道' if street else '镇'}"
        town_units.append(
            OrgUnit(kind=kind, code=f"{parent.code}T{i + 1:03d}", name=name, parent=parent)
        )
    _bulk_units(town_units)
    tree = OrgTree(city=city, counties=areas)
    tree.towns = list(
        OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.TOWN, OrgUnit.Kind.STREET]).order_by("code")
    )
    tree.departments = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("code"))
    tree.department_by_name = {d.name: d for d in tree.departments}
    return tree


def _county_names(n: int) -> list[tuple[str, str]]:
    if n <= len(COUNTIES):
        return COUNTIES[:n]
    extra = [(f"{w}县", "county") for w in ["临川", "安平", "宁远", "丰城", "永宁", "清源"]]
    return (COUNTIES + extra * (n // len(extra) + 1))[:n]


def town_names(rng: random.Random, n: int) -> list[str]:
    words = list(TOWN_WORDS)
    rng.shuffle(words)
    names = []
    for i in range(n):
        base = words[i % len(words)]
        names.append(
            base if i < len(words) else f"{base}{'一二三四五六七八九十'[i // len(words) % 10]}"
        )
    return names


def role_groups() -> dict[str, Group]:
    return {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}


def build_cadres(
    rng: random.Random, tree: OrgTree, *, count: int, today: datetime.date
) -> list[Cadre]:
    """`count` cadres with users (one shared password hash: seeding must be fast), current posts,
    and for about one in ten a previous post (事随人走)."""
    password = make_password(DEMO_PASSWORD)
    groups = role_groups()
    ranks = []
    for rank, share in RANK_SHARES:
        ranks += [rank] * round(count * share)
    ranks = (ranks + [Cadre.Rank.GENERAL] * count)[:count]
    rng.shuffle(ranks)
    users, cadre_rows = [], []
    for i, rank in enumerate(ranks):
        if rank == Cadre.Rank.CITY_LEADER:
            unit = tree.city
        elif rank == Cadre.Rank.COMMUNITY:
            unit = rng.choice(tree.towns)
        else:
            unit = rng.choice(tree.departments) if rng.random() < 0.45 else rng.choice(tree.towns)
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        users.append(
            User(
                username=f"c{i + 1:06d}",
                password=password,
                display_name=person_name(rng),
                phone=phone,
                home_unit=unit,
                password_changed_at=None,
            )
        )
        cadre_rows.append((rank, unit, rng.choice(POSTS[rank])))
    users = User.objects.bulk_create(users, batch_size=2000)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=groups[Role.CADRE].pk) for u in users],
        batch_size=5000,
    )
    cadres = Cadre.objects.bulk_create(
        [
            Cadre(
                user=u,
                staff_no=f"AL{i + 1:06d}",
                rank=rank,
                unit=unit,
                post=post,
                initials=initials(u.display_name),
            )
            for i, (u, (rank, unit, post)) in enumerate(zip(users, cadre_rows, strict=True))
        ],
        batch_size=2000,
    )
    posts = []
    for cadre in cadres:
        start = today - datetime.timedelta(days=rng.randrange(60, 2000))
        if rng.random() < 0.1:
            earlier = start - datetime.timedelta(days=rng.randrange(300, 1500))
            old_unit = rng.choice(tree.departments + tree.towns)
            posts.append(
                CadrePost(
                    cadre=cadre,
                    unit=old_unit,
                    post=rng.choice(POSTS[cadre.rank]),
                    rank=cadre.rank,
                    start=earlier,
                    end=start,
                )
            )
        posts.append(
            CadrePost(cadre=cadre, unit=cadre.unit, post=cadre.post, rank=cadre.rank, start=start)
        )
    CadrePost.objects.bulk_create(posts, batch_size=5000)
    return cadres


def make_login(
    username: str,
    role: str,
    *,
    display_name: str,
    home_unit=None,
    jurisdiction_unit=None,
    is_staff: bool = False,
) -> User:
    """A demo login with the demo password, properly hashed and recorded as just changed."""
    user = User.objects.create_user(
        username=username,
        password=DEMO_PASSWORD,
        display_name=display_name,
        home_unit=home_unit,
        jurisdiction_unit=jurisdiction_unit,
        is_staff=is_staff,
    )
    user.groups.add(role_groups()[role])
    return user
