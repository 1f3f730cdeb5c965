"""Common problems: grouped under a lead, answered once for all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import OrgUnit
from issues import workflow
from issues.models import Notification, Status, Ticket
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    town = f.make_unit(parent=city, code="T")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D")
    raisers = [f.make_cadre(unit=town).user for _ in range(3)]
    tickets = [
        f.make_ticket(enterprise=f.make_enterprise(town=town), raised_by=r, title=f"电价上涨{i}")
        for i, r in enumerate(raisers)
    ]
    return {
        "organiser": f.make_user("organiser", jurisdiction_unit=city),
        "handler": f.make_user("handler", home_unit=dept),
        "dept": dept,
        "tickets": tickets,
        "raisers": raisers,
    }


def test_grouped_tickets_are_answered_with_their_lead(client, world):
    lead, *members = world["tickets"]
    sign_in(client, world["organiser"])
    response = client.post(
        reverse("group_tickets"), {"lead": lead.pk, "member": [m.pk for m in members]}
    )
    assert response.status_code == 302
    assert set(Ticket.objects.filter(common_with=lead)) == set(members)
    queue = client.get(reverse("sorting_queue")).content.decode()
    assert "共性问题，并入 2 条" in queue and members[0].title not in queue
    organiser, handler = world["organiser"], world["handler"]
    workflow.act(organiser, lead.pk, "assign", version=1, data={"owner_unit": world["dept"]})
    workflow.act(handler, lead.pk, "accept", version=2)
    workflow.act(
        handler,
        lead.pk,
        "resolve",
        version=3,
        data={"outcome": "replied", "reply": "执行全省统一电价政策。"},
    )
    for member in members:
        member.refresh_from_db()
        assert (member.status, member.outcome, member.reply) == (
            Status.RESOLVED,
            "replied",
            "执行全省统一电价政策。",
        )
        assert member.events.last().action == "resolved_with_lead"
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert {r.pk for r in world["raisers"]} <= told


def test_grouping_refuses_tickets_already_assigned_and_changes_nothing(client, world):
    lead, first, second = world["tickets"]
    Ticket.objects.filter(pk=second.pk).update(status=Status.ASSIGNED, owner_unit=world["dept"])
    sign_in(client, world["organiser"])
    client.post(reverse("group_tickets"), {"lead": lead.pk, "member": [first.pk, second.pk]})
    assert not Ticket.objects.filter(common_with__isnull=False).exists()


def test_an_organiser_cannot_group_tickets_outside_their_area(client, world):
    lead, *members = world["tickets"]
    elsewhere = f.make_user("organiser", jurisdiction_unit=f.make_unit(kind="county"))
    sign_in(client, elsewhere)
    client.post(reverse("group_tickets"), {"lead": lead.pk, "member": [m.pk for m in members]})
    assert not Ticket.objects.filter(common_with__isnull=False).exists()
