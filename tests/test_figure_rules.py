"""Figures and working days counted by hand (issue 20, gaps 7 to 14): each expected number is
worked out here from the rows the test makes, never by other code built on the same definitions."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import AuditEntry, OrgUnit
from enterprises.models import Tag
from issues import deadlines, workdays
from issues.models import Status, Ticket, TicketEvent, WorkCalendarDay
from issues.views import escalation_suggestions
from pairing.models import Pairing
from reports import drill, metrics
from tests import factories as f

pytestmark = pytest.mark.django_db
S = Status
D = datetime.date
TODAY = D(2026, 3, 11)  # a Wednesday with no holiday within two weeks


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def ticket(status=S.ASSIGNED, **fields) -> Ticket:
    created = fields.pop("created", None)
    made = f.make_ticket(status=status, **fields)
    if created:
        Ticket.objects.filter(pk=made.pk).update(created_at=at(created))
    return made


def holiday(day: datetime.date) -> None:
    WorkCalendarDay.objects.create(date=day, is_workday=False, name="假日")


# 7. Overdue: open and due before today; due today is not overdue yet.
def test_overdue_counts_open_tickets_due_before_today_only():
    yesterday, tomorrow = TODAY - D.resolution, TODAY + D.resolution
    for due in (yesterday, TODAY, tomorrow):
        ticket(due_date=due)
    ticket(status=S.ACCEPTED, due_date=yesterday - D.resolution)
    ticket(status=S.RESOLVED, due_date=yesterday)  # finished late: not overdue
    ticket(status=S.REGISTERED)  # no deadline yet
    figures = metrics.ticket_figures(Ticket.objects.all(), today=TODAY)
    assert (figures.open, figures.overdue) == (5, 2)


def test_figures_by_period_count_each_periods_tickets_and_overdue_as_of_the_day_given():
    march, february = (
        metrics.Period(D(2026, 3, 1), D(2026, 3, 31)),
        metrics.Period(D(2026, 2, 1), D(2026, 2, 28)),
    )
    ticket(due_date=D(2026, 3, 20), created=D(2026, 3, 2))  # overdue by 21 March only
    ticket(due_date=D(2026, 3, 5), created=D(2026, 3, 31))  # overdue on both days
    ticket(S.RESOLVED, due_date=D(2026, 3, 5), created=D(2026, 2, 28))
    ticket(created=D(2026, 4, 1))  # in neither period
    periods = {"now": march, "before": february}
    early = metrics.ticket_figures_by_period(Ticket.objects.all(), periods, today=TODAY)
    late = metrics.ticket_figures_by_period(Ticket.objects.all(), periods, today=D(2026, 3, 21))
    assert (early["now"].collected, early["now"].open, early["now"].overdue) == (2, 2, 1)
    assert (late["now"].collected, late["now"].open, late["now"].overdue) == (2, 2, 2)
    assert (late["before"].collected, late["before"].resolved, late["before"].open) == (1, 1, 0)


# 8. The on-time rate and the coverage rate themselves.
def test_the_on_time_rate_counts_resolved_tickets_with_a_deadline():
    due = D(2026, 3, 6)
    ticket(S.RESOLVED, due_date=due, resolved_at=at(due - D.resolution))  # early
    ticket(S.CLOSED, due_date=due, resolved_at=at(due, hour=23))  # on the day: on time
    ticket(S.RESOLVED, due_date=due, resolved_at=at(due + D.resolution))  # late
    ticket(S.RESOLVED, resolved_at=at(due))  # no deadline: not in the rate
    ticket(S.ACCEPTED, due_date=due)  # not resolved
    figures = metrics.ticket_figures(Ticket.objects.all(), today=TODAY)
    assert (figures.on_time, figures.resolved_with_due) == (2, 3)
    assert figures.on_time_rate == pytest.approx(2 / 3)


def test_rates_of_nothing_are_unknown_not_zero():
    figures = metrics.ticket_figures(Ticket.objects.all(), today=TODAY)
    assert figures.on_time_rate is None
    assert figures.resolution_rate is None
    assert metrics.coverage(f.make_enterprise().__class__.objects.none()).rate is None


def test_the_coverage_rate_is_paired_firms_over_firms():
    town = f.make_unit()
    campaign = f.make_campaign()
    firms = [f.make_enterprise(town=town) for _ in range(4)]
    f.make_pairing(enterprise=firms[0], campaign=campaign)
    f.make_pairing(enterprise=firms[0], campaign=campaign)  # a second cadre: still one firm
    f.make_pairing(enterprise=firms[1], campaign=campaign, end=D(2026, 2, 1))  # ended
    figures = metrics.coverage(firms[0].__class__.objects.filter(town=town))
    assert (figures.enterprises, figures.paired, figures.rate) == (4, 1, 0.25)


# 9. Average working days: same dates twice, and one resolved the day it was raised.
def test_average_working_days_with_repeated_dates_and_a_same_day_answer():
    monday, wednesday = D(2026, 3, 2), D(2026, 3, 4)
    ticket(S.RESOLVED, created=monday, resolved_at=at(wednesday))  # 2 working days
    ticket(S.CLOSED, created=monday, resolved_at=at(wednesday))  # 2 again
    ticket(S.RESOLVED, created=wednesday, resolved_at=at(wednesday, hour=16))  # 0
    ticket(S.ACCEPTED, created=monday)  # open: not counted
    average = metrics.average_working_days_to_resolve(Ticket.objects.all())
    assert average == pytest.approx(4 / 3)


def test_average_working_days_skip_a_holiday():
    holiday(D(2026, 3, 3))
    ticket(S.RESOLVED, created=D(2026, 3, 2), resolved_at=at(D(2026, 3, 4)))
    assert metrics.average_working_days_to_resolve(Ticket.objects.all()) == 1


# 10. The coverage page's rows: a firm paired twice counts once; a town or tag with none.
@pytest.fixture
def county():
    area = f.make_unit(kind=OrgUnit.Kind.COUNTY)
    return {
        "area": area,
        "busy": f.make_unit(parent=area, name="甲镇"),
        "quiet": f.make_unit(parent=area, name="乙镇"),
        "campaign": f.make_campaign(scope_unit=area),
    }


def test_coverage_by_town_counts_a_firm_with_two_pairings_once(county):
    firm = f.make_enterprise(town=county["busy"])
    f.make_enterprise(town=county["busy"])
    f.make_enterprise(town=county["quiet"])
    f.make_pairing(enterprise=firm, campaign=county["campaign"])
    f.make_pairing(enterprise=firm, campaign=county["campaign"])
    rows = metrics.coverage_by_town(county["campaign"], county["area"].path)
    assert [(r.label, r.enterprises, r.paired, r.uncovered) for r in rows] == [
        ("甲镇", 2, 1, 1),
        ("乙镇", 1, 0, 1),
    ]
    total = metrics.coverage_total(rows)
    assert (total.label, total.enterprises, total.paired) == ("", 3, 1)


def test_coverage_by_tag_counts_paired_firms_of_each_tag_once(county):
    tagged = Tag.objects.create(code="t1", name="专精特新测试")
    Tag.objects.create(code="t2", name="没有企业的标签")
    firm = f.make_enterprise(town=county["busy"], tags=[tagged])
    f.make_enterprise(town=county["quiet"], tags=[tagged])
    f.make_pairing(enterprise=firm, campaign=county["campaign"])
    f.make_pairing(enterprise=firm, campaign=county["campaign"])
    rows = metrics.coverage_by_tag(county["campaign"], county["area"].path)
    assert [(r.label, r.enterprises, r.paired) for r in rows] == [("专精特新测试", 2, 1)]


def test_coverage_by_tag_puts_targets_first_and_shows_a_target_tag_without_firms(county):
    plain = Tag.objects.create(code="t0", name="普通标签")
    aimed = Tag.objects.create(code="t1", name="规上企业")
    empty = Tag.objects.create(code="t2", name="尚无企业")
    campaign = county["campaign"]
    campaign.coverage_targets.create(tag=aimed, target_count=2)
    campaign.coverage_targets.create(tag=empty, target_percent=50)
    firms = [f.make_enterprise(town=county["busy"], tags=[plain, aimed]) for _ in range(3)]
    f.make_pairing(enterprise=firms[0], campaign=campaign)
    rows = metrics.coverage_by_tag(campaign, county["area"].path)
    assert [
        (r.label, r.enterprises, r.paired, r.target_count, r.target_percent, r.short_of_target)
        for r in rows
    ] == [
        ("规上企业", 3, 1, 2, None, True),  # 1 of the 2 firms aimed at
        ("尚无企业", 0, 0, None, 50, True),  # a target with no firm yet still shows
        ("普通标签", 3, 1, None, None, False),  # no target: never short of one
    ]
    assert rows[0].tag_id == aimed.pk


@pytest.mark.parametrize(
    ("paired", "count", "percent", "met"),
    [
        (2, 2, None, True),  # the count reached exactly
        (1, 2, None, False),
        (2, None, 50, True),  # 2 of 4 firms: 50 %, exactly the share
        (1, None, 50, False),  # 25 %
        (4, 5, 10, False),  # a count wins over a share
        (4, None, None, False),  # no target: nothing met
    ],
)
def test_a_coverage_target_is_met_at_its_count_or_its_share(paired, count, percent, met):
    row = metrics.CoverageRow("甲", 4, paired, target_percent=percent, target_count=count)
    assert row.met is met
    assert row.short_of_target is (row.has_target and not met)
    assert row.uncovered == 4 - paired
    assert row.percent == 25 * paired


def test_a_share_of_no_firms_is_unknown_and_never_meets_a_target():
    row = metrics.CoverageRow("乙", 0, 0, target_percent=0)
    assert row.percent is None
    assert (row.met, row.short_of_target) == (False, True)


# 11. Active pairings restricted to a campaign; paired but not visited.
def test_active_pairing_in_a_campaign_ignores_other_campaigns_and_ended_pairings():
    town = f.make_unit()
    mine, other = f.make_campaign(), f.make_campaign()
    firms = [f.make_enterprise(town=town) for _ in range(3)]
    f.make_pairing(enterprise=firms[0], campaign=mine)
    f.make_pairing(enterprise=firms[1], campaign=other)
    f.make_pairing(enterprise=firms[2], campaign=mine, end=D(2026, 2, 1))
    in_town = firms[0].__class__.objects.filter(town=town)
    assert list(in_town.filter(metrics.actively_paired(mine.pk))) == [firms[0]]
    assert set(in_town.filter(metrics.actively_paired())) == {firms[0], firms[1]}
    assert metrics.coverage(in_town, mine.pk).paired == 1


def test_paired_but_not_visited_lists_only_paired_firms_without_a_visit_in_the_period():
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY)
    town = f.make_unit(parent=county)
    leader = f.make_user("leader", jurisdiction_unit=county)
    firms = [f.make_enterprise(town=town) for _ in range(5)]
    visited, unvisited, unpaired, visited_before, visited_after = firms
    for firm in (visited, unvisited, visited_before, visited_after):
        f.make_pairing(enterprise=firm)
    period = metrics.Period(D(2026, 3, 1), D(2026, 3, 31))
    f.make_visit(enterprise=visited, date=D(2026, 3, 31))
    f.make_visit(enterprise=visited_before, date=D(2026, 2, 28))
    f.make_visit(enterprise=visited_after, date=D(2026, 4, 1))
    f.make_visit(enterprise=unpaired, date=D(2026, 3, 5))
    rows = drill.enterprise_rows(leader, county, "unvisited", period)
    assert set(rows) == {unvisited, visited_before, visited_after}
    assert Pairing.objects.count() == 4


# 12. Counting back across a holiday; the 5-working-day red boundary of the suggestion.
def test_subtracting_working_days_skips_weekends_and_holidays():
    holiday(D(2026, 3, 9))  # Monday
    assert workdays.subtract_working_days(D(2026, 3, 11), 1) == D(2026, 3, 10)
    assert workdays.subtract_working_days(D(2026, 3, 11), 2) == D(2026, 3, 6)  # Fri, not Mon
    assert workdays.subtract_working_days(D(2026, 3, 11), 3) == D(2026, 3, 5)


def test_subtracting_no_working_days_or_five_weeks_of_them():
    assert workdays.subtract_working_days(D(2026, 3, 11), 0) == D(2026, 3, 11)
    # Wed 11 March back 25 working days, weekends only: Tue 10 … Wed 4 February.
    assert workdays.subtract_working_days(D(2026, 3, 11), 25) == D(2026, 2, 4)


@pytest.mark.parametrize(("days_red", "suggested"), [(4, False), (5, True), (6, True)])
def test_a_ticket_red_for_five_working_days_is_suggested_for_escalation(days_red, suggested):
    due = workdays.subtract_working_days(TODAY, days_red)
    made = ticket(due_date=due, owner_unit=f.make_unit(kind=OrgUnit.Kind.DEPARTMENT))
    assert (made in escalation_suggestions(Ticket.objects.all(), TODAY)) is suggested


# 13. Working days between weekend or holiday dates, and outside a loaded calendar.
@pytest.mark.parametrize(
    ("a", "b", "n"),
    [
        (D(2026, 3, 7), D(2026, 3, 8), 0),  # Saturday to Sunday
        (D(2026, 3, 6), D(2026, 3, 9), 1),  # Friday to Monday: the Monday
        (D(2026, 3, 8), D(2026, 3, 6), 0),  # backwards over a weekend
        (D(2026, 3, 9), D(2026, 3, 6), -1),  # backwards: (Fri, Mon] holds the Monday
        (D(2026, 3, 2), D(2026, 3, 5), 2),  # over the holiday on Tuesday 3 March
        (D(2026, 3, 3), D(2026, 3, 3), 0),
    ],
)
def test_working_days_between_weekends_and_holidays(a, b, n):
    holiday(D(2026, 3, 3))
    assert workdays.working_days_between(a, b) == n


def test_a_date_outside_the_loaded_calendar_is_refused_not_guessed():
    calendar = workdays.WorkCalendar.load(D(2026, 3, 1), D(2026, 3, 31))
    with pytest.raises(
        workdays.OutsideCalendar, match="2026-04-01 is outside 2026-03-01..2026-03-31"
    ):
        calendar.is_workday(D(2026, 4, 1))
    index = workdays.WorkdayIndex(calendar)
    assert index.between(D(2026, 3, 1), D(2026, 3, 31)) == 22
    with pytest.raises(workdays.OutsideCalendar, match="2026-04-01 is outside the index"):
        index.between(D(2026, 3, 1), D(2026, 4, 1))


def test_a_swapped_working_saturday_counts():
    WorkCalendarDay.objects.create(date=D(2026, 3, 7), is_workday=True, name="调休上班")
    assert workdays.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 7)


# 14. A deadline on the very day just declared a holiday moves to the next working day.
def test_a_deadline_on_a_day_just_declared_a_holiday_is_counted_again():
    assigned = D(2026, 3, 2)
    made = ticket(due_date=D(2026, 3, 9), due_days=5, assigned_at=at(assigned))
    WorkCalendarDay.objects.bulk_create(  # no signal: the test calls the recount itself
        [WorkCalendarDay(date=D(2026, 3, 9), is_workday=False, name="新假日")]
    )
    admin = f.make_user("admin")
    assert deadlines.recompute([]) == 0
    assert deadlines.recompute([D(2026, 3, 9)], user=admin) == 1
    made.refresh_from_db()
    assert made.due_date == D(2026, 3, 10)
    event = TicketEvent.objects.get(ticket=made, action="deadline_recomputed")
    assert event.data == {"from": "2026-03-09", "to": "2026-03-10"}
    assert (event.actor, event.note) == (admin, "工作日历调整，办理期限重新计算")
    entry = AuditEntry.objects.get(action="calendar_change")
    assert (entry.user, entry.changes) == (admin, {"dates": ["2026-03-09"], "tickets_moved": 1})


def test_the_recount_leaves_deadlines_whose_span_misses_the_changed_day():
    # Stored dates off the count on purpose: only a span that covers the change is recounted.
    ticket(due_date=D(2026, 3, 6), due_days=5, assigned_at=at(D(2026, 3, 2)))  # due before it
    ticket(due_date=D(2026, 3, 20), due_days=1, assigned_at=at(D(2026, 3, 10)))  # assigned after
    holiday(D(2026, 3, 9))
    assert deadlines.recompute([D(2026, 3, 9)]) == 0
