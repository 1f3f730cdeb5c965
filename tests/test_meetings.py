"""A coordination meeting: escalated tickets on its agenda, decisions that assign them again."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from docx import Document

from accounts.models import OrgUnit
from issues import meetings
from issues.models import Level, Meeting, MeetingItem, Status, Ticket
from tests import factories as f
from tests.helpers import at_once, sign_in

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


def decide_land(client, world, meeting):
    """The meeting gives the land ticket to the land bureau for 15 working days."""
    ticket = world["ready"]
    return client.post(
        reverse("meeting_detail", args=[meeting.pk]),
        {
            "minutes": "会议研究了用地问题。",
            f"decision_{ticket.pk}": "由市自然资源局调剂用地指标",
            f"unit_{ticket.pk}": world["dept"].pk,
            f"days_{ticket.pk}": "15",
            f"version_{ticket.pk}": ticket.version,
        },
    )


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
    response = decide_land(client, world, meeting)
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


# --- issue 13: real meetings ------------------------------------------------------------------


def schedule(client, world, **fields):
    data = {
        "kind": "coordination",
        "title": "用地问题协调会",
        "scheduled_at": "2026-11-25T09:30",
        "place": "县行政中心三楼会议室",
        "chair": world["chair"].pk,
        "units": [world["dept"].pk],
        "attendees": "市自然资源局 王明 副局长\n县经信局 李强 科长",
        "tickets": [world["ready"].pk],
    }
    data.update(fields)
    return client.post(reverse("meeting_list"), data)


def test_a_meeting_without_a_chair_or_with_a_forged_one_is_refused(client, world):
    sign_in(client, world["organiser"])
    for chair in ["", "999999", f.make_user("leader", jurisdiction_unit=f.make_unit(code="Z")).pk]:
        response = schedule(client, world, chair=chair)
        page = response.content.decode()
        assert response.status_code == 400 and "用地问题协调会" in page  # typing kept
        assert "请选择会议主持人" in page or "选择一个有效的选项" in page
    assert not Meeting.objects.exists()


def test_a_held_meeting_has_its_chair_attendees_agenda_minutes_and_decisions(client, world):
    urgent = f.make_ticket(
        enterprise=world["ready"].enterprise,
        level=Level.COORDINATION,
        title="特急：厂区断电",
        urgency="critical",
    )
    sign_in(client, world["organiser"])
    schedule(client, world, tickets=[world["ready"].pk, urgent.pk])
    meeting = Meeting.objects.get()
    assert [i.ticket_id for i in meeting.items.all()] == [urgent.pk, world["ready"].pk]
    due = timezone.localdate() + timezone.timedelta(days=20)
    response = client.post(
        reverse("meeting_detail", args=[meeting.pk]),
        {
            "minutes": "会议研究了两家企业的难题。",
            f"minutes_{urgent.pk}": "供电公司说明了线路改造进度。",
            f"decision_{urgent.pk}": "由市自然资源局协调临时用电用地",
            f"unit_{urgent.pk}": world["dept"].pk,
            f"due_{urgent.pk}": due.isoformat(),
            f"version_{urgent.pk}": urgent.version,
            f"minutes_{world['ready'].pk}": "暂缓，待现场踏勘。",
        },
    )
    assert response.status_code == 302
    urgent.refresh_from_db()
    assert urgent.status == Status.ASSIGNED and urgent.due_date == due and urgent.due_days is None
    item = meeting.items.get(ticket=urgent)
    assert item.owner_unit == world["dept"] and item.due_date == due
    minutes = client.get(reverse("meeting_minutes", args=[meeting.pk])).content.decode()
    for text in [
        "用地问题协调会纪要",
        "张县长",
        "县行政中心三楼会议室",
        "市自然资源局 王明 副局长",
        "议题一：特急：厂区断电",
        "供电公司说明了线路改造进度。",
        "由市自然资源局协调临时用电用地",
        f"办结期限：{due:%Y-%m-%d}",
        "议题二：用地指标",
        "（待议）",
        "签发",
    ]:
        assert text in minutes, text
    assert f'href="{reverse("ticket_detail", args=[urgent.pk])}"' in minutes
    ticket_page = client.get(reverse("ticket_detail", args=[urgent.pk])).content.decode()
    assert f'href="{reverse("meeting_minutes", args=[meeting.pk])}"' in ticket_page
    assert "用地问题协调会（会议纪要）" in ticket_page


def test_the_minutes_download_as_a_word_document(client, world):
    sign_in(client, world["organiser"])
    schedule(client, world)
    meeting = Meeting.objects.get()
    decide_land(client, world, meeting)
    response = client.get(reverse("meeting_minutes", args=[meeting.pk]) + "?format=docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "用地问题协调会纪要" in text and "主持人：张县长" in text
    assert "议题一：用地指标" in text and "由市自然资源局调剂用地指标" in text
    # The chair (a leader) reads the minutes too; a handler does not.
    client.logout()
    sign_in(client, world["chair"])
    assert client.get(reverse("meeting_minutes", args=[meeting.pk])).status_code == 200
    client.logout()
    sign_in(client, f.make_user("handler", home_unit=world["dept"]))
    assert client.get(reverse("meeting_minutes", args=[meeting.pk])).status_code == 403


def test_a_decision_deadline_in_the_past_or_a_forged_item_changes_nothing(client, world):
    sign_in(client, world["organiser"])
    schedule(client, world)
    meeting = Meeting.objects.get()
    ticket = world["ready"]
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    response = client.post(
        reverse("meeting_detail", args=[meeting.pk]),
        {
            "minutes": "写好的纪要",
            f"decision_{ticket.pk}": "我认真写下的决定",
            f"unit_{ticket.pk}": world["dept"].pk,
            f"due_{ticket.pk}": yesterday.isoformat(),
            f"version_{ticket.pk}": ticket.version,
        },
    )
    page = response.content.decode()
    assert response.status_code == 400 and "办结期限须晚于今天" in page
    assert "我认真写下的决定" in page and "写好的纪要" in page
    meeting.refresh_from_db()
    assert meeting.minutes == "" and meeting.held_at is None
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REGISTERED
    with pytest.raises(ValidationError, match="议题中没有这些难题"):
        meetings.record(
            world["organiser"], meeting, minutes="x", decisions={}, item_minutes={999999: "x"}
        )


@pytest.mark.django_db(transaction=True)
def test_two_people_recording_one_decision_at_once_one_wins_the_other_is_told(world):
    ticket = world["ready"]
    meeting = meetings.schedule(
        world["organiser"],
        kind=Meeting.Kind.COORDINATION,
        title="协调会",
        scheduled_at=timezone.now(),
        chair=world["chair"],
        units=[],
        tickets=[ticket],
    )
    second = f.make_user("organiser", jurisdiction_unit=world["organiser"].jurisdiction_unit)

    def record(user, text):
        decision = {"decision": text, "owner_unit": world["dept"], "due_days": 5, "version": 1}
        return lambda: meetings.record(
            user,
            Meeting.objects.get(pk=meeting.pk),
            minutes="纪要",
            decisions={ticket.pk: decision},
        )

    results = at_once(record(world["organiser"], "甲"), record(second, "乙"))
    assert results[1] == "ok" and results[0] in ("Conflict", "ValidationError")
    assert ticket.events.filter(action="assign").count() == 1
    assert MeetingItem.objects.get().decision in ("甲", "乙")
