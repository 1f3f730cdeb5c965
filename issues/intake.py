"""Writing up a visit: the visit, the output status it saw, and each problem raised on it as a
ticket, in one transaction (DESIGN.md: problems raised on a visit become tickets)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import Cadre
from enterprises.models import Enterprise
from issues import workflow
from issues.models import Source, Status, Ticket, TicketEvent
from pairing.models import Pairing, Visit


@dataclass
class Problem:
    category: str
    title: str
    description: str
    urgency: str
    # 现场解决: answered there and then (how, and by whom), so the ticket is born resolved.
    solved_on_spot: bool = False
    solution: str = ""
    solved_by: str = ""


class AlreadyLogged(Exception):
    """The visit was saved already; `visit` is the one saved."""

    def __init__(self, visit: Visit):
        super().__init__(visit)
        self.visit = visit


def active_pairing(cadre: Cadre, enterprise_id: int) -> Pairing | None:
    """The cadre's active pairing with the enterprise (the lead one first), or None."""
    return (
        Pairing.objects.active()
        .filter(cadre=cadre, enterprise_id=enterprise_id)
        .select_related("campaign")
        .order_by("role", "-start")
        .first()
    )


@transaction.atomic
def log_visit(
    user, enterprise: Enterprise, visit: Visit, problems: list[Problem], *, request=None
) -> Visit:
    """Save a visit the user (a cadre actively paired with the enterprise) made, with its
    problems as registered tickets; the enterprise takes the output status the visit saw, unless
    a later visit saw one since."""
    cadre = getattr(user, "cadre", None)
    pairing = active_pairing(cadre, enterprise.pk) if cadre else None
    if pairing is None:
        raise ValidationError(_("您未与该企业结对，不能填报走访。"))
    if visit.date < pairing.start:
        message = _("您与该企业自 %(start)s 起结对，此前的走访不能在此填报。")
        raise ValidationError({"date": message % {"start": pairing.start.isoformat()}})
    # One write at a time per cadre, so a form sent twice at once finds its first copy. The same
    # form is known by the token it was drawn with, never by its content.
    Cadre.objects.select_for_update().filter(pk=cadre.pk).first()
    if visit.submission_token is not None:
        earlier = Visit.objects.filter(submission_token=visit.submission_token).first()
        if earlier is not None and earlier.cadre_id == cadre.pk:
            raise AlreadyLogged(earlier)
        if earlier is not None:  # another's token (a copied page): this visit gets its own
            visit.submission_token = None
    visit.cadre, visit.enterprise, visit.campaign = cadre, enterprise, pairing.campaign
    visit.save()
    audit.record(
        "visit_create",
        user=user,
        request=request,
        obj=visit,
        changes={"date": str(visit.date), "mode": visit.mode, "problems": len(problems)},
    )
    # A visit written up late does not overwrite the status a later visit saw.
    seen_since = (
        Visit.objects.filter(enterprise=enterprise, date__gt=visit.date)
        .exclude(output_status="")
        .exists()
    )
    if (
        visit.output_status
        and visit.output_status != enterprise.production_status
        and not seen_since
    ):
        before = enterprise.production_status
        Enterprise.objects.filter(pk=enterprise.pk).update(production_status=visit.output_status)
        audit.record(
            "enterprise_update",
            user=user,
            request=request,
            obj=enterprise,
            changes={"production_status": [before, visit.output_status], "visit": visit.pk},
        )
    for problem in problems:
        ticket = Ticket.objects.create(
            enterprise=enterprise,
            campaign=pairing.campaign,
            visit=visit,
            raised_by=user,
            source=Source.VISIT,
            category=problem.category,
            title=problem.title,
            description=problem.description,
            urgency=problem.urgency,
            status=Status.REGISTERED,
        )
        TicketEvent.objects.create(
            ticket=ticket,
            actor=user,
            action="raise",
            to_status=Status.REGISTERED,
            data={"level": ticket.level},
        )
        audit.record("ticket_create", user=user, request=request, obj=ticket)
        if problem.solved_on_spot:
            workflow.act(
                user,
                ticket.pk,
                "solve_on_spot",
                version=ticket.version,
                data={"reply": problem.solution, "solved_by": problem.solved_by},
                request=request,
            )
    return visit
