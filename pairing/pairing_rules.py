"""The rules a pairing request must pass, apart from the writes that follow them: who may pair
which firm (the actor's jurisdiction, the campaign's reach), which cadre may serve it (their home
area, their state), no pair twice, and the campaign's workload cap; and the campaign, group, batch
and start date of a request as a whole. pairing.services makes the pairings; the pairing import
reports a sheet's rows against the same rules.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from django.utils.translation import gettext as _

from accounts import scoping
from accounts.models import Cadre, OrgUnit
from enterprises.models import Enterprise
from pairing.models import Campaign, CampaignBatch, Pairing, ServiceGroup
from pairing.selectors import ancestor_paths
from pairing.workload import Caps


def governs(actor, unit: OrgUnit) -> bool:
    """True when `unit` lies in the actor's jurisdiction."""
    area = scoping.operating_area(actor)
    return area is not None and unit.path.startswith(area.path)


def home_area_paths(unit_ids: Iterable[int]) -> dict[int, str]:
    """For each unit, the path of the area it belongs to: the unit itself if it is an area, else
    the nearest area above it (a town's community, a county's department), else "/": a unit in no
    area is no other area's. Two queries however many units."""
    units = list(OrgUnit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "path", "kind"))
    wanted = {
        a
        for _pk, path, kind in units
        if kind not in OrgUnit.AREA_KINDS
        for a in ancestor_paths(path)
    }
    areas = set(
        OrgUnit.objects.filter(path__in=wanted, kind__in=OrgUnit.AREA_KINDS).values_list(
            "path", flat=True
        )
    )
    homes = {}
    for pk, path, kind in units:
        if kind in OrgUnit.AREA_KINDS:
            homes[pk] = path
        else:
            found = [a for a in ancestor_paths(path) if a in areas]
            homes[pk] = found[-1] if found else "/"
    return homes


def serves_area(home_path: str, area: OrgUnit) -> bool:
    """A cadre whose home area (home_area_paths) is the area, lies in it, or lies above it: city
    leaders and city departments serve the counties' firms; another county's cadres do not."""
    return home_path.startswith(area.path) or area.path.startswith(home_path)


def campaign_reaches(campaign: Campaign, enterprise: Enterprise) -> bool:
    return enterprise.town.path.startswith(campaign.scope_unit.path)


def request_refusal(
    campaign: Campaign,
    group: ServiceGroup | None,
    start: datetime.date,
    batch: CampaignBatch | None = None,
) -> str | None:
    """Why no pairing can be made in this campaign, group, batch and start date at all, or None."""
    if group is not None and group.campaign_id != campaign.pk:
        return _("所选服务组不属于该行动。")
    if batch is not None and batch.campaign_id != campaign.pk:
        return _("所选批次不属于该行动。")
    if campaign.end and start > campaign.end:
        return _("行动已于 %(date)s 结束。") % {"date": campaign.end}
    return None


class Refusal(NamedTuple):
    index: int  # the pair's place in the request
    subject: str  # what the rule is about: "enterprise" or "cadre"
    message: str


def pair_refusals(
    actor,
    pairs: list[tuple[Cadre, Enterprise]],
    *,
    campaign: Campaign,
    cadres: dict[int, Cadre],
    loads: Counter,
    caps: Caps,
) -> list[Refusal]:
    """Each rule a pair breaks: repeated pair, scope, campaign, cadre's state, the one-active-
    pairing rule, and the campaign's workload cap given the cadres' current `loads` in it.
    `cadres` holds the pairs' cadres by id, with their users and units."""
    errors = []
    seen = set()
    for index, (cadre, enterprise) in enumerate(pairs):
        if (cadre.pk, enterprise.pk) in seen:
            errors.append(
                Refusal(index, "enterprise", _("%(firm)s 重复出现。") % {"firm": enterprise.name})
            )
        seen.add((cadre.pk, enterprise.pk))
        if not governs(actor, enterprise.town):
            errors.append(
                Refusal(
                    index,
                    "enterprise",
                    _("%(firm)s 不在您的管辖范围内。") % {"firm": enterprise.name},
                )
            )
        elif not campaign_reaches(campaign, enterprise):
            errors.append(
                Refusal(
                    index,
                    "enterprise",
                    _("%(firm)s 不在该行动的范围内。") % {"firm": enterprise.name},
                )
            )
    first = {}
    for index, (cadre, _e) in enumerate(pairs):
        first.setdefault(cadre.pk, index)
    area = scoping.operating_area(actor)
    homes = home_area_paths(c.unit_id for c in cadres.values()) if area is not None else {}
    for cadre_id, index in first.items():
        if area is not None and not serves_area(homes[cadres[cadre_id].unit_id], area):
            errors.append(
                Refusal(
                    index,
                    "cadre",
                    _("工号 %(no)s 的干部不属于您的辖区，不能结对。")
                    % {"no": cadres[cadre_id].staff_no},
                )
            )
        elif cadres[cadre_id].status != Cadre.Status.ACTIVE:
            errors.append(
                Refusal(
                    index,
                    "cadre",
                    _("%(name)s 已不在岗，不能结对。") % {"name": cadres[cadre_id].user},
                )
            )
    already = set(
        Pairing.objects.active()
        .filter(campaign=campaign, cadre_id__in=list(first))
        .filter(enterprise_id__in=[e.pk for _c, e in pairs])
        .values_list("cadre_id", "enterprise_id")
    )
    for index, (cadre, enterprise) in enumerate(pairs):
        if (cadre.pk, enterprise.pk) in already:
            errors.append(
                Refusal(
                    index,
                    "cadre",
                    _("%(name)s 已与 %(firm)s 结对。")
                    % {"name": cadres[cadre.pk].user, "firm": enterprise.name},
                )
            )
    adding, over, totals = Counter(), set(), Counter(cadre.pk for cadre, _e in pairs)
    for index, (cadre, _e) in enumerate(pairs):
        adding[cadre.pk] += 1
        limit = caps.limit(cadres[cadre.pk].rank, cadres[cadre.pk].unit.kind)
        # One message per cadre, at the first pair that goes over the limit.
        if (
            limit is not None
            and loads[cadre.pk] + adding[cadre.pk] > limit
            and cadre.pk not in over
        ):
            over.add(cadre.pk)
            errors.append(
                Refusal(
                    index,
                    "cadre",
                    _(
                        "%(name)s 在本行动中已联系 %(load)s 家企业，再加 %(n)s 家将超过"
                        "%(rank)s的上限 %(limit)s 家。"
                    )
                    % {
                        "name": cadres[cadre.pk].user,
                        "load": loads[cadre.pk],
                        "n": totals[cadre.pk],
                        "rank": cadres[cadre.pk].get_rank_display(),
                        "limit": limit,
                    },
                )
            )
    return errors
