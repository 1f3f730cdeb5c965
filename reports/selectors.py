"""Reads behind the role home pages. Each runs a fixed number of queries whatever the data size."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Max, OuterRef, QuerySet, Subquery, When
from django.db.models.functions import Coalesce

from accounts.models import OrgUnit
from enterprises.models import Enterprise
from issues.models import OPEN_STATUSES, Status, Ticket
from pairing import selectors as pairing_selectors
from pairing.models import Campaign, Pairing, Visit


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


def organiser_campaigns(user) -> list[Campaign]:
    """Campaigns that reach the organiser's area, newest first, each with its active pairings, the
    firms they cover and the cadres they pair inside the area (active_pairings,
    enterprises_covered, cadres_paired). Counted in one grouped query over the area's pairings:
    joining the counts onto the campaigns counted every pairing of each campaign's whole scope."""
    area: OrgUnit = user.jurisdiction_unit
    campaigns = list(pairing_selectors.campaigns_for_area(area).order_by("-start"))
    counts = {
        row["campaign"]: row
        for row in Pairing.objects.filter(
            campaign__in=[c.pk for c in campaigns],
            end__isnull=True,
            enterprise__town__path__startswith=area.path,
        )
        .order_by()
        .values("campaign")
        .annotate(
            active_pairings=Count("pk"),
            enterprises_covered=Count("enterprise", distinct=True),
            cadres_paired=Count("cadre", distinct=True),
        )
    }
    for campaign in campaigns:
        row = counts.get(campaign.pk, {})
        for name in ("active_pairings", "enterprises_covered", "cadres_paired"):
            setattr(campaign, name, row.get(name, 0))
    return campaigns


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
