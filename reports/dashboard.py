"""The leader's dashboard: figures of the leader's area for a period against the one before,
trends, breakdowns, rankings and overdue tickets, and the rows behind each figure (drill-down).

The page reads its area's figures computed ahead (reports.area_figures, counted with
reports.metrics's definitions), so it runs a few queries whatever the data's size; the rows behind
a figure are read live."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from issues.models import Category, Level, Ticket
from reports import area_figures, metrics
from reports.models import FigureSnapshot
from reports.periods import PERIODS, period_for


@dataclass(frozen=True)
class Headline:
    key: str  # the drill-down's figure name
    label: str
    value: float | int | None
    before: float | int | None
    rows: int  # how many rows its drill-down lists (for a rate: the part it names)
    rows_label: str  # those rows in words, shown under the figure
    is_rate: bool = True
    target: float | None = None  # the 三个100% targets

    @property
    def change(self) -> float | None:
        if self.value is None or self.before is None:
            return None
        return self.value - self.before


def headlines(now, before, meet_now, meet_before, helped, cover) -> list[Headline]:
    """The tiles: each figure with the number of rows its drill-down opens."""
    late = now.resolved_with_due - now.on_time
    return [
        Headline(
            "collected",
            _("收集难题"),
            now.collected,
            before.collected,
            now.collected,
            _("件"),
            is_rate=False,
        ),
        Headline(
            "solved",
            _("化解率"),
            now.resolution_rate,
            before.resolution_rate,
            now.solved,
            _("已解决"),
        ),
        Headline(
            "resolved",
            _("办结率"),
            now.completion_rate,
            before.completion_rate,
            now.resolved,
            _("已办结"),
        ),
        Headline(
            "late", _("按期办结率"), now.on_time_rate, before.on_time_rate, late, _("超期办结")
        ),
        Headline(
            "unvisited",
            _("见面率"),
            meet_now.rate,
            meet_before.rate,
            meet_now.paired - meet_now.visited,
            _("未见面企业"),
            target=1.0,
        ),
        Headline(
            "unreplied",
            _("反馈率"),
            now.feedback_rate,
            before.feedback_rate,
            now.resolved - now.replied,
            _("未答复"),
            target=1.0,
        ),
        Headline(
            "unsatisfied",
            _("满意率"),
            now.satisfaction_rate,
            before.satisfaction_rate,
            now.rated - now.satisfied,
            _("不满意"),
            target=1.0,
        ),
        Headline(
            "no_plan",
            _("帮扶率"),
            helped.rate,
            None,
            helped.struggling - helped.with_plan,
            _("当前无帮扶计划企业"),
        ),
        Headline(
            "uncovered",
            _("结对覆盖率"),
            cover.rate,
            None,
            cover.enterprises - cover.paired,
            _("当前未结对企业"),
        ),
    ]


def unit_ranking(tickets: QuerySet[Ticket], today) -> list[dict]:
    """Handling units by 化解率 (then fewer overdue), with their counts."""
    rows = (
        tickets.filter(owner_unit__isnull=False)
        .order_by()
        .values("owner_unit", "owner_unit__name")
        .annotate(**metrics.ticket_aggregates(today))
    )
    ranked = []
    for row in rows:
        figures = metrics.TicketFigures(
            **{k: row[k] for k in metrics.TicketFigures.__dataclass_fields__}
        )
        ranked.append({"id": row["owner_unit"], "name": row["owner_unit__name"], "f": figures})
    ranked.sort(key=lambda r: area_figures.unit_rank_key(r["f"], r["name"]))
    return ranked


def named(rows, choices) -> list[tuple[str, object, metrics.TicketFigures]]:
    labels = dict(choices)
    return [(key, labels.get(key, key), metrics.TicketFigures(**counts)) for key, counts in rows]


def build(area, kind: str, today: datetime.date) -> dict:
    """The dashboard of `area` (the leader's or one under it, reports.drill.area_for), from its
    figures computed ahead (area_figures)."""
    stored = area_figures.figures_for(area, kind, today)
    data = stored.data
    now = metrics.TicketFigures(**data["now"])
    before = metrics.TicketFigures(**data["before"])
    paired = data["paired"]
    total_days, resolved = data["days"]
    return {
        "area": area,
        "kind": kind,
        "periods": PERIODS,
        "period_name": PERIODS[kind],
        "period": period_for(kind, today),
        "computed_at": stored.computed_at,
        "headlines": headlines(
            now,
            before,
            metrics.MeetingFigures(paired, data["visited_now"]),
            metrics.MeetingFigures(paired, data["visited_before"]),
            metrics.HelpFigures(data["struggling"], data["with_plan"]),
            metrics.Coverage(data["enterprises"], paired),
        ),
        "now": now,
        "enterprises": data["enterprises"],
        "current": metrics.TicketFigures(**data["current"]),
        "average_days": total_days / resolved if resolved else None,
        "trend": with_month_ends(area, data["trend"]),
        "by_category": named(data["by_category"], Category.choices),
        "by_level": named(data["by_level"], Level.choices),
        "by_campaign": [
            (key, name, metrics.TicketFigures(**counts))
            for key, name, counts in data["by_campaign"]
        ],
        "units": [
            {"id": u["id"], "name": u["name"], "f": area_figures.ticket_figures(u)}
            for u in data["units"]
        ],
        "cadres": data["cadres"],
        "rows": [
            AreaRow(
                id=row["id"],
                name=row["name"],
                enterprises=row["enterprises"],
                paired=row["paired"],
                current=row["current"],
                now=area_figures.ticket_figures(row["now"]),
            )
            for row in data["children"]
        ],
        "overdue": [
            {**t, "due_date": datetime.date.fromisoformat(t["due_date"])} for t in data["overdue"]
        ],
    }


MONTH_END_FIGURES = ("open", "overdue")


def with_month_ends(area, trend: list[dict]) -> list[dict]:
    """The trend's months with the open and overdue tickets at each month's end, as the nightly
    snapshots recorded them (the past's open count cannot be recounted today); None for a month
    with no snapshot."""
    if not trend:
        return trend
    first = datetime.date.fromisoformat(trend[0]["month"] + "-01")
    last_of_month: dict[tuple[str, str], float] = {}
    for day, name, value in (
        FigureSnapshot.objects.filter(area=area, name__in=MONTH_END_FIGURES, date__gte=first)
        .order_by("date")
        .values_list("date", "name", "value")
    ):
        last_of_month[(day.strftime("%Y-%m"), name)] = value  # the month's latest wins
    return [
        {**row, **{name: last_of_month.get((row["month"], name)) for name in MONTH_END_FIGURES}}
        for row in trend
    ]


@dataclass(frozen=True)
class AreaRow:
    """A row of the areas directly below the shown one: the period's ticket figures (which add
    up to the headline) beside its stock as of now (enterprises, coverage, open and overdue)."""

    id: int
    name: str
    enterprises: int
    paired: int
    current: dict
    now: metrics.TicketFigures

    @property
    def coverage_rate(self):
        return metrics.Coverage(self.enterprises, self.paired).rate
