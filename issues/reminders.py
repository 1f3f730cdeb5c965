"""Reminder jobs. Each notification has a unique key naming its subject and period, so a rerun, or
a run after a worker died halfway, inserts nothing it inserted before."""

from __future__ import annotations

import datetime

from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from issues.models import Notification
from pairing.models import Pairing, Visit

BATCH = 5000


def visit_due_reminders(today: datetime.date | None = None) -> int:
    """Each cadre whose paired enterprise has gone longer than the campaign's frequency without
    a visit (by anyone) gets one notification per enterprise and period. Returns how many new
    notifications were written."""
    today = today or timezone.localdate()
    last_visit = (
        Visit.objects.filter(enterprise=OuterRef("enterprise"))
        .values("enterprise")
        .annotate(d=Max("date"))
        .values("d")
    )
    pairings = (
        Pairing.objects.active()
        .filter(campaign__start__lte=today)
        .filter(Q(campaign__end__isnull=True) | Q(campaign__end__gte=today))
        .annotate(last_visit=Subquery(last_visit), every=F("campaign__visit_every_days"))
        .values_list(
            "cadre__user_id",
            "cadre_id",
            "enterprise_id",
            "enterprise__name",
            "campaign_id",
            "campaign__start",
            "start",
            "last_visit",
            "every",
        )
        .order_by("pk")
    )
    written = 0
    batch = []
    for user_id, cadre_id, firm_id, firm, campaign_id, opened, start, last, every in pairings:
        since = last or start
        if (today - since).days < every:
            continue
        period = (today - opened).days // every
        batch.append(
            Notification(
                recipient_id=user_id,
                kind="visit_due",
                enterprise_id=firm_id,
                key=f"visit_due:{campaign_id}:{cadre_id}:{firm_id}:{period}",
                title=f"请走访{firm}"[:200],
                body=f"上次走访：{last:%Y-%m-%d}" if last else "尚未走访",
            )
        )
        if len(batch) >= BATCH:
            written += _insert_new(batch)
            batch = []
    return written + _insert_new(batch)


def _insert_new(rows: list[Notification]) -> int:
    """Insert the rows whose key is new; count them (bulk_create cannot say which it skipped)."""
    if not rows:
        return 0
    known = set(
        Notification.objects.filter(key__in=[r.key for r in rows]).values_list("key", flat=True)
    )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return sum(1 for r in rows if r.key not in known)
