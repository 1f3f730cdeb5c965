"""Each figure against a hand-counted fixture, the articles' own numbers among them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from enterprises.models import Enterprise
from issues.models import Rating, Status, Ticket
from pairing.models import HelpPlan
from reports import metrics
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


def tickets(n, firm, raiser, **fields):
    fields.setdefault("status", Status.REGISTERED)
    if fields["status"] in (Status.RESOLVED, Status.CLOSED):
        fields.setdefault("outcome", "solved")
    Ticket.objects.bulk_create(
        [
            Ticket(enterprise=firm, raised_by=raiser, title="t", description="d", **fields)
            for _ in range(n)
        ]
    )


@pytest.fixture
def firm():
    return f.make_enterprise()


@pytest.fixture
def raiser():
    return f.make_user("cadre")


def test_ruian_1613_collected_796_solved_is_49_3_percent(firm, raiser):
    tickets(796, firm, raiser, status=Status.RESOLVED, outcome="solved")
    tickets(200, firm, raiser, status=Status.RESOLVED, outcome="replied")
    tickets(617, firm, raiser, status=Status.ACCEPTED)
    figures = metrics.ticket_figures(Ticket.objects.all())
    assert (figures.collected, figures.solved) == (1613, 796)
    assert round(100 * figures.resolution_rate, 1) == 49.3


def test_linan_676_collected_508_finished_is_75_1_percent(firm, raiser):
    tickets(300, firm, raiser, status=Status.CLOSED, outcome="solved", rating="satisfied")
    tickets(150, firm, raiser, status=Status.RESOLVED, outcome="replied")
    tickets(58, firm, raiser, status=Status.RESOLVED, outcome="deferred")
    tickets(168, firm, raiser, status=Status.ASSIGNED)
    figures = metrics.ticket_figures(Ticket.objects.all())
    assert (figures.collected, figures.resolved) == (676, 508)
    assert round(100 * figures.completion_rate, 1) == 75.1


def test_edge_cases_no_tickets_all_deferred_and_a_reopened_ticket(firm, raiser):
    empty = metrics.ticket_figures(Ticket.objects.none())
    assert empty.resolution_rate is None and empty.completion_rate is None
    tickets(4, firm, raiser, status=Status.RESOLVED, outcome="deferred")
    figures = metrics.ticket_figures(Ticket.objects.all())
    assert figures.resolution_rate == 0 and figures.completion_rate == 1
    # Reopened after 不满意: one ticket, open again, its unhappy rating kept.
    tickets(1, firm, raiser, status=Status.ASSIGNED, rating="unsatisfied")
    figures = metrics.ticket_figures(Ticket.objects.all())
    assert (figures.collected, figures.open, figures.rated, figures.satisfied) == (5, 1, 1, 0)
    assert figures.satisfaction_rate == 0


def test_on_time_feedback_and_satisfaction(firm, raiser):
    due = D(2026, 3, 10)
    at = lambda d: datetime.datetime(2026, 3, d, 10, tzinfo=datetime.UTC)  # noqa: E731
    resolved = {"status": Status.RESOLVED, "outcome": "solved", "due_date": due}
    tickets(3, firm, raiser, resolved_at=at(9), replied_at=at(9), **resolved)  # on time
    tickets(1, firm, raiser, resolved_at=at(10), replied_at=at(10), **resolved)  # on the day
    tickets(2, firm, raiser, resolved_at=at(12), **resolved)  # late, reply not recorded
    tickets(2, firm, raiser, status=Status.CLOSED, outcome="solved", rating="satisfied")
    tickets(1, firm, raiser, status=Status.CLOSED, outcome="solved", rating="basically")
    tickets(1, firm, raiser, status=Status.CLOSED, outcome="solved", rating="unsatisfied")
    figures = metrics.ticket_figures(Ticket.objects.all())
    assert (figures.on_time, figures.resolved_with_due) == (4, 6)
    assert figures.feedback_rate == 4 / 10
    assert figures.satisfaction_rate == 3 / 4


def test_average_working_days_to_resolve(firm, raiser):
    monday = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    # Registered Monday 2 March; resolved Wednesday (2 working days) and next Monday (5).
    for resolved in (D(2026, 3, 4), D(2026, 3, 9)):
        t = f.make_ticket(enterprise=firm, raised_by=raiser, status=Status.RESOLVED)
        Ticket.objects.filter(pk=t.pk).update(
            created_at=monday,
            resolved_at=datetime.datetime.combine(resolved, datetime.time(10), datetime.UTC),
        )
    assert metrics.average_working_days_to_resolve(Ticket.objects.all()) == (2 + 5) / 2


def test_meeting_rate_counts_paired_firms_visited_in_the_period():
    period = metrics.Period(D(2026, 3, 1), D(2026, 3, 31))
    town = f.make_unit()
    visited, unvisited, unpaired = (f.make_enterprise(town=town) for _ in range(3))
    for firm in (visited, unvisited):
        f.make_pairing(enterprise=firm)
    f.make_visit(enterprise=visited, date=D(2026, 3, 15))
    f.make_visit(enterprise=unvisited, date=D(2026, 2, 15))  # before the period
    f.make_visit(enterprise=unpaired, date=D(2026, 3, 15))  # not paired: not counted
    figures = metrics.meeting_figures(Enterprise.objects.all(), period)
    assert (figures.paired, figures.visited, figures.rate) == (2, 1, 0.5)


def test_help_rate():
    stopped = f.make_enterprise(production_status="stopped")
    f.make_enterprise(production_status="reduced")
    f.make_enterprise(production_status="normal")
    HelpPlan.objects.create(
        enterprise=stopped, cause="c", responsible="r", target_date=D(2026, 12, 1)
    )
    figures = metrics.help_figures(Enterprise.objects.all())
    assert (figures.struggling, figures.with_plan, figures.rate) == (2, 1, 0.5)


def test_a_period_takes_the_tickets_collected_in_it(firm, raiser):
    t = f.make_ticket(enterprise=firm, raised_by=raiser)
    Ticket.objects.filter(pk=t.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 2, 27))
    )
    f.make_ticket(
        enterprise=firm,
        raised_by=raiser,
        created_at=timezone.make_aware(datetime.datetime(2026, 6, 15)),
    )
    march = metrics.Period(D(2026, 3, 1), D(2026, 3, 31))
    assert march.previous() == metrics.Period(D(2026, 1, 29), D(2026, 2, 28))
    # The other ticket was registered in June, in neither period.
    assert metrics.ticket_figures(metrics.in_period(Ticket.objects.all(), march)).collected == 0
    earlier = metrics.in_period(Ticket.objects.all(), march.previous())
    assert metrics.ticket_figures(earlier).collected == 1


def test_a_period_runs_from_local_midnight_to_local_midnight(firm, raiser):
    """Shanghai's day: 16:00 UTC is already the next day (tickets are stored in UTC)."""
    utc = datetime.UTC
    instants = {
        "Oct 31 23:59:59 local": datetime.datetime(2026, 10, 31, 15, 59, 59, tzinfo=utc),
        "Nov 1 00:00 local": datetime.datetime(2026, 10, 31, 16, 0, tzinfo=utc),
        "Nov 30 23:59:59 local": datetime.datetime(2026, 11, 30, 15, 59, 59, tzinfo=utc),
        "Dec 1 00:00 local": datetime.datetime(2026, 11, 30, 16, 0, tzinfo=utc),
    }
    for title, at in instants.items():
        t = f.make_ticket(enterprise=firm, raised_by=raiser, title=title)
        Ticket.objects.filter(pk=t.pk).update(created_at=at)
    november = metrics.in_period(
        Ticket.objects.all(), metrics.Period(D(2026, 11, 1), D(2026, 11, 30))
    )
    assert set(november.values_list("title", flat=True)) == {
        "Nov 1 00:00 local",
        "Nov 30 23:59:59 local",
    }


def test_breakdown_by_category(firm, raiser):
    tickets(2, firm, raiser, category="land", status=Status.RESOLVED, outcome="solved")
    tickets(1, firm, raiser, category="land")
    tickets(3, firm, raiser, category="financing")
    rows = dict(metrics.ticket_breakdown(Ticket.objects.all(), "category"))
    assert (rows["land"].collected, rows["land"].solved) == (3, 2)
    assert rows["financing"].collected == 3 and rows["financing"].resolution_rate == 0


def test_ratings_by_rater_gives_every_rater_even_one_with_no_ratings(firm, raiser):
    """Only cadres recorded ratings here: the firms' own figures are all zero (and every rate
    None); unrated tickets count for nobody; overdue is counted against the day given."""
    tickets(2, firm, raiser, status=Status.CLOSED, rating=Rating.SATISFIED, rated_by="on_behalf")
    tickets(3, firm, raiser, status=Status.ACCEPTED, due_date=D(2026, 3, 10))  # unrated
    # Reopened after 不满意: open again, still rated, due 10 March.
    tickets(
        1,
        firm,
        raiser,
        status=Status.ASSIGNED,
        rating=Rating.UNSATISFIED,
        rated_by="on_behalf",
        due_date=D(2026, 3, 10),
    )
    split = metrics.ratings_by_rater(Ticket.objects.all(), today=D(2026, 3, 10))
    assert set(split) == {"firm", "on_behalf"}
    none = split["firm"]
    assert (none.collected, none.resolved, none.solved, none.open, none.overdue) == (0, 0, 0, 0, 0)
    assert (none.on_time_rate, none.satisfaction_rate) == (None, None)
    cadres = split["on_behalf"]
    assert (cadres.collected, cadres.resolved, cadres.open, cadres.overdue) == (3, 2, 1, 0)
    assert cadres.rated == 3 and cadres.satisfied == 2
    later = metrics.ratings_by_rater(Ticket.objects.all(), today=D(2026, 3, 11))
    assert later["on_behalf"].overdue == 1


def test_a_breakdown_counts_overdue_against_the_day_given(firm, raiser):
    tickets(2, firm, raiser, status=Status.ACCEPTED, due_date=D(2026, 3, 10), category="用地")
    [(category, before)] = metrics.ticket_breakdown(
        Ticket.objects.all(), "category", D(2026, 3, 10)
    )
    [(_c, after)] = metrics.ticket_breakdown(Ticket.objects.all(), "category", D(2026, 3, 11))
    assert (category, before.overdue, after.overdue) == ("用地", 0, 2)


def test_average_working_days_leave_out_tickets_not_resolved_or_without_a_resolution_time(
    firm, raiser
):
    monday = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    wednesday = datetime.datetime(2026, 3, 4, 10, tzinfo=datetime.UTC)
    done = f.make_ticket(enterprise=firm, raised_by=raiser, status=Status.RESOLVED)
    reopened = f.make_ticket(enterprise=firm, raised_by=raiser, status=Status.ASSIGNED)
    unstamped = f.make_ticket(enterprise=firm, raised_by=raiser, status=Status.CLOSED)
    Ticket.objects.filter(pk=done.pk).update(created_at=monday, resolved_at=wednesday)
    # An open ticket still holding a resolution time (as an older row may), and a closed one
    # without any: neither has a resolution to measure.
    Ticket.objects.filter(pk=reopened.pk).update(
        created_at=monday, resolved_at=wednesday + datetime.timedelta(days=14)
    )
    Ticket.objects.filter(pk=unstamped.pk).update(created_at=monday, resolved_at=None)
    assert metrics.average_working_days_to_resolve(Ticket.objects.all()) == 2


def test_a_period_without_visits_counts_none_and_the_previous_period_has_its_own_figures():
    town = f.make_unit()
    firms = [f.make_enterprise(town=town) for _ in range(2)]
    for firm in firms:
        f.make_pairing(enterprise=firm)
    f.make_visit(enterprise=firms[0], date=D(2026, 2, 15))
    now, before = (
        metrics.Period(D(2026, 3, 1), D(2026, 3, 31)),
        metrics.Period(D(2026, 2, 1), D(2026, 2, 28)),
    )
    assert metrics.visited_counts(Enterprise.objects.all(), {"now": now}) == {"now": 0}
    figures = metrics.enterprise_figures(Enterprise.objects.all(), now, before)
    assert (figures.meeting.paired, figures.meeting.visited) == (2, 0)
    assert (figures.previous_meeting.paired, figures.previous_meeting.visited) == (2, 1)
    assert figures.previous_meeting.rate == 0.5


def test_a_finished_ticket_without_its_finishing_time_is_not_counted_for_on_time(firm, raiser):
    # Resolved with a deadline but no resolved_at (history entered by hand): whether it was on
    # time cannot be told, so it is in neither the on-time count nor the tickets it is taken of.
    due = D(2026, 3, 10)
    on_day = datetime.datetime(2026, 3, 10, 10, tzinfo=datetime.UTC)
    tickets(1, firm, raiser, status=Status.RESOLVED, due_date=due, resolved_at=on_day)
    tickets(1, firm, raiser, status=Status.RESOLVED, due_date=due)
    figures = metrics.ticket_figures(Ticket.objects.all())
    assert (figures.resolved, figures.resolved_with_due, figures.on_time) == (2, 1, 1)
