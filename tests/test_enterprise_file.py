"""The enterprise file (一企一档) reaches its whole history: the latest visits and tickets on the
file, every one of them on paginated history pages, newest first, scoped exactly like the file,
each page in a fixed number of queries whatever the history's size."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry, OrgUnit
from enterprises import views
from issues.models import Status, TicketEvent
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W")
    town = f.make_unit(parent=east, code="E1")
    cadre = f.make_cadre(user=f.make_user("cadre", home_unit=town))
    enterprise = f.make_enterprise(town=town)
    campaign = f.make_campaign(scope_unit=city)
    f.make_pairing(cadre=cadre, enterprise=enterprise, campaign=campaign)
    return {
        "cadre": cadre,
        "enterprise": enterprise,
        "campaign": campaign,
        "organiser": f.make_user("organiser", jurisdiction_unit=east),
        "other_organiser": f.make_user("organiser", jurisdiction_unit=west),
    }


def add_history(world, n: int, *, first: int = 0) -> tuple[list[int], list[int]]:
    """n visits on n different days and n tickets raised on them, each ticket with an event;
    their ids, newest first."""
    visits, tickets = [], []
    for i in range(first, first + n):
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=i)
        visit = f.make_visit(
            cadre=world["cadre"],
            enterprise=world["enterprise"],
            campaign=world["campaign"],
            date=day,
            notes=f"第{i}次走访",
        )
        ticket = f.make_ticket(
            enterprise=world["enterprise"],
            raised_by=world["cadre"].user,
            status=Status.REGISTERED,
            visit=visit,
            created_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))),
        )
        TicketEvent.objects.create(ticket=ticket, actor=world["cadre"].user, action="raise")
        visits.append(visit.pk)
        tickets.append(ticket.pk)
    return visits[::-1], tickets[::-1]


def linked_ids(html: str, name: str) -> list[int]:
    """The ids of the `name` pages (visit_detail, ticket_detail) the page links to, in order."""
    prefix = re.escape(reverse(name, args=[0])[:-2])
    return [int(pk) for pk in re.findall(rf'href="{prefix}(\d+)/"', html)]


def every_page(client, url: str, name: str) -> tuple[list[int], int]:
    ids, number = [], 1
    while True:
        response = client.get(url, {"page": number})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="data cards"' in html  # a table on a desk, cards on a phone
        ids += linked_ids(html, name)
        if f'page={number + 1}"' not in html:
            return ids, number
        number += 1


@pytest.mark.parametrize(
    ("route", "name", "kind"),
    [("enterprise_visits", "visit_detail", 0), ("enterprise_tickets", "ticket_detail", 1)],
)
def test_every_visit_and_ticket_is_reachable_newest_first(
    client, world, monkeypatch, route, name, kind
):
    monkeypatch.setattr(views, "HISTORY_PAGE_SIZE", 10)
    expected = add_history(world, views.RECENT + 5)[kind]
    sign_in(client, world["organiser"])
    file = client.get(reverse("enterprise_detail", args=[world["enterprise"].pk])).content.decode()
    assert linked_ids(file, name) == expected[: views.RECENT]  # the latest on the file
    link = reverse(route, args=[world["enterprise"].pk])
    assert f'href="{link}"' in file and f"（{len(expected)}）" in file
    ids, pages = every_page(client, link, name)
    assert pages == 3
    assert ids == expected


def test_the_file_lists_every_pairing_past_and_present(client, world):
    ended = f.make_pairing(
        cadre=f.make_cadre(user=f.make_user("cadre", display_name="前任干部")),
        enterprise=world["enterprise"],
        campaign=world["campaign"],
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2025, 6, 30),
        end_reason="调离",
    )
    sign_in(client, world["organiser"])
    html = client.get(reverse("enterprise_detail", args=[world["enterprise"].pk])).content.decode()
    assert str(world["cadre"].user) in html
    assert "前任干部" in html and "2025-06-30" in html and ended.end_reason in html


@pytest.mark.parametrize("route", ["enterprise_visits", "enterprise_tickets"])
def test_another_areas_users_get_404_and_it_is_recorded(client, world, route):
    add_history(world, 2)
    url = reverse(route, args=[world["enterprise"].pk])
    sign_in(client, world["organiser"])
    assert client.get(url).status_code == 200
    outsider = world["other_organiser"]
    sign_in(client, outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse(route, args=[999999])).status_code == 404
    assert AuditEntry.objects.filter(action="access_denied", user=outsider).count() == 1


@pytest.mark.parametrize("route", ["enterprise_detail", "enterprise_visits", "enterprise_tickets"])
def test_queries_do_not_grow_with_the_history(client, world, route):
    sign_in(client, world["organiser"])
    url = reverse(route, args=[world["enterprise"].pk])
    client.get(url)  # the session and the user, loaded once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add_history(world, 3)
    few = queries()
    add_history(world, 27, first=3)
    assert queries() == few
