"""Every area's dashboard figures, computed ahead and stored (AreaFigures).

Counting a province's 200,000 tickets and million visits on each page view took 5.2 s, and that
time grows with the data. Instead, grouped queries count each figure once per town (with the
aggregates of reports.metrics, the one definition of each figure), the towns are added up the
tree into every area above them, and one row per area and kind of period is stored. The dashboard
reads its row: a few queries whatever the data's size. A job refreshes every area every 10 minutes
(pairing/schedule.py); a page whose row is missing, from an earlier day or older than
settings.AREA_FIGURES_MAX_AGE computes its own area on the spot, and a leader may ask for that.

Only counts are stored, never rates, so that towns add up into counties exactly; the rates are
the properties of metrics.TicketFigures, MeetingFigures, HelpFigures and Coverage.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncDate, TruncMonth
from django.utils import timezone

from accounts.models import OrgUnit
from enterprises.models import Enterprise
from issues.models import OPEN_STATUSES, Category, Level, Ticket
from issues.workdays import WorkCalendar, WorkdayIndex
from pairing.models import Cadre, Campaign, HelpPlan, Pairing, Visit
from pairing.replica import reading
from reports import metrics
from reports.models import AreaFigures
from reports.periods import PERIODS, period_for

TICKET_FIELDS = tuple(metrics.TicketFigures.__dataclass_fields__)
AREA_ROW_STOCK = ("open", "overdue")
TREND_MONTHS = 12
TREND_KEYS = ("collected", "solved", "visits")
TOP_UNITS = 20
TOP_CADRES = 10
OVERDUE_LIST = 20
TOWN = "enterprise__town_id"


class Tree:
    """The area units under a root (all of them without one) and, for each, the areas its
    figures count towards: itself and every area above it, up to the root."""

    def __init__(self, root: OrgUnit | None):
        units = OrgUnit.objects.filter(kind__in=OrgUnit.AREA_KINDS)
        if root is not None:  # the root itself even when it is not an area (a leader's unit)
            units = (units | OrgUnit.objects.filter(pk=root.pk)).under(root)
        units = units.only("id", "name", "path", "parent_id", "kind").order_by("path")
        self.units = {u.pk: u for u in units}  # in path order: concurrent refreshes lock alike
        by_path = {u.path: u.pk for u in self.units.values()}
        self.up: dict[int, list[int]] = {}
        for unit in self.units.values():
            parts = unit.path.strip("/").split("/")
            prefixes = ("/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1))
            self.up[unit.pk] = [by_path[p] for p in prefixes if p in by_path]

    def add(self, rows, fields, into, key=None) -> None:
        """Add each grouped row's `fields` into every area its town counts towards; with `key`,
        into that area's bucket for the row's value of `key`."""
        for row in rows:
            for area_id in self.up.get(row["in_town"], ()):
                bucket = into[area_id] if key is None else into[area_id][row[key]]
                for field in fields:
                    bucket[field] += row[field] or 0


def _by_town(queryset: QuerySet, town: str = TOWN) -> QuerySet:
    return queryset.order_by().annotate(in_town=F(town)).values("in_town")


def _months(today: datetime.date) -> list[datetime.date]:
    first = (today.replace(day=1) - datetime.timedelta(days=31 * (TREND_MONTHS - 1))).replace(day=1)
    months, month = [], first
    while month <= today:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


@dataclass
class Scope:
    """What is counted: everything, or what lies under one area."""

    root: OrgUnit | None

    def of(self, queryset: QuerySet, town_path: str) -> QuerySet:
        if self.root is None:
            return queryset
        return queryset.filter(**{f"{town_path}__path__startswith": self.root.path})

    @property
    def tickets(self) -> QuerySet[Ticket]:
        return self.of(Ticket.objects.all(), "enterprise__town")

    @property
    def visits(self) -> QuerySet[Visit]:
        return self.of(Visit.objects.all(), "enterprise__town")

    @property
    def enterprises(self) -> QuerySet[Enterprise]:
        return self.of(Enterprise.objects.all(), "town")

    @property
    def pairings(self) -> QuerySet[Pairing]:
        return self.of(Pairing.objects.active(), "enterprise__town")


def whole_area(scope: Scope, tree: Tree, today: datetime.date) -> dict[int, Counter]:
    """Counts that do not depend on the period: enterprises, paired (覆盖率), struggling and
    helped (帮扶率), and every ticket's figures as of today (open, overdue, the area rows)."""
    into: dict[int, Counter] = defaultdict(Counter)
    firms = _by_town(scope.enterprises, "town_id").annotate(
        enterprises=Count("pk"), struggling=Count("pk", filter=metrics.STRUGGLING)
    )
    tree.add(firms, ("enterprises", "struggling"), into)
    paired = _by_town(scope.pairings).annotate(paired=Count("enterprise", distinct=True))
    tree.add(paired, ("paired",), into)
    helped = _by_town(
        HelpPlan.objects.filter(enterprise__in=scope.enterprises.filter(metrics.STRUGGLING))
    ).annotate(with_plan=Count("enterprise", distinct=True))
    tree.add(helped, ("with_plan",), into)
    tickets = _by_town(scope.tickets).annotate(
        **metrics.ticket_aggregates(today, prefix="current_")
    )
    tree.add(tickets, tuple(f"current_{f}" for f in TICKET_FIELDS), into)
    return into


def trends(scope: Scope, tree: Tree, today: datetime.date) -> dict[int, dict]:
    """Collected and solved tickets (by the month they were raised) and visits, per month."""
    first = _months(today)[0]
    into: dict[int, dict] = defaultdict(lambda: defaultdict(Counter))
    tickets = (
        _by_town(scope.tickets.filter(created_at__gte=metrics.local_midnight(first)))
        .annotate(month=TruncMonth("created_at"))
        .values("in_town", "month")
        .annotate(
            collected=Count("pk"),
            solved=Count("pk", filter=Q(status__in=metrics.RESOLVED_STATUSES, outcome="solved")),
        )
    )
    visits = (
        _by_town(scope.visits.filter(date__gte=first))
        .annotate(month=TruncMonth("date"))
        .values("in_town", "month")
        .annotate(visits=Count("pk"))
    )
    for rows, fields in ((tickets, ("collected", "solved")), (visits, ("visits",))):
        tree.add(
            ({**row, "month": _as_date(row["month"])} for row in rows), fields, into, key="month"
        )
    return into


def overdue_lists(scope: Scope, tree: Tree, today: datetime.date) -> dict[int, list[dict]]:
    """The longest-overdue open tickets of each area: each town's first OVERDUE_LIST, merged."""
    rows = (
        scope.tickets.filter(status__in=OPEN_STATUSES, due_date__lt=today)
        .annotate(
            in_town=F(TOWN),
            rank=Window(RowNumber(), partition_by=F(TOWN), order_by=[F("due_date"), F("id")]),
        )
        .filter(rank__lte=OVERDUE_LIST)
        .values("pk", "in_town", "title", "due_date", "enterprise__name", "owner_unit__name")
    )
    into: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        item = {
            "id": row["pk"],
            "title": row["title"],
            "enterprise": row["enterprise__name"],
            "owner_unit": row["owner_unit__name"] or "",
            "due_date": row["due_date"].isoformat(),
        }
        for area_id in tree.up.get(row["in_town"], ()):
            into[area_id].append(item)
    return {
        area_id: sorted(items, key=lambda i: (i["due_date"], i["id"]))[:OVERDUE_LIST]
        for area_id, items in into.items()
    }


def in_period(scope: Scope, tree: Tree, kind: str, today: datetime.date) -> dict[str, dict]:
    """The figures of one kind of period (and the one before it) for every area."""
    period = period_for(kind, today)
    before = period.previous()
    both = scope.tickets.filter(metrics.period_filter(metrics.Period(before.start, period.end)))
    now_tickets = metrics.in_period(scope.tickets, period)
    out: dict[str, dict] = {"period": period}

    out["tickets"] = defaultdict(Counter)
    aggregates = metrics.ticket_aggregates(
        today, within=metrics.period_filter(period), prefix="now_"
    ) | metrics.ticket_aggregates(today, within=metrics.period_filter(before), prefix="before_")
    tree.add(
        _by_town(both).annotate(**aggregates),
        tuple(f"{p}_{f}" for p in ("now", "before") for f in TICKET_FIELDS),
        out["tickets"],
    )

    out["days"] = working_days(now_tickets, tree)

    return out


BREAKDOWNS = ("category", "level", "owner_unit", "campaign")


def breakdowns_by_kind(scope: Scope, tree: Tree, today: datetime.date) -> dict[str, dict]:
    """The period's tickets by category, level, unit and campaign, for every kind of period at
    once: one grouped query per breakdown (four, not sixteen), each counting every kind's
    population with its own filter."""
    spans = {kind: period_for(kind, today) for kind in PERIODS}
    first = min(p.start for p in spans.values())
    population = metrics.in_period(scope.tickets, metrics.Period(first, today))
    aggregates = {}
    for kind, span in spans.items():
        aggregates |= metrics.ticket_aggregates(
            today, within=metrics.period_filter(span), prefix=f"{kind}_"
        )
    out = {kind: {} for kind in PERIODS}
    for by in BREAKDOWNS:
        rows = list(
            _by_town(population).annotate(key=F(by)).values("in_town", "key").annotate(**aggregates)
        )
        for kind in PERIODS:
            out[kind][by] = defaultdict(lambda: defaultdict(Counter))
            of_kind = (
                {"in_town": r["in_town"], "key": r["key"]}
                | {f: r[f"{kind}_{f}"] for f in TICKET_FIELDS}
                for r in rows
                if r[f"{kind}_collected"]
            )
            tree.add(of_kind, TICKET_FIELDS, out[kind][by], "key")
    return out


def visits_by_kind(scope: Scope, tree: Tree, today: datetime.date) -> dict[str, dict]:
    """For every kind of period at once (two passes over the visits, not two per kind): the paired
    enterprises visited in the period and in the one before (见面率), and each cadre's visits and
    firms in the period (the ranking)."""
    spans = {kind: period_for(kind, today) for kind in PERIODS}
    befores = {kind: period.previous() for kind, period in spans.items()}
    first = min(p.start for p in befores.values())
    visited_counts = {}
    for kind in PERIODS:
        for name, span in (("now", spans[kind]), ("before", befores[kind])):
            visited_counts[f"{kind}_{name}"] = Count(
                "enterprise", distinct=True, filter=metrics.period_filter(span, "date")
            )
    rows = _by_town(
        scope.visits.filter(date__gte=first, date__lte=today).filter(
            enterprise__in=Pairing.objects.active().values("enterprise")
        )
    ).annotate(**visited_counts)
    visited: dict[int, Counter] = defaultdict(Counter)
    tree.add(rows, tuple(visited_counts), visited)

    year = min(p.start for p in spans.values())
    per_cadre = {}
    for kind, span in spans.items():
        within = metrics.period_filter(span, "date")
        per_cadre[f"{kind}_visits"] = Count("pk", filter=within)
        per_cadre[f"{kind}_firms"] = Count("enterprise", distinct=True, filter=within)
    rows = (
        _by_town(scope.visits.filter(date__gte=year, date__lte=today))
        .values("in_town", "cadre")
        .annotate(**per_cadre)
    )
    cadres: dict = defaultdict(lambda: defaultdict(Counter))
    tree.add(rows, tuple(per_cadre), cadres, "cadre")

    out = {}
    for kind in PERIODS:
        out[kind] = {
            "visited": {
                area_id: {
                    "visited_now": counts[f"{kind}_now"],
                    "visited_before": counts[f"{kind}_before"],
                }
                for area_id, counts in visited.items()
            },
            "cadres": {
                area_id: {
                    cadre: {"visits": c[f"{kind}_visits"], "firms": c[f"{kind}_firms"]}
                    for cadre, c in per.items()
                    if c[f"{kind}_visits"]
                }
                for area_id, per in cadres.items()
            },
        }
    return out


def working_days(tickets: QuerySet[Ticket], tree: Tree) -> dict[int, Counter]:
    """Per area, the working days from registration to resolution summed over its resolved
    tickets, and their number (metrics.average_working_days_to_resolve, by area)."""
    rows = list(
        _by_town(tickets.filter(status__in=metrics.RESOLVED_STATUSES, resolved_at__isnull=False))
        .annotate(opened=TruncDate("created_at"), closed=TruncDate("resolved_at"))
        .values("in_town", "opened", "closed")
        .annotate(n=Count("pk"))
    )
    into: dict[int, Counter] = defaultdict(Counter)
    if not rows:
        return into
    first = min(min(r["opened"], r["closed"]) for r in rows)
    last = max(max(r["opened"], r["closed"]) for r in rows)
    index = WorkdayIndex(WorkCalendar.load(first, last))
    for row in rows:
        row["days"] = max(index.between(row["opened"], row["closed"]), 0) * row["n"]
    tree.add(rows, ("days", "n"), into)
    return into


def ranked_units(per_unit: dict, names: dict[int, str]) -> list[dict]:
    """Handling units by 化解率, then fewer overdue, then name (the notices rank the same way)."""
    rows = [
        {"id": unit_id, "name": names.get(unit_id, ""), **counts}
        for unit_id, counts in per_unit.items()
        if unit_id is not None
    ]
    return sorted(
        rows, key=lambda r: unit_rank_key(metrics.TicketFigures(**ticket_counts(r)), r["name"])
    )


def unit_rank_key(figures: metrics.TicketFigures, name: str):
    return (-(figures.resolution_rate or 0), figures.overdue, name)


def ticket_counts(counts) -> dict:
    return {f: counts.get(f, 0) for f in TICKET_FIELDS}


def ticket_figures(counts) -> metrics.TicketFigures:
    return metrics.TicketFigures(**ticket_counts(counts))


def compute(root: OrgUnit | None = None, today: datetime.date | None = None) -> int:
    """Compute and store the figures of every area under `root` (of every area without one)
    for every kind of period; returns the number of rows stored."""
    today = today or timezone.localdate()
    scope, tree = Scope(root), Tree(root)
    area = whole_area(scope, tree, today)
    trend = trends(scope, tree, today)
    late = overdue_lists(scope, tree, today)
    months = _months(today)
    kinds = {kind: in_period(scope, tree, kind, today) for kind in PERIODS}
    for kind, visits in visits_by_kind(scope, tree, today).items():
        kinds[kind].update(visits)
    for kind, breakdowns in breakdowns_by_kind(scope, tree, today).items():
        kinds[kind].update(breakdowns)

    unit_ids = {u for k in kinds.values() for per in k["owner_unit"].values() for u in per}
    names = dict(OrgUnit.objects.filter(pk__in=unit_ids - {None}).values_list("pk", "name"))
    # 分行动 lists every campaign that reaches an area (its scope holds the area or lies in it),
    # with or without problems yet.
    campaigns = {
        pk: (name, path)
        for pk, name, path in Campaign.objects.order_by("-start", "pk").values_list(
            "pk", "name", "scope_unit__path"
        )
    }
    top_cadres = {
        kind: {
            area_id: sorted(per.items(), key=lambda item: (-item[1]["visits"], item[0]))[
                :TOP_CADRES
            ]
            for area_id, per in k["cadres"].items()
        }
        for kind, k in kinds.items()
    }
    cadre_ids = {c for per in top_cadres.values() for rows in per.values() for c, _ in rows}
    cadres = {
        row["pk"]: row
        for row in Cadre.objects.filter(pk__in=cadre_ids).values(
            "pk", "user__display_name", "unit__name"
        )
    }
    children = defaultdict(list)
    for unit in sorted(tree.units.values(), key=lambda u: u.path):
        if unit.parent_id in tree.units:
            children[unit.parent_id].append(unit)

    now = timezone.now()
    stored = []
    for area_id in tree.units:
        whole = area[area_id]
        shared = {
            "current": {f: whole[f"current_{f}"] for f in TICKET_FIELDS},
            "enterprises": whole["enterprises"],
            "paired": whole["paired"],
            "struggling": whole["struggling"],
            "with_plan": whole["with_plan"],
            "trend": [
                {"month": m.strftime("%Y-%m"), **{k: trend[area_id][m][k] for k in TREND_KEYS}}
                for m in months
            ],
            "overdue": late.get(area_id, []),
        }
        for kind, k in kinds.items():
            counts = k["tickets"][area_id]
            data = {
                **shared,
                "period": [k["period"].start.isoformat(), k["period"].end.isoformat()],
                "now": {f: counts[f"now_{f}"] for f in TICKET_FIELDS},
                "before": {f: counts[f"before_{f}"] for f in TICKET_FIELDS},
                "visited_now": k["visited"].get(area_id, {}).get("visited_now", 0),
                "visited_before": k["visited"].get(area_id, {}).get("visited_before", 0),
                "days": [k["days"][area_id]["days"], k["days"][area_id]["n"]],
                "children": [
                    area_row(child, area[child.pk], k["tickets"][child.pk])
                    for child in children[area_id]
                ],
                "by_category": _breakdown(k["category"][area_id], Category.values),
                "by_level": _breakdown(k["level"][area_id], Level.values),
                "units": ranked_units(k["owner_unit"][area_id], names)[:TOP_UNITS],
                "by_campaign": _campaign_rows(
                    k["campaign"][area_id], campaigns, tree.units[area_id].path
                ),
                "cadres": [
                    {
                        "id": cadre_id,
                        "name": cadres.get(cadre_id, {}).get("user__display_name", ""),
                        "unit": cadres.get(cadre_id, {}).get("unit__name", ""),
                        "visits": c["visits"],
                        "firms": c["firms"],
                    }
                    for cadre_id, c in top_cadres[kind].get(area_id, [])
                ],
            }
            stored.append(
                AreaFigures(area_id=area_id, kind=kind, day=today, computed_at=now, data=data)
            )
    AreaFigures.objects.bulk_create(
        stored,
        update_conflicts=True,
        unique_fields=["area", "kind"],
        update_fields=["day", "computed_at", "data"],
        batch_size=500,
    )
    return len(stored)


def _campaign_rows(counted: dict, campaigns: dict, path: str) -> list[list]:
    """分行动: every campaign reaching the area (with or without problems in the period), then
    the problems raised outside any campaign (hotline, forums), if any, named when shown."""
    rows = [
        [campaign_id, name, ticket_counts(counted[campaign_id])]
        for campaign_id, (name, scope) in campaigns.items()
        if campaign_id in counted or _nest(scope, path)
    ]
    if None in counted:
        rows.append([None, "", ticket_counts(counted[None])])
    return rows


def _nest(a: str, b: str) -> bool:
    """One of two unit paths lies within the other."""
    return a.startswith(b) or b.startswith(a)


def area_row(child: OrgUnit, whole: Counter, counts: Counter) -> dict:
    """A row of the areas directly below: its stock (enterprises, paired, open and overdue
    tickets now) and the period's ticket counts, so that the rows add up to the headline."""
    return {
        "id": child.pk,
        "name": child.name,
        "enterprises": whole["enterprises"],
        "paired": whole["paired"],
        "current": {f: whole[f"current_{f}"] for f in AREA_ROW_STOCK},
        "now": {f: counts[f"now_{f}"] for f in TICKET_FIELDS},
    }


def _breakdown(per_key: dict, order) -> list[list]:
    """[[value, counts], …] in the order of the choices, values with no tickets left out."""
    return [[key, ticket_counts(per_key[key])] for key in order if key in per_key]


def refresh_all() -> int:
    """The scheduled job: every area's figures, as of now."""
    return compute(None)


REFRESH_AT_MOST_EVERY = datetime.timedelta(minutes=1)


def refresh(area: OrgUnit, today: datetime.date) -> bool:
    """A leader's request to count the area again; refused (False) within a minute of the last
    count, so that pressing the button again does not queue the same work twice."""
    last = AreaFigures.objects.filter(area=area).order_by("computed_at").first()
    if last and last.day == today and timezone.now() - last.computed_at < REFRESH_AT_MOST_EVERY:
        return False
    compute(area, today)
    return True


def is_fresh(row: AreaFigures | None, today: datetime.date) -> bool:
    if row is None or row.day != today:
        return False
    return timezone.now() - row.computed_at <= settings.AREA_FIGURES_MAX_AGE


def figures_for(area: OrgUnit, kind: str, today: datetime.date) -> AreaFigures:
    """The stored figures of `area`, computed first (for the area and everything under it) when
    missing or stale."""
    row = AreaFigures.objects.using(reading()).filter(area=area, kind=kind).first()
    if not is_fresh(row, today):
        compute(area, today)
        row = AreaFigures.objects.get(area=area, kind=kind)
    return row
