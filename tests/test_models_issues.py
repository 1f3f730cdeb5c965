"""Invariants of issues.models: a finished ticket has an outcome, a closed one a rating; unique
notification keys, agenda items and calendar days."""

import contextlib
import datetime

import pytest
from django.db import IntegrityError, transaction

from issues.models import (
    Meeting,
    MeetingItem,
    Notification,
    Outcome,
    Rating,
    Status,
    Ticket,
    WorkCalendarDay,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@contextlib.contextmanager
def refused():
    """Expect the database to refuse, inside a savepoint so the test can go on."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED])
def test_a_resolved_or_closed_ticket_needs_an_outcome(f, status):
    with refused():
        f.make_ticket(status=status, outcome="")
    assert not Ticket.objects.exists()


def test_a_closed_ticket_needs_a_rating(f):
    with refused():
        f.make_ticket(status=Status.CLOSED, outcome=Outcome.SOLVED, rating="")
    closed = f.make_ticket(status=Status.CLOSED, outcome=Outcome.REPLIED, rating=Rating.BASICALLY)
    assert Ticket.objects.values_list("status", "outcome", "rating").get(pk=closed.pk) == (
        Status.CLOSED,
        Outcome.REPLIED,
        Rating.BASICALLY,
    )


@pytest.mark.parametrize("status", [Status.REGISTERED, Status.ASSIGNED, Status.ACCEPTED])
def test_open_tickets_need_neither(f, status):
    ticket = f.make_ticket(status=status)
    assert (ticket.outcome, ticket.rating) == ("", "")


def test_a_resolved_ticket_needs_no_rating_yet(f):
    ticket = f.make_ticket(status=Status.RESOLVED, outcome=Outcome.DEFERRED)
    assert ticket.rating == ""


def test_the_rules_hold_for_writes_that_skip_save(f):
    """Check constraints live in the database: a bulk update cannot break them either."""
    ticket = f.make_ticket(status=Status.ACCEPTED)
    with refused():
        Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED, outcome=Outcome.SOLVED)
    with refused():
        Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    with refused():
        Ticket.objects.filter(pk=ticket.pk).update(outcome="")
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED, rating=Rating.UNSATISFIED)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_notification_keys_are_unique(f):
    ticket = f.make_ticket()
    user = ticket.raised_by
    key = f"due:{ticket.pk}:2026-11-23"
    Notification.objects.create(
        recipient=user, kind="due", ticket=ticket, key=key, title="即将到期"
    )
    with refused():
        Notification.objects.create(recipient=user, kind="due", ticket=ticket, key=key, title="重")
    # The key alone decides: even another recipient cannot reuse it.
    with refused():
        Notification.objects.create(recipient=f.make_user(), kind="x", key=key, title="重复")
    Notification.objects.create(recipient=user, kind="due", key=key + "b", title="另一条")
    assert Notification.objects.count() == 2


def test_a_ticket_is_on_a_meetings_agenda_once(f):
    ticket, other = f.make_ticket(), f.make_ticket()
    meeting, second = (
        Meeting.objects.create(
            kind=Meeting.Kind.COORDINATION,
            title=title,
            scheduled_at=datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC),
        )
        for title in ("协调会", "县长办公会议")
    )
    MeetingItem.objects.create(meeting=meeting, ticket=ticket)
    with refused():
        MeetingItem.objects.create(meeting=meeting, ticket=ticket, decision="另议")
    MeetingItem.objects.create(meeting=meeting, ticket=other)
    MeetingItem.objects.create(meeting=second, ticket=ticket)  # again at the next meeting
    assert list(ticket.meetings.order_by("title").values_list("title", flat=True)) == [
        "协调会",
        "县长办公会议",
    ]
    assert meeting.tickets.count() == 2


def test_a_calendar_day_is_listed_once(f):
    WorkCalendarDay.objects.create(date=D(2026, 10, 1), is_workday=False, name="国庆节")
    with refused():
        WorkCalendarDay.objects.create(date=D(2026, 10, 1), is_workday=True, name="调休")
    WorkCalendarDay.objects.create(date=D(2026, 10, 10), is_workday=True, name="国庆节调休")
    assert WorkCalendarDay.objects.filter(date__year=2026, date__month=10).count() == 2
