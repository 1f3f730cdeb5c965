"""Reads behind the role home pages. Each runs a fixed number of queries whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce

from accounts.models import OrgUnit
from enterprises.models import Enterprise
from issues.models import OPEN_STATUSES, Status, Ticket
from pairing import selectors as pairing_selectors
from pairing.models import Campaign, Pairing, Visit
from reports import metrics


def cadre_pairings(cadre) -> QuerySet[Pairing]:
    """A cadre's active pairings with each enterprise's last visit date and open ticket count."""
    last_visit = Visit.objects.filter(enterprise=OuterRef("enterprise")).values("enterprise")
    open_tickets = (
        Ticket.objects.filter(enterprise=OuterRef("enterprise"), status__in=OPEN_STATUSES)
        .values("enterprise")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Pairing.objects.active()
        .filter(cadre=cadre)
        .select_related("enterprise__town", "enterprise__industry", "campaign")
        .prefetch_related("enterprise__tags")
        .annotate(
            last_visit=Subquery(last_visit.annotate(d=Max("date")).values("d")),
            open_tickets=Coalesce(Subquery(open_tickets, output_field=IntegerField()), 0),
        )
        .order_by("enterprise__name")
    )


def organiser_campaigns(user) -> QuerySet[Campaign]:
    """Campaigns that reach the organiser's area, with pairing counts inside the area."""
    area: OrgUnit = user.jurisdiction_unit
    in_area = Q(pairings__end__isnull=True, pairings__enterprise__town__path__startswith=area.path)
    return (
        pairing_selectors.campaigns_for_area(area)
        .annotate(
            active_pairings=Count("pairings", filter=in_area),
            enterprises_covered=Count("pairings__enterprise", filter=in_area, distinct=True),
            cadres_paired=Count("pairings__cadre", filter=in_area, distinct=True),
        )
        .order_by("-start")
    )


@dataclass
class AreaRow:
    unit: OrgUnit
    enterprises: int = 0
    paired: int = 0
    collected: int = 0
    resolved: int = 0
    solved: int = 0
    open: int = 0
    overdue: int = 0

    @property
    def coverage_rate(self):
        return metrics.rate(self.paired, self.enterprises)

    @property
    def resolution_rate(self):
        return metrics.rate(self.solved, self.collected)

    @property
    def completion_rate(self):
        return metrics.rate(self.resolved, self.collected)


def area_breakdown(area: OrgUnit, enterprises: QuerySet, tickets: QuerySet) -> list[AreaRow]:
    """One row per area unit directly below `area`, from aggregates grouped by town (three
    grouped queries and one for the tree, however many enterprises and tickets there are)."""
    units = list(
        OrgUnit.objects.under(area)
        .filter(kind__in=OrgUnit.AREA_KINDS)
        .only("id", "name", "path", "parent_id", "kind", "code")
    )
    children = [u for u in units if u.parent_id == area.pk]
    rows = {child.pk: AreaRow(unit=child) for child in children}
    owner = {}  # town id → the child row it counts towards
    for unit in units:
        for child in children:
            if unit.path.startswith(child.path):
                owner[unit.pk] = rows[child.pk]
                break
    per_town = enterprises.values("town_id").annotate(
        n=Count("pk"), paired=Count("pk", filter=metrics.actively_paired())
    )
    for group in per_town:
        row = owner.get(group["town_id"])
        if row:
            row.enterprises += group["n"]
            row.paired += group["paired"]
    per_town_tickets = tickets.values("enterprise__town_id").annotate(**metrics.ticket_aggregates())
    for group in per_town_tickets:
        row = owner.get(group["enterprise__town_id"])
        if row:
            for field in ("collected", "resolved", "solved", "open", "overdue"):
                setattr(row, field, getattr(row, field) + group[field])
    return list(rows.values())


def handler_tickets(user, status: str | None) -> QuerySet[Ticket]:
    tickets = Ticket.objects.visible_to(user).handled_by_unit(user.home_unit_id)
    if status in Status.values:
        tickets = tickets.filter(status=status)
    # Open tickets first, soonest due first; the finished ones after them.
    finished = Case(When(status__in=OPEN_STATUSES, then=0), default=1)
    return tickets.select_related("enterprise", "owner_unit").order_by(
        finished, "due_date", "-created_at"
    )


def handler_status_counts(user) -> dict[str, int]:
    rows = (
        Ticket.objects.visible_to(user)
        .handled_by_unit(user.home_unit_id)
        .values("status")
        .annotate(n=Count("pk"))
    )
    return {row["status"]: row["n"] for row in rows}


def registered_in_area(user) -> int:
    return Ticket.objects.visible_to(user).filter(status=Status.REGISTERED).count()


def enterprises_in_area(user) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(town__path__startswith=user.jurisdiction_unit.path)
