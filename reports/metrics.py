"""The one definition of each figure leaders steer by (DESIGN.md, "Figures"; issue 7).

Every function takes querysets already scoped by `visible_to` (and filtered by period, campaign or
area as the caller needs, see `in_period`) and computes in the database with aggregates, never by
looping over rows. Rates are fractions in [0, 1], or None when the denominator is zero (a rate of
nothing is unknown, not 0% or 100%). A reopened ticket is one row, so it is counted once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from enterprises.models import Enterprise, Tag
from issues.models import OPEN_STATUSES, Outcome, RatedBy, Rating, Status, Ticket
from issues.workdays import WorkCalendar, WorkdayIndex
from pairing.models import Campaign, CoverageTarget, HelpPlan, Pairing, Visit

RESOLVED_STATUSES = (Status.RESOLVED, Status.CLOSED)


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Period:
    """[start, end] in local dates."""

    start: datetime.date
    end: datetime.date

    def previous(self) -> Period:
        length = self.end - self.start
        end = self.start - datetime.timedelta(days=1)
        return Period(end - length, end)


def in_period(tickets: QuerySet[Ticket], period: Period | None) -> QuerySet[Ticket]:
    """Tickets collected (registered) in the period: the population every ticket figure of a
    period is computed on."""
    if period is None:
        return tickets
    return tickets.filter(period_filter(period))


@dataclass(frozen=True)
class TicketFigures:
    collected: int
    resolved: int
    solved: int
    open: int
    overdue: int
    resolved_with_due: int = 0
    on_time: int = 0
    replied: int = 0
    rated: int = 0
    satisfied: int = 0

    @property
    def resolution_rate(self) -> float | None:
        """化解率 = solved / collected: tickets whose outcome is 已解决, over all tickets raised."""
        return rate(self.solved, self.collected)

    @property
    def completion_rate(self) -> float | None:
        """办结率 = resolved / collected: tickets finished with any outcome (solved, replied with
        reasons, deferred) and a reply, i.e. status resolved or closed, over all tickets raised."""
        return rate(self.resolved, self.collected)

    @property
    def on_time_rate(self) -> float | None:
        """按期办结率 = resolved on or before their deadline / resolved tickets that had one."""
        return rate(self.on_time, self.resolved_with_due)

    @property
    def feedback_rate(self) -> float | None:
        """反馈率 = resolved tickets whose reply reached the firm (replied_at set) / resolved."""
        return rate(self.replied, self.resolved)

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率 = (满意 + 基本满意) / rated tickets (满意, 基本满意, 不满意)."""
        return rate(self.satisfied, self.rated)


def ticket_aggregates(
    today: datetime.date | None = None, *, within: Q | None = None, prefix: str = ""
) -> dict:
    """The aggregate expressions behind TicketFigures, for `.aggregate()` or `.annotate()`.
    Overdue = open with a due date before today. Ratings count wherever the firm gave one (a
    ticket reopened after 不满意 keeps its rating until the next). `within` narrows every count
    (e.g. to a period) and `prefix` names them, so several populations share one query."""
    today = today or timezone.localdate()
    base = within or Q()
    resolved = Q(status__in=RESOLVED_STATUSES)
    open_ = Q(status__in=OPEN_STATUSES)
    with_due = resolved & Q(due_date__isnull=False, resolved_at__isnull=False)
    filters = {
        "collected": Q(),
        "resolved": resolved,
        "solved": resolved & Q(outcome=Outcome.SOLVED),
        "open": open_,
        "overdue": open_ & Q(due_date__lt=today),
        "resolved_with_due": with_due,
        "on_time": with_due & Q(resolved_at__date__lte=F("due_date")),
        "replied": resolved & Q(replied_at__isnull=False),
        "rated": ~Q(rating=""),
        "satisfied": Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY]),
    }
    return {
        prefix + name: Count("pk", filter=(base & q) if (base or q) else None)
        for name, q in filters.items()
    }


def at_end_of_aggregates(day: datetime.date, *, prefix: str = "") -> dict:
    """在办 and 超期 as they stood at the end of `day` (a notice's figures as of its period's
    end): tickets registered by then and not finished by then (resolved_at after it, or none), and
    of those the ones past their due date. Reopening clears resolved_at, so a ticket finished then
    and reopened since counts as open; the nightly snapshots (FigureSnapshot) keep the exact count
    of each night."""
    end = local_midnight(day + datetime.timedelta(days=1))
    open_then = Q(created_at__lt=end) & ~Q(resolved_at__lt=end)
    return {
        f"{prefix}open": Count("pk", filter=open_then),
        f"{prefix}overdue": Count("pk", filter=open_then & Q(due_date__lt=day)),
    }


def period_filter(period: Period, field: str = "created_at__date") -> Q:
    """`field` within the period. For the local date of a timestamp ("created_at__date") the
    bounds are local midnights instead: the same rows, but the database compares the column
    itself, so its statistics and indexes serve (casting every row to a local date made the
    planner expect 0.6% of the tickets where a year held them all, and join them row by row)."""
    if field.endswith("__date"):
        column = field.removesuffix("__date")
        return Q(**{f"{column}__gte": local_midnight(period.start)}) & Q(
            **{f"{column}__lt": local_midnight(period.end + datetime.timedelta(days=1))}
        )
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The first instant of `day` in the current time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def ticket_figures_by_period(
    tickets: QuerySet[Ticket], periods: dict[str, Period], today: datetime.date | None = None
) -> dict[str, TicketFigures]:
    """Figures of the tickets collected in each named period, in one query."""
    aggregates = {}
    for name, period in periods.items():
        aggregates |= ticket_aggregates(today, within=period_filter(period), prefix=f"{name}_")
    row = tickets.aggregate(**aggregates)
    fields = TicketFigures.__dataclass_fields__
    return {name: TicketFigures(**{k: row[f"{name}_{k}"] for k in fields}) for name in periods}


def ticket_figures(tickets: QuerySet[Ticket], today: datetime.date | None = None) -> TicketFigures:
    return TicketFigures(**tickets.aggregate(**ticket_aggregates(today)))


def ratings_by_rater(
    tickets: QuerySet[Ticket], today: datetime.date | None = None
) -> dict[str, TicketFigures]:
    """The figures of the rated tickets by who gave the rating: "firm" (the firm itself, in the
    portal) and "on_behalf" (a cadre recording it for the firm), in one grouped query, so 满意率
    can be read for the firms' own voice apart from what cadres recorded."""
    empty = TicketFigures(collected=0, resolved=0, solved=0, open=0, overdue=0)
    split = {value: empty for value in RatedBy.values}
    split.update(ticket_breakdown(tickets.exclude(rated_by=""), "rated_by", today))
    return split


def ticket_breakdown(
    tickets: QuerySet[Ticket], by: str, today: datetime.date | None = None
) -> list[tuple[object, TicketFigures]]:
    """(value of `by`, its figures) for each value: by "category", "level", "owner_unit",
    "enterprise__town", "campaign" … in one grouped query."""
    rows = tickets.order_by().values(by).annotate(**ticket_aggregates(today)).order_by(by)
    fields = TicketFigures.__dataclass_fields__
    return [(row[by], TicketFigures(**{k: row[k] for k in fields})) for row in rows]


def average_working_days_to_resolve(tickets: QuerySet[Ticket]) -> float | None:
    """平均办理用时 = the mean of working days from registration to resolution over resolved
    tickets. The database groups them by (registered, resolved) date; the calendar turns each
    pair of dates into working days."""
    pairs = list(
        tickets.filter(status__in=RESOLVED_STATUSES, resolved_at__isnull=False)
        .order_by()
        .annotate(opened=TruncDate("created_at"), closed=TruncDate("resolved_at"))
        .values("opened", "closed")
        .annotate(n=Count("pk"))
        .values_list("opened", "closed", "n")
    )
    if not pairs:
        return None
    first = min(min(o, c) for o, c, _n in pairs)
    last = max(max(o, c) for o, c, _n in pairs)
    index = WorkdayIndex(WorkCalendar.load(first, last))
    total = sum(max(index.between(o, c), 0) * n for o, c, n in pairs)
    return total / sum(n for _o, _c, n in pairs)


def actively_paired(campaign_id: int | None = None) -> Exists:
    """An expression for 'this enterprise has an active pairing' (in the campaign, if given)."""
    pairings = Pairing.objects.active().filter(enterprise=OuterRef("pk"))
    if campaign_id is not None:
        pairings = pairings.filter(campaign_id=campaign_id)
    return Exists(pairings)


@dataclass(frozen=True)
class Coverage:
    enterprises: int
    paired: int

    @property
    def rate(self) -> float | None:
        """覆盖率 = enterprises with an active pairing / enterprises."""
        return rate(self.paired, self.enterprises)


def coverage(enterprises: QuerySet, campaign_id: int | None = None) -> Coverage:
    figures = enterprises.aggregate(
        enterprises=Count("pk"), paired=Count("pk", filter=actively_paired(campaign_id))
    )
    return Coverage(**figures)


@dataclass(frozen=True)
class MeetingFigures:
    paired: int
    visited: int

    @property
    def rate(self) -> float | None:
        """见面率 = paired enterprises visited in the period / paired enterprises."""
        return rate(self.visited, self.paired)


def visited_in(period: Period) -> Exists:
    return Exists(
        Visit.objects.filter(
            enterprise=OuterRef("pk"), date__gte=period.start, date__lte=period.end
        )
    )


# Whole-area counts go through the pairing and visit tables (distinct enterprises) rather than
# an EXISTS per enterprise: on 15,000 firms 47 ms against 137 ms, and the gap grows with size.


def paired_count(enterprises: QuerySet[Enterprise]) -> int:
    """Enterprises with an active pairing."""
    return (
        Pairing.objects.active()
        .filter(enterprise__in=enterprises.values("pk"))
        .values("enterprise")
        .distinct()
        .count()
    )


def visited_counts(enterprises: QuerySet[Enterprise], periods: dict[str, Period]) -> dict:
    """For each named period, the paired enterprises visited in it (one query)."""
    first = min(p.start for p in periods.values())
    last = max(p.end for p in periods.values())
    row = (
        Visit.objects.filter(date__gte=first, date__lte=last)
        .filter(enterprise__in=enterprises.values("pk"))
        .filter(enterprise__in=Pairing.objects.active().values("enterprise"))
        .aggregate(
            **{
                name: Count(
                    "enterprise",
                    distinct=True,
                    filter=Q(date__gte=period.start, date__lte=period.end),
                )
                for name, period in periods.items()
            }
        )
    )
    return {name: row[name] or 0 for name in periods}


def meeting_figures(enterprises: QuerySet[Enterprise], period: Period) -> MeetingFigures:
    return MeetingFigures(
        paired_count(enterprises), visited_counts(enterprises, {"now": period})["now"]
    )


@dataclass(frozen=True)
class HelpFigures:
    struggling: int
    with_plan: int

    @property
    def rate(self) -> float | None:
        """帮扶率 = reduced or stopped enterprises with a help plan / reduced or stopped."""
        return rate(self.with_plan, self.struggling)


STRUGGLING = Q(
    production_status__in=[Enterprise.ProductionStatus.REDUCED, Enterprise.ProductionStatus.STOPPED]
)


def help_figures(enterprises: QuerySet[Enterprise]) -> HelpFigures:
    struggling = enterprises.filter(STRUGGLING)
    return HelpFigures(
        struggling=struggling.count(),
        with_plan=HelpPlan.objects.filter(enterprise__in=struggling.values("pk"))
        .values("enterprise")
        .distinct()
        .count(),
    )


@dataclass(frozen=True)
class EnterpriseFigures:
    meeting: MeetingFigures
    previous_meeting: MeetingFigures
    helped: HelpFigures
    coverage: Coverage


def enterprise_figures(
    enterprises: QuerySet[Enterprise], period: Period, previous: Period
) -> EnterpriseFigures:
    """见面率 now and before, 帮扶率 and coverage (five queries, none an EXISTS per firm)."""
    counts = enterprises.aggregate(n=Count("pk"))
    paired = paired_count(enterprises)
    visited = visited_counts(enterprises, {"now": period, "before": previous})
    return EnterpriseFigures(
        MeetingFigures(paired, visited["now"]),
        MeetingFigures(paired, visited["before"]),
        help_figures(enterprises),
        Coverage(counts["n"], paired),
    )


# Coverage of a campaign's scope by tag, town, batch and group (the campaign's coverage page).
# Every function takes the same filters: `batch` and `group` count only the pairings made in that
# batch or carrying that group (a firm is covered "in the batch" when one of them pairs it).


def campaign_pairings(
    campaign: Campaign, path: str, *, batch: int | None = None, group: int | None = None
) -> QuerySet[Pairing]:
    """The campaign's active pairings of firms under `path`, in the batch and group if given."""
    return (
        Pairing.objects.active()
        .filter(campaign=campaign, enterprise__town__path__startswith=path)
        .in_batch_and_group(batch, group)
    )


@dataclass
class CoverageRow:
    label: str
    enterprises: int
    paired: int
    target_percent: int | None = None
    target_count: int | None = None
    tag_id: int | None = None
    town_id: int | None = None
    key: int | None = None  # the batch, group or target the row is about

    # The rules live in module functions below: mutation testing does not reach properties.
    @property
    def uncovered(self) -> int:
        return self.enterprises - self.paired

    @property
    def percent(self) -> float | None:
        return coverage_percent(self.paired, self.enterprises)

    @property
    def has_target(self) -> bool:
        return self.target_percent is not None or self.target_count is not None

    @property
    def met(self) -> bool:
        return target_met(self)

    @property
    def short_of_target(self) -> bool:
        return self.has_target and not self.met


def coverage_percent(paired: int, enterprises: int) -> float | None:
    return 100 * paired / enterprises if enterprises else None


def target_met(row: CoverageRow) -> bool:
    """达标: the paired firms reach the target's count, or its share of the firms."""
    if row.target_count is not None:
        return row.paired >= row.target_count
    if row.target_percent is not None:
        return row.percent is not None and row.percent >= row.target_percent
    return False


def coverage_by_tag(
    campaign: Campaign, path: str, *, batch: int | None = None, group: int | None = None
) -> list[CoverageRow]:
    """覆盖率 per tag against the campaign's target: for each tag (targets first), the firms under
    `path` (pairing.selectors.scope_path: the area within the campaign's scope), the paired ones
    (an active pairing in the campaign, in the batch and group if given), and the target.
    Two grouped counts (firms per tag; paired firms per tag, through the pairings), never a test
    per firm: at 300,000 firms a per-firm subquery ran for minutes, these for about a second."""
    targets = {
        t["tag_id"]: t
        for t in campaign.coverage_targets.filter(tag__isnull=False).values(
            "tag_id", "target_percent", "target_count"
        )
    }
    totals = dict(
        Enterprise.tags.through.objects.filter(enterprise__town__path__startswith=path)
        .values("tag_id")
        .annotate(n=Count("pk"))
        .values_list("tag_id", "n")
    )
    paired = dict(
        campaign_pairings(campaign, path, batch=batch, group=group)
        .values("enterprise__tags")
        .annotate(n=Count("enterprise", distinct=True))
        .values_list("enterprise__tags", "n")
    )
    rows = []
    for tag in Tag.objects.order_by("pk"):
        target = targets.get(tag.pk, {})
        if target or totals.get(tag.pk):
            rows.append(
                CoverageRow(
                    label=tag.name,
                    enterprises=totals.get(tag.pk, 0),
                    paired=paired.get(tag.pk, 0),
                    target_percent=target.get("target_percent"),
                    target_count=target.get("target_count"),
                    tag_id=tag.pk,
                )
            )
    rows.sort(key=lambda r: not r.has_target)
    return rows


def coverage_of_lists(
    campaign: Campaign, path: str, *, batch: int | None = None, group: int | None = None
) -> list[CoverageRow]:
    """The hand-picked targets (key projects, a park's firms): their listed firms under `path`
    and how many of them are paired (two grouped counts over the lists, whatever their number)."""
    through = CoverageTarget.enterprises.through.objects.filter(
        coveragetarget__campaign=campaign, enterprise__town__path__startswith=path
    )
    totals = dict(
        through.values("coveragetarget_id")
        .annotate(n=Count("pk"))
        .values_list("coveragetarget_id", "n")
    )
    paired = dict(
        through.filter(
            enterprise_id__in=campaign_pairings(campaign, path, batch=batch, group=group).values(
                "enterprise_id"
            )
        )
        .values("coveragetarget_id")
        .annotate(n=Count("pk"))
        .values_list("coveragetarget_id", "n")
    )
    return [
        CoverageRow(
            label=t.name,
            enterprises=totals.get(t.pk, 0),
            paired=paired.get(t.pk, 0),
            target_percent=t.target_percent,
            target_count=t.target_count,
            key=t.pk,
        )
        for t in campaign.coverage_targets.filter(tag__isnull=True).order_by("pk")
    ]


def coverage_by_town(
    campaign: Campaign, path: str, *, batch: int | None = None, group: int | None = None
) -> list[CoverageRow]:
    """Firms per town, and paired firms per town through the pairings (two grouped counts)."""
    paired = dict(
        campaign_pairings(campaign, path, batch=batch, group=group)
        .values("enterprise__town_id")
        .annotate(n=Count("enterprise", distinct=True))
        .values_list("enterprise__town_id", "n")
    )
    rows = (
        Enterprise.objects.filter(town__path__startswith=path)
        .values("town_id", "town__name")
        .annotate(n=Count("pk"))
        .order_by("town__path")
    )
    return [
        CoverageRow(
            label=row["town__name"],
            enterprises=row["n"],
            paired=paired.get(row["town_id"], 0),
            town_id=row["town_id"],
        )
        for row in rows
    ]


def coverage_by_batch(
    campaign: Campaign, path: str, enterprises: int, *, group: int | None = None
) -> list[CoverageRow]:
    """Per batch of the campaign, the firms under `path` it paired (of `enterprises`, the firms
    under the path): one grouped count."""
    paired = dict(
        campaign_pairings(campaign, path, group=group)
        .values("batch_id")
        .annotate(n=Count("enterprise", distinct=True))
        .values_list("batch_id", "n")
    )
    rows = [
        CoverageRow(label=b.name, enterprises=enterprises, paired=paired.get(b.pk, 0), key=b.pk)
        for b in campaign.batches.order_by("start", "pk")
    ]
    if paired.get(None):
        rows.append(CoverageRow(label="", enterprises=enterprises, paired=paired[None]))
    return rows


def coverage_by_group(
    campaign: Campaign, path: str, enterprises: int, *, batch: int | None = None
) -> list[CoverageRow]:
    """Per service group, the firms under `path` its pairings cover: one grouped count."""
    paired = dict(
        campaign_pairings(campaign, path, batch=batch)
        .values("group_id")
        .annotate(n=Count("enterprise", distinct=True))
        .values_list("group_id", "n")
    )
    return [
        CoverageRow(label=g.name, enterprises=enterprises, paired=paired.get(g.pk, 0), key=g.pk)
        for g in campaign.groups.order_by("pk")
    ]


def coverage_total(by_town: list[CoverageRow]) -> CoverageRow:
    """The area's total: the sum of its towns' rows (every enterprise lies in one town)."""
    return CoverageRow(
        label="",
        enterprises=sum(r.enterprises for r in by_town),
        paired=sum(r.paired for r in by_town),
    )
