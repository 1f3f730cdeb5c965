"""The demo's named logins: every role at each level of the province (a leader, an organiser, two
handlers' bureaus, cadres of every rank), each with data of its own to show, and the table that
`manage.py demo_logins` prints. The password of every one is accounts.demo.DEMO_PASSWORD."""

from __future__ import annotations

import datetime
import random
import unicodedata
from typing import NamedTuple

from django.db.models import Q

from accounts import demo as accounts_demo
from accounts.models import Cadre, CadrePost, OrgUnit, User
from accounts.pinyin import initials
from accounts.roles import Role
from enterprises.models import Enterprise
from issues import demo as issues_demo
from pairing import demo as pairing_demo
from pairing.models import Campaign, Pairing

Rank = Cadre.Rank


class DemoLogin(NamedTuple):
    username: str
    role: str
    level: str  # a key of LEVELS
    description: str


LEVELS = {"province": "省级", "city": "市级", "county": "县级", "town": "镇街"}

DEMO_LOGINS = [
    DemoLogin("demo_leader", Role.LEADER, "province", "省领导：各市的汇总，逐级下钻到县、镇街"),
    DemoLogin("demo_city_leader", Role.LEADER, "city", "市领导：本市各县区的数字与月度趋势"),
    DemoLogin("demo_county_leader", Role.LEADER, "county", "县领导：本县各镇街"),
    DemoLogin("demo_town_leader", Role.LEADER, "town", "镇街领导：demo_cadre 所在镇"),
    DemoLogin("demo_province_organiser", Role.ORGANISER, "province", "两项行动的全省覆盖与目标"),
    DemoLogin("demo_city_organiser", Role.ORGANISER, "city", "本市的覆盖、帮扶方案和问题分办"),
    DemoLogin("demo_organiser", Role.ORGANISER, "county", "第二项行动的待结对企业和结对建议"),
    DemoLogin("demo_town_organiser", Role.ORGANISER, "town", "本镇的未覆盖企业和待办问题"),
    DemoLogin("demo_province_handler", Role.HANDLER, "province", "县长办公会议后交办到省的问题"),
    DemoLogin("demo_province_handler2", Role.HANDLER, "province", "省级部门的承办人员"),
    DemoLogin("demo_handler", Role.HANDLER, "city", "市级部门的承办人员，各环节都有问题"),
    DemoLogin("demo_handler2", Role.HANDLER, "city", "另一个市级部门的承办人员"),
    DemoLogin("demo_county_handler", Role.HANDLER, "county", "县级部门：本级就地解决的问题"),
    DemoLogin("demo_county_handler2", Role.HANDLER, "county", "另一个县级部门的承办人员"),
    DemoLogin("demo_province_cadre", Role.CADRE, "province", "县处级：省厅处长跨层级联系县里企业"),
    DemoLogin("demo_leader_cadre", Role.CADRE, "city", "市级领导：副市长一对一联系本市最大企业"),
    DemoLogin("demo_bureau_cadre", Role.CADRE, "city", "县处级：市局局长联系4家规上企业"),
    DemoLogin("demo_general_cadre", Role.CADRE, "county", "一般干部：县局科员联系3家企业"),
    DemoLogin("demo_cadre", Role.CADRE, "town", "科级：副镇长结对本镇6家企业并协助1家"),
    DemoLogin("demo_community_cadre", Role.CADRE, "town", "社区干部：联系本村5家小微企业"),
    DemoLogin(
        "demo_cadre2", Role.CADRE, "town", "另一个市的干部（对照：看不到 demo_cadre 的企业）"
    ),
    DemoLogin("demo_admin", Role.ADMIN, "province", "系统管理员（首次登录绑定动态口令）"),
    DemoLogin(
        "demo_security", Role.SECURITY_ADMIN, "province", "安全管理员（首次登录绑定动态口令）"
    ),
    DemoLogin("demo_auditor", Role.AUDITOR, "province", "审计管理员（首次登录绑定动态口令）"),
]

# The names, rank, post and firms taken over (how many, and which) of each cadre login.
CADRES = {
    "demo_province_cadre": ("钱志远", Rank.COUNTY, "处长", 2),
    "demo_leader_cadre": ("林卫国", Rank.CITY_LEADER, "副市长", 1),
    "demo_bureau_cadre": ("孙建华", Rank.COUNTY, "局长", 4),
    "demo_general_cadre": ("马晓丽", Rank.GENERAL, "科员", 3),
    "demo_cadre": ("陈立新", Rank.SECTION, "副镇长", 6),
    "demo_community_cadre": ("许国强", Rank.COMMUNITY, "村书记", 5),
    "demo_cadre2": ("周海燕", Rank.SECTION, "副镇长", 4),
}
NAMES = {
    "demo_leader": "赵振华",
    "demo_city_leader": "林卫东",
    "demo_county_leader": "何建平",
    "demo_town_leader": "黄丽",
    "demo_province_organiser": "蒋文斌",
    "demo_city_organiser": "宋雪梅",
    "demo_organiser": "郑晓东",
    "demo_town_organiser": "冯春燕",
    "demo_province_handler": "唐明",
    "demo_province_handler2": "韩静",
    "demo_handler": "吴建国",
    "demo_handler2": "曹敏",
    "demo_county_handler": "彭涛",
    "demo_county_handler2": "袁芳",
    "demo_admin": "系统管理员",
    "demo_security": "安全管理员",
    "demo_auditor": "审计管理员",
}
# The bureaus the handler logins of each level work in, by their names in DEPARTMENTS: the first
# login's, and the second's (its name ends in 2).
HANDLER_BUREAUS = ("市经信局", "市人力社保局")


def add_demo_logins(
    rng: random.Random,
    tree: accounts_demo.OrgTree,
    campaign: Campaign,
    *,
    today: datetime.date,
    second: Campaign | None = None,
) -> dict[str, User]:
    """The logins of DEMO_LOGINS whose level the tree has (a tree without cities has no city
    logins), each with data to show. Cadres take over firms from the cadres who had them (an
    ended pairing each: 事随人走), in both campaigns where the second reaches the firm."""
    units = _units(tree)
    users = {}
    for login in DEMO_LOGINS:
        home, area = units.get(login.username, (None, None))
        if home is None:
            continue
        users[login.username] = accounts_demo.make_login(
            login.username,
            login.role,
            display_name=NAMES.get(login.username) or CADRES[login.username][0],
            home_unit=home,
            jurisdiction_unit=area,
            is_staff=login.role == Role.ADMIN,
        )
    town = units["demo_cadre"][0]
    firms_of = {
        "demo_province_cadre": Q(enterprise__tags__code="above_scale"),
        "demo_leader_cadre": Q(),
        "demo_bureau_cadre": Q(enterprise__tags__code="above_scale"),
        "demo_general_cadre": Q(),
        "demo_cadre": Q(enterprise__town=town),
        "demo_community_cadre": Q(enterprise__town=town),
        "demo_cadre2": Q(enterprise__town=units["demo_cadre2"][0]),
    }
    ground = {
        "demo_province_cadre": tree.county_of(town),
        "demo_leader_cadre": units.get("demo_city_leader", (tree.root,))[0],
        "demo_bureau_cadre": tree.county_of(town),
        "demo_general_cadre": tree.county_of(town),
        "demo_cadre2": units["demo_cadre2"][0],
    }
    taken_by = {}
    for username, (_name, rank, post, count) in CADRES.items():
        user = users.get(username)
        if user is None:
            continue
        cadre = _cadre(user, rank, post, today=today)
        where = Q(enterprise__town__path__startswith=ground.get(username, town).path)
        smallest = rank == Rank.COMMUNITY
        taken = _take_over(cadre, campaign, where & firms_of[username], count, today, smallest)
        if second is not None:
            firms = Q(enterprise__in=[p.enterprise_id for p in taken])
            taken += _take_over(cadre, second, firms, count, today, smallest)
        pairing_demo.build_visits(rng, taken, today=today, per_enterprise=3.0)
        taken_by[username] = taken
        if not taken:
            continue
        issues_demo.build_tickets(
            rng,
            _city_tree(tree, ground.get(username, town)),
            taken,
            count=20 if username == "demo_cadre" else 5,
            today=today,
            raised_by=user,
            status_cycle=True,
            max_age=pairing_demo.SECOND_CAMPAIGN_DAYS,
        )
    _assist_biggest(users["demo_cadre"].cadre, campaign, town, today=today)
    # Each handler's bureau gets a ticket at every stage, raised by demo_cadre.
    for login in DEMO_LOGINS:
        if login.role == Role.HANDLER and login.username in users:
            issues_demo.build_tickets(
                rng,
                _city_tree(tree, town),
                taken_by["demo_cadre"],
                count=5,
                today=today,
                raised_by=users["demo_cadre"],
                status_cycle=True,
                max_age=pairing_demo.SECOND_CAMPAIGN_DAYS,
                owner_unit=users[login.username].home_unit,
            )
    return users


def _units(tree: accounts_demo.OrgTree) -> dict[str, tuple[OrgUnit, OrgUnit | None]]:
    """Each login's home unit and jurisdiction, as the tree has them."""
    kind = OrgUnit.Kind
    town = _a_town(tree.towns)
    county = tree.county_of(town)
    city_tree = tree.cities[0] if tree.cities else None
    other_town = _a_town(
        tree.cities[-1].towns if len(tree.cities) > 1 else tree.towns[len(tree.towns) // 2 :]
    )
    top = tree.root
    units: dict[str, tuple[OrgUnit, OrgUnit | None]] = {}
    areas = {"province": top if top.kind == kind.PROVINCE else None, "county": county, "town": town}
    areas["city"] = city_tree.root if city_tree else (top if top.kind == kind.CITY else None)
    bureaus = {
        "province": tree.department_by_name if areas["province"] else {},
        "city": city_tree.department_by_name if city_tree else {},
        "county": tree.county_departments.get(county.pk, {}),
    }
    for login in DEMO_LOGINS:
        area = areas[login.level]
        if login.role in (Role.LEADER, Role.ORGANISER):
            units[login.username] = (area, area)
        elif login.role == Role.HANDLER:
            name = HANDLER_BUREAUS[login.username.endswith("2")]
            units[login.username] = (bureaus[login.level].get(name), None)
        elif login.role == Role.CADRE:
            rank = CADRES[login.username][1]
            home = (
                bureaus[login.level].get("市经信局")
                if rank in (Rank.COUNTY, Rank.GENERAL)
                else area
            )
            units[login.username] = (home, None)
        else:
            units[login.username] = (top, None)
    units["demo_cadre2"] = (other_town, None)
    return units


def _city_tree(tree: accounts_demo.OrgTree, unit: OrgUnit) -> accounts_demo.OrgTree:
    """The tree of the city `unit` lies in, whose bureaus take its problems (the whole tree when
    it has no cities)."""
    return next((c for c in tree.cities if unit.path.startswith(c.root.path)), tree)


def _a_town(towns: list[OrgUnit]) -> OrgUnit:
    """The first town (镇) of the list, or its first unit if it has only streets."""
    return next((t for t in towns if t.kind == OrgUnit.Kind.TOWN), towns[0])


def _cadre(user: User, rank: str, post: str, *, today: datetime.date) -> Cadre:
    cadre = Cadre.objects.create(
        user=user,
        staff_no=f"DEMO-{user.username}",
        rank=rank,
        unit=user.home_unit,
        post=post,
        initials=initials(user.display_name),
    )
    CadrePost.objects.create(
        cadre=cadre,
        unit=cadre.unit,
        post=post,
        rank=rank,
        start=today - datetime.timedelta(days=400),
    )
    return cadre


def _take_over(
    cadre: Cadre, campaign: Campaign, where: Q, count: int, today, smallest: bool
) -> list[Pairing]:
    """The lead pairings of the `count` biggest (or smallest) firms matching `where` that no other
    demo login holds, handed to `cadre`. Only a leader takes a leader's firm (their 1:1 pairing)."""
    output = "enterprise__annual_output" if smallest else "-enterprise__annual_output"
    others = Q(cadre__staff_no__startswith="DEMO-")
    if cadre.rank != Rank.CITY_LEADER:
        others |= Q(cadre__rank=Rank.CITY_LEADER)
    handed = list(
        Pairing.objects.active()
        .filter(where, campaign=campaign, role=Pairing.Role.LEAD)
        .exclude(others)
        .order_by(output, "enterprise_id")[:count]
    )
    start = max([today - datetime.timedelta(days=90)] + [p.start for p in handed])
    Pairing.objects.filter(pk__in=[p.pk for p in handed]).update(end=start, end_reason="工作交接")
    return Pairing.objects.bulk_create(
        [
            Pairing(
                cadre=cadre,
                enterprise_id=p.enterprise_id,
                campaign=campaign,
                role=Pairing.Role.LEAD,
                group_id=p.group_id,
                start=start,
            )
            for p in handed
        ]
    )


def _assist_biggest(cadre: Cadre, campaign: Campaign, town: OrgUnit, *, today) -> None:
    """demo_cadre also assists the town's biggest firm they do not lead (many to one)."""
    mine = Pairing.objects.active().filter(cadre=cadre).values("enterprise_id")
    big = Enterprise.objects.filter(town=town).exclude(pk__in=mine).order_by("-annual_output")
    big = big.first()
    if big:
        Pairing.objects.create(
            cadre=cadre,
            enterprise=big,
            campaign=campaign,
            role=Pairing.Role.ASSIST,
            start=today - datetime.timedelta(days=60),
        )


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def login_table(users: dict[str, User]) -> list[str]:
    """The lines of the login table: a heading per role, then a row per login (name, level, unit,
    what it shows), each column padded to its widest cell's display width."""
    rows = []
    for login in DEMO_LOGINS:
        user = users.get(login.username)
        if user is not None:
            unit = user.jurisdiction_unit or user.home_unit
            rows.append((login, [login.username, LEVELS[login.level], str(unit or "")]))
    widths = [max((display_width(cells[i]) for _l, cells in rows), default=0) for i in range(3)]
    lines, role = [], None
    for login, cells in rows:
        if login.role != role:
            role = login.role
            lines.append(f"  【{Role(role).label}】")
        lines.append(
            "    "
            + "  ".join(pad(c, w) for c, w in zip(cells, widths, strict=True))
            + "  "
            + login.description
        )
    return lines
