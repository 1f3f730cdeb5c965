"""Deadline reminders: who hears when, each reminder once, and a worker killed mid-run."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from accounts.models import OrgUnit
from issues.models import Notification, Status, Ticket
from issues.reminders import ticket_deadline_reminders
from tests import factories as f
from tests.test_queue import redis_url

pytestmark = pytest.mark.django_db
D = datetime.date
DUE = D(2026, 3, 10)  # a Tuesday in a month without holidays


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    town = f.make_unit(parent=city, code="T")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D")
    head = f.make_user("handler", home_unit=dept)
    dept.head = head
    dept.save()
    people = {
        "handler": f.make_user("handler", home_unit=dept),
        "head": head,
        "organiser": f.make_user("organiser", jurisdiction_unit=city),
        "elsewhere": f.make_user("organiser", jurisdiction_unit=f.make_unit(kind="county")),
    }
    ticket = f.make_ticket(
        enterprise=f.make_enterprise(town=town),
        status=Status.ACCEPTED,
        owner_unit=dept,
        due_date=DUE,
    )
    return {"people": people, "ticket": ticket}


def received(world) -> dict[str, list[str]]:
    by_user = {u.pk: name for name, u in world["people"].items()}
    out = {}
    for note in Notification.objects.order_by("pk"):
        out.setdefault(by_user[note.recipient_id], []).append(note.kind)
    return out


def test_the_cadence_from_due_soon_to_five_days_overdue_each_once(world):
    # Thu 5 Mar: 3 working days before the deadline (Fri, Mon, Tue): nothing yet.
    assert ticket_deadline_reminders(D(2026, 3, 5)) == 0
    # Fri 6 Mar: 2 working days left: the unit's handlers (the head is a handler too).
    assert ticket_deadline_reminders(D(2026, 3, 6)) == 2
    assert ticket_deadline_reminders(D(2026, 3, 9)) == 0  # the same deadline: not again
    # Wed 11 Mar: 1 working day overdue: the handlers again, as an overdue reminder.
    ticket_deadline_reminders(D(2026, 3, 11))
    assert received(world)["handler"] == ["ticket_due_soon", "ticket_overdue"]
    # Fri 13 Mar: 3 working days overdue: the unit head.
    ticket_deadline_reminders(D(2026, 3, 13))
    assert received(world)["head"][-1] == "ticket_overdue"
    assert "organiser" not in received(world)
    # Tue 17 Mar: 5 working days overdue (11, 12, 13, 16, 17 March): the area's organiser.
    ticket_deadline_reminders(D(2026, 3, 16))
    assert "organiser" not in received(world)
    ticket_deadline_reminders(D(2026, 3, 17))
    assert received(world)["organiser"] == ["ticket_overdue"]
    assert "elsewhere" not in received(world)  # another district's organiser
    before = Notification.objects.count()
    for day in range(17, 25):
        ticket_deadline_reminders(D(2026, 3, day))
    assert Notification.objects.count() == before


def test_a_new_deadline_starts_the_cadence_again(world):
    ticket_deadline_reminders(D(2026, 3, 11))
    assert received(world)["handler"] == ["ticket_overdue"]
    Ticket.objects.filter(pk=world["ticket"].pk).update(due_date=D(2026, 3, 20))
    ticket_deadline_reminders(D(2026, 3, 23))
    assert received(world)["handler"] == ["ticket_overdue", "ticket_overdue"]


def test_closed_and_unassigned_tickets_are_left_alone(world):
    Ticket.objects.filter(pk=world["ticket"].pk).update(status=Status.RESOLVED, outcome="solved")
    assert ticket_deadline_reminders(D(2026, 3, 20)) == 0


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_and_rerun_sends_nothing_twice(world, settings):
    url = redis_url()
    if connection.vendor != "postgresql":
        pytest.skip("a worker in another process cannot see an in-memory SQLite test database")
    import django_rq

    from pairing.queue import enqueue
    from tests.jobs_for_tests import slow_ticket_reminders

    for _ in range(8):
        f.make_ticket(
            enterprise=world["ticket"].enterprise,
            status=Status.ASSIGNED,
            owner_unit=world["ticket"].owner_unit,
            due_date=DUE,
        )
    expected = 9 * (2 + 1 + 1)  # per ticket: 2 handlers overdue-1, the head, one organiser
    settings.REDIS_URL = url
    settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": 60}}
    queue = django_rq.get_queue("default")
    queue.empty()
    db = connection.settings_dict
    env = {
        **os.environ,
        "REDIS_URL": url,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "pairing.settings",
    }
    # SimpleWorker runs the job in the worker's own process, so the kill reaches it (RQ's default
    # worker forks a work horse in a session of its own).
    command = [
        sys.executable,
        "manage.py",
        "rqworker",
        "default",
        "--burst",
        "--worker-class",
        "rq.worker.SimpleWorker",
    ]

    enqueue(slow_ticket_reminders, "2026-03-20")
    worker = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while Notification.objects.count() < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    time.sleep(1)  # had the job lived on, it would have written more by now
    partial = Notification.objects.count()
    assert 0 < partial < expected  # killed in the middle

    enqueue(slow_ticket_reminders, "2026-03-20")  # the rerun (the next scheduled run, or by hand)
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    keys = list(Notification.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == expected
