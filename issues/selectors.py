"""Reads about tickets that several pages share."""

from __future__ import annotations

import datetime

from django.db.models import Count, Max
from django.utils import timezone

from issues.models import Urging

URGED_WINDOW = datetime.timedelta(days=7)
URGED_OFTEN = 2  # a unit urged this many times within the window shows on the dashboard


def units_urged_often(area_path: str, now: datetime.datetime | None = None) -> list[dict]:
    """Units urged (催办) twice or more in the last seven days over tickets of firms in the
    area: the unit, how often, and when last; one aggregate query."""
    since = (now or timezone.now()) - URGED_WINDOW
    return list(
        Urging.objects.filter(at__gte=since, ticket__enterprise__town__path__startswith=area_path)
        .values("unit_id", "unit__name")
        .annotate(times=Count("id"), last=Max("at"))
        .filter(times__gte=URGED_OFTEN)
        .order_by("-times", "unit__name")[:20]
    )
