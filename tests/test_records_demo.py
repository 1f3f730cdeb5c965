"""The demo shows the records of issue 12 on a fresh seed: help plans with measures in every state
(some overdue, some linked to the firm's problems) and firms still owed one, the demo cadre's
service diary over months with one short of the frequency, and accepted problems naming the person
responsible in their unit."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from issues.models import Status, Ticket
from pairing.models import HelpMeasure
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command(
        "seed_demo", enterprises=400, cadres=120, towns=8, tickets=150, stdout=io.StringIO()
    )


def test_help_plans_show_every_state_overdue_measures_and_linked_problems(seeded):
    measures = HelpMeasure.objects.all()
    assert set(measures.values_list("state", flat=True)) == set(HelpMeasure.State.values)
    today = timezone.localdate()
    assert measures.filter(state__in=HelpMeasure.OPEN_STATES, due_date__lt=today).exists()
    assert measures.filter(tickets__isnull=False).exists()
    client = sign_in(Client(), User.objects.get(username="demo_organiser"))
    owed = client.get(reverse("help_plan_list"), {"show": "owed"})
    assert owed.context["page"].paginator.count >= 1


def test_the_demo_cadres_diary_has_months_of_history_and_a_short_month(seeded):
    user = User.objects.get(username="demo_cadre")
    client = sign_in(Client(), user)
    response = client.get(reverse("cadre_diary", args=[user.cadre.pk]))
    months = [m for m in response.context["months"] if m.visits]
    assert len(months) >= 3
    assert any(not m.met for m in response.context["months"] if m.required)


def test_accepted_problems_name_the_person_responsible(seeded):
    # (a problem solved on the spot has no unit, so no one in a unit to name)
    taken = Ticket.objects.filter(
        status__in=[Status.ACCEPTED, Status.RESOLVED, Status.CLOSED], owner_unit__isnull=False
    )
    assert taken.exists() and not taken.filter(assignee__isnull=True).exists()
