"""Reminder jobs. Each notification has a unique key naming its subject and period, so a rerun, or
a run after a worker died halfway, inserts nothing it inserted before."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import OrgUnit, User
from accounts.roles import Role
from issues import notification_texts, webhooks
from issues.models import OPEN_STATUSES, Notification, Ticket
from issues.workdays import WorkCalendar, WorkdayIndex
from pairing.models import Pairing, Visit

BATCH = 20000


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
                **_visit_due_words(firm, last),
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
    # The reminders already sent for open tickets, read once: a rerun builds nothing it sent.
    sent = set(
        Notification.objects.filter(
            kind__in=TICKET_REMINDER_KINDS, ticket__status__in=OPEN_STATUSES
        ).values_list("key", flat=True)
    )
    notes = _Notes(sent)
    overdue = []  # (ticket, deadline) for the API clients' webhooks
    for pk, title, unit_id, due, town_path, assignee_id in tickets:
        if due >= today:
            if due > horizon or index.between(today, due) > DUE_SOON_DAYS:
                continue
            to = [assignee_id] if assignee_id else people.handlers[unit_id]
            notes.add(to, "ticket_due_soon", pk, f"due_soon:{pk}:{due}", {"title": title})
        else:
            late = index.between(due, today)
            if late >= 1:
                overdue.append((pk, due))
            for step, who in OVERDUE_STEPS:
                if late < step:
                    break
                to = people.for_step(who, unit_id, town_path, assignee_id)
                params = {"title": title, "step": step}
                notes.add(to, "ticket_overdue", pk, f"overdue{step}:{pk}:{due}", params)
    webhooks.tickets_overdue(overdue)
    return notes.flush()


TICKET_REMINDER_KINDS = ("ticket_due_soon", "ticket_overdue")


def _visit_due_words(firm: str, last) -> dict:
    params = {"firm": firm}
    if last:
        params |= {"body": "visit_due_last", "last": f"{last:%Y-%m-%d}"}
    else:
        params["body"] = "visit_due_never"
    title, body = notification_texts.stored("visit_due", params)
    return {"title": title, "body": body, "params": params}


class _Notes:
    """New notifications, written in batches; keys already sent are skipped before building
    anything, and the unique key still guards against a concurrent run."""

    def __init__(self, sent: set[str]):
        self.sent, self.batch, self.written = sent, [], 0
        self.now = timezone.now()

    def add(self, user_ids, kind, ticket_id, key, params: dict) -> None:
        title = None
        for user_id in dict.fromkeys(user_ids):
            full_key = f"{key}:{user_id}"
            if full_key not in self.sent:
                title = title or notification_texts.stored(kind, params)[0]
                row = (user_id, kind, ticket_id, full_key, title, params, self.now)
                self.batch.append(row)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> int:
        if self.batch:
            if connection.vendor == "postgresql":
                _copy_in(self.batch)
            else:
                Notification.objects.bulk_create(
                    [Notification(**dict(zip(COLUMNS, row, strict=True))) for row in self.batch],
                    ignore_conflicts=True,
                )
            self.written += len(self.batch)
            self.batch = []
        return self.written


COLUMNS = ("recipient_id", "kind", "ticket_id", "key", "title", "params", "created_at")


@transaction.atomic
def _copy_in(rows: list[tuple]) -> None:
    """PostgreSQL: COPY into a scratch table, then one INSERT that skips keys already there. The
    ORM's bulk_create spent most of a 200,000-ticket run building SQL for each row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE notification_load (recipient_id bigint, kind varchar(32),"
            " ticket_id bigint, key varchar(200), title varchar(200), params jsonb,"
            " created_at timestamptz)"
        )
        with cursor.copy(f"COPY notification_load ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row[:5], json.dumps(row[5], ensure_ascii=False), row[6]))
        cursor.execute(
            f"INSERT INTO issues_notification ({', '.join(COLUMNS)}, body)"
            f" SELECT {', '.join(COLUMNS)}, '' FROM notification_load"
            " ON CONFLICT (key) DO NOTHING"
        )
        cursor.execute("DROP TABLE notification_load")  # on failure the rollback removes it


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


def _insert_new(rows: list[Notification]) -> int:
    """Insert the rows whose key is new; count them (bulk_create cannot say which it skipped)."""
    if not rows:
        return 0
    known = set(
        Notification.objects.filter(key__in=[r.key for r in rows]).values_list("key", flat=True)
    )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return sum(1 for r in rows if r.key not in known)
