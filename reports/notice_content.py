"""What a notice (通报) says, computed once when it is generated and kept with it as JSON: the
summary against the period before, the areas under the issuer and the handling units (each table
adds up to the summary, with what no area or unit holds in a row of its own), the problems overdue
at the period's end, and the typical cases (典型案例) with their story from the timeline.

Which figures mean what, as the notice labels them:
- period figures (收集, 解决, 办结 and their rates, 见面率): the problems collected in the period,
  their handling as it stood when the notice was made (`made_on`);
- at the period's end (期末在办, 期末超期): metrics.at_end_of_aggregates;
- as of the day the notice was made (帮扶率, 覆盖率): stock that has no past to recount.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from enterprises.models import Enterprise
from issues.models import OPEN_STATUSES, Ticket, TicketEvent
from issues.templatetags.tickets import event_label
from pairing.models import Campaign, Pairing
from reports import area_figures, metrics
from reports.periods import calendar_before

TICKET_FIELDS = tuple(metrics.TicketFigures.__dataclass_fields__)
STOCK_FIELDS = ("open", "overdue")
OVERDUE_LIST = 5000
CASES = 20

# The summary's rows: key, label, what it is counted on ("period", "end", "made").
SUMMARY = (
    ("collected", _("收集难题"), "period"),
    ("solved", _("已解决"), "period"),
    ("resolved", _("已办结"), "period"),
    ("resolution_rate", _("化解率"), "period"),
    ("completion_rate", _("办结率"), "period"),
    ("on_time_rate", _("按期办结率"), "period"),
    ("feedback_rate", _("反馈率"), "period"),
    ("satisfaction_rate", _("满意率"), "period"),
    ("meeting_rate", _("见面率"), "visits"),
    ("open", _("期末在办难题"), "end"),
    ("overdue", _("期末超期难题"), "end"),
    ("help_rate", _("帮扶率"), "made"),
    ("coverage_rate", _("结对覆盖率"), "made"),
)
RATE_KEYS = frozenset(key for key, _label, _basis in SUMMARY if key.endswith("_rate"))


def rates(counts: dict) -> dict:
    """A table row's counts with their rates (the rates of metrics.TicketFigures)."""
    figures = area_figures.ticket_figures(counts)
    return {
        **{f: counts.get(f, 0) for f in TICKET_FIELDS + STOCK_FIELDS},
        "resolution_rate": figures.resolution_rate,
        "completion_rate": figures.completion_rate,
    }


def _stock_key(name: str) -> str:
    return f"end_{name}"


def grouped(tickets, period: metrics.Period, by: str) -> dict:
    """Per value of `by`: the period's ticket counts and the stock at the period's end."""
    rows = (
        tickets.filter(created_at__lt=metrics.local_midnight(period.end + datetime.timedelta(1)))
        .order_by()
        .annotate(key=F(by))
        .values("key")
        .annotate(
            **metrics.ticket_aggregates(period.end, within=metrics.period_filter(period)),
            **metrics.at_end_of_aggregates(period.end, prefix="end_"),
        )
    )
    out = {}
    for row in rows:
        counts = {f: row[f] for f in TICKET_FIELDS}
        counts.update({f: row[_stock_key(f)] for f in STOCK_FIELDS})
        out[row["key"]] = counts
    return out


def add(into: Counter, counts: dict) -> None:
    for field, value in counts.items():
        into[field] += value or 0


def by_area(area: OrgUnit, per_town: dict) -> tuple[list[dict], dict | None]:
    """The areas directly under `area`, each the sum of its towns; and what lies in no area below
    (firms registered on the area itself), or None."""
    tree = area_figures.Tree(area)
    children = [u for u in tree.units.values() if u.parent_id == area.pk]
    sums = {child.pk: Counter() for child in children}
    rest = Counter()
    for town_id, counts in per_town.items():
        chain = tree.up.get(town_id, [])
        child = chain[1] if len(chain) > 1 else None
        add(sums.get(child, rest), counts)
    rows = [{"id": c.pk, "name": c.name, **rates(sums[c.pk])} for c in children]
    return rows, (rates(rest) if any(rest.values()) else None)


def by_unit(per_unit: dict) -> tuple[list[dict], dict | None]:
    """Handling units ranked as on the dashboard; the problems with no unit yet in their own row."""
    names = dict(
        OrgUnit.objects.filter(pk__in=[k for k in per_unit if k]).values_list("pk", "name")
    )
    rows = [
        {"id": unit_id, "name": names.get(unit_id, ""), **rates(counts)}
        for unit_id, counts in per_unit.items()
        if unit_id is not None
    ]
    rows.sort(key=lambda r: area_figures.unit_rank_key(area_figures.ticket_figures(r), r["name"]))
    rest = per_unit.get(None)
    return rows, (rates(rest) if rest else None)


def summary_values(figures, stock, meeting, helped, cover) -> dict:
    return {
        "collected": figures.collected,
        "solved": figures.solved,
        "resolved": figures.resolved,
        "resolution_rate": figures.resolution_rate,
        "completion_rate": figures.completion_rate,
        "on_time_rate": figures.on_time_rate,
        "feedback_rate": figures.feedback_rate,
        "satisfaction_rate": figures.satisfaction_rate,
        "meeting_rate": meeting.rate if meeting else None,
        "open": stock["open"],
        "overdue": stock["overdue"],
        "help_rate": helped.rate if helped else None,
        "coverage_rate": cover.rate if cover else None,
    }


def overdue_at_end(tickets, period: metrics.Period) -> list[dict]:
    """The problems open and past their due date at the period's end, the longest overdue first."""
    end = metrics.local_midnight(period.end + datetime.timedelta(days=1))
    rows = (
        tickets.filter(created_at__lt=end, due_date__lt=period.end)
        .exclude(resolved_at__lt=end)
        .order_by("due_date", "pk")
        .values("pk", "title", "enterprise__name", "owner_unit__name", "due_date", "status")
    )[:OVERDUE_LIST]
    return [
        {
            "id": r["pk"],
            "title": r["title"],
            "enterprise": r["enterprise__name"],
            "unit": r["owner_unit__name"] or "",
            "due_date": r["due_date"].isoformat(),
            "days": (period.end - r["due_date"]).days,
            "still_open": r["status"] in OPEN_STATUSES,
        }
        for r in rows
    ]


def typical_cases(tickets, period: metrics.Period) -> list[dict]:
    """Problems an organiser marked typical (reports.cases) that were collected or finished in the
    period, each with its story: the timeline of what was done, by whom, when."""
    within = metrics.period_filter(period) | metrics.period_filter(period, "resolved_at__date")
    cases = list(
        tickets.filter(within, is_model_case=True)
        .select_related("enterprise", "owner_unit")
        .order_by("-resolved_at", "pk")[:CASES]
    )
    events = TicketEvent.objects.filter(ticket__in=cases).select_related("actor")
    story: dict[int, list[dict]] = {case.pk: [] for case in cases}
    for event in events.order_by("ticket", "at", "id"):
        story[event.ticket_id].append(
            {
                "at": timezone.localtime(event.at).strftime("%Y-%m-%d"),
                "who": str(event.actor) if event.actor else "",
                "what": str(event_label(event)),
                "note": event.note,
            }
        )
    return [
        {
            "id": case.pk,
            "title": case.title,
            "enterprise": case.enterprise.name,
            "unit": case.owner_unit.name if case.owner_unit else "",
            "outcome": case.get_outcome_display(),
            "reply": case.reply,
            "story": story[case.pk],
        }
        for case in cases
    ]


def compute(
    area: OrgUnit,
    kind: str,
    period: metrics.Period,
    campaign: Campaign | None = None,
    made_on: datetime.date | None = None,
) -> dict:
    """Everything the notice shows, as plain numbers and text (JSON)."""
    made_on = made_on or timezone.localdate()
    before = calendar_before(kind, period)
    tickets = Ticket.objects.filter(enterprise__town__path__startswith=area.path)
    enterprises = Enterprise.objects.filter(town__path__startswith=area.path)
    paired = enterprises
    if campaign is not None:
        tickets = tickets.filter(campaign=campaign)
        in_campaign = Pairing.objects.active().filter(campaign=campaign).values("enterprise")
        paired = enterprises.filter(pk__in=in_campaign)
    figures = metrics.ticket_figures_by_period(
        tickets, {"now": period, "before": before}, period.end
    )
    stock = tickets.aggregate(
        **metrics.at_end_of_aggregates(period.end, prefix="now_"),
        **metrics.at_end_of_aggregates(before.end, prefix="before_"),
    )
    paired_firms = metrics.paired_count(paired)
    visited = metrics.visited_counts(paired, {"now": period, "before": before})
    helped = metrics.help_figures(enterprises)
    cover = metrics.coverage(enterprises, campaign.pk if campaign else None)
    summary = {
        "now": summary_values(
            figures["now"],
            {f: stock[f"now_{f}"] for f in STOCK_FIELDS},
            metrics.MeetingFigures(paired_firms, visited["now"]),
            helped,
            cover,
        ),
        "before": summary_values(
            figures["before"],
            {f: stock[f"before_{f}"] for f in STOCK_FIELDS},
            metrics.MeetingFigures(paired_firms, visited["before"]),
            None,
            None,
        ),
    }
    areas, areas_rest = by_area(area, grouped(tickets, period, "enterprise__town_id"))
    units, unassigned = by_unit(grouped(tickets, period, "owner_unit_id"))
    return {
        "version": 2,
        "made_on": made_on.isoformat(),
        "before_period": [before.start.isoformat(), before.end.isoformat()],
        "campaign": campaign.name if campaign else "",
        **summary,
        "areas": areas,
        "areas_rest": areas_rest,
        "units": units,
        "unassigned": unassigned,
        "overdue_list": overdue_at_end(tickets, period),
        "cases": typical_cases(tickets, period),
    }
