"""What each workflow rule sets beyond the status (issue 20, gaps 1 to 6): the unit, the
deadline, the counters and the requests an action clears, the refusals nobody exercised, and the
exact actions each person is offered. Expected values are worked out here by hand."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import OrgUnit
from issues import workflow
from issues.models import Level, Status, Ticket, TicketEvent, TicketTask, WorkCalendarDay
from tests import factories as f
from tests import test_workflow

pytestmark = pytest.mark.django_db
S = Status
world = test_workflow.world  # the same people and units as the transition matrix
ticket_in = test_workflow.ticket_in

# A Monday with no holiday near it; the week after is plain too.
MONDAY = datetime.date(2026, 3, 2)


def act(world, who, ticket, action, **data):
    ticket.refresh_from_db()
    return workflow.act(
        world["people"][who], ticket.pk, action, version=ticket.version, data=data, today=MONDAY
    )


def assign(world, ticket, **data):
    data.setdefault("owner_unit", world["dept"])
    return act(world, "organiser", ticket, "assign", **data)


# 1. Escalation clears the unit, the deadline and the unit's request.
@pytest.mark.parametrize("status", [S.ASSIGNED, S.ACCEPTED])
def test_escalating_clears_the_unit_the_deadline_and_the_request(world, status):
    ticket = ticket_in(world, status)
    Ticket.objects.filter(pk=ticket.pk).update(escalation_reason="需要协调用地")
    done = act(world, "organiser", ticket, "escalate", note="跨部门")
    done.refresh_from_db()
    assert (done.status, done.level) == (S.REGISTERED, Level.LOCAL + 1)
    assert done.owner_unit_id is None
    assert done.due_date is None
    assert done.escalation_reason == ""


# 2. 不满意: exactly REOPEN_DAYS working days from today, and a new assignment time.
def test_unsatisfied_gives_five_working_days_from_today_and_a_new_assignment_time(world):
    ticket = ticket_in(world, S.RESOLVED)
    long_ago = timezone.now() - datetime.timedelta(days=40)
    Ticket.objects.filter(pk=ticket.pk).update(assigned_at=long_ago, due_days=10)
    before = timezone.now()
    done = act(world, "raiser", ticket, "rate", rating="unsatisfied", note="没解决")
    done.refresh_from_db()
    assert done.status == S.ASSIGNED
    assert done.due_days == 5
    assert done.due_date == datetime.date(2026, 3, 9)  # Monday + 5 working days
    assert done.assigned_at >= before
    assert (done.outcome, done.resolved_at) == ("", None)


def test_unsatisfied_counts_its_five_days_over_a_holiday(world):
    WorkCalendarDay.objects.create(date=datetime.date(2026, 3, 4), is_workday=False, name="假")
    ticket = ticket_in(world, S.RESOLVED)
    done = act(world, "raiser", ticket, "rate", rating="unsatisfied", note="没解决")
    assert done.due_date == datetime.date(2026, 3, 10)


# 3. The deadline by urgency when the organiser gives no number of days.
@pytest.mark.parametrize(
    ("urgency", "due"),
    [
        ("normal", datetime.date(2026, 3, 16)),  # 10 working days
        ("urgent", datetime.date(2026, 3, 9)),  # 5
        ("critical", datetime.date(2026, 3, 4)),  # 2
    ],
)
def test_the_default_deadline_follows_the_urgency(world, urgency, due):
    ticket = ticket_in(world, S.REGISTERED)
    Ticket.objects.filter(pk=ticket.pk).update(urgency=urgency)
    done = assign(world, ticket)
    assert (done.due_days, done.due_date) == (workflow.DEFAULT_DAYS[urgency], due)


def test_the_default_deadline_follows_an_urgency_changed_on_assignment(world):
    ticket = ticket_in(world, S.REGISTERED)  # normal
    done = assign(world, ticket, urgency="critical")
    assert (done.urgency, done.due_days, done.due_date) == (
        "critical",
        2,
        datetime.date(2026, 3, 4),
    )


def test_a_number_of_days_given_wins_over_the_urgency(world):
    ticket = ticket_in(world, S.REGISTERED)
    done = assign(world, ticket, urgency="critical", due_days=7)
    assert (done.due_days, done.due_date) == (7, datetime.date(2026, 3, 11))


# 4. Reassigning: co-units, the count, the category, a pending extension request.
def test_reassigning_without_a_co_unit_drops_its_open_task_so_the_ticket_can_be_resolved(world):
    ticket = ticket_in(world, S.REGISTERED)
    assign(world, ticket, co_units=[world["co"]])
    assert TicketTask.objects.filter(ticket=ticket, unit=world["co"]).exists()
    act(world, "owner", ticket, "return", note="不归我局")
    again = assign(world, ticket, co_units=[])
    assert not TicketTask.objects.filter(ticket=ticket, answered_at__isnull=True).exists()
    assert list(again.co_units.all()) == []
    act(world, "owner", ticket, "accept")
    done = act(world, "owner", ticket, "resolve", outcome="solved", reply="已解决")
    assert done.status == S.RESOLVED


def test_each_assignment_counts_and_sets_the_category(world):
    ticket = ticket_in(world, S.REGISTERED)
    first = assign(world, ticket, category="land")
    assert (first.assign_count, first.category) == (1, "land")
    act(world, "owner", ticket, "return", note="不归我局")
    second = assign(world, ticket, owner_unit=world["other_dept"], category="financing")
    assert (second.assign_count, second.category) == (2, "financing")
    assert second.owner_unit == world["other_dept"]


def test_assigning_again_clears_a_pending_extension_request(world):
    ticket = ticket_in(world, S.ASSIGNED)  # with a pending extension request
    act(world, "owner", ticket, "return", note="不归我局")
    done = assign(world, ticket, owner_unit=world["other_dept"])
    assert (done.extension_until, done.extension_reason) == (None, "")


# 5. Refusals never exercised before.
def refused(world, who, ticket, action, **data) -> str:
    version = Ticket.objects.get(pk=ticket.pk).version
    with pytest.raises(ValidationError) as caught:
        act(world, who, ticket, action, **data)
    ticket.refresh_from_db()
    assert ticket.version == version  # nothing changed
    return " ".join(caught.value.messages)


def test_an_extension_asked_after_the_deadline_is_refused(world):
    ticket = ticket_in(world, S.ACCEPTED)
    Ticket.objects.filter(pk=ticket.pk).update(
        extension_until=None, extension_reason="", due_date=MONDAY - datetime.timedelta(days=1)
    )
    message = refused(
        world, "owner", ticket, "request_extension", until=MONDAY + datetime.timedelta(10), note="x"
    )
    assert "期限之前" in message


def test_an_extension_asked_on_the_deadline_itself_is_allowed(world):
    ticket = ticket_in(world, S.ACCEPTED)
    Ticket.objects.filter(pk=ticket.pk).update(
        extension_until=None,
        extension_reason="",
        due_date=MONDAY,
        due_days=10,
        assigned_at=timezone.make_aware(datetime.datetime(2026, 2, 16, 9)),  # 10 working days
    )
    until = MONDAY + datetime.timedelta(days=7)
    done = act(world, "owner", ticket, "request_extension", until=until, note="材料未齐")
    assert done.extension_until == until


def test_refusing_an_extension_needs_a_reason(world):
    ticket = ticket_in(world, S.ACCEPTED)
    assert "理由" in refused(world, "organiser", ticket, "refuse_extension", note="")


def test_an_invalid_outcome_is_refused(world):
    ticket = ticket_in(world, S.ACCEPTED)
    assert "办理结果无效" in refused(
        world, "owner", ticket, "resolve", outcome="magic", reply="已解决"
    )


def test_an_invalid_rating_is_refused(world):
    ticket = ticket_in(world, S.RESOLVED)
    assert "评价无效" in refused(world, "raiser", ticket, "rate", rating="great")


def test_an_unknown_action_is_refused(world):
    ticket = ticket_in(world, S.ACCEPTED)
    assert "未知的操作" in refused(world, "owner", ticket, "teleport")


def test_an_empty_progress_note_is_refused(world):
    ticket = ticket_in(world, S.ACCEPTED)
    assert "请填写" in refused(world, "owner", ticket, "progress", note="")
    assert not TicketEvent.objects.filter(ticket=ticket, action="progress").exists()


# 6. The exact actions each person is offered, and each event's status and data.
OFFERED = {  # ticket_in's assigned and accepted tickets carry a pending extension request
    (S.REGISTERED, "organiser"): {"assign", "escalate"},
    (S.ASSIGNED, "organiser"): {"escalate", "approve_extension", "refuse_extension", "urge"},
    (S.ASSIGNED, "owner"): {"return", "dispute", "accept", "ask_escalation", "ask_firm"},
    (S.ACCEPTED, "owner"): {
        "progress",
        "ask_escalation",
        "resolve",
        "name_responsible",
        "ask_firm",
    },
    (S.ACCEPTED, "co_handler"): {"co_answer"},
    (S.RESOLVED, "raiser"): {"rate"},
    (S.RESOLVED, "organiser"): {"rate"},
    (S.CLOSED, "organiser"): set(),
    (S.ASSIGNED, "leader"): {"urge"},
    (S.ASSIGNED, "other_handler"): set(),
}


@pytest.mark.parametrize(("status", "who"), sorted(OFFERED))
def test_each_person_is_offered_exactly_these_actions(world, status, who):
    ticket = ticket_in(world, status, co_task=(who == "co_handler"))
    offered = {t.action for t in workflow.available(world["people"][who], ticket)}
    assert offered == OFFERED[(status, who)]


def test_without_a_pending_request_no_extension_is_decided_and_one_may_be_asked(world):
    ticket = ticket_in(world, S.ACCEPTED)
    Ticket.objects.filter(pk=ticket.pk).update(extension_until=None, extension_reason="")
    ticket.refresh_from_db()
    organiser = {t.action for t in workflow.available(world["people"]["organiser"], ticket)}
    owner = {t.action for t in workflow.available(world["people"]["owner"], ticket)}
    assert organiser == {"escalate", "urge"}
    assert owner == {
        "progress",
        "request_extension",
        "ask_escalation",
        "resolve",
        "name_responsible",
        "ask_firm",
    }


def test_each_event_keeps_its_resulting_status_and_data(world):
    ticket = ticket_in(world, S.REGISTERED)
    assign(world, ticket, due_days=3)
    act(world, "owner", ticket, "accept")
    act(world, "owner", ticket, "resolve", outcome="replied", reply="依法答复")
    act(world, "raiser", ticket, "rate", rating="satisfied")
    events = list(TicketEvent.objects.filter(ticket=ticket).order_by("pk"))
    dept = world["dept"].pk
    due = "2026-03-05"
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("assign", S.REGISTERED, S.ASSIGNED),
        ("accept", S.ASSIGNED, S.ACCEPTED),
        ("resolve", S.ACCEPTED, S.RESOLVED),
        ("rate", S.RESOLVED, S.CLOSED),
    ]
    assert events[0].data == {
        "level": Level.LOCAL,
        "owner_unit": dept,
        "due_date": due,
        "due_days": 3,
        "number": [2026, 1],  # 交办单〔2026〕第0001号: the area's first this year
    }
    assert events[2].data["outcome"] == "replied"
    assert events[2].note == "依法答复"
    assert events[3].data["rating"] == "satisfied"
    assert events[0].actor == world["people"]["organiser"]


def test_a_note_that_changes_nothing_keeps_the_status_and_records_no_target(world):
    ticket = ticket_in(world, S.ACCEPTED)
    act(world, "owner", ticket, "progress", note="已约谈自然资源局")
    event = TicketEvent.objects.get(ticket=ticket, action="progress")
    assert (event.from_status, event.to_status, event.note) == (S.ACCEPTED, "", "已约谈自然资源局")


def test_a_stale_version_changes_nothing(world):
    ticket = ticket_in(world, S.ASSIGNED)
    with pytest.raises(workflow.Conflict):
        workflow.act(
            world["people"]["owner"], ticket.pk, "accept", version=ticket.version - 1, today=MONDAY
        )
    assert Ticket.objects.get(pk=ticket.pk).status == S.ASSIGNED


def test_an_inactive_handler_cannot_be_named_responsible(world):
    ticket = ticket_in(world, S.ACCEPTED)
    gone = f.make_user("handler", home_unit=world["dept"], is_active=False)
    message = refused(world, "owner", ticket, "name_responsible", assignee=gone)
    assert message == "责任人须是主办单位的承办人员。"


def test_a_co_unit_kept_on_reassignment_keeps_its_one_task(world):
    ticket = ticket_in(world, S.REGISTERED)
    assign(world, ticket, co_units=[world["co"]])
    act(world, "owner", ticket, "return", note="不归我局")  # withdraws the open task
    assign(world, ticket, owner_unit=world["other_dept"], co_units=[world["co"]])
    tasks = TicketTask.objects.filter(ticket=ticket)
    assert [(t.unit_id, t.due_date) for t in tasks] == [
        (world["co"].pk, datetime.date(2026, 3, 16))  # the new deadline: 10 working days
    ]
    # A co-unit that has answered keeps its answered task when assigned again: no second one.
    act(world, "co_handler", ticket, "co_answer", note="已配合")
    act(world, "other_handler", ticket, "return", note="不归我局")
    assign(world, ticket, co_units=[world["co"]])
    assert TicketTask.objects.filter(ticket=ticket, unit=world["co"], answer="已配合").count() == 1
    assert not TicketTask.objects.filter(ticket=ticket, answered_at__isnull=True).exists()


def test_a_date_given_on_assignment_is_the_deadline_with_no_count_of_days(world):
    ticket = ticket_in(world, S.REGISTERED)
    done = assign(world, ticket, due_date=datetime.date(2026, 3, 20), due_days=7)
    assert (done.due_days, done.due_date) == (None, datetime.date(2026, 3, 20))
    again = ticket_in(world, S.REGISTERED)
    message = refused(
        world, "organiser", again, "assign", owner_unit=world["dept"], due_date=MONDAY
    )
    assert message == "办结期限须晚于今天。"


def test_an_organiser_gives_tickets_to_their_areas_units_and_the_bureaus_above_only(world):
    units = workflow.handling_units(world["people"]["organiser"])  # the east county's
    # East itself and its town; the city's departments; never the west county beside it.
    assert sorted(u.code for u in units) == ["D", "D2", "D3", "E", "E1"]
    assert list(workflow.handling_units(world["people"]["owner"])) == []  # not an organiser


def test_urging_and_accepting_record_the_count_and_the_responsible_person(world):
    ticket = ticket_in(world, S.ASSIGNED)
    act(world, "organiser", ticket, "urge", note="请加快")
    act(world, "organiser", ticket, "urge", note="再催")
    act(world, "owner", ticket, "accept")
    events = TicketEvent.objects.filter(ticket=ticket).order_by("pk")
    owner = world["people"]["owner"]
    assert [(e.action, e.data.get("urge_count"), e.data.get("assignee")) for e in events] == [
        ("urge", 1, None),
        ("urge", 2, None),
        ("accept", None, owner.pk),
    ]


@pytest.mark.parametrize(
    ("action", "status", "who", "data"),
    [
        ("return", S.ASSIGNED, "owner", {"note": ""}),
        ("ask_escalation", S.ASSIGNED, "owner", {"note": ""}),
        ("co_answer", S.ASSIGNED, "co_handler", {"note": ""}),
        ("firm_answer", S.ASSIGNED, "firm", {"note": ""}),
        ("name_responsible", S.ACCEPTED, "owner", {"assignee": None}),
    ],
)
def test_an_action_that_needs_a_note_or_a_person_is_refused_without_one(
    world, action, status, who, data
):
    ticket = ticket_in(world, status, co_task=action == "co_answer")
    Ticket.objects.filter(pk=ticket.pk).update(firm_question="请补充用地红线图")
    assert "请填写" in refused(world, who, ticket, action, **data)
    assert not TicketEvent.objects.filter(ticket=ticket, action=action).exists()


def test_an_escalation_request_keeps_500_characters_of_its_reason(world):
    ticket = ticket_in(world, S.ASSIGNED)
    done = act(world, "owner", ticket, "ask_escalation", note="因" * 600)
    assert done.escalation_reason == "因" * 500


def test_deciding_an_extension_clears_the_request_either_way(world):
    approved = act(world, "organiser", ticket_in(world, S.ACCEPTED), "approve_extension")
    assert (approved.due_date, approved.due_days) == (
        test_workflow.TODAY + datetime.timedelta(days=20),
        None,
    )
    refused_ = ticket_in(world, S.ACCEPTED)
    due = refused_.due_date
    done = act(world, "organiser", refused_, "refuse_extension", note="理由不充分")
    for ticket in (approved, done):
        assert (ticket.extension_until, ticket.extension_reason) == (None, "")
    assert done.due_date == due
    message = refused(world, "organiser", ticket_in(world, S.ACCEPTED), "refuse_extension")
    assert message == "请填写不同意的理由。"


def test_the_firm_cannot_answer_when_nothing_was_asked(world):
    ticket = ticket_in(world, S.ASSIGNED)
    assert refused(world, "firm", ticket, "firm_answer", note="已补充") == "没有待企业答复的问题。"


def test_the_firms_answer_clears_the_question_and_keeps_the_status(world):
    ticket = ticket_in(world, S.ASSIGNED)
    Ticket.objects.filter(pk=ticket.pk).update(firm_question="请补充用地红线图")
    done = act(world, "firm", ticket, "firm_answer", note="已上传红线图")
    assert (done.status, done.firm_question) == (S.ASSIGNED, "")
    assert refused(world, "firm", done, "firm_answer", note="再补充") == "没有待企业答复的问题。"


def no_pending_extension(ticket):
    Ticket.objects.filter(pk=ticket.pk).update(extension_until=None, extension_reason="")
    return ticket


# Each action names exactly the fields it could not do without.
@pytest.mark.parametrize(
    ("action", "status", "who", "data", "missing"),
    [
        ("request_extension", S.ACCEPTED, "owner", {"note": "材料未齐"}, "until"),
        ("request_extension", S.ACCEPTED, "owner", {"until": MONDAY}, "note"),
        ("escalate", S.ASSIGNED, "organiser", {}, "note"),
        ("resolve", S.ACCEPTED, "owner", {"reply": "已解决"}, "outcome"),
        ("resolve", S.ACCEPTED, "owner", {"outcome": "solved"}, "reply"),
        ("solve_on_spot", S.REGISTERED, "raiser", {"solved_by": "李局长"}, "reply"),
        ("solve_on_spot", S.REGISTERED, "raiser", {"reply": "现场答复"}, "solved_by"),
        ("urge", S.ASSIGNED, "organiser", {}, "note"),
        ("ask_firm", S.ASSIGNED, "owner", {}, "note"),
        ("rate", S.RESOLVED, "raiser", {"note": "很好"}, "rating"),
    ],
)
def test_each_action_names_the_field_it_lacks(world, action, status, who, data, missing):
    ticket = no_pending_extension(ticket_in(world, status))
    assert refused(world, who, ticket, action, **data) == f"请填写：{missing}"


def test_what_an_action_keeps_of_a_long_text_is_cut_at_its_fields_length(world):
    asked = act(world, "owner", ticket_in(world, S.ASSIGNED), "ask_firm", note="问" * 1200)
    assert asked.firm_question == "问" * 1000
    spot = ticket_in(world, S.REGISTERED)
    done = act(world, "raiser", spot, "solve_on_spot", reply="现场答复", solved_by="局" * 150)
    assert (done.status, done.solved_on_spot_by, done.reply) == (S.RESOLVED, "局" * 100, "现场答复")
    ticket = no_pending_extension(ticket_in(world, S.ACCEPTED))
    until = test_workflow.TODAY + datetime.timedelta(days=15)
    done = act(world, "owner", ticket, "request_extension", until=until, note="因" * 600)
    assert (done.extension_until, done.extension_reason) == (until, "因" * 500)


def test_a_ticket_once_assigned_or_above_the_first_rung_is_not_solved_on_the_spot(world):
    assigned_once = ticket_in(world, S.REGISTERED)
    Ticket.objects.filter(pk=assigned_once.pk).update(assign_count=1)
    message = refused(world, "raiser", assigned_once, "solve_on_spot", reply="答", solved_by="李")
    assert message == "只有尚未交办的本级难题可以记为现场解决。"


def test_urging_keeps_its_note_against_the_unit_that_has_the_ticket(world):
    from issues.models import Urging

    ticket = ticket_in(world, S.ASSIGNED)
    act(world, "organiser", ticket, "urge", note="请本周内答复")
    urging = Urging.objects.get(ticket=ticket)
    assert (urging.unit, urging.by, urging.note) == (
        world["dept"],
        world["people"]["organiser"],
        "请本周内答复",
    )


@pytest.mark.parametrize(("who", "rated_by"), [("firm", "firm"), ("raiser", "on_behalf")])
def test_a_rating_keeps_its_words_who_gave_it_and_clears_a_question(world, who, rated_by):
    ticket = ticket_in(world, S.RESOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(firm_question="还缺一份材料")
    done = act(world, who, ticket, "rate", rating="basically", note="基本解决")
    assert (done.status, done.rating, done.rating_comment, done.rated_by, done.firm_question) == (
        S.CLOSED,
        "basically",
        "基本解决",
        rated_by,
        "",
    )
    silent = act(world, who, ticket_in(world, S.RESOLVED), "rate", rating="satisfied")
    assert silent.rating_comment == ""


def test_a_rating_refusal_says_what_is_wrong(world):
    assert (
        refused(world, "raiser", ticket_in(world, S.RESOLVED), "rate", rating="好") == "评价无效。"
    )
    message = refused(world, "raiser", ticket_in(world, S.RESOLVED), "rate", rating="unsatisfied")
    assert message == "不满意时请写明理由。"


def test_unsatisfied_with_a_common_answer_goes_back_to_the_unit_that_gave_it(world):
    lead = ticket_in(world, S.RESOLVED)
    Ticket.objects.filter(pk=lead.pk).update(assignee=world["people"]["owner"])
    member = f.make_ticket(
        enterprise=world["firm"], raised_by=world["people"]["raiser"], status=S.RESOLVED
    )
    Ticket.objects.filter(pk=member.pk).update(common_with=lead)
    done = act(world, "raiser", member, "rate", rating="unsatisfied", note="没解决")
    assert (done.status, done.owner_unit, done.assignee) == (
        S.ASSIGNED,
        world["dept"],
        world["people"]["owner"],
    )
    # A ticket with no unit and no common answer goes back to the organiser's queue.
    alone = f.make_ticket(
        enterprise=world["firm"], raised_by=world["people"]["raiser"], status=S.RESOLVED
    )
    done = act(world, "raiser", alone, "rate", rating="unsatisfied", note="没解决")
    assert (done.status, done.owner_unit, done.due_date) == (S.REGISTERED, None, None)


# Each guard's refusal in its own words (a page shows them as they are).
def test_each_refusal_says_why_in_its_own_words(world):
    asked = ticket_in(world, S.ASSIGNED)
    act(world, "owner", asked, "ask_escalation", note="需上级协调")
    assert refused(world, "owner", asked, "ask_escalation", note="再次申请") == (
        "已申请提级，等待组织部门处理。"
    )
    act(world, "owner", asked, "ask_firm", note="请提供用地红线图")
    assert refused(world, "owner", asked, "ask_firm", note="再问") == "已有一个问题等待企业答复。"
    pending = ticket_in(world, S.ACCEPTED)  # ticket_in's tickets carry a pending request
    until = test_workflow.TODAY + datetime.timedelta(days=30)
    assert refused(world, "owner", pending, "request_extension", until=until, note="x") == (
        "已有一项延期申请待审批。"
    )
    late = no_pending_extension(ticket_in(world, S.ACCEPTED))
    Ticket.objects.filter(pk=late.pk).update(due_date=MONDAY - datetime.timedelta(days=1))
    assert refused(world, "owner", late, "request_extension", until=until, note="x") == (
        "延期须在办理期限之前申请。"
    )
    none_asked = no_pending_extension(ticket_in(world, S.ACCEPTED))
    assert refused(world, "organiser", none_asked, "approve_extension") == "没有待审批的延期申请。"
    old = ticket_in(world, S.ASSIGNED)
    Ticket.objects.filter(pk=old.pk).update(
        assigned_at=timezone.make_aware(datetime.datetime(2026, 2, 25, 9))  # 3 working days ago
    )
    assert refused(world, "owner", old, "dispute", note="不归我局") == (
        "异议须在交办后 1 个工作日内提出。"
    )
    label = workflow.TRANSITIONS["accept"].label
    assert refused(world, "raiser", ticket_in(world, S.ASSIGNED), "accept") == (
        f"您无权对这条难题{label}。"
    )
    assert refused(world, "owner", ticket_in(world, S.ACCEPTED), "teleport") == "未知的操作。"
    assert refused(world, "owner", ticket_in(world, S.ACCEPTED), "resolve") == (
        "请填写：outcome、reply"
    )
    registered = ticket_in(world, S.REGISTERED)
    assert refused(world, "organiser", registered, "assign") == "请填写：owner_unit"
    west = f.make_unit(
        kind=OrgUnit.Kind.DEPARTMENT, parent=OrgUnit.objects.get(code="W"), code="WD"
    )
    assert refused(world, "organiser", registered, "assign", owner_unit=west) == (
        "只能交办给本辖区的单位或上级部门。"
    )


def test_only_an_organiser_has_units_to_give_tickets_to(world):
    leader = world["people"]["leader"]  # a leader with a jurisdiction, not an organiser
    assert list(workflow.handling_units(leader)) == []
    assert world["dept"] in workflow.handling_units(world["people"]["organiser"])


def test_assigning_to_the_unit_a_ticket_already_names_keeps_its_responsible_person(world):
    owner = world["people"]["owner"]
    kept, moved = ticket_in(world, S.REGISTERED), ticket_in(world, S.REGISTERED)
    Ticket.objects.filter(pk__in=[kept.pk, moved.pk]).update(
        owner_unit=world["dept"], assignee=owner
    )
    assert assign(world, kept).assignee == owner
    assert assign(world, moved, owner_unit=world["other_dept"]).assignee is None


def test_a_units_handlers_are_its_active_handlers_by_name(world):
    dept = world["dept"]
    owner = world["people"]["owner"]
    owner.display_name = "王五"
    owner.save()
    first = f.make_user("handler", home_unit=dept, display_name="李四")
    f.make_user("handler", home_unit=dept, display_name="赵六", is_active=False)
    f.make_user("cadre", home_unit=dept, display_name="张三")  # not a handler
    f.make_user("handler", home_unit=world["other_dept"], display_name="钱七")
    assert list(workflow.unit_handlers(dept.pk)) == [first, owner]


def test_a_co_units_answered_task_is_kept_and_a_new_ones_takes_the_deadline(world):
    ticket = ticket_in(world, S.REGISTERED)
    assigned = assign(world, ticket, co_units=[world["co"]])
    task = TicketTask.objects.get(ticket=ticket, unit=world["co"])
    assert task.due_date == assigned.due_date
    TicketTask.objects.filter(pk=task.pk).update(answered_at=timezone.now())
    act(world, "owner", ticket, "return", note="不归我局")
    assign(world, ticket, co_units=[])
    assert TicketTask.objects.filter(pk=task.pk).exists()  # its answer stays on the record


def test_each_events_data_names_only_what_its_action_set(world):
    ticket = ticket_in(world, S.REGISTERED)
    assign(world, ticket, due_days=3)
    act(world, "owner", ticket, "accept")
    act(world, "owner", ticket, "progress", note="已协调")
    act(world, "owner", ticket, "resolve", outcome="solved", reply="已解决")
    act(world, "firm", ticket, "rate", rating="satisfied")
    owner, dept = world["people"]["owner"].pk, world["dept"].pk
    base = {"level": Level.LOCAL, "owner_unit": dept, "due_date": "2026-03-05"}
    data = {e.action: e.data for e in TicketEvent.objects.filter(ticket=ticket)}
    assert data["accept"] == {**base, "assignee": owner}
    assert data["progress"] == base
    assert data["resolve"] == {**base, "outcome": "solved"}
    assert data["rate"] == {**base, "outcome": "solved", "rating": "satisfied", "rated_by": "firm"}


def test_an_extension_requests_event_names_the_date_asked_and_later_events_do_not(world):
    ticket = no_pending_extension(ticket_in(world, S.ACCEPTED))
    Ticket.objects.filter(pk=ticket.pk).update(
        due_date=MONDAY,
        due_days=10,
        assigned_at=timezone.make_aware(datetime.datetime(2026, 2, 16, 9)),  # 10 working days
    )
    act(world, "owner", ticket, "request_extension", until=datetime.date(2026, 3, 9), note="材料")
    act(world, "owner", ticket, "progress", note="已协调")  # the request still pending
    data = {e.action: e.data for e in TicketEvent.objects.filter(ticket=ticket)}
    assert data["request_extension"]["until"] == "2026-03-09"
    assert "until" not in data["progress"]


def test_resolving_waits_for_every_co_unit_and_then_clears_the_units_requests(world):
    ticket = ticket_in(world, S.ACCEPTED, co_task=True)
    second = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=world["dept"].parent, name="县财政局")
    TicketTask.objects.create(ticket=ticket, unit=second)
    message = refused(world, "owner", ticket, "resolve", outcome="solved", reply="已解决")
    head, _, units = message.partition("：")
    assert (head, set(units.split("、"))) == ("协办单位尚未答复", {world["co"].name, "县财政局"})
    TicketTask.objects.filter(ticket=ticket).update(answered_at=timezone.now())
    Ticket.objects.filter(pk=ticket.pk).update(escalation_reason="需上级协调")
    assert (
        refused(world, "owner", ticket, "resolve", outcome="magic", reply="答") == "办理结果无效。"
    )
    done = act(world, "owner", ticket, "resolve", outcome="solved", reply="已解决")
    assert done.replied_at is not None and done.resolved_at == done.replied_at
    assert (done.escalation_reason, done.extension_until, done.extension_reason) == ("", None, "")


def test_an_action_on_a_ticket_out_of_reach_or_changed_meanwhile_is_refused(world):
    ticket = ticket_in(world, S.ASSIGNED)
    message = refused(world, "other_handler", ticket, "accept")
    assert message == "找不到这条难题，或您无权办理。"
    stale = ticket.version
    act(world, "owner", ticket, "ask_firm", note="请补充材料")
    with pytest.raises(ValidationError) as caught:
        workflow.act(world["people"]["owner"], ticket.pk, "accept", version=stale, today=MONDAY)
    assert caught.value.messages == ["这条难题刚被他人更新，请查看最新情况后再操作。"]


def test_assigning_again_gives_the_working_co_units_the_new_deadline_only(world):
    ticket = ticket_in(world, S.REGISTERED)
    other_co = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=world["dept"].parent)
    first = assign(world, ticket, co_units=[world["co"], other_co], due_days=3)
    TicketTask.objects.filter(ticket=ticket, unit=other_co).update(answered_at=timezone.now())
    act(world, "owner", ticket, "return", note="不归我局")
    again = assign(world, ticket, co_units=[world["co"], other_co], due_days=8)
    due = dict(TicketTask.objects.filter(ticket=ticket).values_list("unit_id", "due_date"))
    assert due == {world["co"].pk: again.due_date, other_co.pk: first.due_date}
    assert again.due_date != first.due_date


def test_an_events_note_is_the_note_or_else_the_reply(world):
    ticket = ticket_in(world, S.ACCEPTED)
    act(world, "owner", ticket, "resolve", outcome="solved", reply="已协调解决")
    act(world, "firm", ticket, "rate", rating="satisfied")
    notes = dict(TicketEvent.objects.filter(ticket=ticket).values_list("action", "note"))
    assert notes == {"resolve": "已协调解决", "rate": ""}


def test_an_urgency_the_table_does_not_know_gets_ten_working_days(world):
    ticket = ticket_in(world, S.REGISTERED)
    Ticket.objects.filter(pk=ticket.pk).update(urgency="")
    done = assign(world, ticket)
    assert (done.due_days, done.due_date) == (10, datetime.date(2026, 3, 16))


def test_an_action_taken_at_a_meeting_names_it_in_its_event(world):
    ticket = ticket_in(world, S.ASSIGNED)
    act(world, "organiser", ticket, "urge", note="联席会议督办", meeting=7)
    event = TicketEvent.objects.get(ticket=ticket, action="urge")
    assert (event.data["meeting"], event.data["urge_count"]) == (7, 1)


def test_who_a_person_is_to_a_ticket(world):
    people = world["people"]
    ticket = ticket_in(world, S.ASSIGNED, co_task=True)
    kinds = {who: workflow.actor_kinds(people[who], ticket) for who in people}
    assert kinds == {
        "organiser": {"organiser"},
        "other_organiser": set(),  # another county's: its jurisdiction does not hold the firm
        "leader": {"leader"},
        "owner": {"owner"},
        "other_handler": set(),  # a handler of a unit with no task on it
        "co_handler": {"co_unit"},
        "raiser": {"raiser"},
        "other_cadre": set(),
        "firm": {"firm"},
        "other_firm": set(),  # another firm's account
    }
    west_leader = f.make_user("leader", jurisdiction_unit=OrgUnit.objects.get(code="W"))
    assert workflow.actor_kinds(west_leader, ticket) == set()
    # A cadre posted in the co-unit is not its handler; an answered task makes no co-unit.
    posted = f.make_cadre(unit=world["co"]).user
    assert workflow.actor_kinds(posted, ticket) == set()
    TicketTask.objects.filter(ticket=ticket).update(answered_at=timezone.now())
    assert workflow.actor_kinds(people["co_handler"], ticket) == set()


def test_the_action_a_ticket_waits_for_is_the_first_of_the_viewers_in_the_expected_order():
    assert workflow.expected(["urge", "resolve", "accept"]) == "accept"
    assert workflow.expected(["urge", "progress"]) is None


def test_escalating_past_the_top_level_is_refused(world):
    ticket = ticket_in(world, S.ASSIGNED)
    Ticket.objects.filter(pk=ticket.pk).update(level=workflow.TOP_LEVEL)
    assert refused(world, "organiser", ticket, "escalate", note="再提级") == "已是最高办理层级。"


def test_each_action_is_audited_with_who_where_what_and_its_event(world, rf):
    from accounts.models import AuditEntry

    ticket = ticket_in(world, S.ASSIGNED)
    request = rf.post("/", REMOTE_ADDR="10.1.2.3")
    request.user = owner = world["people"]["owner"]
    workflow.act(owner, ticket.pk, "accept", version=ticket.version, request=request, today=MONDAY)
    entry = AuditEntry.objects.get(action="ticket_accept")
    event = TicketEvent.objects.get(ticket=ticket, action="accept")
    assert (entry.user, entry.ip, entry.object_type, entry.object_id) == (
        owner,
        "10.1.2.3",
        "issues.ticket",
        str(ticket.pk),
    )
    assert entry.changes == {"from": S.ASSIGNED, "to": S.ACCEPTED, "event": event.pk}
    act(world, "owner", ticket, "progress", note="已协调")  # no request: a job's or the demo's
    assert AuditEntry.objects.get(action="ticket_progress").user == owner


def test_a_lead_tickets_answer_reaches_its_members_in_the_resolvers_name(world):
    lead = ticket_in(world, S.ACCEPTED)
    member = f.make_ticket(enterprise=world["firm"], raised_by=world["people"]["raiser"])
    Ticket.objects.filter(pk=member.pk).update(common_with=lead)
    act(world, "owner", lead, "resolve", outcome="solved", reply="统一答复")
    event = TicketEvent.objects.get(ticket=member, action="resolved_with_lead")
    assert (event.actor, event.note, event.data) == (
        world["people"]["owner"],
        "统一答复",
        {"lead": lead.pk, "outcome": "solved"},
    )


def test_naming_the_responsible_person_records_them_and_on_the_spot_records_who_solved(world):
    ticket = ticket_in(world, S.ACCEPTED)
    colleague = f.make_user("handler", home_unit=world["dept"])
    act(world, "owner", ticket, "name_responsible", assignee=colleague)
    event = TicketEvent.objects.get(ticket=ticket, action="name_responsible")
    assert event.data["assignee"] == colleague.pk
    spot = ticket_in(world, S.REGISTERED)
    act(world, "raiser", spot, "solve_on_spot", reply="现场答复", solved_by="李局长")
    event = TicketEvent.objects.get(ticket=spot, action="solve_on_spot")
    assert event.data == {"level": Level.LOCAL, "solved_by": "李局长"}  # its outcome is the status


def test_an_extension_granted_to_the_owner_leaves_the_co_units_deadline(world):
    ticket = ticket_in(world, S.ACCEPTED, co_task=True)  # with a pending extension request
    task = TicketTask.objects.get(ticket=ticket)
    TicketTask.objects.filter(pk=task.pk).update(due_date=ticket.due_date)
    done = act(world, "organiser", ticket, "approve_extension")
    assert done.due_date == test_workflow.TODAY + datetime.timedelta(days=20)
    assert TicketTask.objects.get(pk=task.pk).due_date == ticket.due_date  # the old one
