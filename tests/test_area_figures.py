"""The figures computed ahead for every area (reports.area_figures) against the same figures
counted live by reports.metrics, area by area and period by period; their freshness; and the
fixed number of queries whatever the data's size."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from enterprises.models import Enterprise
from issues.models import OPEN_STATUSES, Status, Ticket
from pairing.models import HelpPlan, Visit
from reports import area_figures, dashboard, metrics
from reports.demo import SCALES, seed
from reports.models import AreaFigures
from reports.periods import PERIODS, period_for
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SMALL = dataclasses.replace(
    SCALES["city"], enterprises=400, cadres=60, towns=5, counties=2, tickets=300
)


@pytest.fixture
def small_city():
    seed(SMALL, today=TODAY)
    struggling = Enterprise.objects.filter(metrics.STRUGGLING).order_by("pk")
    for firm in struggling[: struggling.count() // 2]:
        HelpPlan.objects.create(
            enterprise=firm,
            cause="订单减少",
            responsible="张三",
            target_date=TODAY + datetime.timedelta(days=30),
        )
    return OrgUnit.objects.get(parent__isnull=True)


def live(path: str, kind: str) -> dict:
    """The area's figures counted the plain way, by reports.metrics over its rows."""
    period = period_for(kind, TODAY)
    tickets = Ticket.objects.filter(enterprise__town__path__startswith=path)
    firms = Enterprise.objects.filter(town__path__startswith=path)
    in_now = metrics.in_period(tickets, period)
    by_period = metrics.ticket_figures_by_period(
        tickets, {"now": period, "before": period.previous()}, TODAY
    )
    figures = metrics.enterprise_figures(firms, period, period.previous())
    visits = Visit.objects.filter(
        enterprise__town__path__startswith=path, date__gte=period.start, date__lte=period.end
    )
    return {
        "now": by_period["now"],
        "before": by_period["before"],
        "current": metrics.ticket_figures(tickets, TODAY),
        "enterprise": figures,
        "average_days": metrics.average_working_days_to_resolve(in_now),
        "by_category": metrics.ticket_breakdown(in_now, "category", TODAY),
        "by_level": metrics.ticket_breakdown(in_now, "level", TODAY),
        "by_campaign": metrics.ticket_breakdown(in_now, "campaign", TODAY),
        "units": [(u["id"], u["f"]) for u in dashboard.unit_ranking(in_now, TODAY)][:20],
        "overdue": list(
            tickets.filter(status__in=OPEN_STATUSES, due_date__lt=TODAY)
            .order_by("due_date", "pk")
            .values_list("pk", flat=True)[:20]
        ),
        "cadres": [
            (row["cadre"], row["visits"], row["firms"])
            for row in visits.values("cadre")
            .annotate(visits=Count("pk"), firms=Count("enterprise", distinct=True))
            .order_by("-visits", "cadre")[:10]
        ],
        "collected_this_month": tickets.filter(created_at__date__gte=TODAY.replace(day=1)).count(),
        "visits_this_month": Visit.objects.filter(
            enterprise__town__path__startswith=path, date__gte=TODAY.replace(day=1)
        ).count(),
    }


def test_stored_figures_equal_the_live_count_for_every_area_and_period(small_city):
    stored_rows = area_figures.compute(None, TODAY)
    areas = list(OrgUnit.objects.filter(kind__in=OrgUnit.AREA_KINDS))
    assert stored_rows == len(areas) * len(PERIODS)
    assert Ticket.objects.count() >= 300  # the fixture's tickets are there to be counted
    checked_overdue = 0
    for area in areas:
        for kind in PERIODS:
            data = AreaFigures.objects.get(area=area, kind=kind).data
            want = live(area.path, kind)
            assert area_figures.ticket_figures(data["now"]) == want["now"], (area, kind)
            assert area_figures.ticket_figures(data["before"]) == want["before"], (area, kind)
            assert area_figures.ticket_figures(data["current"]) == want["current"]
            firms = want["enterprise"]
            assert data["enterprises"] == firms.coverage.enterprises
            assert data["paired"] == firms.coverage.paired == firms.meeting.paired
            assert data["visited_now"] == firms.meeting.visited
            assert data["visited_before"] == firms.previous_meeting.visited
            assert data["struggling"] == firms.helped.struggling
            assert data["with_plan"] == firms.helped.with_plan
            total_days, resolved = data["days"]
            if want["average_days"] is None:
                assert resolved == 0
            else:
                assert total_days / resolved == pytest.approx(want["average_days"])
            for by in ("by_category", "by_level"):
                stored = {k: area_figures.ticket_figures(c) for k, c in data[by]}
                assert stored == dict(want[by])
            # 分行动 lists every campaign reaching the area: those without tickets in the
            # period (the demo's first campaign in a week of the second's) with zeros.
            counted = dict(want["by_campaign"])
            campaigns = {k: area_figures.ticket_figures(c) for k, _name, c in data["by_campaign"]}
            assert {k: v for k, v in campaigns.items() if k in counted} == counted
            assert not any(any(c.values()) for k, _n, c in data["by_campaign"] if k not in counted)
            units = [(u["id"], area_figures.ticket_figures(u)) for u in data["units"]]
            assert units == want["units"]
            assert [t["id"] for t in data["overdue"]] == want["overdue"]
            checked_overdue += len(want["overdue"])
            cadres = [(c["id"], c["visits"], c["firms"]) for c in data["cadres"]]
            assert cadres == want["cadres"], (area, kind)
            this_month = data["trend"][-1]
            assert this_month["month"] == TODAY.strftime("%Y-%m")
            assert this_month["collected"] == want["collected_this_month"]
            assert this_month["visits"] == want["visits_this_month"]
    assert checked_overdue > 0  # the demo data has overdue tickets to list
    root = AreaFigures.objects.get(area=small_city, kind="year").data
    assert root["now"]["collected"] > 0 and root["with_plan"] > 0 and root["cadres"]
    assert sum(c["enterprises"] for c in root["children"]) == root["enterprises"]


@pytest.fixture
def county():
    root = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=root, code="E", name="东城区")
    town = f.make_unit(parent=county, code="E1", name="云溪镇")
    leader = f.make_user("leader", jurisdiction_unit=county)
    return {"root": root, "county": county, "town": town, "leader": leader}


def add_tickets(town, n):
    raiser = f.make_user("cadre")
    for i in range(n):
        firm = f.make_enterprise(town=town)
        f.make_pairing(enterprise=firm)
        f.make_visit(enterprise=firm, date=TODAY)
        f.make_ticket(
            enterprise=firm,
            raised_by=raiser,
            category=["land", "talent"][i % 2],
            owner_unit=f.make_unit(kind=OrgUnit.Kind.DEPARTMENT),
            status=Status.ASSIGNED,
            due_date=TODAY - datetime.timedelta(days=1),
        )


def collected(client) -> int:
    page = client.get(reverse("leader_home")).content.decode()
    start = page.index('data-figure="collected"')
    return int(page[start:].split('<span class="n">', 1)[1].split("<", 1)[0])


def test_computing_runs_the_same_queries_for_2_or_20_firms_and_the_page_reads_one_row(
    client, county
):
    add_tickets(county["town"], 2)
    with CaptureQueriesContext(connection) as small:
        area_figures.compute(county["county"], TODAY)
    add_tickets(county["town"], 18)
    with CaptureQueriesContext(connection) as big:
        area_figures.compute(county["county"], TODAY)
    assert len(small.captured_queries) == len(big.captured_queries)
    sign_in(client, county["leader"])
    with CaptureQueriesContext(connection) as page:
        assert client.get(reverse("leader_home")).status_code == 200
    # the stored row, the month-end snapshots, and 8 for the session (read, save), the user,
    # their roles, the area and the notification bell; the units urged twice this week (read
    # live: a 催办 shows at once); the years whose holidays are entered, for the 未含节假日 marks
    assert len(page.captured_queries) <= 12
    assert collected(client) == 20


def test_figures_are_kept_until_they_are_stale_or_the_leader_asks(client, county, settings):
    settings.AREA_FIGURES_MAX_AGE = datetime.timedelta(minutes=15)
    add_tickets(county["town"], 2)
    sign_in(client, county["leader"])
    assert collected(client) == 2  # none stored yet: counted on the spot
    add_tickets(county["town"], 3)
    page = client.get(reverse("leader_home")).content.decode()
    assert collected(client) == 2 and "数据更新于" in page  # within 15 minutes: as stored
    AreaFigures.objects.update(computed_at=timezone.now() - datetime.timedelta(minutes=2))
    response = client.post(reverse("leader_refresh"), {"period": "week"})
    assert response.status_code == 302 and response["Location"].endswith(
        f"?period=week&area={county['county'].pk}"
    )
    assert collected(client) == 5
    add_tickets(county["town"], 1)  # pressed again at once: not counted twice in a minute
    response = client.post(reverse("leader_refresh"), {"period": "week"}, follow=True)
    assert "数据刚刚更新过" in response.content.decode() and collected(client) == 5
    AreaFigures.objects.update(computed_at=timezone.now() - datetime.timedelta(minutes=16))
    assert collected(client) == 6  # too old: counted again
    add_tickets(county["town"], 1)
    AreaFigures.objects.update(day=TODAY - datetime.timedelta(days=1))
    assert collected(client) == 7  # from yesterday: its periods end on the wrong day


def test_refreshing_needs_a_leader_and_a_post(client, county):
    assert client.post(reverse("leader_refresh")).status_code == 302  # to the login page
    sign_in(client, f.make_user("organiser", jurisdiction_unit=county["county"]))
    assert client.post(reverse("leader_refresh")).status_code == 403
    assert not AreaFigures.objects.exists()
    client.logout()
    sign_in(client, county["leader"])
    assert client.get(reverse("leader_refresh")).status_code == 405
    assert not AreaFigures.objects.exists()


def test_the_scheduled_refresh_stores_every_area_and_leaves_others_alone(county):
    other = f.make_unit(kind=OrgUnit.Kind.CITY, code="X", name="别市")
    add_tickets(county["town"], 2)
    area_figures.compute(county["county"], TODAY)
    assert set(AreaFigures.objects.values_list("area", flat=True)) == {
        county["county"].pk,
        county["town"].pk,
    }
    areas = OrgUnit.objects.filter(kind__in=OrgUnit.AREA_KINDS).count()
    assert area_figures.refresh_all() == areas * len(PERIODS)
    assert AreaFigures.objects.count() == areas * len(PERIODS)
    town = AreaFigures.objects.get(area=county["town"], kind="month").data
    root = AreaFigures.objects.get(area=county["root"], kind="month").data
    assert town["now"]["collected"] == root["now"]["collected"] == 2
    assert AreaFigures.objects.get(area=other, kind="month").data["now"]["collected"] == 0


def test_a_leader_over_a_unit_that_is_not_an_area_gets_a_page(client, county):
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=county["root"], code="D")
    sign_in(client, f.make_user("leader", jurisdiction_unit=dept))
    assert collected(client) == 0
    assert AreaFigures.objects.filter(area=dept).count() == len(PERIODS)
