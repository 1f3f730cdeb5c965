"""Issue 21's decisions on tickets: a grouped problem assigned on its own leaves its group;
escalation and return withdraw the co-units' open tasks; extensions are bounded."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from issues import workdays, workflow
from issues.models import Status, Ticket, TicketEvent, TicketTask
from tests import test_grouping, test_workflow
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
S = Status

world = test_workflow.world  # the workflow's people and units, as a fixture of this module
grouping_world = pytest.fixture(test_grouping.world.__wrapped__, name="grouping_world")


def test_a_grouped_problem_assigned_on_its_own_leaves_its_group(client, grouping_world):
    w = grouping_world
    lead, member, stays = w["tickets"]
    organiser, handler = w["organiser"], w["handler"]
    sign_in(client, organiser)
    client.post(reverse("group_tickets"), {"lead": lead.pk, "member": [member.pk, stays.pk]})
    workflow.act(organiser, member.pk, "assign", version=2, data={"owner_unit": w["dept"]})
    member.refresh_from_db()
    assert member.common_with is None and not member.is_common
    event = TicketEvent.objects.get(ticket=member, action="ungrouped")
    assert event.actor == organiser and event.data == {"lead": lead.pk}
    page = client.get(reverse("ticket_detail", args=[member.pk])).content.decode()
    assert "单独交办，移出共性问题" in page
    lead_page = client.get(reverse("ticket_detail", args=[lead.pk])).content.decode()
    assert "一条并入的难题单独交办，已移出" in lead_page

    # The lead's answer closes the member still in the group, not the one taken out.
    workflow.act(organiser, lead.pk, "assign", version=1, data={"owner_unit": w["dept"]})
    workflow.act(handler, lead.pk, "accept", version=2)
    workflow.act(
        handler, lead.pk, "resolve", version=3, data={"outcome": "replied", "reply": "统一答复"}
    )
    member.refresh_from_db()
    stays.refresh_from_db()
    assert member.status == S.ASSIGNED and member.reply == ""
    assert stays.status == S.RESOLVED and stays.reply == "统一答复"


def assigned_with_two_co_units(world) -> Ticket:
    ticket = test_workflow.ticket_in(world, S.REGISTERED)
    return workflow.act(
        world["people"]["organiser"],
        ticket.pk,
        "assign",
        version=1,
        data={"owner_unit": world["dept"], "co_units": [world["co"], world["other_dept"]]},
    )


@pytest.mark.parametrize("action,actor", [("escalate", "organiser"), ("return", "owner")])
def test_escalation_and_return_withdraw_the_co_units_open_tasks(client, world, action, actor):
    people = world["people"]
    ticket = assigned_with_two_co_units(world)
    co_answer = {"note": "我局已完成审批"}
    workflow.act(people["co_handler"], ticket.pk, "co_answer", version=2, data=co_answer)
    workflow.act(people[actor], ticket.pk, action, version=3, data={"note": "须上级协调"})

    # The open task of other_dept is withdrawn, on the timeline with who and when.
    withdrawn = TicketEvent.objects.get(ticket=ticket, action="co_task_withdrawn")
    assert withdrawn.actor == people[actor] and withdrawn.data == {"unit": world["other_dept"].pk}
    assert withdrawn.at is not None
    # The co-unit that had answered keeps its answer.
    assert list(TicketTask.objects.filter(ticket=ticket).values_list("unit", "answer")) == [
        (world["co"].pk, "我局已完成审批")
    ]
    ticket.refresh_from_db()
    assert list(ticket.co_units.all()) == []
    # The withdrawn unit can no longer answer; the next assignment names its co-units afresh.
    assert "co_answer" not in {
        t.action for t in workflow.available(people["other_handler"], ticket)
    }
    again = workflow.act(
        people["organiser"],
        ticket.pk,
        "assign",
        version=ticket.version,
        data={"owner_unit": world["dept"]},
    )
    workflow.act(people["owner"], ticket.pk, "accept", version=again.version)
    resolved = workflow.act(
        people["owner"],
        ticket.pk,
        "resolve",
        version=again.version + 1,
        data={"outcome": "solved", "reply": "已解决"},
    )
    assert resolved.status == S.RESOLVED  # not held up by the withdrawn task

    sign_in(client, people["organiser"])
    page = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert "协办任务撤回" in page and world["other_dept"].name in page


def test_extensions_add_at_most_the_original_limit_and_at_most_twice(client, world):
    people = world["people"]
    organiser, owner = people["organiser"], people["owner"]
    ticket = test_workflow.ticket_in(world, S.REGISTERED)
    ticket = workflow.act(
        organiser, ticket.pk, "assign", version=1, data={"owner_unit": world["dept"], "due_days": 4}
    )
    first_due = ticket.due_date
    latest = workdays.add_working_days(first_due, 4)

    def version() -> int:
        return Ticket.objects.get(pk=ticket.pk).version

    def ask(days: int):
        until = workdays.add_working_days(first_due, days)
        return workflow.act(
            owner,
            ticket.pk,
            "request_extension",
            version=version(),
            data={"until": until, "note": "材料未齐"},
        )

    with pytest.raises(ValidationError, match="申请提级") as refused:
        ask(5)  # one working day past the original limit's four
    assert latest.isoformat() in str(refused.value)
    ask(1)
    workflow.act(organiser, ticket.pk, "approve_extension", version=version())
    ask(2)
    workflow.act(organiser, ticket.pk, "approve_extension", version=version())
    with pytest.raises(ValidationError, match="已延期 2 次"):
        ask(3)  # within the days, but a third time
    assert Ticket.objects.get(pk=ticket.pk).due_date == workdays.add_working_days(first_due, 2)

    sign_in(client, owner)
    page = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert "延期已用完" in page and "申请提级" in page
    assert 'data-action="request_extension"' not in page
    assert 'data-action="ask_escalation"' in page
