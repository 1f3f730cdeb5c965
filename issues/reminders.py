"""Reminder jobs. Each notification has a unique key naming its subject and period, so a rerun, or
a run after a worker died halfway, inserts nothing it inserted before."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import OrgUnit, User
from accounts.roles import Role
from issues.models import OPEN_STATUSES, Notification, Ticket
from issues.workdays import WorkCalendar, WorkdayIndex
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


DUE_SOON_DAYS = 2
# Overdue by this many working days → who is reminded (each step once per deadline).
OVERDUE_STEPS = ((1, "handlers"), (3, "head"), (5, "organisers"))


def ticket_deadline_reminders(today: datetime.date | None = None) -> int:
    """Open assigned tickets due within 2 working days remind the assignee (or the unit's
    handlers); overdue ones remind the handlers at 1, the unit head at 3 and the area's organisers
    at 5 working days overdue. Keys name the ticket, the deadline and the step, so each is sent
    once, and a new deadline (an extension, a reopening) starts the cadence again."""
    today = today or timezone.localdate()
    tickets = list(
        Ticket.objects.filter(
            status__in=OPEN_STATUSES, due_date__isnull=False, owner_unit__isnull=False
        ).values_list(
            "pk", "title", "owner_unit_id", "due_date", "enterprise__town__path", "assignee_id"
        )
    )
    if not tickets:
        return 0
    first = min(min(t[3] for t in tickets), today)
    horizon = today + datetime.timedelta(days=60)
    index = WorkdayIndex(WorkCalendar.load(first, horizon))
    people = _Recipients({t[2] for t in tickets})
    written, batch = 0, []
    for pk, title, unit_id, due, town_path, assignee_id in tickets:
        if due >= today:
            if (
                due > today + datetime.timedelta(days=60)
                or index.between(today, due) > DUE_SOON_DAYS
            ):
                continue
            to = [assignee_id] if assignee_id else people.handlers[unit_id]
            batch += _notes(to, "ticket_due_soon", pk, f"due_soon:{pk}:{due}", f"即将到期：{title}")
        else:
            late = index.between(due, today)
            for step, who in OVERDUE_STEPS:
                if late < step:
                    break
                to = people.for_step(who, unit_id, town_path, assignee_id)
                batch += _notes(
                    to,
                    "ticket_overdue",
                    pk,
                    f"overdue{step}:{pk}:{due}",
                    f"已超期{step}个工作日：{title}",
                )
        if len(batch) >= BATCH:
            written += _insert_new(batch)
            batch = []
    return written + _insert_new(batch)


class _Recipients:
    """The people behind each step, read in three queries for all tickets."""

    def __init__(self, unit_ids: set[int]):
        self.handlers = defaultdict(list)
        rows = User.objects.filter(
            is_active=True, groups__name=Role.HANDLER, home_unit_id__in=unit_ids
        ).values_list("home_unit_id", "pk")
        for unit_id, user_id in rows:
            self.handlers[unit_id].append(user_id)
        self.heads = dict(
            OrgUnit.objects.filter(pk__in=unit_ids, head__is_active=True).values_list(
                "pk", "head_id"
            )
        )
        self.organisers = defaultdict(list)
        rows = User.objects.filter(
            is_active=True, groups__name=Role.ORGANISER, jurisdiction_unit__isnull=False
        ).values_list("jurisdiction_unit__path", "pk")
        for path, user_id in rows:
            self.organisers[path].append(user_id)

    def for_step(self, who, unit_id, town_path, assignee_id) -> list[int]:
        if who == "handlers":
            return [assignee_id] if assignee_id else self.handlers[unit_id]
        if who == "head":
            head = self.heads.get(unit_id)
            return [head] if head else self.handlers[unit_id]
        parts = town_path.strip("/").split("/")
        return [
            user_id
            for i in range(1, len(parts) + 1)
            for user_id in self.organisers.get("/" + "/".join(parts[:i]) + "/", ())
        ]


def _notes(user_ids, kind, ticket_id, key, title) -> list[Notification]:
    return [
        Notification(
            recipient_id=user_id,
            kind=kind,
            ticket_id=ticket_id,
            key=f"{key}:{user_id}",
            title=title[:200],
        )
        for user_id in dict.fromkeys(user_ids)
    ]


def _insert_new(rows: list[Notification]) -> int:
    """Insert the rows whose key is new; count them (bulk_create cannot say which it skipped)."""
    if not rows:
        return 0
    known = set(
        Notification.objects.filter(key__in=[r.key for r in rows]).values_list("key", flat=True)
    )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return sum(1 for r in rows if r.key not in known)
