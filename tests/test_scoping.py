"""visible_to(user) on Enterprise, Pairing, Visit and Ticket: the exact rows each persona sees."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from accounts.models import OrgUnit
from enterprises.models import Enterprise
from issues.models import Ticket
from pairing.models import Pairing, Visit
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """City → districts X and Y → towns X1, X2, Y1; department D. Cadre A in X1, cadre B in Y1."""
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    x = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="X")
    y = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="Y")
    x1 = f.make_unit(parent=x, code="X1")
    x10 = f.make_unit(parent=x, code="X10")  # a code that extends X1's: paths keep them apart
    y1 = f.make_unit(parent=y, code="Y1")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D")
    other_dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="E")
    e1, e2 = f.make_enterprise(town=x1), f.make_enterprise(town=x1)
    e3, e4 = f.make_enterprise(town=y1), f.make_enterprise(town=x10)
    campaign = f.make_campaign(scope_unit=city)
    a = f.make_cadre(user=f.make_user("cadre", home_unit=x1))
    b = f.make_cadre(user=f.make_user("cadre", home_unit=y1))
    p1 = f.make_pairing(cadre=a, enterprise=e1, campaign=campaign)
    p2 = f.make_pairing(cadre=a, enterprise=e2, campaign=campaign)
    p3 = f.make_pairing(cadre=b, enterprise=e3, campaign=campaign)
    p_old = f.make_pairing(
        cadre=a, enterprise=e4, campaign=campaign, end=datetime.date(2026, 2, 1), end_reason="调岗"
    )
    p4 = f.make_pairing(cadre=b, enterprise=e4, campaign=campaign)
    v1 = f.make_visit(cadre=a, enterprise=e1)
    v_b_on_e4 = f.make_visit(cadre=b, enterprise=e4)
    v3 = f.make_visit(cadre=b, enterprise=e3)
    t1 = f.make_ticket(enterprise=e1, raised_by=a.user, owner_unit=dept)
    t2 = f.make_ticket(enterprise=e3, raised_by=b.user, owner_unit=other_dept)
    t2.co_units.add(dept, other_dept)
    t3 = f.make_ticket(
        enterprise=e2, raised_by=b.user, owner_unit=other_dept
    )  # B raised on A's firm
    return dict(
        city=city,
        x=x,
        y=y,
        x1=x1,
        dept=dept,
        e1=e1,
        e2=e2,
        e3=e3,
        e4=e4,
        a=a,
        b=b,
        p1=p1,
        p2=p2,
        p3=p3,
        p4=p4,
        p_old=p_old,
        v1=v1,
        v_b_on_e4=v_b_on_e4,
        v3=v3,
        t1=t1,
        t2=t2,
        t3=t3,
    )


def seen(model, user):
    return set(model.objects.visible_to(user).values_list("pk", flat=True))


def pks(*objects):
    return {o.pk for o in objects}


def test_a_cadre_sees_their_actively_paired_firms_their_pairings_and_their_tickets(world):
    w, user = world, world["a"].user
    assert seen(Enterprise, user) == pks(w["e1"], w["e2"])  # not e4: that pairing ended
    assert seen(Pairing, user) == pks(w["p1"], w["p2"], w["p_old"])
    assert seen(Visit, user) == pks(w["v1"])
    assert seen(Ticket, user) == pks(w["t1"])  # not t3, raised by B on A's firm


def test_cadre_b_sees_nothing_of_cadre_a(world):
    w, user = world, world["b"].user
    assert seen(Enterprise, user) == pks(w["e3"], w["e4"])
    assert seen(Pairing, user) == pks(w["p3"], w["p4"])
    assert seen(Visit, user) == pks(w["v_b_on_e4"], w["v3"])
    assert seen(Ticket, user) == pks(w["t2"], w["t3"])


def test_a_handler_sees_their_units_tickets_owned_or_co_assigned_once_each(world):
    w = world
    handler = f.make_user("handler", home_unit=w["dept"])
    assert seen(Ticket, handler) == pks(w["t1"], w["t2"])
    assert Ticket.objects.visible_to(handler).count() == 2  # t2 has two co-units: no duplicate
    assert seen(Enterprise, handler) == pks(w["e1"], w["e3"])
    assert seen(Pairing, handler) == set()
    assert seen(Visit, handler) == set()


@pytest.mark.parametrize("role", ["organiser", "leader"])
def test_organisers_and_leaders_see_everything_under_their_area_only(world, role):
    w = world
    user = f.make_user(role, jurisdiction_unit=w["x"])
    assert seen(Enterprise, user) == pks(w["e1"], w["e2"], w["e4"])
    assert seen(Pairing, user) == pks(w["p1"], w["p2"], w["p_old"], w["p4"])
    assert seen(Visit, user) == pks(w["v1"], w["v_b_on_e4"])
    assert seen(Ticket, user) == pks(w["t1"], w["t3"])


def test_a_town_leader_does_not_see_a_sibling_town_whose_code_extends_theirs(world):
    w = world
    town_leader = f.make_user("leader", jurisdiction_unit=w["x1"])
    assert seen(Enterprise, town_leader) == pks(w["e1"], w["e2"])  # not e4 in X10


def test_a_city_leader_sees_the_whole_city(world):
    w = world
    leader = f.make_user("leader", jurisdiction_unit=w["city"])
    assert seen(Enterprise, leader) == pks(w["e1"], w["e2"], w["e3"], w["e4"])
    assert seen(Ticket, leader) == pks(w["t1"], w["t2"], w["t3"])


def test_several_roles_see_the_union_without_duplicates(world):
    w = world
    user = w["a"].user
    user.groups.add(Group.objects.get_or_create(name="handler")[0])
    user.home_unit = w["dept"]
    user.save()
    user = type(user).objects.get(pk=user.pk)  # roles are cached per instance
    assert seen(Ticket, user) == pks(w["t1"], w["t2"])
    assert Ticket.objects.visible_to(user).count() == 2
    assert seen(Enterprise, user) == pks(w["e1"], w["e2"], w["e3"])


def test_administrators_see_the_roster_only_and_others_nothing(world):
    w = world
    admin = f.make_user("admin")
    assert seen(Enterprise, admin) == pks(w["e1"], w["e2"], w["e3"], w["e4"])
    for model in (Pairing, Visit, Ticket):
        assert seen(model, admin) == set()
    for user in (
        f.make_user("auditor"),
        f.make_user("security_admin"),
        f.make_user(),  # no role
        f.make_user("leader"),  # a role but no jurisdiction
        f.make_user("leader", jurisdiction_unit=w["city"], is_active=False),
        AnonymousUser(),
    ):
        for model in (Enterprise, Pairing, Visit, Ticket):
            assert seen(model, user) == set(), (user, model)


def test_a_superuser_sees_everything(world):
    root = f.make_user(is_superuser=True)
    assert seen(Ticket, root) == set(Ticket.objects.values_list("pk", flat=True))


def test_scoped_querysets_stay_chainable(world):
    w = world
    leader = f.make_user("leader", jurisdiction_unit=w["city"])
    scoped = Enterprise.objects.visible_to(leader).filter(town=w["x1"]).order_by("pk")
    assert list(scoped) == [w["e1"], w["e2"]]
    assert scoped.count() == len(list(scoped))
