"""Outgoing webhooks: API clients hear of the events they chose on tickets in their area.

A receiver checks each request like this (the documentation page says the same):

    X-Pairing-Event:     ticket.assigned | ticket.resolved | ticket.escalated | ticket.overdue
    X-Pairing-Delivery:  the delivery's id (the same on a retry or a replay: deduplicate on it)
    X-Pairing-Timestamp: Unix seconds when this try was signed (refuse ones too old: replays)
    X-Pairing-Signature: sha256=HEX, HMAC-SHA256 with the client's webhook secret over
                         "<timestamp>." followed by the raw body bytes

The workflow only writes a delivery row in its transaction (`ticket_event`); the request is sent
by a job after commit (with Redis) or by the minute's sweep (`retry_due`, and embedded), so a slow
or dead receiver never slows a user's request. A failed try is retried with exponential back-off
(1, 2, 4, 8, 16 minutes) and then given up; the admin reads the log and can replay any delivery.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.api_clients import ApiClient, WebhookEvent
from issues.models import Ticket, TicketEvent
from issues.webhook_models import WebhookDelivery
from pairing import queue

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE = datetime.timedelta(minutes=1)
# Workflow actions that are events a client may subscribe to.
ACTION_EVENTS = {
    "assign": WebhookEvent.ASSIGNED,
    "resolve": WebhookEvent.RESOLVED,
    "solve_on_spot": WebhookEvent.RESOLVED,
    "escalate": WebhookEvent.ESCALATED,
}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the `attempts`-th failed try: 1, 2, 4, 8, 16 minutes."""
    return BACKOFF_BASE * 2 ** (attempts - 1)


def subscribers(event: str, town_path: str) -> list[ApiClient]:
    """Usable clients with a webhook for `event` whose area holds the firm's town. One query."""
    clients = ApiClient.objects.filter(
        revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).exclude(webhook_url="")
    return [
        c
        for c in clients.select_related("area")
        if event in (c.webhook_events or []) and town_path.startswith(c.area.path)
    ]


def ticket_payload(ticket: Ticket, event: str, at: datetime.datetime) -> dict:
    return {
        "event": event,
        "occurred_at": at.isoformat(),
        "ticket": {
            "id": ticket.pk,
            "hotline_no": ticket.hotline_no,
            "status": ticket.status,
            "level": ticket.level,
            "owner_unit": ticket.owner_unit.code if ticket.owner_unit_id else None,
            "due_date": ticket.due_date.isoformat() if ticket.due_date else None,
            "outcome": ticket.outcome or None,
        },
    }


def _queue(ticket: Ticket, event: str, key: str, at: datetime.datetime) -> list[WebhookDelivery]:
    town = ticket.enterprise.town
    clients = subscribers(event, town.path)
    if not clients:
        return []
    payload = ticket_payload(ticket, event, at)
    rows = [
        WebhookDelivery(
            client=c,
            event=event,
            ticket=ticket,
            key=f"{key}:{c.pk}",
            payload=payload,
            next_attempt_at=at,
        )
        for c in clients
    ]
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    if not queue.is_embedded():  # embedded, the minute's sweep sends them, off the request
        for row in rows:
            queue.enqueue(deliver, str(row.pk))
    return rows


def ticket_event(event: TicketEvent) -> list[WebhookDelivery]:
    """Called by issues.notify for each workflow event, inside its transaction."""
    name = ACTION_EVENTS.get(event.action)
    if name is None:
        return []
    return _queue(event.ticket, name, f"{name}:{event.pk}", event.at)


def tickets_overdue(ticket_ids_and_due: list[tuple[int, datetime.date]]) -> int:
    """Called by the daily deadline reminders with the tickets past their deadline: one event
    per ticket and deadline (a new deadline that passes is a new event)."""
    if not ticket_ids_and_due:
        return 0
    if not ApiClient.objects.exclude(webhook_url="").filter(revoked_at__isnull=True).exists():
        return 0
    now = timezone.now()
    tickets = Ticket.objects.select_related("enterprise__town", "owner_unit").in_bulk(
        [pk for pk, _due in ticket_ids_and_due]
    )
    count = 0
    for pk, due in ticket_ids_and_due:
        ticket = tickets.get(pk)
        if ticket is not None:
            event = WebhookEvent.OVERDUE
            count += len(_queue(ticket, event, f"{event}:{pk}:{due.isoformat()}", now))
    return count


def deliver(delivery_id: str) -> str:
    """The job: one try of one delivery. Success ends it; a failure schedules the next try
    (back-off) or, after MAX_ATTEMPTS, gives up. Returns the state."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("client")
            .filter(pk=delivery_id)
            .exclude(state=WebhookDelivery.State.DELIVERED)
            .first()
        )
        if delivery is None:  # delivered already, or another worker has it now
            return ""
        client = delivery.client
        body = json.dumps({"id": str(delivery.pk), **delivery.payload}, ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        status, error, started = None, "", time.monotonic()
        request = urllib.request.Request(
            client.webhook_url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Pairing-Webhooks/1",
                "X-Pairing-Event": delivery.event,
                "X-Pairing-Delivery": str(delivery.pk),
                "X-Pairing-Timestamp": timestamp,
                "X-Pairing-Signature": sign(client.webhook_secret, timestamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as r:
                status = r.status
        except urllib.error.HTTPError as exc:
            status, error = exc.code, f"HTTP {exc.code}"
        except (OSError, ValueError) as exc:  # refused, timed out, unreachable, bad URL
            error = str(exc)[:300] or exc.__class__.__name__
        now = timezone.now()
        delivery.attempts += 1
        delivery.last_status, delivery.last_error = status, error
        delivery.tries = [
            *delivery.tries,
            {
                "at": now.isoformat(),
                "status": status,
                "error": error,
                "ms": round((time.monotonic() - started) * 1000),
            },
        ]
        if status is not None and 200 <= status < 300:
            delivery.state, delivery.delivered_at, delivery.next_attempt_at = (
                WebhookDelivery.State.DELIVERED,
                now,
                None,
            )
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.state, delivery.next_attempt_at = WebhookDelivery.State.FAILED, None
        else:
            delivery.state = WebhookDelivery.State.RETRYING
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save()
        return delivery.state


def retry_due(now: datetime.datetime | None = None) -> int:
    """The sweep, every minute: try each delivery that is due (new ones when embedded, and
    retries whose back-off has passed). Each row is claimed by its try's row lock."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            state__in=[WebhookDelivery.State.PENDING, WebhookDelivery.State.RETRYING],
            next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:200]
    )
    for pk in due:
        deliver(str(pk))
    return len(due)


def replay(delivery: WebhookDelivery, *, by=None, request=None) -> None:
    """The admin sends a delivery again (after fixing the receiver): a fresh round of tries."""
    from accounts import audit

    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=WebhookDelivery.State.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        audit.record("webhook_replay", user=by, request=request, obj=delivery)
        queue.enqueue(deliver, str(delivery.pk))
