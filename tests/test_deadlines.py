"""A change to the work calendar moves the open deadlines it affects, on the record."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import AuditEntry, OrgUnit
from issues import deadlines
from issues.models import Status, Ticket, WorkCalendarDay
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
D = datetime.date
ASSIGNED = datetime.datetime(2026, 9, 28, 9, tzinfo=datetime.UTC)  # Monday 28 Sep 2026


def ticket(**fields):
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT)
    fields.setdefault("status", Status.ASSIGNED)
    return f.make_ticket(owner_unit=dept, assigned_at=ASSIGNED, **fields)


def test_an_admins_new_holiday_moves_the_deadline_and_records_it(
    django_capture_on_commit_callbacks, settings, client
):
    settings.REDIS_URL = ""  # the recount job runs inline, as embedded
    sign_in(client, f.make_user("admin", is_staff=True))
    # 5 working days from Mon 28 Sep with no calendar: Tue 29 … Mon 5 Oct.
    t = ticket(due_days=5, due_date=D(2026, 10, 5))
    untouched = ticket(due_days=None, due_date=D(2026, 10, 5))  # an approved extension: fixed
    finished = ticket(due_days=5, due_date=D(2026, 10, 5), status=Status.RESOLVED, outcome="solved")
    add = reverse("admin:issues_workcalendarday_add")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(add, {"date": "2026-10-01", "is_workday": "", "name": "国庆节"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(add, {"date": "2026-10-02", "is_workday": "", "name": "国庆节"})
    assert WorkCalendarDay.objects.count() == 2
    t.refresh_from_db()
    assert t.due_date == D(2026, 10, 7)  # two days off inside the span push it two days on
    assert t.version == 3  # one recount per edit, each on the timeline
    events = list(t.events.order_by("id"))
    assert {e.action for e in events} == {"deadline_recomputed"}
    assert [e.data for e in events] == [
        {"from": "2026-10-05", "to": "2026-10-06"},
        {"from": "2026-10-06", "to": "2026-10-07"},
    ]
    assert Ticket.objects.get(pk=untouched.pk).due_date == D(2026, 10, 5)
    assert Ticket.objects.get(pk=finished.pk).due_date == D(2026, 10, 5)
    assert AuditEntry.objects.filter(action="calendar_change").exists()


def test_an_admin_moving_or_deleting_a_day_recounts_both_dates(
    django_capture_on_commit_callbacks, settings, client
):
    settings.REDIS_URL = ""
    sign_in(client, f.make_user("admin", is_staff=True))
    day = WorkCalendarDay.objects.create(date=D(2026, 10, 1), is_workday=False, name="国庆节")
    t = ticket(due_days=5, due_date=D(2026, 10, 6))  # counted with 1 Oct off
    change = reverse("admin:issues_workcalendarday_change", args=[day.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change, {"date": "2026-10-20", "is_workday": "", "name": "国庆节"})
    t.refresh_from_db()
    assert t.due_date == D(2026, 10, 5)  # 1 October is a working day again
    delete = reverse("admin:issues_workcalendarday_delete", args=[day.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(delete, {"post": "yes"})
    assert not WorkCalendarDay.objects.exists()


def test_seeding_the_official_calendar_recounts_open_deadlines():
    t = ticket(due_days=5, due_date=D(2026, 10, 5))
    call_command("seed_work_calendar", "--year", "2026", stdout=None)
    t.refresh_from_db()
    # 2026 National Day: 1–7 Oct off, Sat 10 Oct worked: Tue 29, Wed 30 Sep, Thu 8, Fri 9, Sat 10.
    assert t.due_date == D(2026, 10, 10)


def test_nothing_moves_when_no_deadline_spans_the_change():
    t = ticket(due_days=5, due_date=D(2026, 10, 5))
    assert deadlines.recompute([D(2026, 12, 25)]) == 0
    t.refresh_from_db()
    assert t.due_date == D(2026, 10, 5) and not t.events.exists()
