"""The ticket pages: actions through the forms, a stale form, forged input, the sorting queue,
the assignment form, the inbox and its bell."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from issues.models import CalendarYear, Notification, Status, Ticket
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    town = f.make_unit(parent=city, code="T")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D", name="市经信局")
    cadre = f.make_cadre(unit=town)
    ticket = f.make_ticket(enterprise=f.make_enterprise(town=town), raised_by=cadre.user)
    return {
        "ticket": ticket,
        "dept": dept,
        "organiser": f.make_user("organiser", jurisdiction_unit=city),
        "handler": f.make_user("handler", home_unit=dept),
        "cadre": cadre.user,
    }


def act(client, ticket, action, **data):
    data.setdefault("version", Ticket.objects.get(pk=ticket.pk).version)
    return client.post(reverse("ticket_act", args=[ticket.pk, action]), data)


def test_assign_accept_resolve_through_the_pages(client, world):
    ticket = world["ticket"]
    sign_in(client, world["organiser"])
    page = client.get(reverse("sorting_queue")).content.decode()
    assert ticket.title in page
    response = act(
        client, ticket, "assign", owner_unit=world["dept"].pk, category="land", urgency="urgent"
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.ASSIGNED and ticket.due_date > timezone.localdate()
    client.logout()
    sign_in(client, world["handler"])
    assert "新交办难题" in client.get(reverse("inbox")).content.decode()
    assert act(client, ticket, "accept").status_code == 302
    assert act(client, ticket, "resolve", outcome="solved", reply="已解决。").status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.outcome, ticket.reply) == (Status.RESOLVED, "solved", "已解决。")
    assert list(ticket.events.values_list("action", flat=True)) == ["assign", "accept", "resolve"]


def test_a_stale_form_is_refused_and_keeps_what_was_typed(client, world):
    ticket = world["ticket"]
    sign_in(client, world["organiser"])
    act(client, ticket, "escalate", note="第一次提级")
    response = act(client, ticket, "escalate", version=1, note="我写了很长的理由")
    assert response.status_code == 409
    body = response.content.decode()
    assert "刚被他人更新" in body and "我写了很长的理由" in body
    ticket.refresh_from_db()
    assert ticket.level == 2 and ticket.events.count() == 1


def test_forged_input_changes_nothing(client, world):
    ticket = world["ticket"]
    sign_in(client, world["organiser"])
    assert (
        act(
            client, ticket, "assign", owner_unit=999999, category="land", urgency="normal"
        ).status_code
        == 400
    )
    assert act(client, ticket, "no_such_action").status_code == 404
    assert act(client, ticket, "accept").status_code == 400  # out of turn and not theirs
    assert (
        act(
            client, ticket, "assign", owner_unit=world["dept"].pk, category="x", urgency="normal"
        ).status_code
        == 400
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.REGISTERED and ticket.version == 1
    client.logout()
    sign_in(client, f.make_user("handler", home_unit=world["dept"]))
    assert act(client, ticket, "accept").status_code == 404  # not visible to this handler yet


def test_the_assignment_form_prints_and_downloads(client, world):
    ticket = world["ticket"]
    Ticket.objects.filter(pk=ticket.pk).update(
        owner_unit=world["dept"], status=Status.ASSIGNED, due_date=datetime.date(2026, 12, 31)
    )
    CalendarYear.objects.create(year=2026, source="package")  # else marked 未含节假日
    sign_in(client, world["handler"])
    page = client.get(reverse("assignment_form", args=[ticket.pk])).content.decode()
    assert "工作任务交办单" in page and "市经信局" in page and "2026-12-31" in page
    response = client.get(reverse("assignment_form", args=[ticket.pk]) + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["主办单位"] == "市经信局" and values["办理期限"] == "2026-12-31"


def test_the_bell_counts_unread_and_opening_marks_read(client, world):
    note = Notification.objects.create(
        recipient=world["cadre"], kind="x", ticket=world["ticket"], key="k1", title="请回访企业"
    )
    sign_in(client, world["cadre"])
    assert "data-unread>1<" in client.get(reverse("inbox")).content.decode()
    response = client.post(reverse("notification_open", args=[note.pk]))
    assert response["Location"] == reverse("ticket_detail", args=[world["ticket"].pk])
    assert "data-unread" not in client.get(reverse("inbox")).content.decode()
    other = f.make_user("cadre")
    client.logout()
    sign_in(client, other)
    assert client.post(reverse("notification_open", args=[note.pk])).status_code == 404


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_progress_note_with_an_attachment_only_the_ticket_s_readers_can_fetch(client, world):
    ticket = world["ticket"]
    Ticket.objects.filter(pk=ticket.pk).update(owner_unit=world["dept"], status=Status.ACCEPTED)
    sign_in(client, world["handler"])
    upload = SimpleUploadedFile("批复.pdf", PDF, content_type="application/pdf")
    response = act(client, ticket, "progress", note="已取得用地批复", attachment=upload)
    assert response.status_code == 302
    attachment = ticket.attachments.get()
    assert attachment.event.action == "progress" and attachment.name == "批复.pdf"
    url = reverse("attachment_download", args=[ticket.pk, attachment.pk])
    assert b"".join(client.get(url).streaming_content) == PDF
    client.logout()
    sign_in(client, f.make_user("cadre"))
    assert client.get(url).status_code == 404


def test_an_attachment_that_is_not_what_its_name_says_is_refused_and_nothing_changes(client, world):
    ticket = world["ticket"]
    Ticket.objects.filter(pk=ticket.pk).update(owner_unit=world["dept"], status=Status.ACCEPTED)
    sign_in(client, world["handler"])
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = act(client, ticket, "progress", note="进展说明我写了", attachment=fake)
    assert response.status_code == 400
    assert "进展说明我写了" in response.content.decode()
    assert not ticket.attachments.exists() and not ticket.events.exists()


def test_each_open_co_unit_task_shows_its_light(client, world):
    from issues.models import TicketTask

    ticket = world["ticket"]
    today = timezone.localdate()
    Ticket.objects.filter(pk=ticket.pk).update(
        owner_unit=world["dept"], status=Status.ACCEPTED, due_date=today + datetime.timedelta(60)
    )
    late = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, name="市发改委")
    TicketTask.objects.create(ticket=ticket, unit=late, due_date=today - datetime.timedelta(1))
    sign_in(client, world["handler"])
    page = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert 'data-task-light="red"' in page
