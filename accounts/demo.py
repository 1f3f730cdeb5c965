"""Synthetic org tree, users and cadres for the demo city (seed_demo). Invented names: no real
place or person is implied."""

from __future__ import annotations

import datetime
import functools
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

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

PROVINCE = ("AL", "安澜省")
# The demo's cities: (code, name, counties and districts, functional zone). A province scale with
# more counties than listed names the rest after COUNTY_WORDS.
CITIES = [
    ("ALA", "安澜市", ["东城区", "西江区", "南湖县", "北山县"], "安澜经济开发区"),
    ("ALB", "临江市", ["江北区", "临川县", "安平县", "宁远县"], "临江高新区"),
    ("ALC", "青石市", ["青城区", "丰城县", "永宁县", "清源县"], "青石工业园区"),
    ("ALD", "白沙市", ["沙湾区", "长乐县", "平阳县", "文成县"], "白沙港区"),
]
COUNTY_WORDS = [
    "泰顺",
    "庆元",
    "云和",
    "景宁",
    "松阳",
    "龙泉",
    "缙云",
    "磐安",
    "浦江",
    "武义",
    "开化",
    "常山",
]
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
# The province's bureaus, keyed by the city bureau doing the same work: tickets and service groups
# name a bureau by its city name (issues.demo.OWNER_BY_CATEGORY, pairing.demo.GROUPS).
PROVINCE_DEPARTMENTS = {
    "市发改局": "省发展改革委",
    "市经信局": "省经济和信息化厅",
    "市科技局": "省科技厅",
    "市财政局": "省财政厅",
    "市人力社保局": "省人力社保厅",
    "市自然资源和规划局": "省自然资源厅",
    "市生态环境局": "省生态环境厅",
    "市住建局": "省住房城乡建设厅",
    "市交通运输局": "省交通运输厅",
    "市水利局": "省水利厅",
    "市农业农村局": "省农业农村厅",
    "市商务局": "省商务厅",
    "市文广旅体局": "省文化和旅游厅",
    "市应急管理局": "省应急管理厅",
    "市市场监管局": "省市场监管局",
    "市综合行政执法局": "省综合行政执法指导办",
    "市行政审批服务局": "省政务服务办",
    "市金融服务中心": "省地方金融管理局",
    "人民银行市支行": "人民银行省分行",
    "市供电公司": "省电力公司",
    "市消防救援大队": "省消防救援总队",
    "市委组织部": "省委组织部",
}
# A county's own bureaus (its 本级 handles a problem first), keyed likewise.
COUNTY_DEPARTMENTS = {
    "市经信局": "经信局",
    "市商务局": "商务局",
    "市人力社保局": "人力社保局",
    "市自然资源和规划局": "自然资源和规划局",
    "市住建局": "住建局",
    "市市场监管局": "市场监管局",
    "市农业农村局": "农业农村局",
    "市行政审批服务局": "行政审批服务局",
}

# Share of cadres by rank (DOMAIN.md: every rank takes part).
RANK_SHARES = [
    (Cadre.Rank.CITY_LEADER, 0.013),
    (Cadre.Rank.COUNTY, 0.08),
    (Cadre.Rank.SECTION, 0.30),
    (Cadre.Rank.GENERAL, 0.47),
    (Cadre.Rank.COMMUNITY, 0.137),
]
PROVINCE_LEADER_POSTS = ["副省长", "省委常委", "省人大常委会副主任", "省政协副主席"]
POSTS = {
    Cadre.Rank.CITY_LEADER: ["副市长", "市委常委", "市人大副主任", "市政协副主席"],
    Cadre.Rank.COUNTY: ["局长", "副局长", "镇党委书记", "镇长", "街道主任"],
    Cadre.Rank.SECTION: ["科长", "副科长", "副镇长", "站长", "办公室主任"],
    Cadre.Rank.GENERAL: ["科员", "干部", "专管员", "联络员"],
    Cadre.Rank.COMMUNITY: ["村书记", "社区主任", "网格员"],
}


@dataclass
class OrgTree:
    """A demo area's units. `root` is the top (the province, or a city in the city's own tree);
    `counties` the counties, districts and zones; `towns` the towns and streets; `departments`
    every bureau in the tree; `department_by_name` the root's own bureaus by their name in
    DEPARTMENTS (the province's 省经济和信息化厅 under 市经信局)."""

    root: OrgUnit
    counties: list[OrgUnit] = field(default_factory=list)
    towns: list[OrgUnit] = field(default_factory=list)
    departments: list[OrgUnit] = field(default_factory=list)
    department_by_name: dict[str, OrgUnit] = field(default_factory=dict)
    cities: list[OrgTree] = field(default_factory=list)
    # Each county's bureaus by their name in DEPARTMENTS: county id → {"市经信局": 东城区经信局}.
    county_departments: dict[int, dict[str, OrgUnit]] = field(default_factory=dict)

    @property
    def city(self) -> OrgUnit:
        """The first city (the root itself in a city's own tree)."""
        return self.cities[0].root if self.cities else self.root

    def county_of(self, town: OrgUnit) -> OrgUnit:
        return next(c for c in self.counties if c.pk == town.parent_id)


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


def build_org_tree(
    rng: random.Random, *, towns: int, counties: int = 4, cities: int = 2
) -> OrgTree:
    """The province; its first `cities` CITIES with `counties` counties and districts shared
    among them, and each city's zone; `towns` towns and streets spread over those areas; and
    bureaus at every level: the province's, each city's (DEPARTMENTS under the city's name) and
    each county's (COUNTY_DEPARTMENTS). One insert per level."""
    kind = OrgUnit.Kind
    code, name = PROVINCE
    province = _bulk_saved([OrgUnit(kind=kind.PROVINCE, code=code, name=name)])[0]
    level = [
        OrgUnit(kind=kind.DEPARTMENT, code=f"{code}P{i + 1:02d}", name=dept, parent=province)
        for i, dept in enumerate(PROVINCE_DEPARTMENTS.values())
    ]
    specs = CITIES[:cities]
    level += [OrgUnit(kind=kind.CITY, code=c, name=n, parent=province) for c, n, _a, _z in specs]
    city_units = [u for u in _bulk_saved(level) if u.kind == kind.CITY]
    level = []
    for i, (city, (_c, _n, listed, zone)) in enumerate(zip(city_units, specs, strict=True)):
        level += [
            OrgUnit(
                kind=kind.DEPARTMENT,
                code=f"{city.code}D{j + 1:02d}",
                name=dept.replace("市", city.name, 1),
                parent=city,
            )
            for j, dept in enumerate(DEPARTMENTS)
        ]
        share = counties // cities + (i < counties % cities)
        level += [
            OrgUnit(kind=kind.COUNTY, code=f"{city.code}{j + 1:02d}", name=county, parent=city)
            for j, county in enumerate(_county_names(i, listed, share))
        ]
        level.append(OrgUnit(kind=kind.ZONE, code=f"{city.code}KF", name=zone, parent=city))
    areas = [u for u in _bulk_saved(level) if u.kind != kind.DEPARTMENT]
    level = [
        OrgUnit(
            kind=kind.DEPARTMENT,
            code=f"{area.code}B{j + 1:02d}",
            name=area.name + dept,
            parent=area,
        )
        for area in areas
        if area.kind == kind.COUNTY
        for j, dept in enumerate(COUNTY_DEPARTMENTS.values())
    ]
    for i, word in enumerate(town_names(rng, towns)):
        parent = areas[i % len(areas)]
        street = i % 3 == 0 or parent.kind == kind.ZONE
        level.append(
            OrgUnit(
                kind=kind.STREET if street else kind.TOWN,
                code=f"{parent.code}T{i + 1:03d}",
                name=f"{word}{'街道' if street else '镇'}",
                parent=parent,
            )
        )
    _bulk_saved(level)
    return load_tree(province)


def _bulk_saved(units: list[OrgUnit]) -> list[OrgUnit]:
    """Insert the units and read them back with their keys, in code order."""
    _bulk_units(units)
    return list(OrgUnit.objects.filter(code__in=[u.code for u in units]).order_by("code"))


def load_tree(root: OrgUnit) -> OrgTree:
    """The demo tree under `root` as the demo modules take it, with a tree of its own for each
    city directly under it."""
    kind = OrgUnit.Kind
    units = list(OrgUnit.objects.under(root).order_by("code"))
    tree = _tree_of(root, units)
    tree.cities = [
        _tree_of(u, units) for u in units if u.parent_id == root.pk and u.kind == kind.CITY
    ]
    return tree


def _tree_of(root: OrgUnit, units: list[OrgUnit]) -> OrgTree:
    kind = OrgUnit.Kind
    mine = [u for u in units if u.path.startswith(root.path) and u.pk != root.pk]
    areas = [u for u in mine if u.kind in (kind.COUNTY, kind.ZONE)]
    by_pk = {u.pk: u for u in units}
    own = {u.name: u for u in mine if u.kind == kind.DEPARTMENT and u.parent_id == root.pk}
    tree = OrgTree(
        root=root,
        counties=areas,
        towns=[u for u in mine if u.kind in (kind.TOWN, kind.STREET)],
        departments=[u for u in mine if u.kind == kind.DEPARTMENT],
        department_by_name=_by_department_name(root, own),
    )
    for unit in tree.departments:
        parent = by_pk.get(unit.parent_id)
        if parent is not None and parent.kind == kind.COUNTY:
            work = unit.name.removeprefix(parent.name)
            key = next(k for k, v in COUNTY_DEPARTMENTS.items() if v == work)
            tree.county_departments.setdefault(parent.pk, {})[key] = unit
    return tree


def _by_department_name(root: OrgUnit, own: dict[str, OrgUnit]) -> dict[str, OrgUnit]:
    """The root's bureaus under their names in DEPARTMENTS."""
    if root.kind == OrgUnit.Kind.PROVINCE:
        return {key: own[name] for key, name in PROVINCE_DEPARTMENTS.items() if name in own}
    return {
        d: own[d.replace("市", root.name, 1)]
        for d in DEPARTMENTS
        if d.replace("市", root.name, 1) in own
    }


def _county_names(city_index: int, listed: list[str], n: int) -> list[str]:
    """The city's listed counties, then counties named after COUNTY_WORDS (distinct per city)."""
    words = COUNTY_WORDS[city_index * 3 :] + COUNTY_WORDS[: city_index * 3]
    extra = [f"{w}{'县' if j % 2 else '区'}" for j, w in enumerate(words)]
    names = (listed + extra)[:n]
    while len(names) < n:
        names.append(f"{extra[len(names) % len(extra)]}{len(names)}")
    return names


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
    password = demo_password_hash()
    groups = role_groups()
    ranks = []
    for rank, share in RANK_SHARES:
        ranks += [rank] * round(count * share)
    ranks = (ranks + [Cadre.Rank.GENERAL] * count)[:count]
    rng.shuffle(ranks)
    # Leaders of the province and of each city, about three in four in a city.
    leader_units = [(tree.root, 1)] + [(city.root, 3 / len(tree.cities)) for city in tree.cities]
    users, cadre_rows = [], []
    for i, rank in enumerate(ranks):
        if rank == Cadre.Rank.CITY_LEADER:
            unit = weighted_choice(rng, leader_units)
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
        posts = PROVINCE_LEADER_POSTS if unit.kind == OrgUnit.Kind.PROVINCE else POSTS[rank]
        cadre_rows.append((rank, unit, rng.choice(posts)))
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


@functools.cache
def demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


def make_login(
    username: str,
    role: str,
    *,
    display_name: str,
    home_unit=None,
    jurisdiction_unit=None,
    is_staff: bool = False,
) -> User:
    """A demo login with the demo password, properly hashed and recorded as just changed. The
    hash is made once for all of them: hashing takes about a second each."""
    user = User.objects.create(
        username=username,
        password=demo_password_hash(),
        password_changed_at=timezone.now(),
        display_name=display_name,
        home_unit=home_unit,
        jurisdiction_unit=jurisdiction_unit,
        is_staff=is_staff,
    )
    user.groups.add(role_groups()[role])
    return user
