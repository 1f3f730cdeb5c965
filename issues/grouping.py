"""Common problems (共性问题) and duplicates: an organiser puts registered tickets under a lead
ticket; one decision answers them all. When the lead is resolved, every open member is resolved
with the same outcome and reply, each with its own timeline event, and its raiser is told."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from issues import notify
from issues.models import OPEN_STATUSES, Status, Ticket, TicketEvent


@transaction.atomic
def group(actor, lead: Ticket, members: list[Ticket], *, request=None) -> int:
    """The tickets must all be visible to the organiser (the caller reads them through
    visible_to); the members must still be waiting to be sorted, in no group yet."""
    members = [m for m in members if m.pk != lead.pk]
    if not members:
        raise ValidationError(_("请选择要并入的难题。"))
    if lead.status not in OPEN_STATUSES or lead.common_with_id:
        raise ValidationError(_("牵头难题须未办结，且本身未并入其他难题。"))
    locked = list(Ticket.objects.select_for_update().filter(pk__in=[m.pk for m in members]))
    wrong = [
        m for m in locked if m.status != Status.REGISTERED or m.common_with_id or m.grouped.exists()
    ]
    if wrong or len(locked) != len(members):
        raise ValidationError(_("只能并入尚未交办、且没有下属难题的难题。"))
    for member in locked:
        member.common_with, member.is_common = lead, True
        member.version += 1
        member.save(update_fields=["common_with", "is_common", "version", "updated_at"])
        TicketEvent.objects.create(
            ticket=member, actor=actor, action="grouped", data={"lead": lead.pk}
        )
    Ticket.objects.filter(pk=lead.pk).update(is_common=True)
    TicketEvent.objects.create(
        ticket=lead, actor=actor, action="grouped", data={"members": [m.pk for m in locked]}
    )
    audit.record(
        "ticket_group",
        user=actor,
        request=request,
        obj=lead,
        changes={"members": [m.pk for m in locked]},
    )
    return len(locked)


def answer_members(lead: Ticket, actor) -> int:
    """Called by the workflow inside the lead's resolve: the same answer for every open member."""
    members = list(
        Ticket.objects.select_for_update().filter(common_with=lead, status__in=OPEN_STATUSES)
    )
    now = timezone.now()
    for member in members:
        before = member.status
        member.status = Status.RESOLVED
        member.outcome, member.reply = lead.outcome, lead.reply
        member.resolved_at = member.replied_at = now
        member.version += 1
        member.save()
        event = TicketEvent.objects.create(
            ticket=member,
            actor=actor,
            action="resolved_with_lead",
            from_status=before,
            to_status=Status.RESOLVED,
            note=lead.reply,
            data={"lead": lead.pk, "outcome": lead.outcome},
        )
        notify.ticket_event(event)
    return len(members)


def leave_group(ticket: Ticket, actor) -> None:
    """Called by the workflow when a grouped ticket is assigned on its own: it leaves its group,
    so the lead's answer no longer closes it, and both timelines say so. The caller saves it."""
    lead_id = ticket.common_with_id
    if lead_id is None:
        return
    ticket.common_with, ticket.is_common = None, False
    TicketEvent.objects.create(
        ticket=ticket, actor=actor, action="ungrouped", data={"lead": lead_id}
    )
    TicketEvent.objects.create(
        ticket_id=lead_id, actor=actor, action="member_left", data={"member": ticket.pk}
    )
