"""A ticket, its timeline and the actions its viewer may take; the organiser's sorting queue; the
printable assignment form; the notification inbox."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_object_for, role_required
from accounts.exports import download
from accounts.paging import query_without_page
from accounts.roles import Role
from issues import (
    attachments,
    calendar_years,
    extensions,
    grouping,
    lights,
    numbering,
    timeline,
    workdays,
    workflow,
)
from issues.forms import FORMS
from issues.models import URGENCY_RANK, Notification, Status, Ticket
from pairing import page_cache

logger = logging.getLogger(__name__)
TICKET_RELATED = ("enterprise__town", "owner_unit", "raised_by", "assignee")


def _ticket(request, pk):
    return get_object_for(
        request.user, Ticket.objects.select_related(*TICKET_RELATED), pk, request=request
    )


def _detail(request, ticket, bound=None, status=200):
    """The ticket page; `bound` is the action form that failed, shown again with what was typed."""

    def build():
        today = timezone.localdate()
        calendar = lights.calendar_for(today)
        ticket.light = lights.light(ticket, today, calendar)
        tasks = list(ticket.tasks.select_related("unit", "answered_by"))
        for task in tasks:
            # A task runs while a unit has the ticket (not while it waits for the organiser again).
            open_task = task.answered_at is None and ticket.status in (
                Status.ASSIGNED,
                Status.ACCEPTED,
            )
            task.light = lights.due_light(task.due_date, today, calendar) if open_task else ""
        actions = []
        for transition in workflow.available(request.user, ticket):
            if bound is not None and bound[0] == transition.action:
                form = bound[1]
            else:
                form = FORMS[transition.action](
                    initial={
                        "version": ticket.version,
                        "category": ticket.category,
                        "urgency": ticket.urgency,
                    },
                    auto_id=f"id_{transition.action}_%s",
                    user=request.user,
                )
            actions.append((transition, form))
        # Extensions used up: the page says to escalate instead of offering the form.
        extension_used_up = any(
            t.action == "request_extension" for t, _ in actions
        ) and extensions.room(ticket).exhausted(ticket.due_date)
        if extension_used_up:
            actions = [(t, form) for t, form in actions if t.action != "request_extension"]
        if bound is not None and bound[1].errors and bound[0] not in {t.action for t, _ in actions}:
            transition = workflow.TRANSITIONS[bound[0]]
            if ticket.status in transition.sources and transition.actors & workflow.actor_kinds(
                request.user, ticket
            ):  # out of turn only (an extension pending, say): the form keeps what was typed
                actions.append((transition, bound[1]))
            else:  # not (or no longer) this viewer's action: its form is not on the page
                messages.error(request, workflow.refusal(request.user, ticket, transition))
        primary = workflow.expected([t.action for t, _ in actions])
        actions.sort(key=lambda pair: pair[0].action != primary)  # the expected step first
        return {
            "ticket": ticket,
            "primary_action": primary,
            "co_units": ticket.co_units.all(),
            "tasks": tasks,
            "attachments": ticket.attachments.all(),
            "steps": timeline.story(
                list(ticket.events.select_related("actor").order_by("at", "id"))
            ),
            "sees_meetings": bool({Role.ORGANISER, Role.LEADER} & request.user.roles),
            "actions": actions,
            "failed": bound[0] if bound else None,
            "extension_used_up": extension_used_up,
            "today": today,
        }

    return page_cache.render_page(
        request,
        "issues/ticket_detail.html",
        build,
        context={"ticket": ticket},
        status=status,
    )


@login_required
def ticket_detail(request, pk: int):
    if page_cache.has_content(request):
        # Whether the viewer may see the ticket is checked on every view; with the page's
        # content stored, no more than that is read.
        shown = get_object_for(
            request.user, Ticket.objects.only("pk", "title"), pk, request=request
        )
        return _detail(request, shown)
    return _detail(request, _ticket(request, pk))


@require_POST
@login_required
def ticket_act(request, pk: int, action: str):
    ticket = _ticket(request, pk)
    if action not in FORMS:
        raise Http404
    form = FORMS[action](request.POST, request.FILES, auto_id=f"id_{action}_%s", user=request.user)
    if form.is_valid():
        try:
            with transaction.atomic():
                after = workflow.act(
                    request.user,
                    ticket.pk,
                    action,
                    version=form.cleaned_data["version"],
                    data=form.data_for_workflow(),
                    request=request,
                )
                if form.cleaned_data.get("attachment"):
                    event = after.events.order_by("-id").first()
                    attachments.attach(after, event, form.cleaned_data["attachment"], request.user)
        except workflow.Conflict as error:
            messages.error(request, " ".join(error.messages))
            return _detail(request, _ticket(request, pk), (action, form), status=409)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("已%(action)s。") % {"action": workflow.TRANSITIONS[action].label},
            )
            return redirect("ticket_detail", pk)
    return _detail(request, ticket, (action, form), status=400)


@role_required(Role.ORGANISER)
def sorting_queue(request):
    """梳理: the area's new tickets, and the units' requests waiting for the organiser."""
    area = request.user.jurisdiction_unit
    if area is None:
        return render(request, "reports/no_area.html", {"role_label": Role.ORGANISER.label})
    tickets = Ticket.objects.visible_to(request.user).filter(
        enterprise__town__path__startswith=area.path
    )
    today = timezone.localdate()
    new = (
        tickets.filter(status=Status.REGISTERED, common_with__isnull=True)
        .select_related(*TICKET_RELATED)
        .annotate(members=Count("grouped"))
    )
    category = request.GET.get("category")
    if category:
        new = new.filter(category=category)
    waiting = lights.annotate(
        tickets.filter(status__in=[Status.ASSIGNED, Status.ACCEPTED])
        .filter(Q(extension_until__isnull=False) | ~Q(escalation_reason=""))
        .select_related(*TICKET_RELATED)
        .order_by("due_date", URGENCY_RANK)[:100],
        today,
    )
    context = {
        "area": area,
        "page": Paginator(new.order_by(URGENCY_RANK, "created_at"), 50).get_page(
            request.GET.get("page")
        ),
        "waiting": waiting,
        "suggestions": with_reasons(escalation_suggestions(tickets, today)[:100], today),
        "on_spot": tickets.exclude(solved_on_spot_by="")
        .select_related("enterprise", "raised_by")
        .order_by("-resolved_at")[:20],
        "query": query_without_page(request),
    }
    return render(request, "issues/sorting_queue.html", context)


def escalation_suggestions(tickets, today):
    """Tickets the organiser should consider raising a level: reassigned twice without result,
    red (overdue) for 5 working days or more, several units involved (a lead and two co-units or
    more), or the same problem raised by several enterprises (a common problem with 3 or more)."""
    five_days_ago = workdays.subtract_working_days(today, 5)
    return (
        tickets.filter(status__in=[Status.ASSIGNED, Status.ACCEPTED])
        .annotate(units=Count("co_units", distinct=True), members=Count("grouped", distinct=True))
        .filter(
            Q(assign_count__gte=3)
            | Q(due_date__lte=five_days_ago)
            | Q(units__gte=2)
            | Q(members__gte=2)
        )
        .select_related(*TICKET_RELATED)
        .order_by(URGENCY_RANK, "due_date")
    )


def with_reasons(suggestions, today) -> list[Ticket]:
    """Each suggested ticket with why it is suggested, in words (the same tests as above)."""
    five_days_ago = workdays.subtract_working_days(today, 5)
    rows = list(suggestions)
    for t in rows:
        t.reasons = [
            reason
            for test, reason in (
                (t.assign_count >= 3, _("已交办 %(n)s 次仍未办结") % {"n": t.assign_count}),
                (
                    t.due_date is not None and t.due_date <= five_days_ago,
                    _("超期 5 个工作日以上"),
                ),
                (t.units >= 2, _("涉及 %(n)s 个协办单位") % {"n": t.units}),
                (t.members >= 2, _("%(n)s 家企业反映同一问题") % {"n": t.members + 1}),
            )
            if test
        ]
    return rows


def _date(value) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


def _pk(value) -> int | None:
    """A row id sent by a form, or None for anything else (text, a fraction, out of range)."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if 0 < n < 2**63 else None


@require_POST
@role_required(Role.ORGANISER)
def group_tickets(request):
    """Merge the ticked tickets under the chosen lead as one common problem."""
    visible = Ticket.objects.visible_to(request.user)
    lead_id = _pk(request.POST.get("lead"))
    lead = visible.filter(pk=lead_id).first() if lead_id else None
    ids = [_pk(v) for v in request.POST.getlist("member")]
    members = list(visible.filter(pk__in=ids)) if None not in ids else []
    if lead is None or len(members) != len(ids):
        messages.error(request, _("请选择一条牵头难题和要并入的难题。"))
        return redirect("sorting_queue")
    try:
        n = grouping.group(request.user, lead, members, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("已将 %(n)s 条难题并入“%(title)s”。") % {"n": n, "title": lead.title}
        )
    return redirect("sorting_queue")


@login_required
def assignment_form(request, pk: int):
    """工作任务交办单: a page that prints well, or the same as .xlsx (?format=xlsx)."""
    ticket = _ticket(request, pk)
    if ticket.owner_unit_id is None:
        raise Http404
    assigned = timezone.localtime(ticket.assigned_at) if ticket.assigned_at else None
    rows = [
        (_("交办单编号"), ticket.assignment_no or "—"),
        (_("企业"), ticket.enterprise.name),
        (_("问题类别"), ticket.get_category_display()),
        (_("紧急程度"), ticket.get_urgency_display()),
        (_("办理层级"), ticket.get_level_display()),
        (_("问题"), ticket.title),
        (_("问题描述"), ticket.description),
        (_("主办单位"), str(ticket.owner_unit)),
        (_("协办单位"), "、".join(str(u) for u in ticket.co_units.all()) or "—"),
        (_("交办时间"), f"{assigned:%Y-%m-%d %H:%M}" if assigned else "—"),
        (_("办理时限"), numbering.limit_in_words(ticket)),
        (
            _("办理期限"),
            _date(ticket.due_date) + calendar_years.unentered_note(ticket.due_date, request)
            if ticket.due_date
            else "—",
        ),
    ]
    if request.GET.get("format") == "xlsx":
        return download(
            "xlsx",
            [_("项目"), _("内容")],
            [[str(k), str(v)] for k, v in rows],
            name=f"assignment-{ticket.pk}",
            title=_("工作任务交办单"),
        )
    context = {"ticket": ticket, "rows": rows, "limit": numbering.limit_in_words(ticket)}
    return render(request, "issues/assignment_form.html", context)


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    ticket = _ticket(request, pk)
    attachment = ticket.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    try:
        stored = attachment.file.open("rb")
    except FileNotFoundError:  # the row outlived its file (a media store moved or restored)
        logger.error(
            "Attachment %s of ticket %s: file %s missing", attachment.pk, pk, attachment.file.name
        )
        raise Http404 from None
    return FileResponse(
        stored,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


@login_required
def inbox(request):
    notes = Notification.objects.filter(recipient=request.user).select_related("ticket")
    if request.method == "POST":
        notes.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("inbox")
    page = Paginator(notes.order_by("-created_at"), 30).get_page(request.GET.get("page"))
    return render(
        request, "issues/inbox.html", {"page": page, "query": query_without_page(request)}
    )


@require_POST
@login_required
def notification_open(request, pk: int):
    note = Notification.objects.filter(recipient=request.user, pk=pk).first()
    if note is None:
        raise Http404
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if note.ticket_id:
        return redirect("ticket_detail", note.ticket_id)
    if note.enterprise_id:
        return redirect("enterprise_detail", note.enterprise_id)
    if note.kind == "notice":  # reports.notices keys these "notice:<notice pk>:<reader pk>"
        return redirect("notice_detail", int(note.key.split(":")[1]))
    return redirect("inbox")
