"""Bad input on the ticket (难题) pages, as each person would send it: a forged or oversized form,
an action out of turn, a file of the wrong kind, a unit or a ticket of another area. Each gets a
clear message (or a 404 for someone else's record), changes nothing (the tickets, their events,
tasks, attachments, meetings and the audit trail's successes are compared before and after), and
what was typed comes back. No page answers 500, in Chinese or in English."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry, OrgUnit
from issues import workflow
from issues.models import (
    Level,
    Meeting,
    MeetingItem,
    Notification,
    Status,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketTask,
)
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
S = Status
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="Anlan City")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E", name="East District")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W", name="West District")
    town = f.make_unit(parent=east, code="E1", name="Yunxi Town")
    west_town = f.make_unit(parent=west, code="W1", name="Qingshi Town")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D", name="City Economy")
    co_dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D2", name="City Land")
    east_dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=east, code="ED", name="East Econ")
    west_dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=west, code="WD", name="West Econ")
    raiser = f.make_cadre(
        user=f.make_user("cadre", home_unit=town, display_name="Cadre Li"), unit=town
    )
    firm = f.make_enterprise(town=town, name="Yunxi Machinery Co")
    west_firm = f.make_enterprise(town=west_town, name="Qingshi Shoes Co")

    def person(role, name, **units):
        return f.make_user(role, display_name=name, **units)

    return {
        "city": city,
        "east": east,
        "town": town,
        "dept": dept,
        "co_dept": co_dept,
        "east_dept": east_dept,
        "west_dept": west_dept,
        "firm": firm,
        "west_firm": west_firm,
        "raiser": raiser.user,
        "organiser": person("organiser", "Organiser East", jurisdiction_unit=east),
        "other_organiser": person("organiser", "Organiser West", jurisdiction_unit=west),
        "leader": person("leader", "Leader City", jurisdiction_unit=city),
        "owner": person("handler", "Handler Owner", home_unit=dept),
        "co_handler": person("handler", "Handler Co", home_unit=co_dept),
        "other_handler": person("handler", "Handler West", home_unit=west_dept),
    }


def ticket_in(world, status, *, co_task=False, firm=None, **fields) -> Ticket:
    if status != S.REGISTERED:
        fields.setdefault("owner_unit", world["dept"])
        fields.setdefault("due_date", TODAY + datetime.timedelta(days=14))
        fields.setdefault("assigned_at", timezone.now())
    fields.setdefault("title", "Land quota short")
    fields.setdefault("description", "The firm needs more land to expand.")
    ticket = f.make_ticket(
        enterprise=firm or world["firm"], raised_by=world["raiser"], status=status, **fields
    )
    if co_task:
        ticket.co_units.add(world["co_dept"])
        TicketTask.objects.create(ticket=ticket, unit=world["co_dept"], due_date=ticket.due_date)
    return ticket


def state() -> dict:
    """Everything a ticket action, a grouping or a meeting could change."""
    return {
        "tickets": list(Ticket.objects.order_by("pk").values()),
        "co_units": list(Ticket.co_units.through.objects.order_by("pk").values()),
        "events": list(TicketEvent.objects.order_by("pk").values()),
        "tasks": list(TicketTask.objects.order_by("pk").values()),
        "attachments": list(TicketAttachment.objects.order_by("pk").values()),
        "meetings": list(Meeting.objects.order_by("pk").values()),
        "items": list(MeetingItem.objects.order_by("pk").values()),
        "notifications": Notification.objects.count(),
        "audit": list(
            AuditEntry.objects.filter(result=AuditEntry.Result.OK)
            .exclude(action__in=["login", "logout", "access_denied"])
            .order_by("pk")
            .values_list("action", "object_id")
        ),
    }


def act(client, ticket, action, **data):
    data.setdefault("version", Ticket.objects.get(pk=ticket.pk).version)
    return client.post(reverse("ticket_act", args=[ticket.pk, action]), data)


def page_text(response) -> str:
    return response.content.decode()


# --- the ticket page's action forms ---------------------------------------------------------


def test_resolving_before_accepting_says_why_on_the_page_and_changes_nothing(client, world):
    ticket = ticket_in(world, S.ASSIGNED)
    sign_in(client, world["owner"])
    before = state()
    response = act(client, ticket, "resolve", outcome="solved", reply="Done, as I typed it.")
    assert response.status_code == 400
    assert "不能办结" in page_text(response)  # 难题当前为“已交办”，不能办结。
    assert state() == before


def test_rating_twice_says_why_and_changes_nothing(client, world):
    ticket = ticket_in(world, S.RESOLVED)
    sign_in(client, world["raiser"])
    assert act(client, ticket, "rate", rating="satisfied").status_code == 302
    before = state()
    response = act(client, ticket, "rate", rating="unsatisfied", note="Still not fixed")
    assert response.status_code == 400
    assert "不能记录企业评价" in page_text(response)
    assert state() == before


def test_a_co_unit_cannot_resolve_nor_a_cadre_assign(client, world):
    ticket = ticket_in(world, S.ACCEPTED, co_task=True)
    sign_in(client, world["co_handler"])
    before = state()
    response = act(client, ticket, "resolve", outcome="solved", reply="Not ours to close")
    assert response.status_code == 400 and "您无权对这条难题办结" in page_text(response)
    client.logout()
    sign_in(client, world["raiser"])
    response = act(
        client, ticket, "assign", owner_unit=world["dept"].pk, category="land", urgency="normal"
    )
    assert response.status_code == 400 and "不能交办" in page_text(response)
    assert state() == before


@pytest.mark.parametrize("who", ["other_handler", "other_organiser"])
def test_someone_else_s_ticket_answers_404_to_every_url(client, world, who):
    ticket = ticket_in(world, S.ACCEPTED)
    TicketAttachment.objects.create(
        ticket=ticket,
        file=SimpleUploadedFile("a.pdf", PDF),
        name="a.pdf",
        size=len(PDF),
        content_type="application/pdf",
    )
    attachment = ticket.attachments.get()
    sign_in(client, world[who])
    before = state()
    for url in [
        reverse("ticket_detail", args=[ticket.pk]),
        reverse("assignment_form", args=[ticket.pk]),
        reverse("assignment_form", args=[ticket.pk]) + "?format=xlsx",
        reverse("attachment_download", args=[ticket.pk, attachment.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert act(client, ticket, "progress", note="forged").status_code == 404
    assert act(client, ticket, "escalate", note="forged").status_code == 404
    assert state()["tickets"] == before["tickets"]


def test_an_attachment_of_another_ticket_answers_404(client, world):
    mine, other = (
        ticket_in(world, S.ACCEPTED),
        ticket_in(world, S.ACCEPTED, firm=world["west_firm"]),
    )
    attachment = TicketAttachment.objects.create(
        ticket=other,
        file=SimpleUploadedFile("b.pdf", PDF),
        name="b.pdf",
        size=len(PDF),
        content_type="application/pdf",
    )
    sign_in(client, world["organiser"])  # sees `mine` (East), not `other` (West)
    url = reverse("attachment_download", args=[mine.pk, attachment.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("until", "message"),
    [
        (TODAY - datetime.timedelta(days=3), "须晚于现在的期限"),
        (TODAY + datetime.timedelta(days=14), "须晚于现在的期限"),  # the deadline itself
        (TODAY + datetime.timedelta(days=7), "须晚于现在的期限"),
        ("", "这个字段是必填项"),
        ("2026-02-30", "输入一个有效的日期"),
    ],
)
def test_an_extension_not_past_the_deadline_is_refused_and_keeps_the_reason(
    client, world, until, message
):
    ticket = ticket_in(world, S.ACCEPTED)
    sign_in(client, world["owner"])
    before = state()
    response = act(client, ticket, "request_extension", until=until, note="Waiting for the survey")
    assert response.status_code == 400
    body = page_text(response)
    assert message in body and "Waiting for the survey" in body
    assert 'data-action="request_extension"' in body and "<details open" in body
    assert state() == before


def test_a_note_too_long_or_missing_comes_back_with_a_message(client, world):
    ticket = ticket_in(world, S.ACCEPTED)
    sign_in(client, world["owner"])
    before = state()
    response = act(client, ticket, "progress", note="x" * 2001)
    assert response.status_code == 400 and "x" * 2001 in page_text(response)
    assert "2000" in page_text(response)
    response = act(client, ticket, "progress", note="   ")
    assert response.status_code == 400 and "这个字段是必填项" in page_text(response)
    response = act(client, ticket, "progress", note="nul\x00byte")
    assert response.status_code == 400
    assert state() == before


@pytest.mark.parametrize("version", ["", "abc", "1.5", "-1", "99999999999999999999"])
def test_a_forged_version_changes_nothing(client, world, version):
    ticket = ticket_in(world, S.ASSIGNED)
    sign_in(client, world["owner"])
    before = state()
    response = act(client, ticket, "accept", version=version)
    assert response.status_code in (400, 409)
    assert state() == before


@pytest.mark.parametrize("action", ["ACCEPT", "accept-", "act", "grouped", "resolved_with_lead"])
def test_a_forged_action_name_answers_404(client, world, action):
    ticket = ticket_in(world, S.ASSIGNED)
    sign_in(client, world["owner"])
    before = state()
    assert act(client, ticket, action).status_code == 404
    assert state() == before


@pytest.mark.parametrize(
    "fields",
    [
        {"due_days": "0"},
        {"due_days": "121"},
        {"due_days": "ten"},
        {"urgency": "whenever"},
        {"owner_unit": ""},
        {"owner_unit": "99999999999999999999"},
        {"co_units": ["abc"]},
    ],
)
def test_a_forged_assignment_keeps_the_ticket_registered(client, world, fields):
    ticket = ticket_in(world, S.REGISTERED)
    sign_in(client, world["organiser"])
    data = {"owner_unit": world["dept"].pk, "category": "land", "urgency": "normal", **fields}
    before = state()
    response = act(client, ticket, "assign", **data)
    assert response.status_code == 400
    assert state() == before


def test_a_unit_of_another_area_cannot_be_given_a_ticket(client, world):
    ticket = ticket_in(world, S.REGISTERED)
    sign_in(client, world["organiser"])
    page = page_text(client.get(reverse("ticket_detail", args=[ticket.pk])))
    assert "East Econ" in page and "City Economy" in page  # the area's and the city's bureaus
    assert "West Econ" not in page
    before = state()
    for fields in [
        {"owner_unit": world["west_dept"].pk},
        {"owner_unit": world["dept"].pk, "co_units": [world["west_dept"].pk]},
    ]:
        data = {"category": "land", "urgency": "normal", **fields}
        response = act(client, ticket, "assign", **data)
        assert response.status_code == 400
    assert state() == before
    response = act(
        client,
        ticket,
        "assign",
        owner_unit=world["east_dept"].pk,
        co_units=[world["dept"].pk],
        category="land",
        urgency="normal",
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.owner_unit == world["east_dept"] and ticket.status == S.ASSIGNED


def test_the_workflow_itself_refuses_another_area_s_unit(world):
    ticket = ticket_in(world, S.REGISTERED)
    before = state()
    for data in [
        {"owner_unit": world["west_dept"]},
        {"owner_unit": world["dept"], "co_units": [world["west_dept"]]},
    ]:
        with pytest.raises(ValidationError, match="只能交办给本辖区的单位或上级部门"):
            workflow.act(world["organiser"], ticket.pk, "assign", version=1, data=data)
    assert state() == before


def test_a_dispute_after_the_window_says_why_and_keeps_the_reason(client, world):
    ticket = ticket_in(world, S.ASSIGNED, assigned_at=timezone.now() - datetime.timedelta(days=9))
    sign_in(client, world["owner"])
    before = state()
    response = act(client, ticket, "dispute", note="Not our remit at all")
    assert response.status_code == 400
    body = page_text(response)
    assert "异议须在交办后" in body and "Not our remit at all" in body
    assert state() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"plain text notes", "只能上传"),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", "只能上传"),
        ("photo.png", PDF, "后缀与文件内容不符"),
        ("empty.pdf", b"", "空文件"),
    ],
)
def test_an_attachment_of_the_wrong_kind_is_refused_and_the_note_comes_back(
    client, world, name, content, message
):
    ticket = ticket_in(world, S.ACCEPTED)
    sign_in(client, world["owner"])
    before = state()
    upload = SimpleUploadedFile(name, content)
    response = act(client, ticket, "resolve", outcome="solved", reply="My reply", attachment=upload)
    assert response.status_code == 400
    assert message in page_text(response) and "My reply" in page_text(response)
    assert state() == before


def test_an_attachment_too_big_is_refused(client, world, settings):
    settings.TICKET_ATTACHMENT_MAX_BYTES = 2**20
    ticket = ticket_in(world, S.ACCEPTED)
    sign_in(client, world["owner"])
    before = state()
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 2**20)
    response = act(client, ticket, "progress", note="Scan of the permit", attachment=upload)
    assert response.status_code == 400
    assert "附件不能超过 1 MB" in page_text(response)
    assert "Scan of the permit" in page_text(response)
    assert state() == before


def test_an_extension_decision_with_none_pending_says_so(client, world):
    ticket = ticket_in(world, S.ACCEPTED)
    sign_in(client, world["organiser"])
    before = state()
    response = act(client, ticket, "approve_extension")
    assert response.status_code == 400 and "没有待审批的延期申请" in page_text(response)
    assert state() == before


# --- the sorting queue and grouping ---------------------------------------------------------


@pytest.mark.parametrize(
    "lead", ["abc", "", "1.5", "-3", "99999999999999999999", "９"]
)  # the last: a full-width digit
def test_grouping_with_a_forged_lead_is_a_message(client, world, lead):
    tickets = [ticket_in(world, S.REGISTERED, title=f"Power price {i}") for i in range(2)]
    sign_in(client, world["organiser"])
    before = state()
    response = client.post(
        reverse("group_tickets"), {"lead": lead, "member": [t.pk for t in tickets]}, follow=True
    )
    assert response.status_code == 200
    assert "请选择一条牵头难题" in page_text(response)
    assert state() == before


@pytest.mark.parametrize("member", ["abc", "99999999999999999999", "٣", "-1"])
def test_grouping_with_a_forged_member_is_a_message(client, world, member):
    lead = ticket_in(world, S.REGISTERED)
    sign_in(client, world["organiser"])
    before = state()
    response = client.post(
        reverse("group_tickets"), {"lead": lead.pk, "member": [member]}, follow=True
    )
    assert response.status_code == 200 and "请选择" in page_text(response)
    assert state() == before


def test_a_ticket_cannot_be_grouped_with_itself(client, world):
    lead = ticket_in(world, S.REGISTERED)
    sign_in(client, world["organiser"])
    before = state()
    response = client.post(
        reverse("group_tickets"), {"lead": lead.pk, "member": [lead.pk]}, follow=True
    )
    assert "请选择要并入的难题" in page_text(response)
    assert state() == before


def test_tickets_of_two_areas_cannot_be_grouped(client, world):
    east = ticket_in(world, S.REGISTERED)
    west = ticket_in(world, S.REGISTERED, firm=world["west_firm"])
    sign_in(client, world["organiser"])
    before = state()
    for lead, member in [(east, west), (west, east)]:
        response = client.post(
            reverse("group_tickets"), {"lead": lead.pk, "member": [member.pk]}, follow=True
        )
        assert "请选择一条牵头难题" in page_text(response)
    assert state() == before


def test_a_member_of_one_common_problem_cannot_be_moved_under_another(client, world):
    first, second, member = (ticket_in(world, S.REGISTERED) for _ in range(3))
    sign_in(client, world["organiser"])
    client.post(reverse("group_tickets"), {"lead": first.pk, "member": [member.pk]})
    assert Ticket.objects.get(pk=member.pk).common_with_id == first.pk
    before = state()
    response = client.post(
        reverse("group_tickets"), {"lead": second.pk, "member": [member.pk]}, follow=True
    )
    assert "只能并入" in page_text(response)
    assert state() == before


def test_grouping_is_for_organisers_only(client, world):
    tickets = [ticket_in(world, S.REGISTERED) for _ in range(2)]
    before = state()
    for who in ["raiser", "owner", "leader"]:
        client.logout()
        sign_in(client, world[who])
        data = {"lead": tickets[0].pk, "member": [tickets[1].pk]}
        assert client.post(reverse("group_tickets"), data).status_code == 403
        assert client.get(reverse("sorting_queue")).status_code == 403
    assert state()["tickets"] == before["tickets"]


def test_the_queue_survives_odd_filters_and_pages(client, world):
    ticket_in(world, S.REGISTERED)
    sign_in(client, world["organiser"])
    for query in ["?category=nonsense", "?page=abc", "?page=-1", "?page=99999999999999999999"]:
        assert client.get(reverse("sorting_queue") + query).status_code == 200, query


# --- meetings ---------------------------------------------------------------------------------


@pytest.fixture
def meeting(world):
    ticket = ticket_in(world, S.REGISTERED, level=Level.COORDINATION, title="Land for expansion")
    meeting = Meeting.objects.create(
        kind=Meeting.Kind.COORDINATION,
        title="Coordination 1",
        scheduled_at=timezone.now(),
        organiser=world["organiser"],
    )
    MeetingItem.objects.create(meeting=meeting, ticket=ticket)
    return meeting, ticket


def decide(client, meeting, ticket, **fields):
    data = {
        "minutes": "We met.",
        f"decision_{ticket.pk}": "City Economy finds the land",
        f"unit_{ticket.pk}": fields.pop("unit", ""),
        f"days_{ticket.pk}": fields.pop("days", "15"),
        f"version_{ticket.pk}": fields.pop("version", ticket.version),
    }
    data.update(fields)
    return client.post(reverse("meeting_detail", args=[meeting.pk]), data)


@pytest.mark.parametrize(
    "fields",
    [
        {"version": "7"},  # someone changed the ticket since the page was read
        {"version": "abc"},
        {"days": "0"},
        {"days": "9999"},
        {"unit": "abc"},
    ],
)
def test_a_forged_decision_keeps_what_was_typed_and_changes_nothing(client, world, meeting, fields):
    meeting, ticket = meeting
    sign_in(client, world["organiser"])
    before = state()
    fields.setdefault("unit", world["dept"].pk)
    response = decide(client, meeting, ticket, minutes="Minutes I typed", **fields)
    assert response.status_code == 400
    body = page_text(response)
    assert "Minutes I typed" in body and "City Economy finds the land" in body
    assert state() == before


@pytest.mark.parametrize("field", ["minutes", "decision"])
def test_a_nul_character_in_a_meeting_record_is_a_message(client, world, meeting, field):
    meeting, ticket = meeting
    sign_in(client, world["organiser"])
    before = state()
    key = "minutes" if field == "minutes" else f"decision_{ticket.pk}"
    response = decide(client, meeting, ticket, unit=world["dept"].pk, **{key: "bad\x00text"})
    assert response.status_code == 400 and "空字符" in page_text(response)
    assert state() == before


def test_a_decision_cannot_give_the_ticket_to_another_area_s_unit(client, world, meeting):
    meeting, ticket = meeting
    sign_in(client, world["organiser"])
    page = page_text(client.get(reverse("meeting_detail", args=[meeting.pk])))
    assert "West Econ" not in page
    before = state()
    response = decide(client, meeting, ticket, unit=world["west_dept"].pk)
    assert response.status_code == 400
    assert state() == before


def test_a_meeting_cannot_be_scheduled_with_another_area_s_ticket_or_unit(client, world):
    mine = ticket_in(world, S.REGISTERED, level=Level.COORDINATION)
    theirs = ticket_in(world, S.REGISTERED, level=Level.COORDINATION, firm=world["west_firm"])
    sign_in(client, world["organiser"])
    before = state()
    for fields in [
        {"tickets": [theirs.pk]},
        {"tickets": [mine.pk, theirs.pk]},
        {"tickets": [mine.pk], "units": [world["west_dept"].pk]},
        {"tickets": ["abc"]},
    ]:
        data = {"kind": "coordination", "title": "Typed title", "scheduled_at": "2026-12-01T09:00"}
        data.update(fields)
        response = client.post(reverse("meeting_list"), data)
        assert response.status_code == 400 and "Typed title" in page_text(response)
    assert state() == before


def test_another_area_s_meeting_answers_404_and_others_cannot_open_meetings(client, world, meeting):
    meeting, ticket = meeting
    sign_in(client, world["other_organiser"])
    before = state()
    assert client.get(reverse("meeting_detail", args=[meeting.pk])).status_code == 404
    assert decide(client, meeting, ticket, unit=world["dept"].pk).status_code == 404
    for who in ["owner", "raiser", "leader"]:
        client.logout()
        sign_in(client, world[who])
        assert client.get(reverse("meeting_detail", args=[meeting.pk])).status_code == 403
    assert state() == before


# --- the inbox and odd URLs -------------------------------------------------------------------


def test_the_inbox_and_odd_urls_never_answer_500(client, world):
    ticket = ticket_in(world, S.ASSIGNED)
    note = Notification.objects.create(
        recipient=world["owner"], kind="x", ticket=ticket, key="k-odd", title="New ticket"
    )
    sign_in(client, world["owner"])
    for query in ["?page=abc", "?page=0", "?page=99999999999999999999"]:
        assert client.get(reverse("inbox") + query).status_code == 200
    huge = 2**63
    assert client.get(reverse("ticket_detail", args=[huge])).status_code == 404
    assert client.post(reverse("ticket_act", args=[huge, "accept"]), {"version": 1}).status_code
    assert client.post(reverse("notification_open", args=[huge])).status_code == 404
    assert client.get(reverse("attachment_download", args=[ticket.pk, huge])).status_code == 404
    assert client.get(reverse("meeting_detail", args=[huge])).status_code in (403, 404)
    client.logout()
    sign_in(client, world["co_handler"])
    assert client.post(reverse("notification_open", args=[note.pk])).status_code == 404
    assert Notification.objects.get(pk=note.pk).read_at is None


# --- in English -------------------------------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")  # words; full-width punctuation is left (not fixed yet)


def cjk_in(body: str) -> list[str]:
    """Chinese text left on an English page, with a little context each (the language switch
    names Chinese in Chinese, as it should)."""
    body = body.replace('<option value="zh-hans" >简体中文</option>', "")
    return [body[max(0, m.start() - 30) : m.end() + 30] for m in CJK.finditer(body)]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("organiser", S.REGISTERED),
        ("owner", S.ASSIGNED),
        ("owner", S.ACCEPTED),
        ("co_handler", S.ACCEPTED),
        ("raiser", S.RESOLVED),
        ("leader", S.CLOSED),
    ],
)
def test_the_ticket_page_in_english_has_no_chinese_left(client, world, who, status):
    ticket = ticket_in(
        world,
        status,
        co_task=True,
        extension_until=TODAY + datetime.timedelta(days=30) if status != S.REGISTERED else None,
        extension_reason="Survey pending" if status != S.REGISTERED else "",
    )
    TicketEvent.objects.create(ticket=ticket, actor=world["organiser"], action="assign")
    client.cookies["django_language"] = "en"
    sign_in(client, world[who])
    response = client.get(reverse("ticket_detail", args=[ticket.pk]))
    assert response.status_code == 200
    assert cjk_in(page_text(response)) == []
    if status != S.REGISTERED:
        response = client.get(reverse("assignment_form", args=[ticket.pk]))
        assert response.status_code == 200 and cjk_in(page_text(response)) == []


def test_an_action_refused_in_english_is_told_in_english(client, world):
    ticket = ticket_in(world, S.ACCEPTED)
    client.cookies["django_language"] = "en"
    sign_in(client, world["owner"])
    before = state()
    response = act(
        client, ticket, "request_extension", until=TODAY.isoformat(), note="Survey pending"
    )
    assert response.status_code == 400
    assert cjk_in(page_text(response)) == [] and "Survey pending" in page_text(response)
    response = act(client, ticket, "rate", rating="satisfied")
    assert response.status_code == 400 and cjk_in(page_text(response)) == []
    assert "cannot" in page_text(response).split('class="messages"')[1][:300].lower()
    assert state() == before


def test_the_organiser_s_pages_in_english_have_no_chinese_left(client, world, meeting):
    meeting, ticket = meeting
    ticket_in(world, S.REGISTERED, title="Power price")
    ticket_in(world, S.ACCEPTED, extension_until=TODAY + datetime.timedelta(days=30))
    client.cookies["django_language"] = "en"
    sign_in(client, world["organiser"])
    for name, args in [
        ("sorting_queue", []),
        ("meeting_list", []),
        ("meeting_detail", [meeting.pk]),
        ("inbox", []),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert cjk_in(page_text(response)) == [], name
    response = client.post(reverse("group_tickets"), {"lead": ticket.pk}, follow=True)
    assert response.status_code == 200 and cjk_in(page_text(response)) == []
    response = decide(client, meeting, ticket, unit="abc")
    assert response.status_code == 400 and cjk_in(page_text(response)) == []


def test_minutes_can_be_corrected_once_every_decision_is_recorded(client, world, meeting):
    meeting, ticket = meeting
    sign_in(client, world["organiser"])
    assert decide(client, meeting, ticket, unit=world["dept"].pk).status_code == 302
    before = state()
    response = client.post(
        reverse("meeting_detail", args=[meeting.pk]), {"minutes": "We met; Li took notes."}
    )
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).minutes == "We met; Li took notes."
    assert state()["tickets"] == before["tickets"] and state()["items"] == before["items"]
    response = client.post(
        reverse("meeting_detail", args=[meeting.pk]), {"minutes": "We met; Li took notes."}
    )
    assert response.status_code == 400  # nothing to record: no decision, the same minutes
    assert "请至少为一条难题填写会议决定" in page_text(response)


def test_resolving_while_a_co_unit_has_not_answered_keeps_the_reply(client, world):
    ticket = ticket_in(world, S.ACCEPTED, co_task=True)
    sign_in(client, world["owner"])
    before = state()
    response = act(client, ticket, "resolve", outcome="solved", reply="Land found in Yunxi")
    assert response.status_code == 400
    body = page_text(response)
    assert "协办单位尚未答复" in body and "City Land" in body and "Land found in Yunxi" in body
    assert state() == before


def test_a_second_extension_or_escalation_past_the_top_says_why(client, world):
    ticket = ticket_in(
        world,
        S.ACCEPTED,
        level=Level.PROVINCE,
        extension_until=TODAY + datetime.timedelta(days=30),
        extension_reason="Survey",
    )
    sign_in(client, world["owner"])
    before = state()
    until = (TODAY + datetime.timedelta(days=40)).isoformat()
    response = act(client, ticket, "request_extension", until=until, note="Another month")
    assert response.status_code == 400 and "已有一项延期申请待审批" in page_text(response)
    assert "Another month" in page_text(response)
    client.logout()
    sign_in(client, world["organiser"])
    response = act(client, ticket, "escalate", note="Needs the province")
    assert response.status_code == 400 and "已是最高办理层级" in page_text(response)
    assert "Needs the province" in page_text(response)
    assert state() == before


def test_a_returned_ticket_given_to_another_unit_does_not_carry_the_old_unit_s_request(
    client, world
):
    ticket = ticket_in(world, S.ASSIGNED)
    sign_in(client, world["owner"])
    assert act(client, ticket, "ask_escalation", note="Beyond our powers").status_code == 302
    assert act(client, ticket, "return", note="Not ours after all").status_code == 302
    client.logout()
    sign_in(client, world["organiser"])
    data = {"owner_unit": world["east_dept"].pk, "category": "land", "urgency": "normal"}
    assert act(client, ticket, "assign", **data).status_code == 302
    ticket.refresh_from_db()
    assert ticket.owner_unit == world["east_dept"] and ticket.escalation_reason == ""
    queue = page_text(client.get(reverse("sorting_queue")))
    waiting = queue.split('data-list="waiting"')[1].split("</ul>")[0]
    assert ticket.title not in waiting


def test_a_common_problem_and_the_assignment_sheet_in_english(client, world):
    lead, member = (ticket_in(world, S.REGISTERED, title=f"Power price {i}") for i in range(2))
    client.cookies["django_language"] = "en"
    sign_in(client, world["organiser"])
    response = client.post(
        reverse("group_tickets"), {"lead": lead.pk, "member": [member.pk]}, follow=True
    )
    assert response.status_code == 200 and cjk_in(page_text(response)) == []
    data = {"owner_unit": world["dept"].pk, "category": "land", "urgency": "normal"}
    data["co_units"] = [world["co_dept"].pk]
    response = act(client, lead, "assign", **data)
    assert response.status_code == 302
    response = client.get(reverse("assignment_form", args=[lead.pk]) + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert [c for c in cells if CJK.search(c)] == []
    assert response.status_code == 200


def test_an_attachment_with_a_very_long_name_keeps_its_suffix(client, world):
    ticket = ticket_in(world, S.ACCEPTED)
    sign_in(client, world["owner"])
    name = "关于云溪镇机械企业扩建用地指标调剂的批复" * 12 + ".pdf"  # 241 characters
    upload = SimpleUploadedFile(name, PDF)
    response = act(client, ticket, "progress", note="The permit", attachment=upload)
    assert response.status_code == 302
    attachment = ticket.attachments.get()
    assert attachment.name == name[:196] + ".pdf"  # shortened, its kind kept
    assert len(attachment.file.name) <= 100
    url = reverse("attachment_download", args=[ticket.pk, attachment.pk])
    assert b"".join(client.get(url).streaming_content) == PDF


def test_an_attachment_whose_file_is_gone_answers_404_not_500(client, world):
    ticket = ticket_in(world, S.ACCEPTED)
    sign_in(client, world["owner"])
    upload = SimpleUploadedFile("permit.pdf", PDF)
    assert act(client, ticket, "progress", note="The permit", attachment=upload).status_code == 302
    attachment = ticket.attachments.get()
    attachment.file.storage.delete(attachment.file.name)  # lost in a move of the media store
    url = reverse("attachment_download", args=[ticket.pk, attachment.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("ticket_detail", args=[ticket.pk])).status_code == 200


def test_the_handler_s_queue_survives_odd_filters_in_both_languages(client, world):
    ticket_in(world, S.ACCEPTED, co_task=True)
    for who in ["owner", "co_handler"]:
        client.logout()
        sign_in(client, world[who])
        for language in ["zh-hans", "en"]:
            client.cookies["django_language"] = language
            for query in ["", "?status=nonsense", "?status=accepted&page=abc", "?page=-5"]:
                response = client.get(reverse("handler_home") + query)
                assert response.status_code == 200, (who, language, query)
                if language == "en":
                    assert cjk_in(page_text(response)) == [], (who, query)


def test_assigning_again_gives_the_co_units_open_tasks_the_new_deadline(client, world):
    ticket = ticket_in(world, S.ACCEPTED, co_task=True)
    TicketTask.objects.filter(ticket=ticket).update(due_date=TODAY - datetime.timedelta(days=3))
    sign_in(client, world["organiser"])
    assert act(client, ticket, "escalate", note="Needs the city").status_code == 302
    data = {"owner_unit": world["dept"].pk, "category": "land", "urgency": "normal"}
    data["co_units"] = [world["co_dept"].pk]
    assert act(client, ticket, "assign", **data).status_code == 302
    ticket.refresh_from_db()
    assert ticket.due_date > TODAY
    assert list(ticket.tasks.values_list("due_date", flat=True)) == [ticket.due_date]
    page = page_text(client.get(reverse("ticket_detail", args=[ticket.pk])))
    assert 'data-task-light="red"' not in page


def test_a_ticket_back_with_the_organiser_shows_no_co_unit_overdue(client, world):
    ticket = ticket_in(world, S.ACCEPTED, co_task=True)
    TicketTask.objects.filter(ticket=ticket).update(due_date=TODAY - datetime.timedelta(days=3))
    sign_in(client, world["organiser"])
    assert act(client, ticket, "escalate", note="Needs the city").status_code == 302
    client.logout()
    sign_in(client, world["co_handler"])  # its task waits: nothing it can do until reassigned
    page = page_text(client.get(reverse("ticket_detail", args=[ticket.pk])))
    assert "data-task-light" not in page


def test_an_unsatisfied_firm_of_a_common_problem_goes_back_to_the_unit_that_answered(client, world):
    lead, member = (ticket_in(world, S.REGISTERED, title=f"Power price {i}") for i in range(2))
    sign_in(client, world["organiser"])
    client.post(reverse("group_tickets"), {"lead": lead.pk, "member": [member.pk]})
    data = {"owner_unit": world["dept"].pk, "category": "land", "urgency": "normal"}
    assert act(client, lead, "assign", **data).status_code == 302
    client.logout()
    sign_in(client, world["owner"])
    assert act(client, lead, "accept").status_code == 302
    assert act(client, lead, "resolve", outcome="replied", reply="Province-wide price").status_code
    client.logout()
    sign_in(client, world["raiser"])
    assert act(client, member, "rate", rating="unsatisfied", note="Still too dear").status_code
    member.refresh_from_db()
    assert (member.status, member.owner_unit) == (S.ASSIGNED, world["dept"])
    assert Notification.objects.filter(ticket=member, recipient=world["owner"]).exists()
    client.logout()
    sign_in(client, world["owner"])  # the unit can take it up again, and finish it
    assert act(client, member, "accept").status_code == 302
    assert act(client, member, "resolve", outcome="solved", reply="Subsidy").status_code == 302
    assert Ticket.objects.get(pk=member.pk).status == S.RESOLVED


def test_an_unsatisfied_member_whose_lead_has_no_unit_goes_back_to_the_queue(client, world):
    lead = ticket_in(world, S.REGISTERED, title="Power price lead")
    member = ticket_in(
        world, S.RESOLVED, title="Power price member", common_with=lead, owner_unit=None
    )
    sign_in(client, world["raiser"])
    assert act(client, member, "rate", rating="unsatisfied", note="No").status_code == 302
    member.refresh_from_db()
    assert (member.status, member.owner_unit, member.common_with) == (S.REGISTERED, None, None)
    client.logout()
    sign_in(client, world["organiser"])
    assert "Power price member" in page_text(client.get(reverse("sorting_queue")))
