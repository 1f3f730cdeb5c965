"""The organiser's and the cadre's list pages run a fixed number of queries whatever the number of
rows they show: each page is rendered with 3 rows, then with 30, and the query counts compared
(the pattern of test_views.test_home_pages_run_the_same_number_of_queries_for_3_or_30_rows).

Every row a test adds carries the marker ROW in its label, and each test checks the rows are on
the page, so a page that stopped listing them could not pass by running fewer queries."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Cadre, OrgUnit
from enterprises.models import Enterprise
from issues.models import Meeting, Notification, Status, TicketEvent
from pairing.models import HelpPlan, Suggestion, SuggestionRun
from reports.models import Notice
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

ROW = "计数行"
_n = itertools.count(1)


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E", name="东城区")
    town = f.make_unit(parent=east, code="E1", name="云溪镇")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=east, code="ED", name="区经信局")
    organiser = f.make_user("organiser", jurisdiction_unit=east)
    cadre = f.make_cadre(user=f.make_user("cadre", home_unit=town, display_name="甲干部"))
    return {
        "city": city,
        "east": east,
        "town": town,
        "dept": dept,
        "organiser": organiser,
        "cadre": cadre,
        "campaign": f.make_campaign(scope_unit=city),
    }


def firm(world, **fields) -> Enterprise:
    fields.setdefault("town", world["town"])
    return f.make_enterprise(name=f"{ROW}企业{next(_n)}", **fields)


def new_town(world) -> OrgUnit:
    return f.make_unit(parent=world["east"], name=f"{ROW}镇{next(_n)}")


def new_cadre(world, *, unit=None, **fields) -> Cadre:
    unit = unit or new_town(world)
    user = f.make_user("cadre", home_unit=unit, display_name=f"{ROW}干部{next(_n)}")
    cadre = f.make_cadre(user=user)
    if fields:
        Cadre.objects.filter(pk=cadre.pk).update(**fields)
    return cadre


# Each page: its URL, who opens it, and how to add n rows to it.


def add_cadres(world, n):
    """Cadres each in their own town and holding a pairing, and as many retired ones still
    holding one (the hand-over alert at the top of the list)."""
    for _ in range(n):
        f.make_pairing(cadre=new_cadre(world), enterprise=firm(world), campaign=world["campaign"])
        retired = new_cadre(world, status=Cadre.Status.RETIRED)
        f.make_pairing(cadre=retired, enterprise=firm(world), campaign=world["campaign"])


def add_uncovered(world, n):
    for _ in range(n):
        firm(world, town=new_town(world), tags=["above_scale"])


def add_coverage(world, n):
    """Towns each with a paired and an unpaired firm, under their own tag."""
    for _ in range(n):
        town = new_town(world)
        tag = f"tag{next(_n)}"
        f.make_pairing(
            cadre=world["cadre"],
            enterprise=firm(world, town=town, tags=[tag]),
            campaign=world["campaign"],
        )
        firm(world, town=town, tags=[tag])


def add_suggestions(world, n):
    run = SuggestionRun.objects.get(created_by=world["organiser"])
    Suggestion.objects.bulk_create(
        Suggestion(
            run=run,
            enterprise=firm(world, town=new_town(world)),
            cadre=new_cadre(world),
            rule=Suggestion.Rule.TERRITORY,
        )
        for _ in range(n)
    )


def add_tickets(world, n):
    """New tickets to sort, units' extension requests, and tickets to consider escalating."""
    for _ in range(n):
        enterprise = firm(world, town=new_town(world))
        raised_by = new_cadre(world).user
        f.make_ticket(enterprise=enterprise, raised_by=raised_by, title=f"{ROW}新{next(_n)}")
        f.make_ticket(
            enterprise=enterprise,
            raised_by=raised_by,
            title=f"{ROW}延期{next(_n)}",
            status=Status.ASSIGNED,
            owner_unit=f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=world["east"]),
            assignee=f.make_user("handler"),
            due_date=datetime.date(2026, 6, 1),
            extension_until=datetime.date(2026, 7, 1),
        )
        f.make_ticket(
            enterprise=enterprise,
            raised_by=raised_by,
            title=f"{ROW}提级{next(_n)}",
            status=Status.ACCEPTED,
            owner_unit=f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=world["east"]),
            due_date=datetime.date(2026, 6, 1),
            assign_count=3,
        )


def add_notifications(world, n):
    for _ in range(n):
        enterprise = firm(world, town=new_town(world))
        ticket = f.make_ticket(enterprise=enterprise, raised_by=new_cadre(world).user)
        Notification.objects.create(
            recipient=world["organiser"],
            kind="assigned",
            ticket=ticket,
            enterprise=enterprise,
            key=f"count-{next(_n)}",
            title=f"{ROW}通知{next(_n)}",
            body="请及时处理。",
        )


def add_notices(world, n):
    for _ in range(n):
        Notice.objects.create(
            area=new_town(world),
            kind=Notice.Kind.WEEKLY,
            period_start=datetime.date(2026, 3, 2),
            period_end=datetime.date(2026, 3, 8),
            figures={},
            workbook="notices/2026/x.xlsx",
            generated_by=world["organiser"],
        )


def add_help_plans(world, n):
    """Reduced or stopped firms owed a plan, and plans with a measure linked to a problem, all
    paired with the cadre."""
    for i in range(n):
        status = (Enterprise.ProductionStatus.REDUCED, Enterprise.ProductionStatus.STOPPED)[i % 2]
        owed = firm(world, town=new_town(world), production_status=status)
        planned = firm(world, town=new_town(world), production_status=status)
        for enterprise in (owed, planned):
            f.make_pairing(cadre=world["cadre"], enterprise=enterprise, campaign=world["campaign"])
        plan = HelpPlan.objects.create(
            enterprise=planned,
            cause="订单减少",
            responsible=f"{ROW}责任人{next(_n)}",
            target_date=datetime.date(2026, 9, 1),
            created_by=world["organiser"],
        )
        measure = plan.measures.create(
            text="对接银行",
            owner_unit=world["dept"],
            owner_name=f"{ROW}责任人{next(_n)}",
            due_date=datetime.date(2026, 8, 1),
        )
        measure.tickets.add(f.make_ticket(enterprise=planned, raised_by=world["cadre"].user))


def add_hand_over_rows(world, n):
    for _ in range(n):
        f.make_pairing(
            cadre=world["cadre"],
            enterprise=firm(world, town=new_town(world)),
            campaign=world["campaign"],
            group=world["campaign"].groups.first(),
        )


def add_campaign_structure(world, n):
    """Batches, service groups with a lead and a member, and targets of hand-picked firms, each
    with a paired firm (the coverage page's batch, group and target tables; the campaign form)."""
    campaign = world["campaign"]
    for _ in range(n):
        i = next(_n)
        batch = campaign.batches.create(name=f"{ROW}批{i}", start=datetime.date(2026, 1, 1))
        group = campaign.groups.create(name=f"{ROW}组{i}", lead_cadre=new_cadre(world))
        group.members.add(new_cadre(world))
        paired = firm(world, town=new_town(world))
        target = campaign.coverage_targets.create(name=f"{ROW}目标{i}", target_count=1)
        target.enterprises.add(paired)
        f.make_pairing(
            cadre=world["cadre"], enterprise=paired, campaign=campaign, batch=batch, group=group
        )


def add_campaign_loads(world, n):
    """Campaigns the cadre is paired in, each with its own cap."""
    for _ in range(n):
        campaign = f.make_campaign(scope_unit=world["east"], name=f"{ROW}行动{next(_n)}")
        f.set_caps(campaign, general=5, extra={"territory": 1})
        f.make_pairing(cadre=world["cadre"], enterprise=firm(world), campaign=campaign)


def campaign_form_url(world):
    """The form edits campaigns of the organiser's own district."""
    world["campaign"] = f.make_campaign(scope_unit=world["east"])
    return reverse("campaign_edit", args=[world["campaign"].pk])


def suggestion_run_url(world):
    run = SuggestionRun.objects.create(
        campaign=world["campaign"], area=world["east"], created_by=world["organiser"]
    )
    return reverse("suggestion_run", args=[run.pk])


def hand_over_url(world):
    world["campaign"].groups.create(name="工业专项组", kind="special", lead_unit=world["dept"])
    return reverse("cadre_hand_over", args=[world["cadre"].pk])


def add_on_spot_answers(world, n):
    for _ in range(n):
        f.make_ticket(
            enterprise=firm(world),
            status=Status.RESOLVED,
            title=f"{ROW}现场解决{next(_n)}",
            solved_on_spot_by="区经信局 李局长",
        )


def meeting_url(world):
    world["meeting"] = Meeting.objects.create(
        kind=Meeting.Kind.COORDINATION,
        title="协调会",
        scheduled_at=timezone.now(),
        chair=world["organiser"],
        organiser=world["organiser"],
    )
    return reverse("meeting_minutes", args=[world["meeting"].pk])


def add_agenda_items(world, n):
    """Items decided (a unit, a deadline), their tickets each at another firm."""
    meeting = world["meeting"]
    start = meeting.items.count()
    for i in range(n):
        ticket = f.make_ticket(enterprise=firm(world), title=f"{ROW}议题{next(_n)}")
        meeting.items.create(
            ticket=ticket,
            position=start + i + 1,
            minutes="讨论",
            decision="由区经信局办理",
            owner_unit=world["dept"],
            due_date=datetime.date(2026, 12, 31),
        )
        meeting.units.add(new_town(world))


def ticket_url(world):
    world["ticket"] = f.make_ticket(enterprise=firm(world), raised_by=world["cadre"].user)
    return reverse("ticket_detail", args=[world["ticket"].pk])


def add_timeline_steps(world, n):
    """Steps that each name another unit and another meeting."""
    for _ in range(n):
        unit = new_town(world)
        meeting = Meeting.objects.create(
            kind=Meeting.Kind.COORDINATION, title=f"{ROW}会议", scheduled_at=timezone.now()
        )
        TicketEvent.objects.create(
            ticket=world["ticket"],
            action="assign",
            data={"owner_unit": unit.pk, "level": 3, "meeting": meeting.pk, "number": [2026, 1]},
        )


PAGES = {
    "cadre_list": (lambda w: reverse("cadre_list"), "organiser", add_cadres),
    "uncovered_list": (
        lambda w: reverse("uncovered_list", args=[w["campaign"].pk]),
        "organiser",
        add_uncovered,
    ),
    "coverage": (
        lambda w: reverse("campaign_detail", args=[w["campaign"].pk]),
        "organiser",
        add_coverage,
    ),
    "coverage_structure": (
        lambda w: reverse("campaign_detail", args=[w["campaign"].pk]),
        "organiser",
        add_campaign_structure,
    ),
    "campaign_pairings": (
        lambda w: reverse("campaign_pairings", args=[w["campaign"].pk]),
        "organiser",
        add_campaign_structure,
    ),
    "campaign_form": (
        lambda w: campaign_form_url(w),
        "organiser",
        add_campaign_structure,
    ),
    "cadre_loads": (
        lambda w: reverse("cadre_detail", args=[w["cadre"].pk]),
        "organiser",
        add_campaign_loads,
    ),
    "suggestion_run": (suggestion_run_url, "organiser", add_suggestions),
    "sorting_queue": (lambda w: reverse("sorting_queue"), "organiser", add_tickets),
    "inbox": (lambda w: reverse("inbox"), "organiser", add_notifications),
    "notice_list": (lambda w: reverse("notice_list"), "organiser", add_notices),
    "help_plans_organiser": (lambda w: reverse("help_plan_list"), "organiser", add_help_plans),
    "help_plans_cadre": (lambda w: reverse("help_plan_list"), "cadre", add_help_plans),
    "help_plans_owed": (
        lambda w: reverse("help_plan_list") + "?show=owed",
        "organiser",
        add_help_plans,
    ),
    "hand_over": (hand_over_url, "organiser", add_hand_over_rows),
    "sorting_queue_on_spot": (lambda w: reverse("sorting_queue"), "organiser", add_on_spot_answers),
    "meeting_minutes": (meeting_url, "organiser", add_agenda_items),
    "ticket_timeline": (ticket_url, "organiser", add_timeline_steps),
}


@pytest.mark.parametrize("page", PAGES)
def test_the_page_runs_the_same_number_of_queries_for_3_or_30_rows(client, world, page):
    make_url, persona, add = PAGES[page]
    url = make_url(world)
    user = world["organiser"] if persona == "organiser" else world["cadre"].user
    sign_in(client, user)
    client.get(url)  # the session, the user and the content types, loaded once

    def render() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), response.content.decode()

    add(world, 3)
    few, html = render()
    shown = html.count(ROW)
    assert shown >= 3
    add(world, 27)
    many, html = render()
    assert html.count(ROW) >= shown + 27  # the new rows are on the page too
    assert many == few, f"{page}: {few} queries with 3 rows, {many} with 30"


# The main pages of issue 19, each with a budget of queries it may run whatever its rows: the
# request's own (session, user, roles, the bell) and the page's. A change that adds one fails
# here; one that saves some lowers the budget.


def add_cadre_home_rows(world, n):
    """Pairings of the cadre, each firm with an open problem the cadre raised and a visit."""
    for _ in range(n):
        enterprise = firm(world)
        f.make_pairing(cadre=world["cadre"], enterprise=enterprise, campaign=world["campaign"])
        f.make_ticket(
            enterprise=enterprise,
            raised_by=world["cadre"].user,
            title=f"{ROW}难题{next(_n)}",
            status=Status.ASSIGNED,
        )
        f.make_visit(cadre=world["cadre"], enterprise=enterprise)


def add_queue_rows(world, n):
    """Tickets the handler's bureau holds, each at another firm, in another town."""
    for _ in range(n):
        f.make_ticket(
            enterprise=firm(world, town=new_town(world)),
            title=f"{ROW}承办{next(_n)}",
            status=Status.ASSIGNED,
            owner_unit=world["dept"],
            due_date=datetime.date(2026, 12, 1),
        )


def add_roster_rows(world, n):
    for _ in range(n):
        firm(world, town=new_town(world), tags=["above_scale"])


def add_dashboard_rows(world, n):
    """Towns each with a firm and an open problem, counted into the stored figures."""
    from reports import area_figures

    for _ in range(n):
        f.make_ticket(enterprise=firm(world, town=new_town(world)), status=Status.ASSIGNED)
    area_figures.refresh_all()


MAIN_PAGES = {
    # page: (URL, who opens it, how to add n rows, queries at most)
    # 10: one of them the problems the cadre's firms raised themselves in the portal (issue 16).
    "cadre_home": (lambda w: reverse("cadre_home"), "cadre", add_cadre_home_rows, 10),
    "handler_queue": (lambda w: reverse("handler_home"), "handler", add_queue_rows, 13),
    "organiser_home": (lambda w: reverse("organiser_home"), "organiser", add_campaign_loads, 11),
    "leader_dashboard": (lambda w: reverse("leader_home"), "leader", add_dashboard_rows, 7),
    "roster_list": (lambda w: reverse("enterprise_list"), "organiser", add_roster_rows, 11),
    "ticket_page": (ticket_url, "organiser", add_timeline_steps, 15),
    "campaign_coverage": (
        lambda w: reverse("campaign_detail", args=[w["campaign"].pk]),
        "organiser",
        add_coverage,
        28,
    ),
}


@pytest.mark.parametrize("page", MAIN_PAGES)
def test_a_main_page_runs_its_pinned_queries_at_3_and_30_rows(client, world, page):
    make_url, persona, add, budget = MAIN_PAGES[page]
    url = make_url(world)
    users = {
        "organiser": world["organiser"],
        "cadre": world["cadre"].user,
        "handler": f.make_user("handler", home_unit=world["dept"]),
        "leader": f.make_user("leader", jurisdiction_unit=world["east"]),
    }
    sign_in(client, users[persona])
    client.get(url)  # the session, the user and the content types, loaded once
    counts = []
    for n in (3, 27):
        add(world, n)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        if page != "leader_dashboard":  # the dashboard shows figures, not rows
            assert response.content.decode().count(ROW) >= (3 if n == 3 else 30)
        counts.append(len(captured))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries with 3 rows, {counts[1]} with 30"
    assert counts[1] <= budget, f"{page}: {counts[1]} queries, more than its {budget}"
