"""Coordination meetings (协调会) and the county head's office meeting (县长办公会议): an organiser
puts escalated tickets on the agenda (in order) with a chair and attendees, then records the
minutes, what was said of each item and a decision per ticket; each decision assigns its ticket
again, to a unit and a deadline, through the workflow, and the ticket's timeline links back."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import PATH_SEPARATOR, OrgUnit, User
from accounts.roles import Role
from issues import workflow
from issues.models import URGENCY_RANK, Level, Meeting, MeetingItem, Status, Ticket

# The level a ticket must have reached to go before each kind of meeting.
LEVEL_FOR = {
    Meeting.Kind.COORDINATION: Level.COORDINATION,
    Meeting.Kind.COUNTY_HEAD: Level.COUNTY_HEAD,
}


@transaction.atomic
def schedule(
    actor,
    *,
    kind,
    title,
    scheduled_at,
    chair,
    units,
    tickets,
    place="",
    attendees="",
    request=None,
) -> Meeting:
    """Tickets go on the agenda most urgent first (特急, 紧急, 一般), then oldest first."""
    if chair is None:
        raise ValidationError({"chair": _("请选择会议主持人。")})
    if not tickets:
        raise ValidationError(_("请至少选择一条难题上会。"))
    wrong = [t for t in tickets if t.level < LEVEL_FOR[kind] or t.status != Status.REGISTERED]
    if wrong:
        raise ValidationError(
            _("以下难题尚未提级到该会议，或已在办理中：%(titles)s")
            % {"titles": "、".join(t.title for t in wrong)}
        )
    meeting = Meeting.objects.create(
        kind=kind,
        title=title,
        scheduled_at=scheduled_at,
        organiser=actor,
        chair=chair,
        place=place,
        attendees=attendees,
    )
    meeting.units.set(units)
    ordered = Ticket.objects.filter(pk__in=[t.pk for t in tickets]).order_by(
        URGENCY_RANK, "created_at", "pk"
    )
    MeetingItem.objects.bulk_create(
        [MeetingItem(meeting=meeting, ticket=t, position=n) for n, t in enumerate(ordered, 1)]
    )
    audit.record(
        "meeting_schedule",
        user=actor,
        request=request,
        obj=meeting,
        changes={"tickets": [t.pk for t in ordered], "chair": chair.pk},
    )
    return meeting


@transaction.atomic
def record(
    actor,
    meeting: Meeting,
    *,
    minutes: str,
    item_minutes: dict | None = None,
    decisions: dict,
    request=None,
    today: datetime.date | None = None,
) -> None:
    """`item_minutes`: ticket id → what was said of it. `decisions`: ticket id → {"decision",
    "owner_unit", "due_days" or "due_date", "version"}. Each decided ticket is assigned through
    workflow.act (its checks, event and notifications); any refusal undoes the whole record."""
    today = today or timezone.localdate()
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one recorder at a time
    items = {i.ticket_id: i for i in meeting.items.select_related("ticket")}
    item_minutes = item_minutes or {}
    if (set(decisions) | set(item_minutes)) - set(items):
        raise ValidationError(_("议题中没有这些难题。"))
    meeting.minutes = minutes
    meeting.held_at = meeting.held_at or timezone.now()
    meeting.save(update_fields=["minutes", "held_at"])
    for ticket_id, text in item_minutes.items():
        item = items[ticket_id]
        if text != item.minutes:
            item.minutes = text
            item.save(update_fields=["minutes"])
    for ticket_id, decision in decisions.items():
        item = items[ticket_id]
        if item.decision:
            raise ValidationError(_("“%(title)s”已有会议决定。") % {"title": item.ticket.title})
        due_date = decision.get("due_date")
        if due_date is not None and due_date <= today:
            raise ValidationError(
                _("“%(title)s”的办结期限须晚于今天。") % {"title": item.ticket.title}
            )
        ticket = workflow.act(
            actor,
            ticket_id,
            "assign",
            version=decision["version"],
            data={
                "owner_unit": decision["owner_unit"],
                "due_days": decision.get("due_days"),
                "due_date": due_date,
                "note": _("会议决定：%(text)s") % {"text": decision["decision"]},
                "meeting": meeting.pk,
            },
            request=request,
            today=today,
        )
        item.decision = decision["decision"]
        item.owner_unit, item.due_date = ticket.owner_unit, ticket.due_date
        item.save(update_fields=["decision", "owner_unit", "due_date"])
    audit.record(
        "meeting_record",
        user=actor,
        request=request,
        obj=meeting,
        changes={"decided": sorted(decisions), "items": sorted(item_minutes)},
    )


def chairs_for(area: OrgUnit):
    """Who may chair the area's meetings: the leaders and organisers of the area, of the areas
    above it (a county head, a city's deputy mayor) and below it."""
    parts = [p for p in area.path.split(PATH_SEPARATOR) if p]
    above = [
        PATH_SEPARATOR + PATH_SEPARATOR.join(parts[:i]) + PATH_SEPARATOR
        for i in range(1, len(parts))
    ]
    return (
        User.objects.filter(
            Q(jurisdiction_unit__path__startswith=area.path) | Q(jurisdiction_unit__path__in=above),
            groups__name__in=[Role.LEADER, Role.ORGANISER],
            is_active=True,
        )
        .distinct()
        .order_by("jurisdiction_unit__path", "display_name")
    )


def agenda_candidates(tickets_in_area):
    """Escalated tickets waiting for a meeting (and not on another's agenda yet), most urgent
    first."""
    pending = MeetingItem.objects.filter(decision="").values("ticket_id")
    return (
        tickets_in_area.filter(status=Status.REGISTERED, level__gte=Level.COORDINATION)
        .exclude(pk__in=pending)
        .select_related("enterprise")
        .order_by(URGENCY_RANK, "created_at")
    )
