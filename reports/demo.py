"""The demo city, put together from each app's generators, and its named demo logins."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import Cadre, CadrePost, User
from accounts.roles import Role
from enterprises import demo as enterprises_demo
from enterprises.models import Enterprise
from issues import demo as issues_demo
from issues.models import Status, Ticket
from pairing import demo as pairing_demo
from pairing.models import Pairing
from reports import cases


@dataclass(frozen=True)
class Size:
    enterprises: int
    cadres: int
    towns: int
    counties: int
    tickets: int
    visits_per_enterprise: float


SCALES = {
    # Like Rui'an after its upgrade: 3,000+ cadres, 15,000 firms, 1,613 problems collected.
    "city": Size(
        enterprises=15_000,
        cadres=3_000,
        towns=25,
        counties=4,
        tickets=1_613,
        visits_per_enterprise=2.0,
    ),
    # A province, for benchmarks (issue 7's sizes: 1,000,000 visits, 200,000 tickets).
    "province": Size(
        enterprises=300_000,
        cadres=10_000,
        towns=180,
        counties=12,
        tickets=200_000,
        visits_per_enterprise=3.4,
    ),
}

# (username, role, what it shows). The password of every demo login is accounts.demo.DEMO_PASSWORD.
DEMO_LOGINS = [
    ("demo_cadre", Role.CADRE, "科级干部，结对联系本镇6家企业并协助1家重点企业"),
    ("demo_cadre2", Role.CADRE, "另一镇的干部（用于对照：看不到 demo_cadre 的企业）"),
    ("demo_handler", Role.HANDLER, "市经信局承办人员"),
    ("demo_organiser", Role.ORGANISER, "区组织部门，管辖第一个区县"),
    ("demo_leader", Role.LEADER, "市领导，管辖全市"),
    ("demo_town_leader", Role.LEADER, "镇街领导，管辖 demo_cadre 所在镇"),
    ("demo_admin", Role.ADMIN, "系统管理员（首次登录绑定动态口令）"),
    ("demo_security", Role.SECURITY_ADMIN, "安全管理员（首次登录绑定动态口令）"),
    ("demo_auditor", Role.AUDITOR, "审计管理员（首次登录绑定动态口令）"),
]


@transaction.atomic
def seed(size: Size, *, seed: int = 2026, today: datetime.date | None = None) -> dict[str, int]:
    """Build the whole demo city in one transaction and return the row counts."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    tree = accounts_demo.build_org_tree(rng, towns=size.towns, counties=size.counties)
    cadres = accounts_demo.build_cadres(rng, tree, count=size.cadres, today=today)
    enterprises = enterprises_demo.build_enterprises(rng, tree, count=size.enterprises, today=today)
    campaign = pairing_demo.build_campaign(tree, today=today)
    pairings = pairing_demo.build_pairings(rng, campaign, tree, cadres, enterprises, today=today)
    visits = pairing_demo.build_visits(
        rng, pairings, today=today, per_enterprise=size.visits_per_enterprise
    )
    active = [p for p in pairings if p.end is None]
    tickets = issues_demo.build_tickets(rng, tree, active, count=size.tickets, today=today)
    add_demo_logins(rng, tree, campaign, today=today)
    pairing_demo.build_campaign_structure(rng, campaign)
    pairing_demo.build_records(rng, tree, today=today)
    issues_demo.name_responsible_people(rng)
    issues_demo.build_ladder(today)
    mark_typical_cases()
    add_decision_examples(tree)
    return {
        "org_units": len(tree.towns) + len(tree.counties) + len(tree.departments) + 1,
        "cadres": len(cadres) + 2,
        "enterprises": len(enterprises),
        "pairings": Pairing.objects.count(),
        "visits": len(visits),
        "tickets": len(tickets),
    }


def add_demo_logins(rng: random.Random, tree, campaign, *, today: datetime.date) -> None:
    """The named logins of DEMO_LOGINS, each with data to show. The two demo cadres take over
    firms in their towns from the cadres who had them (an ended pairing each: 事随人走)."""
    town, other_town = tree.towns[0], tree.towns[len(tree.towns) // 2]
    county = next(c for c in tree.counties if c.pk == town.parent_id)
    make = accounts_demo.make_login
    cadre_user = make("demo_cadre", Role.CADRE, display_name="陈立新", home_unit=town)
    cadre2_user = make("demo_cadre2", Role.CADRE, display_name="周海燕", home_unit=other_town)
    make(
        "demo_handler",
        Role.HANDLER,
        display_name="吴建国",
        home_unit=tree.department_by_name["市经信局"],
    )
    make(
        "demo_organiser",
        Role.ORGANISER,
        display_name="郑晓东",
        home_unit=county,
        jurisdiction_unit=county,
    )
    make(
        "demo_leader",
        Role.LEADER,
        display_name="林卫东",
        home_unit=tree.city,
        jurisdiction_unit=tree.city,
    )
    make(
        "demo_town_leader", Role.LEADER, display_name="黄丽", home_unit=town, jurisdiction_unit=town
    )
    make("demo_admin", Role.ADMIN, display_name="系统管理员", home_unit=tree.city, is_staff=True)
    make("demo_security", Role.SECURITY_ADMIN, display_name="安全管理员", home_unit=tree.city)
    make("demo_auditor", Role.AUDITOR, display_name="审计管理员", home_unit=tree.city)
    for user, unit, count, tickets in ((cadre_user, town, 6, 10), (cadre2_user, other_town, 4, 5)):
        cadre = Cadre.objects.create(
            user=user,
            staff_no=f"DEMO-{user.username}",
            rank=Cadre.Rank.SECTION,
            unit=unit,
            post="副镇长",
        )
        CadrePost.objects.create(
            cadre=cadre,
            unit=unit,
            post=cadre.post,
            rank=cadre.rank,
            start=today - datetime.timedelta(days=400),
        )
        taken = _take_over(cadre, campaign, unit, count, today=today)
        pairing_demo.build_visits(rng, taken, today=today, per_enterprise=3.0)
        issues_demo.build_tickets(
            rng, tree, taken, count=tickets, today=today, raised_by=user, status_cycle=True
        )
    big = Enterprise.objects.filter(town=town).order_by("-annual_output").first()
    if big and not Pairing.objects.active().filter(cadre__user=cadre_user, enterprise=big).exists():
        Pairing.objects.create(
            cadre=cadre_user.cadre,
            enterprise=big,
            campaign=campaign,
            role=Pairing.Role.ASSIST,
            start=today - datetime.timedelta(days=60),
        )


def add_decision_examples(tree) -> None:
    """Issue 21's decisions on tickets, for demo_organiser and demo_handler to open."""
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["demo_cadre", "demo_organiser", "demo_handler"]
        ).select_related("home_unit", "jurisdiction_unit")
    }
    issues_demo.build_decision_examples(
        tree,
        raised_by=users["demo_cadre"],
        organiser=users["demo_organiser"],
        handler=users["demo_handler"],
    )


def _take_over(cadre: Cadre, campaign, town, count: int, *, today: datetime.date) -> list[Pairing]:
    handed = list(
        Pairing.objects.active()
        .filter(campaign=campaign, enterprise__town=town, role=Pairing.Role.LEAD)
        .select_related("cadre")
        .order_by("enterprise_id")[:count]
    )
    start = today - datetime.timedelta(days=90)
    Pairing.objects.filter(pk__in=[p.pk for p in handed]).update(end=start, end_reason="工作交接")
    new = [
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
    return Pairing.objects.bulk_create(new)


def mark_typical_cases(count: int = 3) -> None:
    """The demo organiser marks a few solved problems of the county, with a reply to the firm, as
    typical (典型案例), so that a notice has cases to tell from their timeline."""
    organiser = User.objects.filter(username="demo_organiser").first()
    if organiser is None:
        return
    solved = (
        Ticket.objects.visible_to(organiser)
        .filter(outcome="solved", status__in=(Status.RESOLVED, Status.CLOSED))
        .exclude(reply="")
        .order_by("-resolved_at")[:count]
    )
    for ticket in solved:
        cases.ticket_mark_typical(
            ticket_id=ticket.pk, actor=organiser, typical=True, note="解决及时，企业满意，可推广"
        )
