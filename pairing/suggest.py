"""The suggestion engine: proposes a lead cadre for each enterprise of the organiser's area that
has none in the campaign, by the rules of DOMAIN.md, and keeps the proposals for the organiser to
accept in part or in whole.

- Rank rule: city and county leaders take the big groups and key tech firms (large scale, 专精特新,
  高新技术, key projects); department cadres take the above-scale (规上) firms.
- Territorial rule (属地原则): cadres of a town or street (or of a village/community in it) take
  the other firms on their own ground.
- Workload: no cadre gets more than the campaign's cap for their rank and category
  (pairing.workload) minus the pairings they already hold in the campaign; among those who
  qualify, the least loaded is chosen first.
- Reach: the leaders and departments of the levels above the area serve it too (a county's
  firms are taken by city leaders and city bureaus: selectors.serving_cadres); given a service
  group, only its lead cadre and members are proposed.
A firm no qualifying pool can take falls to the next pool (leaders → departments → its town); a
firm that no pool can take stays uncovered and is counted as unmatched.

Everything is read with a fixed number of queries and matched in memory, so a province's 300,000
firms and 10,000 cadres take seconds, not one query per firm.
"""

from __future__ import annotations

import datetime
import heapq
from collections import defaultdict

from django.db import transaction

from accounts.models import Cadre, OrgUnit
from enterprises.models import Enterprise
from pairing import selectors
from pairing.models import Campaign, CampaignBatch, ServiceGroup, Suggestion, SuggestionRun
from pairing.workload import Caps, campaign_loads

KEY_TAGS = ("specialised", "high_tech")
ABOVE_SCALE_TAGS = ("above_scale",)
LEADER_RANKS = (Cadre.Rank.CITY_LEADER, Cadre.Rank.COUNTY)
TOWN_KINDS = (OrgUnit.Kind.TOWN, OrgUnit.Kind.STREET)


class Pool:
    """Cadres with spare capacity; `take()` gives the one with the most room left."""

    def __init__(self) -> None:
        self._heap: list[tuple[int, int]] = []

    def add(self, cadre_id: int, room: int) -> None:
        if room > 0:
            heapq.heappush(self._heap, (-room, cadre_id))

    def take(self) -> int | None:
        if not self._heap:
            return None
        room, cadre_id = heapq.heappop(self._heap)
        if room + 1 < 0:
            heapq.heappush(self._heap, (room + 1, cadre_id))
        return cadre_id


def _town_of(path: str, town_by_path: dict[str, int]) -> int | None:
    """The town or street a unit path lies in (itself, or an ancestor), if any."""
    parts = path.strip("/").split("/")
    for i in range(len(parts), 0, -1):
        town = town_by_path.get("/" + "/".join(parts[:i]) + "/")
        if town is not None:
            return town
    return None


# A rank the campaign does not cap: room enough never to run out.
UNCAPPED_ROOM = 10**6


def propose(
    area: OrgUnit, campaign: Campaign, group: ServiceGroup | None = None
) -> tuple[list[tuple[int, int, str]], int]:
    """(enterprise id, cadre id, rule) for each uncovered firm a cadre can take, and the number
    of uncovered firms. Reads only; `run()` stores the result."""
    uncovered = selectors.uncovered(campaign, area)
    firms = list(
        uncovered.select_related(None)
        .order_by("-annual_output", "pk")
        .values_list("pk", "town_id", "scale", "kind")
    )
    tags = defaultdict(set)
    through = Enterprise.tags.through.objects.filter(
        tag__code__in=KEY_TAGS + ABOVE_SCALE_TAGS,
        enterprise__in=uncovered.values("pk"),
    ).values_list("enterprise_id", "tag__code")
    for enterprise_id, code in through:
        tags[enterprise_id].add(code)

    town_by_path = dict(
        OrgUnit.objects.filter(path__startswith=area.path, kind__in=TOWN_KINDS).values_list(
            "path", "pk"
        )
    )
    serving = selectors.serving_cadres(area).filter(status=Cadre.Status.ACTIVE)
    if group is not None:
        serving = serving.filter(
            pk__in=[group.lead_cadre_id, *group.members.values_list("pk", flat=True)]
        )
    cadres = list(serving.order_by("pk").values_list("pk", "rank", "unit__path", "unit__kind"))
    loads = campaign_loads(campaign, [c[0] for c in cadres])
    caps = Caps.of(campaign)
    leaders, departments, towns = Pool(), Pool(), defaultdict(Pool)
    for cadre_id, rank, path, kind in cadres:
        limit = caps.limit(rank, kind)
        room = (UNCAPPED_ROOM if limit is None else limit) - loads[cadre_id]
        town = _town_of(path, town_by_path)
        if town is not None:
            towns[town].add(cadre_id, room)
        elif rank in LEADER_RANKS:
            leaders.add(cadre_id, room)
        elif kind == OrgUnit.Kind.DEPARTMENT:
            departments.add(cadre_id, room)

    chosen = []
    for enterprise_id, town_id, scale, kind in firms:
        codes = tags.get(enterprise_id, ())
        key = (
            scale == Enterprise.Scale.LARGE
            or kind == Enterprise.Kind.PROJECT
            or any(c in codes for c in KEY_TAGS)
        )
        above = key or scale == Enterprise.Scale.MEDIUM or "above_scale" in codes
        ladder = []
        if key:
            ladder.append((leaders, Suggestion.Rule.RANK))
        if above:
            ladder.append((departments, Suggestion.Rule.DEPARTMENT))
        ladder.append((towns[town_id], Suggestion.Rule.TERRITORY))
        for pool, rule in ladder:
            cadre_id = pool.take()
            if cadre_id is not None:
                chosen.append((enterprise_id, cadre_id, rule))
                break
    return chosen, len(firms)


@transaction.atomic
def run(
    actor,
    campaign: Campaign,
    *,
    group: ServiceGroup | None = None,
    batch: CampaignBatch | None = None,
    start: datetime.date | None = None,
) -> SuggestionRun:
    """Propose pairings for the actor's area and keep them as a run awaiting decisions; accepted
    rows are made in the run's group and batch, from its start date (else the batch's)."""
    area = actor.jurisdiction_unit
    chosen, uncovered = propose(area, campaign, group)
    suggestion_run = SuggestionRun.objects.create(
        campaign=campaign,
        area=area,
        created_by=actor,
        uncovered=uncovered,
        unmatched=uncovered - len(chosen),
        group=group,
        batch=batch,
        start=start,
    )
    Suggestion.objects.bulk_create(
        [
            Suggestion(run=suggestion_run, enterprise_id=e, cadre_id=c, rule=rule)
            for e, c, rule in chosen
        ],
        batch_size=5000,
    )
    return suggestion_run
