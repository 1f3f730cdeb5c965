"""The demo as a showroom (issue 12's last finding, issue 14's snapshots, issue 18's login table):
a province of two cities with bureaus and people at every level, a second campaign part-way
through, a year of month-end snapshots that agree with the tickets, and a login for every role at
each level that lands on a page with something to show."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Cadre, OrgUnit, User
from accounts.roles import Role
from enterprises.models import Enterprise
from issues.meetings import agenda_candidates
from issues.models import OPEN_STATUSES, Status, Ticket
from pairing import selectors
from pairing.models import Campaign, HelpPlan, Pairing, Suggestion, SuggestionRun, WorkloadCap
from reports import demo_history, metrics
from reports.demo_logins import DEMO_LOGINS, LEVELS, display_width, login_table
from reports.models import FigureSnapshot
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
Kind = OrgUnit.Kind


@pytest.fixture
def province():
    call_command(
        "seed_demo", enterprises=600, cadres=160, towns=10, tickets=250, stdout=io.StringIO()
    )
    return OrgUnit.objects.get(parent__isnull=True)


def user(username: str) -> User:
    return User.objects.get(username=username)


def test_a_province_of_two_cities_with_bureaus_and_cadres_at_every_level(province):
    assert province.kind == Kind.PROVINCE
    cities = OrgUnit.objects.filter(parent=province, kind=Kind.CITY)
    assert sorted(cities.values_list("name", flat=True)) == ["临江市", "安澜市"]
    for city in cities:
        assert OrgUnit.objects.filter(parent=city, kind=Kind.COUNTY).exists()
        assert OrgUnit.objects.filter(parent=city, kind=Kind.DEPARTMENT).count() > 10
        assert Enterprise.objects.filter(town__path__startswith=city.path).exists()
    for parent_kind in (Kind.PROVINCE, Kind.CITY, Kind.COUNTY):
        bureaus = OrgUnit.objects.filter(kind=Kind.DEPARTMENT, parent__kind=parent_kind)
        assert bureaus.exists(), parent_kind
        assert Cadre.objects.filter(unit__in=bureaus).exists(), parent_kind
    assert set(Cadre.objects.values_list("rank", flat=True)) == set(Cadre.Rank.values)
    leaders = Cadre.objects.filter(rank=Cadre.Rank.CITY_LEADER)
    assert {c.unit.kind for c in leaders} == {Kind.PROVINCE, Kind.CITY}


def test_the_second_campaign_is_part_way_through(province):
    first, second = Campaign.objects.order_by("start")
    today = timezone.localdate()
    assert first.start < today - datetime.timedelta(days=360)
    assert second.start > today - datetime.timedelta(days=90) and second.end > today
    assert second.batches.filter(start__lte=today).count() == 2
    assert second.batches.filter(start__gt=today).exists()  # a batch still to come
    # Pairings belong to the two batches out, from their dates; the third has none yet.
    first_batch, second_batch, coming = second.batches.order_by("start")
    pairings = Pairing.objects.active().filter(campaign=second)
    assert pairings.filter(batch=first_batch).exists() and pairings.filter(batch=second_batch)
    assert not pairings.filter(batch=coming).exists()
    assert not pairings.filter(start__lt=F("batch__start")).exists()
    # Ten service groups, each with a lead cadre and members from several levels.
    assert second.groups.count() == 10
    levels = set()
    for group in second.groups.prefetch_related("members__unit"):
        assert group.lead_cadre_id and group.members.exists(), group.name
        levels |= {m.unit.kind for m in group.members.all()}
    assert {Kind.DEPARTMENT, Kind.TOWN} <= levels or {Kind.DEPARTMENT, Kind.STREET} <= levels
    # Counted targets, not met yet in the second campaign, met in the first; caps of its own.
    rows = metrics.coverage_by_tag(second, province.path) + metrics.coverage_of_lists(
        second, province.path
    )
    counted = [r for r in rows if r.target_count is not None]
    assert counted and any(r.short_of_target for r in counted)
    assert all(r.met for r in metrics.coverage_by_tag(first, province.path) if r.has_target)
    assert WorkloadCap.objects.filter(campaign=second).exists()
    for county in OrgUnit.objects.filter(kind=Kind.COUNTY):
        firms = Enterprise.objects.filter(town__path__startswith=county.path).count()
        left = selectors.uncovered(second, county).count()
        assert 0 < left < firms, county.name  # paired in part, firms left to pair
        assert selectors.uncovered(first, county).count() == 0
    # Its coverage targets (100% of key firms) are not met yet.
    target = second.coverage_targets.select_related("tag").get(tag__code="above_scale")
    tagged = Enterprise.objects.filter(tags=target.tag)
    assert selectors.uncovered(second, province).filter(pk__in=tagged).exists()
    # Problems at every stage, raised in the campaign's weeks.
    tickets = Ticket.objects.filter(campaign=second)
    assert set(tickets.values_list("status", flat=True)) == set(Status.values)
    assert not tickets.filter(created_at__date__lt=second.start - datetime.timedelta(days=1))
    # Help plans made for some struggling firms and owed by others.
    struggling = Enterprise.objects.filter(production_status__in=["reduced", "stopped"])
    planned = struggling.filter(help_plans__isnull=False).distinct().count()
    assert 0 < planned < struggling.count()
    assert HelpPlan.objects.filter(done=True).exists()


def test_the_county_organiser_has_work_waiting_in_the_second_campaign(province, client):
    organiser = user("demo_organiser")
    second = Campaign.objects.order_by("start").last()
    run = SuggestionRun.objects.get(campaign=second, area=organiser.jurisdiction_unit)
    pending = Suggestion.objects.filter(run=run, decision=Suggestion.Decision.PENDING)
    assert pending.exists() and run.uncovered > 0
    # Escalated problems wait for a meeting.
    assert agenda_candidates(Ticket.objects.visible_to(organiser)).exists()
    sign_in(client, organiser)
    response = client.get(reverse("organiser_home"))
    assert second.name in response.content.decode()
    assert response.context["owed_plans"] > 0  # help plans owed
    uncovered = client.get(reverse("uncovered_list", args=[second.pk])).content.decode()
    firm = selectors.uncovered(second, organiser.jurisdiction_unit).first()
    assert firm.name in uncovered
    page = client.get(reverse("suggestion_run", args=[run.pk])).content.decode()
    assert pending.first().enterprise.name in page


def test_month_end_snapshots_agree_with_the_tickets(province):
    today = timezone.localdate()
    ends = demo_history.month_ends(today, 12)
    assert len(ends) == 12 and ends[-1] < today.replace(day=1)
    areas = OrgUnit.objects.filter(kind__in=OrgUnit.AREA_KINDS)
    past = FigureSnapshot.objects.filter(date__lt=today.replace(day=1))
    assert past.count() == areas.count() * 12 * 2
    assert FigureSnapshot.objects.filter(date=today).exists()  # and tonight's, as the job writes
    tz = timezone.get_current_timezone()
    for area in [province, OrgUnit.objects.filter(kind=Kind.CITY).first()]:
        for day in ends[-4:]:
            midnight = datetime.datetime.combine(
                day + datetime.timedelta(days=1), datetime.time(), tz
            )
            open_then = Ticket.objects.filter(
                Q(resolved_at__isnull=True) | Q(resolved_at__gte=midnight),
                enterprise__town__path__startswith=area.path,
                created_at__lt=midnight,
            )
            snap = {s.name: s.value for s in FigureSnapshot.objects.filter(area=area, date=day)}
            assert snap["open"] == open_then.count()
            assert snap["overdue"] == open_then.filter(due_date__lt=day).count()
    # The history is not empty: a real trend, with problems open at every past month-end.
    top = FigureSnapshot.objects.filter(area=province, name="open", date__in=ends[-6:])
    assert all(value > 0 for value in top.values_list("value", flat=True))


def test_the_leader_trend_shows_month_end_figures_on_a_fresh_install(province, client):
    sign_in(client, user("demo_leader"))
    response = client.get(reverse("leader_home"))
    trend = response.context["trend"]
    past = [row for row in trend if row["month"] < timezone.localdate().strftime("%Y-%m")]
    assert past and all(row["open"] is not None for row in past)


LANDS_ON = {
    Role.LEADER: "leader_home",
    Role.ORGANISER: "organiser_home",
    Role.HANDLER: "handler_home",
    Role.CADRE: "cadre_home",
}


def test_every_role_has_logins_at_each_level():
    levels = {}
    for login in DEMO_LOGINS:
        levels.setdefault(login.role, set()).add(login.level)
    assert levels[Role.LEADER] == levels[Role.ORGANISER] == set(LEVELS)
    assert levels[Role.HANDLER] == {"province", "city", "county"}
    assert {"province", "city", "county", "town"} <= levels[Role.CADRE]
    assert {Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR} <= set(levels)


def test_every_demo_login_lands_on_a_page_with_something_to_show(province, client):
    for login in DEMO_LOGINS:
        account = user(login.username)
        client.logout()
        sign_in(client, account)
        response = client.get("/", follow=True)
        assert response.status_code == 200, login.username
        page = response.content.decode()
        if login.role not in LANDS_ON:
            continue
        assert response.resolver_match.url_name == LANDS_ON[login.role], login.username
        assert expected_on_home(account, login.role) in page, login.username


def expected_on_home(account: User, role: str) -> str:
    """A thing the login's home page must show: a child area, a campaign, a ticket, a firm."""
    if role == Role.LEADER:
        area = account.jurisdiction_unit
        below = OrgUnit.objects.filter(parent=area, kind__in=OrgUnit.AREA_KINDS).first()
        return below.name if below else area.name
    if role == Role.ORGANISER:
        return Campaign.objects.order_by("start").last().name
    if role == Role.HANDLER:
        tickets = Ticket.objects.handled_by_unit(account.home_unit_id)
        return tickets.filter(status__in=OPEN_STATUSES).order_by("due_date").first().title
    return account.cadre.pairings.active().first().enterprise.name


def test_the_province_leader_sees_both_cities_and_the_town_leader_only_a_town(province, client):
    sign_in(client, user("demo_leader"))
    rows = client.get(reverse("leader_home")).context["rows"]
    assert sorted(row.name for row in rows) == ["临江市", "安澜市"]
    town_leader = user("demo_town_leader")
    assert town_leader.jurisdiction_unit.kind == Kind.TOWN
    assert Enterprise.objects.visible_to(town_leader).count() == (
        Enterprise.objects.filter(town=town_leader.jurisdiction_unit).count()
    )


def test_the_login_table_is_grouped_by_role_and_aligned_by_display_width(province):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    lines = out.getvalue().splitlines()
    for login in DEMO_LOGINS:
        assert any(login.username in line for line in lines), login.username
    headings = [line.strip() for line in lines if line.strip().startswith("【")]
    assert headings == [f"【{Role(r).label}】" for r in dict.fromkeys(x.role for x in DEMO_LOGINS)]
    rows = [line for line in lines if line.startswith("    demo_")]
    assert len(rows) == len(DEMO_LOGINS)
    # The description column starts at the same display column on every row, whatever the width
    # of the Chinese unit names before it.
    starts = set()
    for line, login in zip(rows, DEMO_LOGINS, strict=True):
        starts.add(display_width(line[: line.index(login.description)]))
    assert len(starts) == 1
    units = {re.split(r"\s{2,}", line.strip())[2] for line in rows}
    assert len({len(u) for u in units}) > 1  # the units differ in length: alignment was needed


def test_display_width_counts_wide_characters_twice():
    assert display_width("demo") == 4
    assert display_width("安澜市") == 6
    assert display_width("（）") == 4
    lines = login_table({})
    assert lines == []
