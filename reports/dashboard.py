"""The leader's dashboard: figures of the leader's area for a period against the one before,
trends, breakdowns, rankings and overdue tickets, and the rows behind each figure (drill-down).

Every number comes from reports.metrics; each part is one or two grouped queries, so the page
runs a fixed number of queries whatever the data's size."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from issues.models import OPEN_STATUSES, Category, Level, Rating, Ticket
from pairing.models import HelpPlan, Visit
from reports import metrics

PERIODS = {
    "week": _("本周"),
    "month": _("本月"),
    "quarter": _("本季度"),
    "year": _("本年"),
}


def period_for(kind: str, today: datetime.date) -> metrics.Period:
    """The current period up to today; the figures compare it with the span just before."""
    if kind == "week":
        start = today - datetime.timedelta(days=today.weekday())
    elif kind == "quarter":
        start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    elif kind == "year":
        start = datetime.date(today.year, 1, 1)
    else:
        start = today.replace(day=1)
    return metrics.Period(start, today)


@dataclass(frozen=True)
class Headline:
    key: str  # the drill-down's figure name
    label: str
    value: float | int | None
    before: float | int | None
    is_rate: bool = True
    target: float | None = None  # the 三个100% targets

    @property
    def change(self) -> float | None:
        if self.value is None or self.before is None:
            return None
        return self.value - self.before


def headlines(now, before, meet_now, meet_before, helped, cover) -> list[Headline]:
    return [
        Headline("collected", _("收集难题"), now.collected, before.collected, is_rate=False),
        Headline("solved", _("化解率"), now.resolution_rate, before.resolution_rate),
        Headline("resolved", _("办结率"), now.completion_rate, before.completion_rate),
        Headline("late", _("按期办结率"), now.on_time_rate, before.on_time_rate),
        Headline("unvisited", _("见面率"), meet_now.rate, meet_before.rate, target=1.0),
        Headline("unreplied", _("反馈率"), now.feedback_rate, before.feedback_rate, target=1.0),
        Headline(
            "unsatisfied", _("满意率"), now.satisfaction_rate, before.satisfaction_rate, target=1.0
        ),
        Headline("no_plan", _("帮扶率"), helped.rate, None),
        Headline("uncovered", _("结对覆盖率"), cover.rate, None),
    ]


def monthly_trend(tickets: QuerySet[Ticket], visits: QuerySet[Visit], today, months=12):
    """Collected and solved tickets, and visits, per month over the last `months` months."""
    first = (today.replace(day=1) - datetime.timedelta(days=31 * (months - 1))).replace(day=1)
    per_month = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row
        for row in tickets.filter(created_at__date__gte=first)
        .order_by()
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            collected=Count("pk"),
            solved=Count("pk", filter=Q(status__in=metrics.RESOLVED_STATUSES, outcome="solved")),
        )
    }
    visits_per_month = {
        row["month"]: row["n"]
        for row in visits.filter(date__gte=first)
        .order_by()
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(n=Count("pk"))
    }
    rows, month = [], first
    while month <= today:
        found = per_month.get(month, {})
        rows.append(
            {
                "month": month.strftime("%Y-%m"),
                "collected": found.get("collected", 0),
                "solved": found.get("solved", 0),
                "visits": visits_per_month.get(month, 0),
            }
        )
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return rows


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
    ranked.sort(key=lambda r: (-(r["f"].resolution_rate or 0), r["f"].overdue, r["name"]))
    return ranked


def cadre_ranking(visits: QuerySet[Visit], limit=10) -> list[dict]:
    """Cadres by visits in the period (and firms visited)."""
    return list(
        visits.order_by()
        .values("cadre", "cadre__user__display_name", "cadre__unit__name")
        .annotate(visits=Count("pk"), firms=Count("enterprise", distinct=True))
        .order_by("-visits", "cadre")[:limit]
    )


def named(rows, choices) -> list[tuple[str, object, metrics.TicketFigures]]:
    labels = dict(choices)
    return [(key, labels.get(key, key), figures) for key, figures in rows]


def build(user, kind: str, today: datetime.date) -> dict:
    area = user.jurisdiction_unit
    period = period_for(kind, today)
    enterprises = Enterprise.objects.visible_to(user)
    tickets = Ticket.objects.visible_to(user)
    visits = Visit.objects.visible_to(user).filter(date__gte=period.start, date__lte=period.end)
    in_now = metrics.in_period(tickets, period)
    by_period = metrics.ticket_figures_by_period(
        tickets, {"now": period, "before": period.previous()}, today
    )
    now, before = by_period["now"], by_period["before"]
    firms = metrics.enterprise_figures(enterprises, period, period.previous())
    return {
        "area": area,
        "kind": kind,
        "periods": PERIODS,
        "period": period,
        "headlines": headlines(
            now, before, firms.meeting, firms.previous_meeting, firms.helped, firms.coverage
        ),
        "now": now,
        "current": metrics.ticket_figures(tickets, today),
        "average_days": metrics.average_working_days_to_resolve(in_now),
        "trend": monthly_trend(tickets, Visit.objects.visible_to(user), today),
        "by_category": named(metrics.ticket_breakdown(in_now, "category", today), Category.choices),
        "by_level": named(metrics.ticket_breakdown(in_now, "level", today), Level.choices),
        "units": unit_ranking(in_now, today)[:20],
        "cadres": cadre_ranking(visits),
        "overdue": tickets.filter(status__in=OPEN_STATUSES, due_date__lt=today)
        .select_related("enterprise", "owner_unit")
        .order_by("due_date")[:20],
    }


# The rows behind each figure: (what they are, how to filter them).
TICKET_ROWS = {
    "collected": Q(),
    "solved": Q(status__in=metrics.RESOLVED_STATUSES, outcome="solved"),
    "resolved": Q(status__in=metrics.RESOLVED_STATUSES),
    "open": Q(status__in=OPEN_STATUSES),
    "unreplied": Q(status__in=metrics.RESOLVED_STATUSES, replied_at__isnull=True),
    "unsatisfied": Q(rating=Rating.UNSATISFIED),
}


def ticket_rows(user, figure, period, today, filters: dict) -> QuerySet[Ticket] | None:
    tickets = Ticket.objects.visible_to(user)
    if figure == "overdue":
        rows = tickets.filter(status__in=OPEN_STATUSES, due_date__lt=today)
    elif figure == "late":
        rows = metrics.in_period(tickets, period).filter(
            status__in=metrics.RESOLVED_STATUSES,
            due_date__isnull=False,
            resolved_at__date__gt=F("due_date"),
        )
    elif figure in TICKET_ROWS:
        rows = metrics.in_period(tickets, period).filter(TICKET_ROWS[figure])
    else:
        return None
    for field in ("category", "level", "owner_unit"):
        if filters.get(field):
            rows = rows.filter(**{field: filters[field]})
    return rows.select_related("enterprise", "owner_unit").order_by("-created_at")


def enterprise_rows(user, figure, period) -> QuerySet[Enterprise] | None:
    enterprises = Enterprise.objects.visible_to(user)
    if figure == "unvisited":
        rows = enterprises.filter(metrics.actively_paired()).exclude(metrics.visited_in(period))
    elif figure == "uncovered":
        rows = enterprises.exclude(metrics.actively_paired())
    elif figure == "no_plan":
        rows = enterprises.filter(metrics.STRUGGLING).exclude(
            pk__in=HelpPlan.objects.values("enterprise_id")
        )
    else:
        return None
    return rows.select_related("town").order_by("town__path", "name")
