"""seed_demo builds a consistent small province: two cities, every firm covered in the first
campaign, valid codes, every pairing shape, tickets in every status and level, a second campaign
part-way through, a year of month-end snapshots, and demo logins for every role at each level that
work and land on a page with something to show."""

import io
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from enterprises.models import Enterprise
from enterprises.uscc import is_valid_uscc
from issues.models import Level, Status, Ticket
from pairing.models import Campaign, Pairing
from reports.demo_logins import DEMO_LOGINS

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    out = io.StringIO()
    call_command("seed_demo", enterprises=400, cadres=120, towns=8, tickets=150, stdout=out)
    return out.getvalue()


def test_every_enterprise_has_a_lead_cadre_and_a_valid_unique_code(seeded):
    assert Enterprise.objects.count() == 400
    first = Campaign.objects.order_by("start").first()
    unpaired = Enterprise.objects.exclude(
        pairings__end__isnull=True, pairings__role="lead", pairings__campaign=first
    )
    assert unpaired.count() == 0
    codes = list(Enterprise.objects.values_list("uscc", flat=True))
    assert len(set(codes)) == len(codes)
    assert all(is_valid_uscc(code) for code in codes)


def test_one_to_one_one_to_many_and_many_to_one_pairings_all_occur(seeded):
    active = Pairing.objects.active().filter(campaign=Campaign.objects.order_by("start").first())
    per_cadre = Counter(active.values("cadre").annotate(n=Count("pk")).values_list("n", flat=True))
    per_firm = Counter(
        active.values("enterprise").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    assert per_cadre[1] > 0 and max(per_cadre) > 1
    assert max(per_firm) > 1
    assert Pairing.objects.filter(end__isnull=False).exclude(end_reason="").exists()


def test_tickets_cover_every_status_and_level_consistently(seeded):
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Ticket.objects.values_list("level", flat=True)) == {
        Level.LOCAL,
        Level.SYSTEM,
        Level.COORDINATION,
        Level.COUNTY_HEAD,
    }
    finished = Ticket.objects.filter(status__in=[Status.RESOLVED, Status.CLOSED])
    assert not finished.filter(outcome="").exists()
    assert not Ticket.objects.filter(status=Status.CLOSED, rating="").exists()
    assert not Ticket.objects.filter(status=Status.REGISTERED, owner_unit__isnull=False).exists()
    # Each ticket's timeline ends in its current status (its last step that moved it: a 催办 or
    # an escalation of a ticket not yet assigned leaves the status as it was).
    for ticket in Ticket.objects.prefetch_related("events")[:40]:
        moves = [e for e in ticket.events.all() if e.to_status]
        assert moves[-1].to_status == ticket.status


def test_the_decisions_of_issue_21_are_in_the_demo(seeded):
    escalated = Ticket.objects.get(title="厂区扩建用地需跨部门协调")
    withdrawn = escalated.events.get(action="co_task_withdrawn")
    assert withdrawn.actor.username == "demo_organiser" and withdrawn.note.endswith("市住建局")
    assert escalated.tasks.get().answer == "规划调整已报批。"
    extended = Ticket.objects.get(title="污水管网接入审批进度慢")
    assert extended.events.filter(action="approve_extension").count() == 2


def test_demo_logins_work_and_have_their_data(seeded):
    for login in DEMO_LOGINS:
        user = authenticate(username=login.username, password=DEMO_PASSWORD)
        assert user is not None and login.role in user.roles, login.username
    cadre = User.objects.get(username="demo_cadre")
    assert cadre.cadre.pairings.active().count() >= 6
    assert set(Ticket.objects.filter(raised_by=cadre).values_list("status", flat=True)) == set(
        Status.values
    )
    handler = User.objects.get(username="demo_handler")
    assert Ticket.objects.handled_by_unit(handler.home_unit_id).count() > 0
    other = User.objects.get(username="demo_cadre2")
    mine = set(Enterprise.objects.visible_to(cadre).values_list("pk", flat=True))
    assert mine and mine.isdisjoint(
        Enterprise.objects.visible_to(other).values_list("pk", flat=True)
    )


def test_if_empty_leaves_a_seeded_database_alone_and_a_plain_rerun_refuses(seeded):
    before = Enterprise.objects.count()
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue() and Enterprise.objects.count() == before
    with pytest.raises(CommandError):
        call_command("seed_demo", enterprises=10, cadres=5, stdout=io.StringIO())


def test_demo_logins_prints_every_login(seeded):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert all(login.username in out.getvalue() for login in DEMO_LOGINS)
    assert DEMO_PASSWORD in out.getvalue()


def test_the_demo_shows_the_ladder_as_a_county_runs_it(seeded, client):
    """Meetings held (minutes, decisions) and to hold, urged tickets, on-the-spot answers,
    numbered 交办单 with assignment times, and no raw action code on any timeline."""
    from django.urls import reverse

    from issues.models import Meeting, TicketEvent, Urging
    from tests.helpers import sign_in

    held = Meeting.objects.filter(held_at__isnull=False)
    assert held.count() == 2 and all(m.minutes and m.chair_id for m in held)
    assert all(i.decision and i.owner_unit_id for m in held for i in m.items.all())
    assert Meeting.objects.filter(held_at__isnull=True, scheduled_at__gt=timezone.now()).exists()
    assert Urging.objects.count() >= 2 and Ticket.objects.filter(urge_count=2).exists()
    on_spot = Ticket.objects.exclude(solved_on_spot_by="")
    assert on_spot.count() == 3 and on_spot.filter(status=Status.CLOSED).count() == 2
    assigned = Ticket.objects.exclude(owner_unit=None)
    assert not assigned.filter(assigned_at=None).exists()
    assert not assigned.filter(assignment_seq=None).exists()
    assert not TicketEvent.objects.filter(action="register").exists()
    organiser = User.objects.get(username="demo_organiser")
    sign_in(client, organiser)
    ticket = assigned.visible_to(organiser).filter(status=Status.ACCEPTED).first()
    page = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert ticket.assignment_no in page and "register" not in page and "交办" in page
    sheet = client.get(reverse("assignment_form", args=[ticket.pk])).content.decode()
    assert "交办时间" in sheet and f"{timezone.localtime(ticket.assigned_at):%Y-%m-%d}" in sheet
    minutes = client.get(reverse("meeting_minutes", args=[held.first().pk])).content.decode()
    assert "议题一" in minutes and "会议决定" in minutes
    leader = User.objects.get(username="demo_leader")
    client.logout()
    sign_in(client, leader)
    assert "一周内被催办两次以上的单位" in client.get(reverse("leader_home")).content.decode()


def test_the_demo_organiser_has_marked_typical_cases_with_their_story(seeded):
    from issues.models import Ticket

    typical = Ticket.objects.filter(is_model_case=True)
    assert typical.count() == 3
    assert all(t.events.filter(action="model_case").exists() for t in typical)
