"""English pages carry no Chinese punctuation (：、（），) between values: the marks come from the
punctuation tags, in the reader's language (issue 21). Chinese pages keep theirs."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from issues import workflow
from issues.models import Status
from tests import test_workflow
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
world = test_workflow.world
CHINESE_MARKS = re.compile("[：、（），]")


def a_worked_ticket(world):
    people = world["people"]
    ticket = test_workflow.ticket_in(world, Status.REGISTERED)
    type(ticket).objects.filter(pk=ticket.pk).update(title="Land", description="More land")
    workflow.act(
        people["organiser"],
        ticket.pk,
        "assign",
        version=1,
        data={"owner_unit": world["dept"], "co_units": [world["co"], world["other_dept"]]},
    )
    workflow.act(people["co_handler"], ticket.pk, "co_answer", version=2, data={"note": "ok"})
    return ticket


def marks_on(page: str) -> list[str]:
    """Lines of the page's body with a Chinese mark (the language menu aside)."""
    body = page.split("<main", 1)[-1]
    return [line.strip() for line in body.splitlines() if CHINESE_MARKS.search(line)]


def test_the_ticket_and_firm_pages_in_english_have_no_chinese_punctuation(client, world):
    ticket = a_worked_ticket(world)
    sign_in(client, world["people"]["organiser"])
    client.cookies["django_language"] = "en"
    for url in (
        reverse("ticket_detail", args=[ticket.pk]),
        reverse("enterprise_detail", args=[world["firm"].pk]),
        reverse("enterprise_tickets", args=[world["firm"].pk]),
    ):
        page = client.get(url).content.decode()
        assert marks_on(page) == [], url
    page = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    units = {world["co"].name, world["other_dept"].name}
    assert {", ".join(sorted(units)), ", ".join(sorted(units, reverse=True))} & {
        m.group(0) for m in re.finditer(r"单位\d+, 单位\d+", page)
    }


def test_the_chinese_page_keeps_its_marks(client, world):
    ticket = a_worked_ticket(world)
    sign_in(client, world["people"]["organiser"])
    page = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert re.search(r"单位\d+、单位\d+", page)
