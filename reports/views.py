"""Each role's home page: the role's own scoped data, from reports.selectors and reports.metrics."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.exports import requested_format
from accounts.models import OrgUnit, User
from accounts.paging import query_without_page
from accounts.roles import Role
from enterprises.models import Enterprise
from issues import lights, responsibility
from issues import selectors as issues_selectors
from issues.models import OPEN_STATUSES, Source, Status, Ticket
from pairing import page_cache
from pairing import selectors as pairing_selectors
from reports import area_figures, dashboard, drill, selectors
from reports.periods import PERIODS, period_for

HANDLER_PAGE_SIZE = 25


def _no_area(request, role_label):
    return render(request, "reports/no_area.html", {"role_label": role_label}, status=200)


@role_required(Role.CADRE)
def cadre_home(request):
    cadre = getattr(request.user, "cadre", None)
    today = timezone.localdate()

    def build():
        pairings = list(selectors.cadre_pairings(cadre)) if cadre else []
        for p in pairings:
            # Due under the campaign's frequency: never visited, or the last visit too long ago.
            p.due_on = (
                p.last_visit + datetime.timedelta(days=p.campaign.visit_every_days)
                if p.last_visit
                else p.start
            )
            p.is_due = p.due_on <= today
        mine = Enterprise.objects.filter(pk__in=[p.enterprise_id for p in pairings])
        return {
            "pairings": pairings,
            "due": sum(p.is_due for p in pairings),
            "open_tickets": Ticket.objects.visible_to(request.user)
            .filter(raised_by=request.user, status__in=OPEN_STATUSES)
            .select_related("enterprise", "owner_unit")
            .order_by("due_date", "-created_at")[:50],
            # What the paired firms raised themselves in the portal and is not closed yet.
            "firm_raised": Ticket.objects.visible_to(request.user)
            .filter(source=Source.FIRM, enterprise__in=mine)
            .exclude(status=Status.CLOSED)
            .select_related("enterprise", "owner_unit")
            .order_by("-created_at")[:50],
            "owed_plans": pairing_selectors.without_help_plan(mine)[:50],
        }

    return page_cache.render_page(
        request,
        "reports/cadre_home.html",
        build,
        context={"cadre": cadre, "today": today},
    )


@role_required(Role.HANDLER)
def handler_home(request):
    unit = request.user.home_unit
    status = request.GET.get("status") or None

    def tickets():
        return selectors.handler_tickets(request.user, status) if unit else Ticket.objects.none()

    export = requested_format(request)
    if export:
        return responsibility.export(request, tickets(), export, filters={"status": status})

    def build():
        page = Paginator(tickets(), HANDLER_PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = lights.annotate(page.object_list, timezone.localdate())
        counts = selectors.handler_status_counts(request.user) if unit else {}
        statuses = [(value, label, counts.get(value, 0)) for value, label in Status.choices]
        return {"page": page, "statuses": statuses, "query": query_without_page(request)}

    return page_cache.render_page(
        request,
        "reports/handler_home.html",
        build,
        context={"unit": unit, "status": status, "today": timezone.localdate()},
    )


@role_required(Role.ORGANISER)
def organiser_home(request):
    area = request.user.jurisdiction_unit
    if area is None:
        return _no_area(request, Role.ORGANISER.label)

    def build():
        enterprises = selectors.enterprises_in_area(request.user)
        return {
            "campaigns": selectors.organiser_campaigns(request.user),
            "enterprise_total": enterprises.count(),
            "registered": selectors.registered_in_area(request.user),
            "hand_over": pairing_selectors.cadres_needing_hand_over(area).count(),
            "owed_plans": pairing_selectors.without_help_plan(enterprises).count(),
        }

    return page_cache.render_page(
        request, "reports/organiser_home.html", build, context={"area": area}
    )


def _period_kind(value) -> str:
    return value if value in PERIODS else "month"


@role_required(Role.LEADER)
def leader_home(request):
    """The dashboard of the leader's area, or of an area under it (?area=): the drill-down."""
    if request.user.jurisdiction_unit is None:
        return _no_area(request, Role.LEADER.label)
    area = drill.area_for(request.user, request.GET.get("area"))
    kind = _period_kind(request.GET.get("period"))

    def build():
        context = dashboard.build(area, kind, timezone.localdate())
        context["trail"] = drill.breadcrumb(request.user, area)
        context["urged_units"] = issues_selectors.units_urged_often(area.path)
        return context

    return page_cache.render_page(
        request, "reports/leader_home.html", build, context={"area": area}
    )


@require_POST
@role_required(Role.LEADER)
def leader_refresh(request):
    """Count the shown area again now instead of waiting for the next scheduled refresh."""
    if request.user.jurisdiction_unit is None:
        return _no_area(request, Role.LEADER.label)
    area = drill.area_for(request.user, request.POST.get("area"))
    kind = _period_kind(request.POST.get("period"))
    if not area_figures.refresh(area, timezone.localdate()):
        messages.info(request, _("数据刚刚更新过，请稍后再试。"))
    return redirect(f"{reverse('leader_home')}?period={kind}&area={area.pk}")


@role_required(Role.LEADER)
def leader_rows(request):
    """The rows behind a figure of the dashboard, each a link to its ticket or enterprise."""
    if request.user.jurisdiction_unit is None:
        return _no_area(request, Role.LEADER.label)
    area = drill.area_for(request.user, request.GET.get("area"))
    figure = request.GET.get("figure", "")
    kind = _period_kind(request.GET.get("period"))
    today = timezone.localdate()
    period = period_for(kind, today)
    filters = {k: request.GET.get(k) for k in drill.TICKET_FILTERS}
    tickets = drill.ticket_rows(request.user, area, figure, period, today, filters)
    firms = (
        None if tickets is not None else drill.enterprise_rows(request.user, area, figure, period)
    )
    rows = tickets if tickets is not None else firms
    if rows is None:
        raise Http404
    title, narrowed = drill.heading(figure, PERIODS[kind], filters)
    export = requested_format(request)
    if export and tickets is not None:
        described = {"figure": figure, "period": f"{period.start}/{period.end}", **filters}
        return responsibility.export(request, tickets, export, filters=described)
    context = {
        "area": area,
        "trail": drill.breadcrumb(request.user, area),
        "figure": figure,
        "title": title,
        "narrowed": narrowed,
        "in_period": drill.FIGURES[figure].in_period,
        "period": period,
        "kind": kind,
        "tickets": tickets is not None,
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "query": query_without_page(request),
    }
    return render(request, "reports/leader_rows.html", context)


@role_required(Role.ADMIN)
def admin_home(request):
    roles = dict(
        Group.objects.filter(name__in=Role.values)
        .annotate(n=Count("user"))
        .values_list("name", "n")
    )
    units = dict(OrgUnit.objects.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    context = {
        "role_counts": [(role.label, roles.get(role.value, 0)) for role in Role],
        "unit_counts": [(label, units.get(kind, 0)) for kind, label in OrgUnit.Kind.choices],
        "users": User.objects.filter(is_active=True).count(),
        "enterprises": Enterprise.objects.count(),
    }
    return render(request, "reports/admin_home.html", context)
