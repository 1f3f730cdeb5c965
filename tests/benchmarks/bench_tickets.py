"""reminders_200k_s: the deadline-reminder run over 200,000 open tickets (and its rerun, which
must insert nothing), against a reference of reading those tickets' rows once.
ticket_action_queries: the most queries one workflow action (accept, escalate, resolve) takes.
urge_queries: the queries one 催办 takes (the count, its record, the notices up the unit's chain).
handler_queue_province_ms: the handling unit's queue page with 200,000 tickets in the database,
against the login page."""

from __future__ import annotations

import datetime
import random
import statistics
import time

from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import OrgUnit, User
from accounts.roles import Role
from enterprises.models import Enterprise
from enterprises.uscc import check_char
from issues import workflow
from issues.models import OPEN_STATUSES, Notification, Status, Ticket
from issues.reminders import ticket_deadline_reminders
from tests.benchmarks import Bench, benchmark
from tests.helpers import sign_in

TICKETS = 200_000
QUICK_TICKETS = 20_000
DEPARTMENTS = 60


def build(count: int) -> dict:
    rng = random.Random(6)
    city = OrgUnit.objects.create(kind=OrgUnit.Kind.CITY, code="B", name="基准市")
    towns = [
        OrgUnit.objects.create(kind=OrgUnit.Kind.TOWN, code=f"BT{i}", name=f"镇{i}", parent=city)
        for i in range(25)
    ]
    depts = [
        OrgUnit.objects.create(
            kind=OrgUnit.Kind.DEPARTMENT, code=f"BD{i}", name=f"局{i}", parent=city
        )
        for i in range(DEPARTMENTS)
    ]
    firms = Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"基准企业{n}",
                uscc=f"91330381{n:09d}" + check_char(f"91330381{n:09d}"),
                town=towns[n % len(towns)],
            )
            for n in range(5000)
        ],
        batch_size=5000,
    )
    handler_group = Group.objects.get_or_create(name=Role.HANDLER)[0]
    handlers = []
    for dept in depts:
        user = User.objects.create(username=f"bench_handler_{dept.code}", home_unit=dept)
        user.groups.add(handler_group)
        handlers.append(user)
    organiser = User.objects.create(username="bench_organiser", jurisdiction_unit=city)
    organiser.groups.add(Group.objects.get_or_create(name=Role.ORGANISER)[0])
    raiser = User.objects.create(username="bench_raiser")
    today = timezone.localdate()
    now = timezone.now()
    rows = []
    for n in range(count):
        status = rng.choice([Status.ASSIGNED, Status.ACCEPTED])
        rows.append(
            Ticket(
                enterprise=firms[n % len(firms)],
                raised_by=raiser,
                title=f"基准难题{n}",
                description="—",
                status=status,
                owner_unit=depts[n % DEPARTMENTS],
                due_date=today + datetime.timedelta(days=rng.randrange(-40, 30)),
                assigned_at=now,
            )
        )
    Ticket.objects.bulk_create(rows, batch_size=5000)
    return {"handler": handlers[0], "organiser": organiser, "depts": depts}


def action_queries(world) -> int:
    """The most queries among accept, escalate and resolve on one ticket each."""
    handler, organiser = world["handler"], world["organiser"]
    mine = Ticket.objects.filter(owner_unit=handler.home_unit)
    worst = 0
    cases = [
        (handler, mine.filter(status=Status.ASSIGNED).first(), "accept", {}),
        (organiser, mine.filter(status=Status.ASSIGNED).last(), "escalate", {"note": "提级"}),
        (
            handler,
            mine.filter(status=Status.ACCEPTED).first(),
            "resolve",
            {"outcome": "solved", "reply": "已解决"},
        ),
    ]
    for user, ticket, action, data in cases:
        user = User.objects.get(pk=user.pk)  # a fresh request's user: nothing cached
        with CaptureQueriesContext(connection) as queries:
            workflow.act(user, ticket.pk, action, version=ticket.version, data=data)
        worst = max(worst, len(queries.captured_queries))
    return worst


def urge_queries(world) -> int:
    """An organiser urges an overdue ticket of a unit that has a handler."""
    organiser = User.objects.get(pk=world["organiser"].pk)  # a fresh request's user
    ticket = Ticket.objects.filter(
        owner_unit=world["handler"].home_unit, due_date__lt=timezone.localdate()
    ).first()
    with CaptureQueriesContext(connection) as queries:
        workflow.act(organiser, ticket.pk, "urge", version=ticket.version, data={"note": "催办"})
    return len(queries.captured_queries)


def median_ms(client, url, repeat=15) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


@benchmark("tickets")
def tickets(bench: Bench) -> None:
    count = QUICK_TICKETS if bench.quick else TICKETS
    label = "20k" if bench.quick else "200k"
    bench.fresh_database()
    world = build(count)
    started = time.perf_counter()
    rows = list(
        Ticket.objects.filter(status__in=OPEN_STATUSES, due_date__isnull=False).values_list(
            "pk", "title", "owner_unit_id", "due_date", "enterprise__town__path", "assignee_id"
        )
    )
    reference = time.perf_counter() - started
    started = time.perf_counter()
    written = ticket_deadline_reminders()
    bench.record(f"reminders_{label}_s", time.perf_counter() - started, "s", reference)
    started = time.perf_counter()
    again = ticket_deadline_reminders()
    bench.record(f"reminders_{label}_rerun_s", time.perf_counter() - started, "s", reference)
    assert again == 0 and written == Notification.objects.count()
    bench.sizes.update(
        {f"reminders_{label}_tickets": len(rows), f"reminders_{label}_sent": written}
    )

    client = Client(SERVER_NAME="localhost")
    reference_ms = median_ms(client, "/login/")
    sign_in(client, world["handler"])
    figure = "handler_queue_quick_ms" if bench.quick else "handler_queue_province_ms"
    bench.record(figure, median_ms(client, "/handler/"), "ms", reference_ms)
    bench.record("ticket_action_queries", action_queries(world), "queries", 15)
    bench.record("urge_queries", urge_queries(world), "queries", 15)
