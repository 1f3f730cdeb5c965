"""Coordination meetings (协调会) and the county head's office meeting (县长办公会议): an organiser
puts escalated tickets on the agenda, records who came, the minutes and a decision per ticket,
and each decision assigns its ticket again, with a new deadline, through the workflow."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import audit
from issues import workflow
from issues.models import Level, Meeting, MeetingItem, Status

# The level a ticket must have reached to go before each kind of meeting.
LEVEL_FOR = {
    Meeting.Kind.COORDINATION: Level.COORDINATION,
    Meeting.Kind.COUNTY_HEAD: Level.COUNTY_HEAD,
}


@transaction.atomic
def schedule(actor, *, kind, title, scheduled_at, units, tickets, request=None) -> Meeting:
    if not tickets:
        raise ValidationError(_("请至少选择一条难题上会。"))
    wrong = [t for t in tickets if t.level < LEVEL_FOR[kind] or t.status != Status.REGISTERED]
    if wrong:
        raise ValidationError(
            _("以下难题尚未提级到该会议，或已在办理中：%(titles)s")
            % {"titles": "、".join(t.title for t in wrong)}
        )
    meeting = Meeting.objects.create(
        kind=kind, title=title, scheduled_at=scheduled_at, organiser=actor, chair=None
    )
    meeting.units.set(units)
    MeetingItem.objects.bulk_create([MeetingItem(meeting=meeting, ticket=t) for t in tickets])
    audit.record(
        "meeting_schedule",
        user=actor,
        request=request,
        obj=meeting,
        changes={"tickets": [t.pk for t in tickets]},
    )
    return meeting


@transaction.atomic
def record(actor, meeting: Meeting, *, minutes: str, decisions: dict, request=None) -> None:
    """`decisions`: ticket id → {"decision", "owner_unit", "due_days", "version"}. Each decided
    ticket is assigned through workflow.act (its checks, event and notifications)."""
    items = {i.ticket_id: i for i in meeting.items.select_related("ticket")}
    unknown = set(decisions) - set(items)
    if unknown:
        raise ValidationError(_("议题中没有这些难题。"))
    meeting.minutes = minutes
    meeting.save(update_fields=["minutes"])
    for ticket_id, decision in decisions.items():
        item = items[ticket_id]
        if item.decision:
            raise ValidationError(_("“%(title)s”已有会议决定。") % {"title": item.ticket.title})
        item.decision = decision["decision"]
        item.save(update_fields=["decision"])
        workflow.act(
            actor,
            ticket_id,
            "assign",
            version=decision["version"],
            data={
                "owner_unit": decision["owner_unit"],
                "due_days": decision.get("due_days"),
                "note": _("会议决定：%(text)s") % {"text": decision["decision"]},
            },
            request=request,
        )
    audit.record(
        "meeting_record",
        user=actor,
        request=request,
        obj=meeting,
        changes={"decided": sorted(decisions)},
    )


def agenda_candidates(tickets_in_area):
    """Escalated tickets waiting for a meeting."""
    return tickets_in_area.filter(
        status=Status.REGISTERED, level__gte=Level.COORDINATION
    ).select_related("enterprise")
