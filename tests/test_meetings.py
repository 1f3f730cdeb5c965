"""A coordination meeting: escalated tickets on its agenda, decisions that assign them again."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from issues.models import Level, Meeting, MeetingItem, Status, Ticket
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    town = f.make_unit(parent=city, code="T")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D", name="市自然资源局")
    firm = f.make_enterprise(town=town)
    return {
        "organiser": f.make_user("organiser", jurisdiction_unit=city),
        "chair": f.make_user("leader", jurisdiction_unit=city, display_name="张县长"),
        "dept": dept,
        "ready": f.make_ticket(enterprise=firm, level=Level.COORDINATION, title="用地指标"),
        "not_yet": f.make_ticket(enterprise=firm, level=Level.SYSTEM, title="审批慢"),
    }


def test_schedule_then_decide_assigns_the_ticket_again(client, world):
    sign_in(client, world["organiser"])
    page = client.get(reverse("meeting_list")).content.decode()
    assert "用地指标" in page and "审批慢" not in page  # only escalated tickets are candidates
    response = client.post(
        reverse("meeting_list"),
        {
            "kind": "coordination",
            "title": "第一次协调会",
            "scheduled_at": "2026-11-25T09:30",
            "chair": world["chair"].pk,
            "units": [world["dept"].pk],
            "tickets": [world["ready"].pk],
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("meeting_detail", args=[meeting.pk])
    ticket = world["ready"]
    response = client.post(
        reverse("meeting_detail", args=[meeting.pk]),
        {
            "minutes": "会议研究了用地问题。",
            f"decision_{ticket.pk}": "由市自然资源局调剂用地指标",
            f"unit_{ticket.pk}": world["dept"].pk,
            f"days_{ticket.pk}": "15",
            f"version_{ticket.pk}": ticket.version,
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.ASSIGNED and ticket.owner_unit == world["dept"]
    assert ticket.due_date > timezone.localdate()
    assert MeetingItem.objects.get().decision == "由市自然资源局调剂用地指标"
    event = ticket.events.get()
    assert event.action == "assign" and "会议决定" in event.note


def test_a_ticket_not_escalated_far_enough_cannot_go_on_the_agenda(client, world):
    sign_in(client, world["organiser"])
    response = client.post(
        reverse("meeting_list"),
        {
            "kind": "county_head",
            "title": "县长办公会议",
            "scheduled_at": "2026-11-25T09:30",
            "chair": world["chair"].pk,
            "tickets": [world["ready"].pk],  # level 3: not yet for the county head's meeting
        },
    )
    assert response.status_code == 400 and "尚未提级" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_bad_decision_keeps_what_was_typed_and_assigns_nothing(client, world):
    sign_in(client, world["organiser"])
    client.post(
        reverse("meeting_list"),
        {
            "kind": "coordination",
            "title": "协调会",
            "scheduled_at": "2026-11-25T09:30",
            "chair": world["chair"].pk,
            "tickets": [world["ready"].pk],
        },
    )
    meeting = Meeting.objects.get()
    ticket = world["ready"]
    response = client.post(
        reverse("meeting_detail", args=[meeting.pk]),
        {
            f"decision_{ticket.pk}": "我认真写下的决定",
            f"unit_{ticket.pk}": "999999",
            f"version_{ticket.pk}": ticket.version,
        },
    )
    assert response.status_code == 400
    assert "我认真写下的决定" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REGISTERED
    other = f.make_user("organiser", jurisdiction_unit=f.make_unit(kind="county"))
    client.logout()
    sign_in(client, other)
    assert client.get(reverse("meeting_detail", args=[meeting.pk])).status_code == 404
