"""The demo's past nights: the month-end snapshot rows the nightly job (reports.notices.
nightly_snapshot) would have written over the past year, so the leader's monthly trend shows its
在办 and 超期 history on a fresh install instead of "—"."""

from __future__ import annotations

import datetime
from collections import Counter

from django.utils import timezone

from accounts.models import OrgUnit
from issues.models import Ticket
from reports.dashboard import MONTH_END_FIGURES
from reports.models import FigureSnapshot


def month_ends(today: datetime.date, months: int) -> list[datetime.date]:
    """The last day of each of the `months` months before today's."""
    ends, end = [], today.replace(day=1) - datetime.timedelta(days=1)
    for _ in range(months):
        ends.append(end)
        end = end.replace(day=1) - datetime.timedelta(days=1)
    return ends[::-1]


def build_month_end_snapshots(
    root: OrgUnit, *, today: datetime.date, months: int = 12
) -> list[FigureSnapshot]:
    """For every area under `root` and each past month-end: the tickets open that night (raised
    by then, not resolved by then) and, of those, the overdue ones (due before that day), counted
    from each ticket's own dates, as the nightly job counts them on the night."""
    areas = dict(
        OrgUnit.objects.under(root).filter(kind__in=OrgUnit.AREA_KINDS).values_list("path", "pk")
    )
    ends = month_ends(today, months)
    tz = timezone.get_current_timezone()
    counts: Counter = Counter()
    rows = Ticket.objects.filter(enterprise__town__path__startswith=root.path).values_list(
        "created_at", "resolved_at", "due_date", "enterprise__town__path"
    )
    for created_at, resolved_at, due_date, town_path in rows:
        created = created_at.astimezone(tz).date()
        resolved = resolved_at.astimezone(tz).date() if resolved_at else None
        open_on = [d for d in ends if created <= d and (resolved is None or resolved > d)]
        if not open_on:
            continue
        for area_id in _areas_of(town_path, areas):
            for day in open_on:
                counts[(area_id, day, "open")] += 1
                if due_date is not None and due_date < day:
                    counts[(area_id, day, "overdue")] += 1
    snapshots = [
        FigureSnapshot(date=day, area_id=area_id, name=name, value=counts[(area_id, day, name)])
        for area_id in areas.values()
        for day in ends
        for name in MONTH_END_FIGURES
    ]
    return FigureSnapshot.objects.bulk_create(snapshots, batch_size=5000)


def _areas_of(town_path: str, areas: dict[str, int]) -> list[int]:
    """The areas whose path is a prefix of the town's (the town itself and every area above)."""
    parts = town_path.strip("/").split("/")
    prefixes = ("/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1))
    return [areas[p] for p in prefixes if p in areas]
