"""The demo province, put together from each app's demo generators: the one seed entry point.

Two cities with their counties, zones, towns and bureaus; cadres of every rank at every level; a
first campaign a year old and all but done, with its history (visits, tickets, month-end
snapshots); a second campaign eight weeks in, with firms still to pair, suggestions waiting,
targets not met, help plans owed and problems at every stage; and the named logins of
reports.demo_logins. `seed()` calls the apps' demo functions in order; an app adds its own depth
(meetings, help-plan measures, …) as one more function called from `seed()`'s last section,
taking what it needs of: `rng`, `tree` (accounts.demo.OrgTree: the province, its cities' own
trees, bureaus at every level), `campaign` and `second`, `logins` (users by username, as in
DEMO_LOGINS) and `today`.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import Cadre, OrgUnit, User
from enterprises import demo as enterprises_demo
from enterprises.models import Enterprise
from issues import api_demo, demo_portal
from issues import demo as issues_demo
from issues.models import Status, Ticket
from pairing import demo as pairing_demo
from pairing import suggest
from pairing.models import Campaign, Pairing
from reports import cases, demo_history, notices
from reports.demo_logins import DEMO_LOGINS, add_demo_logins

__all__ = ["DEMO_LOGINS", "SCALES", "Size", "seed"]


@dataclass(frozen=True)
class Size:
    enterprises: int
    cadres: int
    towns: int
    counties: int
    tickets: int
    visits_per_enterprise: float
    cities: int = 2


SCALES = {
    # Like Rui'an after its upgrade (3,000+ cadres, 15,000 firms, 1,613 problems collected),
    # spread over a province of two cities.
    "city": Size(
        enterprises=15_000,
        cadres=3_000,
        towns=30,
        counties=6,
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
        cities=4,
    ),
}
# The second campaign's tickets, as a share of the first's.
SECOND_TICKETS = 0.2


@transaction.atomic
def seed(size: Size, *, seed: int = 2026, today: datetime.date | None = None) -> dict[str, int]:
    """Build the whole demo province in one transaction and return the row counts."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    tree = accounts_demo.build_org_tree(
        rng, towns=size.towns, counties=size.counties, cities=size.cities
    )
    cadres = accounts_demo.build_cadres(rng, tree, count=size.cadres, today=today)
    enterprises = enterprises_demo.build_enterprises(rng, tree, count=size.enterprises, today=today)
    by_city = _by_city(tree, cadres, enterprises)
    # The first campaign, a year of it; the second, eight weeks in: its first two batches
    # paired, the third still to come.
    campaign = pairing_demo.build_campaign(tree, today=today)
    second = pairing_demo.build_second_campaign(tree, today=today)
    visits = tickets = 0
    for city, city_cadres, firms in by_city:
        share = len(firms) / len(enterprises)
        v, t = _campaign_in_city(
            rng,
            campaign,
            city,
            city_cadres,
            firms,
            tree,
            today=today,
            visits=size.visits_per_enterprise,
            tickets=round(size.tickets * share),
        )
        v2, t2 = _campaign_in_city(
            rng,
            second,
            city,
            city_cadres,
            pairing_demo.second_campaign_share(rng, firms),
            tree,
            today=today,
            visits=size.visits_per_enterprise / 3,
            tickets=round(size.tickets * SECOND_TICKETS * share),
        )
        visits, tickets = visits + v + v2, tickets + t + t2
    # build_records gives the first county's struggling firms plans of several measures.
    first_county = {t.pk for t in tree.towns if t.path.startswith(tree.counties[0].path)}
    others = [e for e in enterprises if e.town_id not in first_county]
    pairing_demo.build_help_plans(rng, others, today=today)
    logins = add_demo_logins(rng, tree, campaign, today=today, second=second)

    # Each app's depth on the built province, in the order of the apps (add new ones here).
    for each in (campaign, second):
        pairing_demo.build_campaign_structure(rng, each)
    _suggestions_waiting(logins, second)
    pairing_demo.build_records(rng, tree, today=today)
    issues_demo.name_responsible_people(rng)
    issues_demo.build_ladder(today)
    demo_portal.build_portal_examples()  # the firms' own voice (issue 16)
    mark_typical_cases()
    add_decision_examples(tree)
    api_demo.build_api_demo(tree, today=today)
    demo_history.build_month_end_snapshots(tree.root, today=today)
    # Tonight's figures too: the dashboards open at once and the trend reaches this month.
    notices.nightly_snapshot(today)
    return {
        "org_units": OrgUnit.objects.count(),
        "cadres": Cadre.objects.count(),
        "enterprises": len(enterprises),
        "campaigns": Campaign.objects.count(),
        "pairings": Pairing.objects.count(),
        "visits": visits,
        "tickets": tickets,
    }


def _campaign_in_city(
    rng, campaign: Campaign, city, cadres, firms, tree, *, today, visits: float, tickets: int
) -> tuple[int, int]:
    """The campaign's pairings of `firms` (in the batches begun by today), their visits since
    it began, and `tickets` problems on them; returns the numbers of visits and tickets."""
    batches = list(campaign.batches.filter(start__lte=today))
    pairings = pairing_demo.build_pairings(
        rng, campaign, city, cadres, firms, today=today, batches=batches
    )
    days = (today - campaign.start).days
    made = pairing_demo.build_visits(rng, pairings, today=today, per_enterprise=visits, days=days)
    active = [p for p in pairings if p.end is None]
    raised = issues_demo.build_tickets(
        rng,
        city,
        active,
        count=tickets,
        today=today,
        max_age=min(days, pairing_demo.FIRST_CAMPAIGN_DAYS - 20),
        above=tree.department_by_name,
    )
    return len(made), len(raised)


def add_decision_examples(tree) -> None:
    """Issue 21's decisions on tickets, for demo_organiser and demo_handler to open."""
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["demo_cadre", "demo_organiser", "demo_handler"]
        ).select_related("home_unit", "jurisdiction_unit")
    }
    issues_demo.build_decision_examples(
        tree.cities[0] if tree.cities else tree,  # a city's bureaus, as in a real county's case
        raised_by=users["demo_cadre"],
        organiser=users["demo_organiser"],
        handler=users["demo_handler"],
    )


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


def _by_city(tree, cadres: list[Cadre], enterprises: list[Enterprise]):
    """(city tree, its cadres, its firms) for each city. The province's cadres are dealt among
    the cities, so each city's pairing rules can give them firms (Hainan: province cadres serve
    county firms)."""
    if not tree.cities:
        return [(tree, cadres, enterprises)]
    city_of = {
        u.pk: i
        for i, city in enumerate(tree.cities)
        for u in [city.root, *city.counties, *city.towns, *city.departments]
    }
    cadres_of = [[] for _city in tree.cities]
    firms_of = [[] for _city in tree.cities]
    dealt = 0
    for cadre in cadres:
        i = city_of.get(cadre.unit_id)
        if i is None:
            i, dealt = dealt % len(tree.cities), dealt + 1
        cadres_of[i].append(cadre)
    for firm in enterprises:
        firms_of[city_of[firm.town_id]].append(firm)
    return list(zip(tree.cities, cadres_of, firms_of, strict=True))


def _suggestions_waiting(logins: dict, second: Campaign) -> None:
    """The county organiser has run the suggestions for the second campaign's coming batch and
    not yet decided them: the organiser's page opens on proposals to accept."""
    organiser = logins.get("demo_organiser")
    if organiser is not None:
        suggest.run(organiser, second, batch=second.batches.order_by("start").last())
