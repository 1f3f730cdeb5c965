"""The ticket workflow: every status × action × person against the rules written out here (not
read from the code under test), and the rules that are not a matter of the table."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from accounts.models import AuditEntry, OrgUnit
from enterprises.firm_accounts import account_for
from issues import workflow
from issues.models import Level, Notification, Status, Ticket, TicketEvent, TicketTask
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
S = Status

# The rules, from DESIGN.md and issue 6: (action, status it may start from, who may take it).
ALLOWED = {
    ("assign", S.REGISTERED, "organiser"),
    ("escalate", S.REGISTERED, "organiser"),
    ("escalate", S.ASSIGNED, "organiser"),
    ("escalate", S.ACCEPTED, "organiser"),
    ("approve_extension", S.ASSIGNED, "organiser"),
    ("approve_extension", S.ACCEPTED, "organiser"),
    ("refuse_extension", S.ASSIGNED, "organiser"),
    ("refuse_extension", S.ACCEPTED, "organiser"),
    ("return", S.ASSIGNED, "owner"),
    ("dispute", S.ASSIGNED, "owner"),
    ("accept", S.ASSIGNED, "owner"),
    ("request_extension", S.ASSIGNED, "owner"),
    ("request_extension", S.ACCEPTED, "owner"),
    ("ask_escalation", S.ASSIGNED, "owner"),
    ("ask_escalation", S.ACCEPTED, "owner"),
    ("progress", S.ACCEPTED, "owner"),
    ("name_responsible", S.ACCEPTED, "owner"),
    ("co_answer", S.ASSIGNED, "co_handler"),
    ("co_answer", S.ACCEPTED, "co_handler"),
    ("resolve", S.ACCEPTED, "owner"),
    ("rate", S.RESOLVED, "raiser"),
    ("rate", S.RESOLVED, "organiser"),
    ("urge", S.ASSIGNED, "organiser"),
    ("urge", S.ACCEPTED, "organiser"),
    ("urge", S.ASSIGNED, "leader"),
    ("urge", S.ACCEPTED, "leader"),
    ("solve_on_spot", S.REGISTERED, "raiser"),
    # Issue 16: the unit asks the firm, the firm answers and rates in the portal.
    ("ask_firm", S.ASSIGNED, "owner"),
    ("ask_firm", S.ACCEPTED, "owner"),
    ("firm_answer", S.ASSIGNED, "firm"),
    ("firm_answer", S.ACCEPTED, "firm"),
    ("rate", S.RESOLVED, "firm"),
}
# Where each allowed action leads (None: the status stays).
LEADS_TO = {
    "assign": S.ASSIGNED,
    "escalate": S.REGISTERED,
    "return": S.REGISTERED,
    "dispute": S.REGISTERED,
    "accept": S.ACCEPTED,
    "resolve": S.RESOLVED,
    "rate": S.CLOSED,
    "solve_on_spot": S.RESOLVED,
}
PERSONS = [
    "organiser",
    "other_organiser",
    "leader",
    "owner",
    "co_handler",
    "other_handler",
    "raiser",
    "other_cadre",
    "firm",
    "other_firm",
]


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W")
    town = f.make_unit(parent=east, code="E1")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D")
    other_dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D2")
    co_dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D3")
    raiser = f.make_cadre(unit=town)
    people = {
        "organiser": f.make_user("organiser", jurisdiction_unit=east),
        "other_organiser": f.make_user("organiser", jurisdiction_unit=west),
        "leader": f.make_user("leader", jurisdiction_unit=city),
        "owner": f.make_user("handler", home_unit=dept),
        "other_handler": f.make_user("handler", home_unit=other_dept),
        "co_handler": f.make_user("handler", home_unit=co_dept),
        "raiser": raiser.user,
        "other_cadre": f.make_cadre(unit=town).user,
    }
    firm = f.make_enterprise(town=town)
    people["firm"] = account_for(firm).user
    people["other_firm"] = account_for(f.make_enterprise(town=town)).user
    return {"people": people, "firm": firm, "dept": dept, "other_dept": other_dept, "co": co_dept}


def ticket_in(world, status, *, co_task=False) -> Ticket:
    fields = {}
    if status in (S.ASSIGNED, S.ACCEPTED, S.RESOLVED, S.CLOSED):
        fields.update(
            owner_unit=world["dept"],
            due_date=TODAY + datetime.timedelta(days=10),
            assigned_at=timezone.now(),
            extension_until=TODAY + datetime.timedelta(days=20),
            extension_reason="材料未齐",
        )
    ticket = f.make_ticket(
        enterprise=world["firm"], raised_by=world["people"]["raiser"], status=status, **fields
    )
    if co_task:  # a co-unit's open task (it would hold up resolving, so only when tested)
        ticket.co_units.add(world["co"])
        TicketTask.objects.create(ticket=ticket, unit=world["co"])
    return ticket


def valid_data(action, world) -> dict:
    return {
        "assign": {"owner_unit": world["dept"], "due_days": 5},
        "request_extension": {"until": TODAY + datetime.timedelta(days=15), "note": "需协调"},
        "resolve": {"outcome": "solved", "reply": "已协调解决。"},
        "rate": {"rating": "satisfied"},
        "solve_on_spot": {"reply": "局长现场答复", "solved_by": "县经信局 李局长"},
        "name_responsible": {"assignee": world["people"]["owner"]},
    }.get(action, {"note": "说明理由"})


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", sorted(workflow.TRANSITIONS))
def test_every_status_action_and_person(world, status, action):
    for person in PERSONS:
        ticket = ticket_in(world, status, co_task=action == "co_answer")
        if action == "request_extension":
            Ticket.objects.filter(pk=ticket.pk).update(extension_until=None)
        if action == "firm_answer":  # answered only while a question waits
            Ticket.objects.filter(pk=ticket.pk).update(firm_question="请提供用地红线图")
        allowed = (action, status, person) in ALLOWED  # the other_* people: never
        try:
            after = workflow.act(
                world["people"][person],
                ticket.pk,
                action,
                version=ticket.version,
                data=valid_data(action, world),
            )
        except workflow.Refused:
            assert not allowed, (action, status, person)
            ticket.refresh_from_db()
            assert ticket.status == status and ticket.version == 1  # nothing changed
            assert not TicketEvent.objects.filter(ticket=ticket).exists()
        else:
            assert allowed, (action, status, person)
            assert after.status == (LEADS_TO.get(action) or status)
            assert after.version == 2
            event = TicketEvent.objects.get(ticket=ticket)
            assert (event.action, event.actor) == (action, world["people"][person])
            assert AuditEntry.objects.filter(action=f"ticket_{action}").exists()


def test_a_stale_version_is_told_the_ticket_changed_and_changes_nothing(world):
    ticket = ticket_in(world, S.ASSIGNED)
    workflow.act(world["people"]["owner"], ticket.pk, "accept", version=1)
    with pytest.raises(workflow.Conflict):
        workflow.act(world["people"]["owner"], ticket.pk, "progress", version=1, data={"note": "x"})
    assert TicketEvent.objects.filter(ticket=ticket).count() == 1


def test_assign_counts_working_days_and_notifies_the_unit(world):
    from issues.models import WorkCalendarDay

    ticket = ticket_in(world, S.REGISTERED)
    monday = datetime.date(2026, 9, 28)  # National Day week: Oct 1-7 off, Oct 10 (Sat) worked
    WorkCalendarDay.objects.bulk_create(
        [WorkCalendarDay(date=datetime.date(2026, 10, d), is_workday=False) for d in range(1, 8)]
        + [WorkCalendarDay(date=datetime.date(2026, 10, 10), is_workday=True)]
    )
    after = workflow.act(
        world["people"]["organiser"],
        ticket.pk,
        "assign",
        version=1,
        data={"owner_unit": world["dept"], "due_days": 5, "co_units": [world["other_dept"]]},
        today=monday,
    )
    # Sep 29, 30 (2), Oct 8, 9 (4), Oct 10 a swapped Saturday (5).
    assert after.due_date == datetime.date(2026, 10, 10)
    assert list(after.co_units.all()) == [world["other_dept"]]
    notified = set(Notification.objects.values_list("recipient_id", flat=True))
    assert world["people"]["owner"].pk in notified
    assert world["people"]["other_handler"].pk in notified  # the co-unit's handler


def test_unsatisfied_reopens_to_the_unit_and_the_answer_no_longer_counts(world):
    ticket = ticket_in(world, S.RESOLVED)
    after = workflow.act(
        world["people"]["raiser"],
        ticket.pk,
        "rate",
        version=1,
        data={"rating": "unsatisfied", "note": "问题没有解决"},
    )
    assert after.status == S.ASSIGNED and after.owner_unit == world["dept"]
    assert after.outcome == "" and after.resolved_at is None
    assert after.rating == "unsatisfied" and after.due_date > TODAY


def test_a_dispute_after_one_working_day_is_refused(world):
    ticket = ticket_in(world, S.ASSIGNED)
    assigned = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)  # a Monday
    Ticket.objects.filter(pk=ticket.pk).update(assigned_at=assigned)
    with pytest.raises(workflow.Refused, match="异议"):
        workflow.act(
            world["people"]["owner"],
            ticket.pk,
            "dispute",
            version=1,
            data={"note": "不属本单位职责"},
            today=datetime.date(2026, 3, 4),
        )
    after = workflow.act(
        world["people"]["owner"],
        ticket.pk,
        "dispute",
        version=1,
        data={"note": "不属本单位职责"},
        today=datetime.date(2026, 3, 3),
    )
    assert after.status == S.REGISTERED and after.owner_unit is None
    assert TicketEvent.objects.get(ticket=ticket).note == "不属本单位职责"


def test_the_deadline_moves_only_when_the_extension_is_approved(world):
    ticket = ticket_in(world, S.ACCEPTED)
    Ticket.objects.filter(pk=ticket.pk).update(extension_until=None, extension_reason="")
    due = ticket.due_date
    until = due + datetime.timedelta(days=7)
    owner, organiser = world["people"]["owner"], world["people"]["organiser"]
    t = workflow.act(
        owner, ticket.pk, "request_extension", version=1, data={"until": until, "note": "待审批"}
    )
    assert t.due_date == due and t.extension_until == until
    t = workflow.act(organiser, ticket.pk, "refuse_extension", version=2, data={"note": "不同意"})
    assert t.due_date == due and t.extension_until is None
    t = workflow.act(
        owner, ticket.pk, "request_extension", version=3, data={"until": until, "note": "再申请"}
    )
    t = workflow.act(organiser, ticket.pk, "approve_extension", version=4)
    assert t.due_date == until and t.extension_until is None


def test_escalation_climbs_the_ladder_and_stops_at_the_top(world):
    ticket = ticket_in(world, S.REGISTERED)
    organiser = world["people"]["organiser"]
    for version, level in enumerate([Level.SYSTEM, Level.COORDINATION, Level.COUNTY_HEAD], 1):
        t = workflow.act(organiser, ticket.pk, "escalate", version=version, data={"note": "提级"})
        assert t.level == level and t.status == S.REGISTERED
    Ticket.objects.filter(pk=ticket.pk).update(level=Level.PROVINCE)
    with pytest.raises(workflow.Refused, match="最高"):
        workflow.act(organiser, ticket.pk, "escalate", version=4, data={"note": "提级"})


def test_a_missing_field_is_a_message_and_changes_nothing(world):
    ticket = ticket_in(world, S.ACCEPTED)
    with pytest.raises(workflow.ValidationError):
        workflow.act(world["people"]["owner"], ticket.pk, "resolve", version=1, data={})
    ticket.refresh_from_db()
    assert ticket.status == S.ACCEPTED and ticket.version == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_acting_at_once_one_wins_the_other_is_told(world):
    """Two real connections on PostgreSQL: both read version 1 and accept at once."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; this run uses " + connection.vendor)
    ticket = ticket_in(world, S.ASSIGNED)
    owner = world["people"]["owner"]
    barrier = threading.Barrier(2)
    results = []

    def accept():
        try:
            barrier.wait()
            workflow.act(owner, ticket.pk, "accept", version=1)
            results.append("ok")
        except workflow.Conflict:
            results.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    assert TicketEvent.objects.filter(ticket=ticket, action="accept").count() == 1
    ticket.refresh_from_db()
    assert ticket.version == 2


def test_the_lead_resolves_only_once_every_co_unit_has_answered(world):
    ticket = ticket_in(world, S.ACCEPTED, co_task=True)
    owner, co = world["people"]["owner"], world["people"]["co_handler"]
    answer = {"outcome": "solved", "reply": "已解决"}
    with pytest.raises(workflow.Refused, match="协办单位尚未答复"):
        workflow.act(owner, ticket.pk, "resolve", version=1, data=answer)
    workflow.act(co, ticket.pk, "co_answer", version=1, data={"note": "我局已完成审批"})
    task = ticket.tasks.get()
    assert task.answer == "我局已完成审批" and task.answered_by == co
    assert workflow.act(owner, ticket.pk, "resolve", version=2, data=answer).status == S.RESOLVED


def test_assigning_with_co_units_gives_each_its_task_and_deadline(world):
    ticket = ticket_in(world, S.REGISTERED)
    after = workflow.act(
        world["people"]["organiser"],
        ticket.pk,
        "assign",
        version=1,
        data={"owner_unit": world["dept"], "co_units": [world["co"], world["other_dept"]]},
    )
    tasks = {t.unit_id: t.due_date for t in after.tasks.all()}
    assert tasks == {world["co"].pk: after.due_date, world["other_dept"].pk: after.due_date}
