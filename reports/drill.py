"""The leader's drill-down: which area a leader may open (their own or one under it), the
breadcrumb back up, and the rows behind each figure of the dashboard, each set named in words.

A figure and its rows are always the same set: the dashboard's count for a figure is the number
of rows this module returns for it (tests/test_dashboard_drill.py follows every link to check)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import OrgUnit
from enterprises.models import Enterprise
from issues.models import OPEN_STATUSES, Category, Level, Rating, Ticket
from pairing.models import Campaign, HelpPlan
from pairing.replica import reading
from reports import metrics


def area_for(user, raw_id: str | None) -> OrgUnit:
    """The area a leader asked for: their own jurisdiction, or an area under it; 404 for anything
    else (a sibling town, a unit above, a department, a forged id)."""
    own = user.jurisdiction_unit
    if not raw_id or raw_id == str(own.pk):
        return own
    if not raw_id.isdigit() or len(raw_id) > 18:  # a forged or absurd id: no such area
        raise Http404
    area = (
        OrgUnit.objects.under(own)
        .filter(pk=int(raw_id), kind__in=OrgUnit.AREA_KINDS)
        .exclude(pk=own.pk)
        .first()
    )
    if area is None:
        raise Http404
    return area


def breadcrumb(user, area: OrgUnit) -> list[OrgUnit]:
    """The areas from the leader's own down to `area`, in order (one query)."""
    own = user.jurisdiction_unit
    if area.pk == own.pk:
        return [own]
    parts = area.path.strip("/").split("/")
    prefixes = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    above = OrgUnit.objects.filter(path__in=prefixes, path__startswith=own.path)
    return list(above.order_by("path"))


@dataclass(frozen=True)
class RowsFigure:
    """What the rows behind a figure are: tickets or enterprises, counted in the period or as of
    now (stock), and their name in words ({period} is the chosen period's name)."""

    title: str
    tickets: bool = True
    in_period: bool = True


FIGURES = {
    "collected": RowsFigure(gettext_lazy("{period}收集的难题")),
    "solved": RowsFigure(gettext_lazy("{period}收集、已解决的难题")),
    "resolved": RowsFigure(gettext_lazy("{period}收集、已办结的难题")),
    "late": RowsFigure(gettext_lazy("{period}收集、超过期限办结的难题")),
    "unreplied": RowsFigure(gettext_lazy("{period}收集、办结后未答复企业的难题")),
    "unsatisfied": RowsFigure(gettext_lazy("{period}收集、企业评价不满意的难题")),
    "collected_overdue": RowsFigure(gettext_lazy("{period}收集、当前已超期的难题")),
    "open": RowsFigure(gettext_lazy("当前在办的全部难题"), in_period=False),
    "overdue": RowsFigure(gettext_lazy("当前超期的全部难题"), in_period=False),
    "unvisited": RowsFigure(gettext_lazy("{period}未走访见面的结对企业"), tickets=False),
    "uncovered": RowsFigure(gettext_lazy("当前未结对的企业"), tickets=False, in_period=False),
    "no_plan": RowsFigure(
        gettext_lazy("当前减产、停产且没有帮扶计划的企业"), tickets=False, in_period=False
    ),
    "enterprises": RowsFigure(gettext_lazy("全部企业"), tickets=False, in_period=False),
}

# What the rows behind a ticket figure may be narrowed by (the breakdown a leader clicked).
TICKET_FILTERS = ("category", "level", "owner_unit", "campaign")
ID_FILTERS = ("level", "owner_unit", "campaign")

_OPEN = Q(status__in=OPEN_STATUSES)
_RESOLVED = Q(status__in=metrics.RESOLVED_STATUSES)
TICKET_ROWS = {
    "collected": Q(),
    "solved": _RESOLVED & Q(outcome="solved"),
    "resolved": _RESOLVED,
    "late": _RESOLVED & Q(due_date__isnull=False, resolved_at__date__gt=F("due_date")),
    "unreplied": _RESOLVED & Q(replied_at__isnull=True),
    "unsatisfied": Q(rating=Rating.UNSATISFIED),
    "open": _OPEN,
}


def ticket_rows(
    user, area: OrgUnit, figure: str, period, today: datetime.date, filters: dict
) -> QuerySet[Ticket] | None:
    """The tickets behind `figure` in `area`, narrowed by the clicked breakdown; None for an
    unknown figure or a forged filter."""
    spec = FIGURES.get(figure)
    if spec is None or not spec.tickets:
        return None
    rows = Ticket.objects.visible_to(user).filter(enterprise__town__path__startswith=area.path)
    if spec.in_period:
        rows = metrics.in_period(rows, period)
    if figure in ("overdue", "collected_overdue"):
        rows = rows.filter(_OPEN, due_date__lt=today)
    else:
        rows = rows.filter(TICKET_ROWS[figure])
    for field in TICKET_FILTERS:
        value = filters.get(field)
        if value:
            if field in ID_FILTERS and not value.isdigit():
                return None  # a forged link: no such rows
            rows = rows.filter(**{field: value})
    # Rows behind a figure may lag the primary by a moment, as the figure itself does.
    return (
        rows.select_related("enterprise", "owner_unit")
        .order_by("-created_at", "-pk")
        .using(reading())
    )


def enterprise_rows(user, area: OrgUnit, figure: str, period) -> QuerySet[Enterprise] | None:
    spec = FIGURES.get(figure)
    if spec is None or spec.tickets:
        return None
    rows = Enterprise.objects.visible_to(user).filter(town__path__startswith=area.path)
    if figure == "unvisited":
        rows = rows.filter(metrics.actively_paired()).exclude(metrics.visited_in(period))
    elif figure == "uncovered":
        rows = rows.exclude(metrics.actively_paired())
    elif figure == "no_plan":
        rows = rows.filter(metrics.STRUGGLING).exclude(
            pk__in=HelpPlan.objects.values("enterprise_id")
        )
    return rows.select_related("town").order_by("town__path", "name", "pk").using(reading())


def heading(figure: str, period_name: str, filters: dict) -> tuple[str, list[str]]:
    """The rows' name in words, and what the clicked breakdown narrows them to (“类别：融资”)."""
    title = str(FIGURES[figure].title).format(period=period_name)
    narrowed = []
    if filters.get("category"):
        label = dict(Category.choices).get(filters["category"], filters["category"])
        narrowed.append(_("类别：%(v)s") % {"v": label})
    if filters.get("level"):
        label = dict(Level.choices).get(_int_or_none(filters["level"]), filters["level"])
        narrowed.append(_("层级：%(v)s") % {"v": label})
    if filters.get("owner_unit"):
        name = OrgUnit.objects.filter(pk=filters["owner_unit"]).values_list("name", flat=True)
        narrowed.append(_("承办单位：%(v)s") % {"v": name.first() or "—"})
    if filters.get("campaign"):
        name = Campaign.objects.filter(pk=filters["campaign"]).values_list("name", flat=True)
        narrowed.append(_("行动：%(v)s") % {"v": name.first() or "—"})
    return title, narrowed


def _int_or_none(value: str):
    return int(value) if value.isdigit() else value
