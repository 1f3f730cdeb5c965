"""Notifications read in the reader's language: each kind's words are put together when read,
from the values kept with it; the stored title and body stay Chinese for email and SMS."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import OrgUnit
from issues import workflow
from issues.models import Notification, Status
from issues.reminders import ticket_deadline_reminders, visit_due_reminders
from reports import notices
from reports.models import Notice
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
D = datetime.date


def inbox(client, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("inbox")).content.decode()


@pytest.fixture
def area():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    town = f.make_unit(parent=city, code="T")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D")
    return {"city": city, "town": town, "dept": dept}


def test_a_deadline_reminder_reads_in_english_and_is_kept_in_chinese(client, area):
    handler = f.make_user("handler", home_unit=area["dept"])
    f.make_ticket(
        enterprise=f.make_enterprise(town=area["town"]),
        title="厂房审批",
        status=Status.ACCEPTED,
        owner_unit=area["dept"],
        due_date=D(2026, 3, 10),
    )
    assert ticket_deadline_reminders(D(2026, 3, 11)) > 0  # one working day overdue
    note = Notification.objects.get(recipient=handler)
    assert note.title == "已超期1个工作日：厂房审批"  # what email and SMS send
    sign_in(client, handler)
    assert "Overdue by 1 working day(s): 厂房审批" in inbox(client, "en")
    assert "已超期1个工作日：厂房审批" in inbox(client, "zh-hans")


def test_a_ticket_event_and_a_visit_reminder_read_in_english(client, area):
    organiser = f.make_user("organiser", jurisdiction_unit=area["city"])
    handler = f.make_user("handler", home_unit=area["dept"])
    ticket = f.make_ticket(enterprise=f.make_enterprise(town=area["town"]), title="用工缺口")
    workflow.act(
        organiser,
        ticket.pk,
        "assign",
        version=ticket.version,
        data={"owner_unit": area["dept"], "due_days": 5},
    )
    assert Notification.objects.get(recipient=handler).title == "新交办难题：用工缺口"
    sign_in(client, handler)
    assert "New problem assigned: 用工缺口" in inbox(client, "en")

    cadre = f.make_cadre()
    firm = f.make_enterprise(town=area["town"], name="云溪机械")
    campaign = f.make_campaign(scope_unit=area["city"], start=D(2026, 1, 1))
    f.make_pairing(cadre=cadre, enterprise=firm, campaign=campaign, start=D(2026, 1, 1))
    assert visit_due_reminders(D(2026, 6, 1)) == 1
    note = Notification.objects.get(recipient=cadre.user)
    assert (note.title, note.body) == ("请走访云溪机械", "尚未走访")
    sign_in(client, cadre.user)
    page = inbox(client, "en")
    assert "Please visit 云溪机械" in page and "not visited yet" in page.lower()


def test_a_notice_reads_in_english_and_an_old_notification_as_it_was_kept(client, area):
    leader = f.make_user("leader", jurisdiction_unit=area["city"])
    notices.generate(
        area["city"], Notice.Kind.MONTHLY, notices.last_complete("monthly", D(2026, 11, 5))
    )
    Notification.objects.create(recipient=leader, kind="ticket_assign", key="old", title="旧通知")
    sign_in(client, leader)
    page = inbox(client, "en")
    assert "安澜市 monthly notice (10-01 to 10-31)" in page
    assert "旧通知" in page  # kept before its words had values: shown as stored
    assert Notification.objects.get(kind="notice").title == "安澜市月通报（10-01至10-31）"
