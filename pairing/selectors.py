"""Reads behind the organiser's pairing pages. Each runs a fixed number of queries whatever the
number of enterprises, pairings or cadres."""

from __future__ import annotations

from django.db.models import (
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)

from accounts.models import Cadre, OrgUnit
from enterprises.filters import name_contains
from enterprises.models import Enterprise
from pairing.models import Campaign, HelpPlan, Pairing


def ancestor_paths(path: str) -> list[str]:
    """'/A/B/C/' → ['/A/', '/A/B/'] (the paths of the units above)."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]


def serving_units(area: OrgUnit) -> QuerySet[OrgUnit]:
    """The units whose cadres may be paired with the area's firms: the area's own, and those of
    the levels above it (a city leader's office, a province or city department), not another
    county's or town's. The units above lie under the area's top ancestor but neither in the
    area nor in a sibling area of it or of one of its ancestors (pairing_rules.serves_area, in
    SQL)."""
    above = ancestor_paths(area.path)
    if not above:
        return OrgUnit.objects.filter(path__startswith=area.path)
    siblings = OrgUnit.objects.filter(parent__path__in=above, kind__in=OrgUnit.AREA_KINDS).exclude(
        path__in=[*above, area.path]
    )
    # A subquery, not a list: the QuerySet stays lazy, read inside whatever query uses it.
    outer = ExpressionWrapper(OuterRef("path"), output_field=CharField())
    in_a_sibling = siblings.annotate(outer=outer).filter(outer__startswith=F("path"))
    return OrgUnit.objects.filter(path__startswith=above[0]).exclude(Exists(in_a_sibling))


def serving_cadres(area: OrgUnit) -> QuerySet[Cadre]:
    """Cadres who may be paired with the area's firms (their unit is one of serving_units)."""
    return Cadre.objects.filter(unit__in=serving_units(area).values("pk"))


def campaigns_for_area(area: OrgUnit) -> QuerySet[Campaign]:
    """Campaigns that reach the area: their scope contains it or lies within it."""
    above = ancestor_paths(area.path)
    return Campaign.objects.filter(
        Q(scope_unit__path__startswith=area.path) | Q(scope_unit__path__in=above)
    ).select_related("scope_unit")


def scope_path(area: OrgUnit, campaign: Campaign) -> str:
    """The path under which firms are both in the area and in the campaign's scope (the deeper of
    the two; campaigns_for_area only offers campaigns whose scope and the area nest)."""
    return max(area.path, campaign.scope_unit.path, key=len)


def enterprises_in(area: OrgUnit, campaign: Campaign) -> QuerySet[Enterprise]:
    """The enterprises both in the area and in the campaign's scope."""
    return Enterprise.objects.filter(town__path__startswith=scope_path(area, campaign))


def paired_in(
    campaign: Campaign, *, batch_id: int | None = None, group_id: int | None = None
) -> Exists:
    """'This enterprise has an active pairing in the campaign' (the one definition of covered),
    in the batch or group if given."""
    pairings = Pairing.objects.active().filter(campaign=campaign, enterprise=OuterRef("pk"))
    return Exists(pairings.in_batch_and_group(batch_id, group_id))


def uncovered(
    campaign: Campaign,
    area: OrgUnit,
    *,
    tag_id: int | None = None,
    town_id: int | None = None,
    batch_id: int | None = None,
    group_id: int | None = None,
) -> QuerySet[Enterprise]:
    """The firms of the area in the campaign's scope that no active pairing of the campaign
    covers (none of the batch's or group's, when one is given)."""
    firms = enterprises_in(area, campaign).exclude(
        paired_in(campaign, batch_id=batch_id, group_id=group_id)
    )
    if tag_id:
        firms = firms.filter(
            pk__in=Enterprise.tags.through.objects.filter(tag_id=tag_id).values("enterprise_id")
        )
    if town_id:
        firms = firms.filter(town_id=town_id)
    return firms.select_related("town").order_by("town__path", "-annual_output", "pk")


def campaign_pairings(
    campaign: Campaign,
    area: OrgUnit,
    *,
    tag_id: int | None = None,
    town_id: int | None = None,
    batch_id: int | None = None,
    group_id: int | None = None,
    q: str = "",
) -> QuerySet[Pairing]:
    """The campaign's active pairings of firms both in the area and in the campaign's scope (the
    firms the coverage counts as paired), filtered by tag, town, batch, group, or a firm's or
    cadre's name or code."""
    pairings = (
        Pairing.objects.active()
        .filter(campaign=campaign, enterprise__town__path__startswith=scope_path(area, campaign))
        .in_batch_and_group(batch_id, group_id)
    )
    if tag_id:
        pairings = pairings.filter(
            enterprise__in=Enterprise.tags.through.objects.filter(tag_id=tag_id).values(
                "enterprise_id"
            )
        )
    if town_id:
        pairings = pairings.filter(enterprise__town_id=town_id)
    if q:
        pairings = pairings.filter(
            name_contains("enterprise__name", q)
            | Q(enterprise__uscc=q.upper())
            | Q(cadre__user__display_name__icontains=q)
            | Q(cadre__staff_no=q)
        )
    return pairings.select_related(
        "enterprise__town", "cadre__user", "cadre__unit", "campaign", "group", "batch"
    ).order_by("enterprise__town__path", "enterprise__name", "pk")


def cadres_in(area: OrgUnit, q: str = "") -> QuerySet[Cadre]:
    """The area's cadres (by their unit) with their count of active pairings, found by name,
    staff number or unit."""
    cadres = (
        Cadre.objects.filter(unit__path__startswith=area.path)
        .select_related("user", "unit")
        .annotate(active=Count("pairings", filter=Q(pairings__end__isnull=True)))
        .order_by("unit__path", "pk")
    )
    if q:
        cadres = cadres.filter(
            Q(user__display_name__icontains=q) | Q(staff_no=q) | Q(unit__name__icontains=q)
        )
    return cadres


def cadres_needing_hand_over(area: OrgUnit) -> QuerySet[Cadre]:
    """Cadres no longer in post who still hold active pairings in the area: their enterprises
    have nobody who will visit them."""
    held = Pairing.objects.active().filter(
        cadre=OuterRef("pk"), enterprise__town__path__startswith=area.path
    )
    return (
        Cadre.objects.exclude(status=Cadre.Status.ACTIVE)
        .filter(Exists(held))
        .select_related("user", "unit")
        .annotate(
            held=Count(
                "pairings",
                filter=Q(
                    pairings__end__isnull=True,
                    pairings__enterprise__town__path__startswith=area.path,
                ),
            )
        )
        .order_by("unit__path", "pk")
    )


def without_help_plan(enterprises: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """Reduced or stopped enterprises with no help plan in progress (一企一策 still owed)."""
    open_plan = HelpPlan.objects.filter(enterprise=OuterRef("pk"), done=False)
    return (
        enterprises.filter(
            production_status__in=[
                Enterprise.ProductionStatus.REDUCED,
                Enterprise.ProductionStatus.STOPPED,
            ]
        )
        .exclude(Exists(open_plan))
        .select_related("town")
        .order_by("-production_status", "town__path", "name")
    )
