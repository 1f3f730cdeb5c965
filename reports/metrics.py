"""The one definition of each figure leaders steer by (DESIGN.md, "Figures").

Every function takes querysets already scoped by `visible_to` (and filtered by period, campaign or
area as the caller needs) and computes in the database with aggregates, never by looping over rows.
Rates are fractions in [0, 1], or None when the denominator is zero (a rate of nothing is unknown,
not 0% or 100%).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from issues.models import OPEN_STATUSES, Outcome, Status, Ticket
from pairing.models import Pairing

RESOLVED_STATUSES = (Status.RESOLVED, Status.CLOSED)


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class TicketFigures:
    collected: int
    resolved: int
    solved: int
    open: int
    overdue: int

    @property
    def resolution_rate(self) -> float | None:
        """化解率 = solved / collected: tickets whose outcome is 已解决, over all tickets raised."""
        return rate(self.solved, self.collected)

    @property
    def completion_rate(self) -> float | None:
        """办结率 = resolved / collected: tickets finished with any outcome (solved, replied with
        reasons, deferred) and a reply, i.e. status resolved or closed, over all tickets raised."""
        return rate(self.resolved, self.collected)


def ticket_aggregates(today: datetime.date | None = None) -> dict:
    """The aggregate expressions behind TicketFigures, for `.aggregate()` or `.annotate()`.
    Overdue = open with a due date before today."""
    today = today or timezone.localdate()
    resolved = Q(status__in=RESOLVED_STATUSES)
    open_ = Q(status__in=OPEN_STATUSES)
    return {
        "collected": Count("pk"),
        "resolved": Count("pk", filter=resolved),
        "solved": Count("pk", filter=resolved & Q(outcome=Outcome.SOLVED)),
        "open": Count("pk", filter=open_),
        "overdue": Count("pk", filter=open_ & Q(due_date__lt=today)),
    }


def ticket_figures(tickets: QuerySet[Ticket], today: datetime.date | None = None) -> TicketFigures:
    return TicketFigures(**tickets.aggregate(**ticket_aggregates(today)))


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
