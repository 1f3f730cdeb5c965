"""The ticket's timeline as a story: each step with the unit it went to, the level it reached,
the deadline given, the 交办单's number and the meeting that decided it (events store codes and
ids; the words and names are put together here, in the reader's language)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from accounts.models import OrgUnit
from issues.models import (
    Level,
    Meeting,
    Outcome,
    RatedBy,
    Rating,
    TicketEvent,
    assignment_label,
)
from issues.templatetags.tickets import event_label

# The steps after which the ticket stands at a level worth naming.
LEVEL_STEPS = {"raise", "assign", "escalate", "solve_on_spot"}


@dataclass
class Step:
    event: TicketEvent
    label: str
    details: list[str] = field(default_factory=list)
    meeting: Meeting | None = None
    # Who gave a rating (企业自评 / 干部代为评价), shown after the rating's note.
    rated_by: str = ""


def _date(iso: str) -> str:
    return f"{datetime.date.fromisoformat(iso):%Y-%m-%d}"


def story(events: list[TicketEvent]) -> list[Step]:
    """One Step per event; two queries at most (the units and meetings named)."""
    unit_ids = {e.data.get("owner_unit") for e in events} - {None}
    meeting_ids = {e.data.get("meeting") for e in events} - {None}
    units = dict(OrgUnit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    meetings = {m.pk: m for m in Meeting.objects.filter(pk__in=meeting_ids)} if meeting_ids else {}
    levels, outcomes, ratings = dict(Level.choices), dict(Outcome.choices), dict(Rating.choices)
    steps = []
    for event in events:
        data, action = event.data or {}, event.action
        details = []
        unit = units.get(data.get("owner_unit"))
        level = levels.get(data.get("level"))
        if action == "assign" and unit:
            details.append(_("交办%(unit)s") % {"unit": unit})
        elif action == "urge" and unit:
            details.append(
                _("催办%(unit)s（第%(n)s次）") % {"unit": unit, "n": data.get("urge_count", 1)}
            )
        elif action == "rate" and event.to_status == "assigned" and unit:  # 不满意: back to it
            details.append(_("重新交办%(unit)s") % {"unit": unit})
        if action == "escalate" and level:
            details.append(_("提至%(level)s") % {"level": level})
        elif action in LEVEL_STEPS and level:
            details.append(_("层级：%(level)s") % {"level": level})
        if action == "assign" and data.get("due_days"):
            details.append(_("限%(n)s个工作日内办结") % {"n": data["due_days"]})
        reassigned = (
            action in ("assign", "approve_extension")
            or unit
            and action == "rate"
            and (event.to_status == "assigned")
        )
        if data.get("due_date") and reassigned:
            details.append(_("期限 %(date)s") % {"date": _date(data["due_date"])})
        if action == "request_extension" and data.get("until"):
            details.append(_("申请延期至 %(date)s") % {"date": _date(data["until"])})
        if data.get("number"):
            number = assignment_label(*data["number"])
            details.append(_("交办单%(number)s") % {"number": number})
        if action == "solve_on_spot" and data.get("solved_by"):
            details.append(_("现场解决人：%(who)s") % {"who": data["solved_by"]})
        if data.get("outcome") and action != "solve_on_spot":
            details.append(outcomes.get(data["outcome"], ""))
        if data.get("rating"):
            details.append(_("企业评价：%(rating)s") % {"rating": ratings.get(data["rating"], "")})
        steps.append(
            Step(
                event,
                event_label(event),
                [d for d in details if d],
                meetings.get(data.get("meeting")),
                str(RatedBy(data["rated_by"]).label) if data.get("rated_by") else "",
            )
        )
    return steps
