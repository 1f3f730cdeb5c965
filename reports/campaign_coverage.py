"""The campaign coverage page's figures, computed by reports.metrics and kept (CoverageFigures).

At province scale each grouped count reads 300,000 firms or pairings; the page needs eight of
them. They are kept per campaign, area path, batch and group, and computed again when a pairing
of the campaign is made or ended (Campaign.coverage_version) or when they are older than
settings.AREA_FIGURES_MAX_AGE (a roster import adds or retags firms without touching pairings).
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils import timezone

from pairing.models import Campaign, CoverageFigures
from reports import metrics
from reports.metrics import CoverageRow

PARTS = ("by_tag", "lists", "by_town", "by_batch", "by_group")


@dataclass
class CampaignCoverage:
    total: CoverageRow
    by_tag: list[CoverageRow]
    lists: list[CoverageRow]
    by_town: list[CoverageRow]
    by_batch: list[CoverageRow]
    by_group: list[CoverageRow]
    computed_at: datetime.datetime


def compute(
    campaign: Campaign, path: str, *, batch: int | None = None, group: int | None = None
) -> CampaignCoverage:
    """Every table of the page, counted now."""
    by_town = metrics.coverage_by_town(campaign, path, batch=batch, group=group)
    total = metrics.coverage_total(by_town)
    return CampaignCoverage(
        total=total,
        by_tag=metrics.coverage_by_tag(campaign, path, batch=batch, group=group),
        lists=metrics.coverage_of_lists(campaign, path, batch=batch, group=group),
        by_town=by_town,
        by_batch=metrics.coverage_by_batch(campaign, path, total.enterprises, group=group),
        by_group=metrics.coverage_by_group(campaign, path, total.enterprises, batch=batch),
        computed_at=timezone.now(),
    )


def campaign_coverage(
    campaign: Campaign, path: str, *, batch: int | None = None, group: int | None = None
) -> CampaignCoverage:
    """The page's figures: the kept ones while still valid (one query), else counted and kept.
    `batch` and `group` must be the campaign's own (the page checks them), or None."""
    key = {
        "campaign": campaign,
        "path": path,
        "batch_id_key": batch or 0,
        "group_id_key": group or 0,
    }
    fresh_since = timezone.now() - settings.AREA_FIGURES_MAX_AGE
    kept = CoverageFigures.objects.filter(
        **key, version=campaign.coverage_version, computed_at__gte=fresh_since
    ).first()
    if kept is not None:
        return _load(kept.data, kept.computed_at)
    figures = compute(campaign, path, batch=batch, group=group)
    data = {"total": asdict(figures.total)} | {
        part: [asdict(row) for row in getattr(figures, part)] for part in PARTS
    }
    # One statement whether the row is new or stale (two views counting at once both land).
    CoverageFigures.objects.bulk_create(
        [
            CoverageFigures(
                **key,
                version=campaign.coverage_version,
                computed_at=figures.computed_at,
                data=data,
            )
        ],
        update_conflicts=True,
        unique_fields=["campaign", "path", "batch_id_key", "group_id_key"],
        update_fields=["version", "computed_at", "data"],
    )
    return figures


def _load(data: dict, computed_at: datetime.datetime) -> CampaignCoverage:
    return CampaignCoverage(
        total=CoverageRow(**data["total"]),
        **{part: [CoverageRow(**row) for row in data[part]] for part in PARTS},
        computed_at=computed_at,
    )
