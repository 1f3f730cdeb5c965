"""Who hears of what happens to a ticket, and how: a notification in the app for each recipient
(written in the action's transaction, unique per event and recipient), then email and SMS sent by
a job after commit."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db.models import Q

from accounts.models import User
from accounts.roles import Role
from issues import channels, notification_texts, webhooks
from issues.channels import jobs as channel_jobs
from issues.models import Notification, Ticket, TicketEvent
from pairing import queue


def unit_handlers(unit_ids) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, groups__name=Role.HANDLER, home_unit_id__in=list(unit_ids)
        ).distinct()
    )


def area_organisers(ticket: Ticket) -> list[User]:
    """Organisers whose jurisdiction contains the enterprise's town (its own unit or above)."""
    path = ticket.enterprise.town.path
    parts = [p for p in path.split("/") if p]
    paths = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    return list(
        User.objects.filter(
            is_active=True, groups__name=Role.ORGANISER, jurisdiction_unit__path__in=paths
        ).distinct()
    )


def unit_chain(unit) -> list[User]:
    """A unit's handlers, its head, and the leaders it answers to (those governing the unit or
    an area above it)."""
    parts = [p for p in unit.path.split("/") if p]
    paths = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    return list(
        User.objects.filter(
            Q(groups__name=Role.HANDLER, home_unit_id=unit.pk)
            | Q(pk=unit.head_id)
            | Q(groups__name=Role.LEADER, jurisdiction_unit__path__in=paths),
            is_active=True,
        ).distinct()
    )


def paired_cadres(ticket: Ticket) -> list[User]:
    """The active users of the cadres actively paired with the ticket's enterprise."""
    return list(
        User.objects.filter(
            is_active=True,
            cadre__pairings__enterprise_id=ticket.enterprise_id,
            cadre__pairings__end__isnull=True,
        ).distinct()
    )


def recipients(event: TicketEvent) -> list[User]:
    ticket = event.ticket
    if event.action == "firm_raise":  # the firm's own problem: its cadres and the sorting desk
        people = paired_cadres(ticket) + area_organisers(ticket)
    elif event.action == "firm_answer":
        people = unit_handlers([ticket.owner_unit_id] if ticket.owner_unit_id else [])
    elif event.action == "ask_firm":  # the firm has no inbox: it is texted (ticket_event)
        people = []
    elif event.action == "urge":
        people = unit_chain(ticket.owner_unit)
    elif event.action in ("assign", "approve_extension", "refuse_extension", "rate"):
        units = [ticket.owner_unit_id, *ticket.co_units.values_list("pk", flat=True)]
        people = unit_handlers(u for u in units if u)
    elif event.action in ("return", "dispute", "request_extension", "ask_escalation"):
        people = area_organisers(ticket)
    elif event.action == "name_responsible":  # the person named hears it is now theirs
        people = [ticket.assignee] if ticket.assignee_id else []
    else:  # accept, progress, escalate, resolve(d_with_lead): the raiser follows it
        people = [ticket.raised_by]
    return [p for p in people if p.pk != event.actor_id]


def ticket_event(event: TicketEvent) -> list[Notification]:
    ticket = event.ticket
    kind = f"ticket_{event.action}"
    params = {"title": ticket.title}
    if event.action == "urge":
        params["n"] = ticket.urge_count
    title, _body = notification_texts.stored(kind, params)
    rows = [
        Notification(
            recipient=person,
            kind=kind,
            ticket=ticket,
            enterprise_id=ticket.enterprise_id,
            key=f"event:{event.pk}:{person.pk}",
            title=title or ticket.title[:200],
            body=event.note[:1000],
            params=params,
        )
        for person in recipients(event)
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        queue.enqueue(deliver, [r.key for r in rows])
    if event.action == "ask_firm":
        text = notification_texts.stored("firm_question", {"title": ticket.title})[0]
        queue.enqueue(channel_jobs.text_firm, ticket.enterprise_id, text)
    webhooks.ticket_event(event)  # the API clients that chose this event (issues/webhooks.py)
    return rows


def deliver(keys: list[str]) -> int:
    """The job: email each notification whose recipient has an address, text it through the
    SMS channel, and post the kinds the group robots take. Arguments are keys, never personal
    data."""
    sender = channels.sms_backend()
    sent = 0
    for note in Notification.objects.filter(key__in=keys).select_related("recipient"):
        person = note.recipient
        if person.email:
            send_mail(note.title, note.body or note.title, None, [person.email])
            sent += 1
        if person.phone:
            sender.send(person.phone, note.title)
    if channels.group_robots():
        queue.enqueue(channel_jobs.post_to_robots, keys)
    return sent
