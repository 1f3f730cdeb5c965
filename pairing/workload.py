"""Workload caps of a campaign: how many firms a cadre may be the paired cadre of in it.

A campaign caps each rank (WorkloadCap) and may let a category of cadre take more
(WorkloadExtension: Rui'an's leader-group cadres +2, department cadres +4). Only the cadre's
active pairings in the same campaign count: a second campaign starts with everyone free.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import Cadre, OrgUnit
from pairing.models import (
    CadreCategory,
    Campaign,
    Pairing,
    WorkloadCap,
    WorkloadExtension,
)

# What a new campaign starts with (the former global settings); the organiser edits them.
DEFAULT_CAPS = {
    Cadre.Rank.CITY_LEADER: 3,
    Cadre.Rank.COUNTY: 5,
    Cadre.Rank.SECTION: 8,
    Cadre.Rank.GENERAL: 10,
    Cadre.Rank.COMMUNITY: 12,
}
LEADER_RANKS = (Cadre.Rank.CITY_LEADER, Cadre.Rank.COUNTY)


def cadre_category(rank: str, unit_kind: str) -> str:
    """Leader-group cadres (市级领导, 县处级), department cadres, and the towns' cadres."""
    if rank in LEADER_RANKS:
        return CadreCategory.LEADER
    if unit_kind == OrgUnit.Kind.DEPARTMENT:
        return CadreCategory.DEPARTMENT
    return CadreCategory.TERRITORY


@dataclass(frozen=True)
class Caps:
    """A campaign's caps by rank and extensions by category, read once (two queries)."""

    by_rank: dict[str, int]
    extra: dict[str, int]

    @classmethod
    def of(cls, campaign: Campaign) -> Caps:
        return cls(
            dict(campaign.workload_caps.values_list("rank", "cap")),
            dict(campaign.workload_extensions.values_list("category", "extra")),
        )

    def limit(self, rank: str, unit_kind: str) -> int | None:
        """The cap of a cadre of this rank and unit kind; None: the rank has no cap."""
        cap = self.by_rank.get(rank)
        if cap is None:
            return None
        return cap + self.extra.get(cadre_category(rank, unit_kind), 0)


def campaign_loads(campaign: Campaign, cadre_ids: Iterable[int] | QuerySet) -> Counter:
    """Active pairings per cadre in this campaign (ids, or a subquery of them)."""
    if not isinstance(cadre_ids, QuerySet):
        cadre_ids = list(cadre_ids)
    rows = (
        Pairing.objects.active()
        .filter(campaign=campaign, cadre_id__in=cadre_ids)
        .values("cadre_id")
        .annotate(n=Count("pk"))
    )
    return Counter({row["cadre_id"]: row["n"] for row in rows})


def set_default_caps(campaign: Campaign) -> None:
    WorkloadCap.objects.bulk_create(
        [WorkloadCap(campaign=campaign, rank=rank, cap=cap) for rank, cap in DEFAULT_CAPS.items()]
    )


def over_cap(campaign: Campaign, caps: Caps) -> list[tuple[Cadre, int, int]]:
    """Cadres whose active pairings in the campaign exceed what `caps` would allow them:
    (cadre, load, limit), the most loaded first. One query."""
    cadres = (
        Cadre.objects.filter(
            pairings__campaign=campaign, pairings__end__isnull=True, rank__in=list(caps.by_rank)
        )
        .annotate(load=Count("pairings"))
        .select_related("user", "unit")
        .order_by("-load", "pk")
    )
    out = []
    for cadre in cadres:
        limit = caps.limit(cadre.rank, cadre.unit.kind)
        if limit is not None and cadre.load > limit:
            out.append((cadre, cadre.load, limit))
    return out


def save_caps(actor, campaign: Campaign, *, caps: Caps, request=None) -> None:
    """Replace the campaign's caps and extensions. Refused, with the cadres named, when a cadre
    already holds more firms in the campaign than the new caps allow: end or move some of their
    pairings first. The campaign row is locked so a pairing made meanwhile cannot slip past."""
    # A with block rather than the decorator: mutmut leaves decorated functions unmutated.
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        over = over_cap(campaign, caps)
        if over:
            raise ValidationError(
                _("以下干部在本行动中已联系的企业超过新上限：%(who)s")
                % {
                    "who": "、".join(
                        _("%(name)s（%(rank)s，已联系 %(load)s 家，上限 %(limit)s 家）")
                        % {
                            "name": c.user,
                            "rank": c.get_rank_display(),
                            "load": load,
                            "limit": limit,
                        }
                        for c, load, limit in over[:10]
                    )
                }
            )
        before = Caps.of(campaign)
        WorkloadCap.objects.filter(campaign=campaign).delete()
        WorkloadExtension.objects.filter(campaign=campaign).delete()
        WorkloadCap.objects.bulk_create(
            [WorkloadCap(campaign=campaign, rank=r, cap=c) for r, c in caps.by_rank.items()]
        )
        WorkloadExtension.objects.bulk_create(
            [
                WorkloadExtension(campaign=campaign, category=k, extra=e)
                for k, e in caps.extra.items()
                if e
            ]
        )
        audit.record(
            "campaign_caps_save",
            user=actor,
            request=request,
            obj=campaign,
            changes={
                "before": {"caps": before.by_rank, "extra": before.extra},
                "after": {"caps": caps.by_rank, "extra": caps.extra},
            },
        )


@dataclass(frozen=True)
class CampaignLoad:
    campaign: Campaign
    load: int
    limit: int | None


def loads_by_campaign(cadre: Cadre) -> list[CampaignLoad]:
    """The cadre's active pairings in each campaign against that campaign's cap (three queries)."""
    counts = dict(
        Pairing.objects.active()
        .filter(cadre=cadre)
        .values("campaign_id")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "n")
    )
    campaigns = Campaign.objects.filter(pk__in=list(counts)).order_by("-start", "pk")
    caps = dict(
        WorkloadCap.objects.filter(campaign_id__in=list(counts), rank=cadre.rank).values_list(
            "campaign_id", "cap"
        )
    )
    category = cadre_category(cadre.rank, cadre.unit.kind)
    extra = dict(
        WorkloadExtension.objects.filter(
            campaign_id__in=list(counts), category=category
        ).values_list("campaign_id", "extra")
    )
    return [
        CampaignLoad(c, counts[c.pk], caps[c.pk] + extra.get(c.pk, 0) if c.pk in caps else None)
        for c in campaigns
    ]
