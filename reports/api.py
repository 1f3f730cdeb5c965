"""An area's figures through the API: the same reports/metrics.py definitions as the dashboard."""

from __future__ import annotations

from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema

from accounts.api_clients import Scope
from accounts.models import OrgUnit
from enterprises.models import Enterprise
from issues.models import Ticket
from pairing.api import ERRORS, require_scope
from pairing.replica import reading
from reports import metrics
from reports.periods import period_for

router = Router(tags=["figures"])


class TicketNumbers(Schema):
    collected: int
    resolved: int
    solved: int
    open: int
    overdue: int
    resolution_rate: float | None
    completion_rate: float | None
    on_time_rate: float | None
    feedback_rate: float | None
    satisfaction_rate: float | None


class FirmNumbers(Schema):
    enterprises: int
    paired: int
    coverage_rate: float | None
    visited: int
    meeting_rate: float | None
    struggling: int
    with_help_plan: int
    help_rate: float | None


class AreaFigures(Schema):
    area: str
    area_name: str
    period: str
    start: str
    end: str
    tickets: TicketNumbers
    enterprises: FirmNumbers


@router.get("", response={200: AreaFigures, **ERRORS}, summary="地区与期间的指标")
def area_figures(request, area: str, period: Literal["week", "month", "quarter", "year"] = "month"):
    """Tickets collected in the period (化解率, 办结率, 按期办结率, 反馈率, 满意率) and the
    area's firms (覆盖率, 见面率, 帮扶率), computed as the dashboard computes them."""
    require_scope(request, Scope.FIGURES_READ)
    client_area = request.api_client.area
    unit = get_object_or_404(OrgUnit, code=area[:32], path__startswith=client_area.path)
    today = timezone.localdate()
    span = period_for(period, today)
    # Figures may lag a moment: the replica's work when there is one (pairing/replica.py).
    db = reading()
    tickets = (
        Ticket.objects.using(db)
        .visible_to(request.user)
        .filter(enterprise__town__path__startswith=unit.path)
    )
    t = metrics.ticket_figures(metrics.in_period(tickets, span), today)
    firms = (
        Enterprise.objects.using(db)
        .visible_to(request.user)
        .filter(town__path__startswith=unit.path)
    )
    f = metrics.enterprise_figures(firms, span, span.previous())
    return {
        "area": unit.code,
        "area_name": unit.name,
        "period": period,
        "start": span.start.isoformat(),
        "end": span.end.isoformat(),
        "tickets": {
            "collected": t.collected,
            "resolved": t.resolved,
            "solved": t.solved,
            "open": t.open,
            "overdue": t.overdue,
            "resolution_rate": t.resolution_rate,
            "completion_rate": t.completion_rate,
            "on_time_rate": t.on_time_rate,
            "feedback_rate": t.feedback_rate,
            "satisfaction_rate": t.satisfaction_rate,
        },
        "enterprises": {
            "enterprises": f.coverage.enterprises,
            "paired": f.coverage.paired,
            "coverage_rate": f.coverage.rate,
            "visited": f.meeting.visited,
            "meeting_rate": f.meeting.rate,
            "struggling": f.helped.struggling,
            "with_help_plan": f.helped.with_plan,
            "help_rate": f.helped.rate,
        },
    }
