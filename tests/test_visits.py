"""The cadre's visit form, the visit-due reminders, and the pages' fixed query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry, OrgUnit
from enterprises.models import Enterprise
from issues.models import Notification, Status, Ticket, TicketEvent
from issues.reminders import visit_due_reminders
from pairing.models import CoverageFigures, Visit
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    town = f.make_unit(parent=city, code="T")
    campaign = f.make_campaign(scope_unit=city, start=TODAY - datetime.timedelta(days=100))
    cadre = f.make_cadre(unit=town)
    firm = f.make_enterprise(town=town)
    pairing = f.make_pairing(cadre=cadre, enterprise=firm, campaign=campaign, start=campaign.start)
    return {
        "city": city,
        "town": town,
        "campaign": campaign,
        "cadre": cadre,
        "firm": firm,
        "pairing": pairing,
    }


def visit_data(**extra):
    data = {
        "date": TODAY.isoformat(),
        "mode": "on_site",
        "output_status": "reduced",
        "survey_orders": "down",
        "survey_hiring_gap": "12",
        "services": ["policy", "errand"],
        "notes": "订单下滑，原料涨价。",
        "problems-TOTAL_FORMS": "2",
        "problems-INITIAL_FORMS": "0",
        "problems-0-category": "financing",
        "problems-0-urgency": "urgent",
        "problems-0-title": "流动资金紧张",
        "problems-0-description": "需要贷款500万元。",
        "problems-1-category": "hiring",
        "problems-1-urgency": "normal",
        "problems-1-title": "缺少熟练工",
        "problems-1-description": "缺口约30人。",
    }
    data.update(extra)
    return data


def test_a_visit_with_two_problems_makes_one_visit_and_two_tickets(client, world):
    sign_in(client, world["cadre"].user)
    response = client.post(reverse("visit_new", args=[world["firm"].pk]), visit_data())
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "visit_detail", args=[visit.pk]
    )
    assert visit.cadre == world["cadre"] and visit.campaign == world["campaign"]
    assert visit.survey == {"orders": "down", "hiring_gap": 12}
    assert visit.services == ["policy", "errand"]
    tickets = Ticket.objects.order_by("pk")
    assert [(t.title, t.category, t.urgency, t.status) for t in tickets] == [
        ("流动资金紧张", "financing", "urgent", Status.REGISTERED),
        ("缺少熟练工", "hiring", "normal", Status.REGISTERED),
    ]
    assert all(t.visit == visit and t.raised_by == world["cadre"].user for t in tickets)
    assert TicketEvent.objects.filter(action="raise").count() == 2
    world["firm"].refresh_from_db()
    assert world["firm"].production_status == Enterprise.ProductionStatus.REDUCED
    actions = sorted(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("ticket_create") == 2 and "visit_create" in actions
    assert "enterprise_update" in actions
    page = client.get(response["Location"]).content.decode()
    assert "流动资金紧张" in page and "data-clear-draft" in page


def test_a_cadre_cannot_log_a_visit_for_an_enterprise_not_paired_with_them(client, world):
    stranger = f.make_cadre(unit=world["town"])
    sign_in(client, stranger.user)
    url = reverse("visit_new", args=[world["firm"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, visit_data()).status_code == 404
    assert not Visit.objects.exists() and not Ticket.objects.exists()


def test_an_ended_pairing_no_longer_allows_visits(client, world):
    world["pairing"].end = TODAY
    world["pairing"].save()
    sign_in(client, world["cadre"].user)
    assert (
        client.post(reverse("visit_new", args=[world["firm"].pk]), visit_data()).status_code == 404
    )
    assert not Visit.objects.exists()


def test_a_rejected_form_keeps_everything_typed_and_writes_nothing(client, world):
    sign_in(client, world["cadre"].user)
    future = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("visit_new", args=[world["firm"].pk]),
        visit_data(date=future, **{"problems-1-title": ""}),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "走访日期不能晚于今天" in page
    for typed in ("订单下滑，原料涨价。", "流动资金紧张", "需要贷款500万元。", "缺口约30人。"):
        assert typed in page
    assert not Visit.objects.exists() and not Ticket.objects.exists()


def test_a_forged_problem_count_is_refused(client, world):
    sign_in(client, world["cadre"].user)
    response = client.post(
        reverse("visit_new", args=[world["firm"].pk]),
        visit_data(**{"problems-TOTAL_FORMS": "5000"}),
    )
    assert response.status_code == 400
    assert not Visit.objects.exists()


def test_visit_due_reminder_runs_twice_sends_once(world):
    # Never visited since the pairing began 100 days ago, on a 30-day frequency.
    assert visit_due_reminders(TODAY) == 1
    assert visit_due_reminders(TODAY) == 0
    note = Notification.objects.get()
    assert note.recipient == world["cadre"].user and note.enterprise == world["firm"]
    # Next period: one more.
    assert visit_due_reminders(TODAY + datetime.timedelta(days=30)) == 1
    assert Notification.objects.count() == 2


def test_a_recent_visit_by_anyone_means_no_reminder(world):
    f.make_visit(enterprise=world["firm"], date=TODAY - datetime.timedelta(days=5))
    assert visit_due_reminders(TODAY) == 0
    assert visit_due_reminders(TODAY + datetime.timedelta(days=26)) == 1


def test_cadre_home_shows_due_visits_with_a_fixed_number_of_queries(client, world):
    sign_in(client, world["cadre"].user)
    url = reverse("cadre_home")
    client.get(url)  # the session's first touch after signing in, and the content types
    with CaptureQueriesContext(connection) as small:
        page = client.get(url).content.decode()
    assert 'data-count="due">1<' in page
    for _ in range(15):
        firm = f.make_enterprise(town=world["town"], production_status="stopped")
        f.make_pairing(cadre=world["cadre"], enterprise=firm, campaign=world["campaign"])
        f.make_visit(cadre=world["cadre"], enterprise=firm, date=TODAY)
        f.make_ticket(enterprise=firm, raised_by=world["cadre"].user)
    with CaptureQueriesContext(connection) as big:
        page = client.get(url).content.decode()
    assert 'data-count="due">1<' in page  # the 15 new firms were visited today
    assert len(big.captured_queries) == len(small.captured_queries)


def test_coverage_page_runs_a_fixed_number_of_queries(client, world):
    organiser = f.make_user("organiser", jurisdiction_unit=world["city"])
    sign_in(client, organiser)
    url = reverse("campaign_detail", args=[world["campaign"].pk])
    client.get(url)  # the session's first touch after signing in, and the content types
    CoverageFigures.objects.all().delete()  # both views below count afresh (the rows changed)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(10):
        town = f.make_unit(parent=world["city"])
        firm = f.make_enterprise(town=town, tags=["above_scale", "specialised"][: i % 3])
        if i % 2:
            f.make_pairing(enterprise=firm, campaign=world["campaign"])
    with CaptureQueriesContext(connection) as big:
        page = client.get(url).content.decode()
    assert len(big.captured_queries) == len(small.captured_queries)
    assert page.count("<tr") > 10
