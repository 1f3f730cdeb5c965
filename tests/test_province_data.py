"""The COPY-based province builder (tests/benchmarks/province.py), at a tiny size: the counts asked
for, the invariants the models enforce on save, and data the ORM and the scoping read. It writes
with PostgreSQL COPY; CI runs this in its PostgreSQL leg."""

import pytest
from django.db import NotSupportedError, connection
from django.db.models import Count, F, Q

from accounts.models import PATH_SEPARATOR, Cadre, OrgUnit, User
from enterprises.models import Enterprise
from enterprises.uscc import is_valid_uscc
from issues.models import Level, Status, Ticket, TicketTask
from pairing.models import Pairing, Visit
from reports.demo import Size
from tests.benchmarks.province import LOADED, build_province

pytestmark = pytest.mark.django_db

TINY = Size(enterprises=600, cadres=60, towns=8, counties=3, tickets=400, visits_per_enterprise=3.4)


def keys_and_indexes() -> int:
    tables = [m._meta.db_table for m in LOADED]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s))"
            " + (SELECT count(*) FROM pg_index WHERE indrelid::regclass::text = ANY(%s))",
            [tables, tables],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def province():
    if connection.vendor != "postgresql":
        pytest.skip(
            "build_province writes with PostgreSQL COPY; this run uses " + connection.vendor
        )
    before = keys_and_indexes()
    counts = build_province(TINY, seed=7)
    assert keys_and_indexes() == before  # every key and index dropped for the load is back
    return counts


def test_other_databases_are_refused():
    if connection.vendor == "postgresql":
        pytest.skip("this run uses PostgreSQL, where the builder works")
    with pytest.raises(NotSupportedError, match="PostgreSQL"):
        build_province(TINY)


def test_counts_match_the_size(province):
    assert province["enterprises"] == Enterprise.objects.count() == TINY.enterprises
    demo_cadres = Cadre.objects.filter(staff_no__startswith="DEMO-").count()
    assert demo_cadres >= 2  # the demo logins that are cadres
    assert province["cadres"] == Cadre.objects.count() == TINY.cadres + demo_cadres
    assert Ticket.objects.exclude(demo_raised()).count() == TINY.tickets
    assert province["tickets"] == Ticket.objects.count()
    towns = OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.TOWN, OrgUnit.Kind.STREET])
    assert towns.count() == TINY.towns
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.COUNTY).count() == TINY.counties
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNITY).exists()
    # Pairings: one lead per firm, a few assisting, one firm in fifty handed over.
    assert TINY.enterprises < province["pairings"] < TINY.enterprises * 1.1
    assert 2.5 * TINY.enterprises < province["visits"] < 3.5 * TINY.enterprises


def test_codes_are_valid_and_unique(province):
    codes = list(Enterprise.objects.values_list("uscc", flat=True))
    assert len(set(codes)) == len(codes)
    assert all(is_valid_uscc(code) for code in codes)


def test_org_unit_paths_are_what_save_would_make(province):
    units = {u.pk: u for u in OrgUnit.objects.all()}
    for unit in units.values():
        parent = units.get(unit.parent_id)
        expected = f"{parent.path if parent else PATH_SEPARATOR}{unit.code}{PATH_SEPARATOR}"
        assert unit.path == expected
        assert unit.depth == unit.path.count(PATH_SEPARATOR) - 2
    assert OrgUnit.objects.get(depth=0).kind == OrgUnit.Kind.PROVINCE


def test_pairings_have_every_shape_and_one_active_row_per_cadre_firm_campaign(province):
    active = Pairing.objects.active()
    twice = active.values("cadre", "enterprise", "campaign").annotate(n=Count("pk"))
    assert not twice.filter(n__gt=1).exists()
    assert not Enterprise.objects.exclude(
        pairings__end__isnull=True, pairings__role="lead"
    ).exists()
    per_cadre = active.values("cadre").annotate(n=Count("pk"))
    assert per_cadre.filter(n=1).exists() and per_cadre.filter(n__gt=1).exists()  # 1:1 and 1:N
    assert active.filter(role=Pairing.Role.ASSIST).exists()  # N:1
    assert Pairing.objects.filter(end__isnull=False, end__gte=F("start")).exists()


def test_some_firms_are_never_visited(province):
    unvisited = Enterprise.objects.exclude(pk__in=Visit.objects.values("enterprise_id")).count()
    assert 0.05 < unvisited / TINY.enterprises < 0.25


def test_tickets_keep_the_check_constraints_and_the_workflow_stamps(province):
    tickets = Ticket.objects.all()
    assert set(tickets.values_list("status", flat=True)) == set(Status.values)
    levels = set(tickets.values_list("level", flat=True))
    assert levels == {Level.LOCAL, Level.SYSTEM, Level.COORDINATION, Level.COUNTY_HEAD}
    assert not tickets.filter(status=Status.CLOSED, rating="").exists()
    assert not tickets.filter(status__in=[Status.RESOLVED, Status.CLOSED], outcome="").exists()
    assigned = tickets.exclude(status=Status.REGISTERED).exclude(demo_raised())
    assert not assigned.filter(Q(assigned_at=None) | Q(due_date=None) | Q(owner_unit=None)).exists()
    assert not assigned.filter(due_date__lt=F("assigned_at__date")).exists()
    resolved = tickets.filter(status__in=[Status.RESOLVED, Status.CLOSED]).exclude(demo_raised())
    assert not resolved.filter(Q(resolved_at=None) | Q(replied_at=None)).exists()
    co_units = Ticket.co_units.through.objects.filter(ticket__in=tickets.exclude(demo_raised()))
    pairs = set(co_units.values_list("ticket_id", "orgunit_id"))
    assert pairs and pairs == set(TicketTask.objects.values_list("ticket_id", "unit_id"))
    waiting = TicketTask.objects.filter(answered_at=None, ticket__in=resolved)
    assert not waiting.exists()


def demo_raised() -> Q:
    """The demo logins' tickets, made by issues.demo itself, which stamps less."""
    return Q(raised_by__username__startswith="demo_")


def test_the_orm_and_the_scoping_read_it(province):
    leader = User.objects.get(username="demo_leader")
    assert leader.jurisdiction_unit.kind == OrgUnit.Kind.PROVINCE
    assert Enterprise.objects.visible_to(leader).count() == TINY.enterprises
    assert Ticket.objects.visible_to(leader).count() == Ticket.objects.count()
    cadre = User.objects.get(username="demo_cadre")
    assert cadre.has_role("cadre")
    assert Enterprise.objects.visible_to(cadre).count() == 7  # six taken over, one assisted
    assert User.objects.filter(username="c000001", groups__name="cadre").exists()
