"""`visible_to(user)` on Enterprise, Pairing, Visit and Ticket: the exact rows each persona sees.

DESIGN.md, "Who sees what": cadres see their paired enterprises and the tickets they raised;
handlers the tickets owned by or co-assigned to their unit; organisers and leaders everything under
their jurisdiction unit; admins the roster; auditors no business data. A user with several roles
sees the union. Rows are compared by name, so a failure says which row leaked or went missing.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db.models import Count

from accounts.models import OrgUnit, User
from enterprises.models import Enterprise
from issues.models import Status, Ticket
from pairing.models import Pairing, Visit
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
MODELS = {"enterprise": Enterprise, "pairing": Pairing, "visit": Visit, "ticket": Ticket}


def build_world() -> SimpleNamespace:
    """The rows, named; `w.rows[model][name]` is the object.

    Units: city C → districts X and Y; towns X1 and X10 under X (X10's code extends X1's), Y1 under
    Y; departments D and E under C.
    Enterprises: e1, e2 in X1; e4 in X10; e3, e5 in Y1.
    Cadres: A (X1) paired with e1 and e2 (e2 in two campaigns) and once with e4 (ended);
    B (Y1) with e3 and e4; C (X1) assists on e1. `cadre_np` has the role but no profile.
    Tickets: t1 e1 by A, owner D; t2 e3 by B, owner E, co-units D and E; t3 e2 by B (B raised it on
    A's firm), owner E; t4 e5 by cadre_np, unassigned; t5 e4 by A, owner D and co-unit D.
    """
    w = SimpleNamespace()
    w.C = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    w.X = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=w.C, code="X")
    w.Y = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=w.C, code="Y")
    w.X1 = f.make_unit(parent=w.X, code="X1")
    w.X10 = f.make_unit(parent=w.X, code="X10")
    w.Y1 = f.make_unit(parent=w.Y, code="Y1")
    w.D = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=w.C, code="D")
    w.E = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=w.C, code="E")

    e = {
        "e1": f.make_enterprise(town=w.X1),
        "e2": f.make_enterprise(town=w.X1),
        "e3": f.make_enterprise(town=w.Y1),
        "e4": f.make_enterprise(town=w.X10),
        "e5": f.make_enterprise(town=w.Y1),
    }
    k1, k2 = f.make_campaign(scope_unit=w.C), f.make_campaign(scope_unit=w.C)
    w.A = f.make_cadre(user=f.make_user("cadre", home_unit=w.X1))
    w.B = f.make_cadre(user=f.make_user("cadre", home_unit=w.Y1))
    w.Cc = f.make_cadre(user=f.make_user("cadre", home_unit=w.X1))
    w.cadre_np = f.make_user("cadre", home_unit=w.Y1)

    def pair(cadre, firm, campaign=k1, **extra):
        return f.make_pairing(cadre=cadre, enterprise=e[firm], campaign=campaign, **extra)

    p = {
        "p1": pair(w.A, "e1"),
        "p2": pair(w.A, "e2"),
        "p2b": pair(w.A, "e2", k2),
        "p_old": pair(w.A, "e4", end=D(2026, 2, 1), end_reason="调岗"),
        "p3": pair(w.B, "e3"),
        "p4": pair(w.B, "e4"),
        "p5": pair(w.Cc, "e1", role=Pairing.Role.ASSIST),
    }
    v = {
        "v1": f.make_visit(cadre=w.A, enterprise=e["e1"]),
        "v_old": f.make_visit(cadre=w.A, enterprise=e["e4"], date=D(2026, 1, 15)),
        "v_c": f.make_visit(cadre=w.Cc, enterprise=e["e1"]),
        "v3": f.make_visit(cadre=w.B, enterprise=e["e3"]),
        "v4": f.make_visit(cadre=w.B, enterprise=e["e4"]),
    }
    t = {
        "t1": f.make_ticket(
            enterprise=e["e1"], raised_by=w.A.user, owner_unit=w.D, status=Status.ASSIGNED
        ),
        "t2": f.make_ticket(enterprise=e["e3"], raised_by=w.B.user, owner_unit=w.E),
        "t3": f.make_ticket(enterprise=e["e2"], raised_by=w.B.user, owner_unit=w.E),
        "t4": f.make_ticket(enterprise=e["e5"], raised_by=w.cadre_np),
        "t5": f.make_ticket(
            enterprise=e["e4"], raised_by=w.A.user, owner_unit=w.D, status=Status.CLOSED
        ),
    }
    t["t2"].co_units.add(w.D, w.E)
    t["t5"].co_units.add(w.D)
    w.rows = {"enterprise": e, "pairing": p, "visit": v, "ticket": t}
    return w


def personas(w) -> dict:
    """Every persona of the brief, by name."""
    return {
        "cadre_a": w.A.user,
        "cadre_b": w.B.user,
        "cadre_c": w.Cc.user,
        "cadre_without_profile": w.cadre_np,
        "handler_d": f.make_user("handler", home_unit=w.D),
        "handler_e": f.make_user("handler", home_unit=w.E),
        "organiser_x": f.make_user("organiser", jurisdiction_unit=w.X),
        "leader_x": f.make_user("leader", jurisdiction_unit=w.X),
        "organiser_y": f.make_user("organiser", jurisdiction_unit=w.Y),
        "leader_city": f.make_user("leader", jurisdiction_unit=w.C),
        "leader_town_x1": f.make_user("leader", jurisdiction_unit=w.X1),
        "leader_of_a_department": f.make_user("leader", jurisdiction_unit=w.D),
        "admin": f.make_user("admin"),
        "auditor": f.make_user("auditor"),
        "security_admin": f.make_user("security_admin"),
        "no_role": f.make_user(home_unit=w.D, jurisdiction_unit=w.C),
        "inactive_leader": f.make_user(
            "leader", "handler", home_unit=w.D, jurisdiction_unit=w.C, is_active=False
        ),
        "organiser_without_unit": f.make_user("organiser"),
        "leader_without_unit": f.make_user("leader", home_unit=w.X),
        "handler_without_unit": f.make_user("handler", jurisdiction_unit=w.C),
        "anonymous": AnonymousUser(),
        "superuser": f.make_user(is_superuser=True),
        "inactive_superuser": f.make_user(is_superuser=True, is_active=False),
    }


ALL = {
    "enterprise": "e1 e2 e3 e4 e5",
    "pairing": "p1 p2 p2b p_old p3 p4 p5",
    "visit": "v1 v_old v_c v3 v4",
    "ticket": "t1 t2 t3 t4 t5",
}
NOTHING = dict.fromkeys(MODELS, "")
AREA_X = {
    "enterprise": "e1 e2 e4",
    "pairing": "p1 p2 p2b p_old p4 p5",
    "visit": "v1 v_old v_c v4",
    "ticket": "t1 t3 t5",
}

# persona → model → the names it sees, exactly.
EXPECTED = {
    # e4 is gone (the pairing ended) and e2 is listed once though paired in two campaigns. The
    # ended pairing stays in A's own history. Visits: A's own (also v_old, on e4) and those of the
    # partner C on e1. Tickets: only those A raised, not t3 that B raised on A's firm e2.
    "cadre_a": {
        "enterprise": "e1 e2",
        "pairing": "p1 p2 p2b p_old",
        "visit": "v1 v_old v_c",
        "ticket": "t1 t5",
    },
    # B sees A's old visit v_old: it is a visit to e4, which B is paired with now. B raised t3 on
    # a firm B is not paired with: B sees the ticket, not the firm.
    "cadre_b": {
        "enterprise": "e3 e4",
        "pairing": "p3 p4",
        "visit": "v3 v4 v_old",
        "ticket": "t2 t3",
    },
    "cadre_c": {"enterprise": "e1", "pairing": "p5", "visit": "v_c v1", "ticket": ""},
    "cadre_without_profile": {**NOTHING, "ticket": "t4"},
    # Owned t1 and t5, co-assigned t2; t5 is both owned and co-assigned, still once.
    "handler_d": {**NOTHING, "enterprise": "e1 e3 e4", "ticket": "t1 t2 t5"},
    "handler_e": {**NOTHING, "enterprise": "e2 e3", "ticket": "t2 t3"},
    "organiser_x": AREA_X,
    "leader_x": AREA_X,
    "organiser_y": {
        "enterprise": "e3 e5",
        "pairing": "p3",
        "visit": "v3",
        "ticket": "t2 t4",
    },
    "leader_city": ALL,
    # X10's code starts with "X1"; the path separator keeps e4 out.
    "leader_town_x1": {
        "enterprise": "e1 e2",
        "pairing": "p1 p2 p2b p5",
        "visit": "v1 v_c",
        "ticket": "t1 t3",
    },
    "leader_of_a_department": NOTHING,
    "admin": {**NOTHING, "enterprise": ALL["enterprise"]},
    "auditor": NOTHING,
    "security_admin": NOTHING,
    "no_role": NOTHING,
    "inactive_leader": NOTHING,
    "organiser_without_unit": NOTHING,
    "leader_without_unit": NOTHING,
    "handler_without_unit": NOTHING,
    "anonymous": NOTHING,
    "superuser": ALL,
    "inactive_superuser": NOTHING,
}


@pytest.fixture
def world() -> SimpleNamespace:
    w = build_world()
    w.users = personas(w)
    return w


def names(w, model: str, queryset) -> list[str]:
    """The names of the rows in `queryset`, one per row (so duplicates would show)."""
    by_pk = {obj.pk: name for name, obj in w.rows[model].items()}
    return sorted(by_pk.get(pk, f"?{pk}") for pk in queryset.values_list("pk", flat=True))


def visible(w, model: str, user) -> list[str]:
    return names(w, model, MODELS[model].objects.visible_to(user))


def test_every_persona_is_in_the_table(world):
    assert set(world.users) == set(EXPECTED)


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_sees_exactly_its_rows(world, persona):
    user = world.users[persona]
    for model, expected in EXPECTED[persona].items():
        queryset = MODELS[model].objects.visible_to(user)
        seen = names(world, model, queryset)
        assert seen == sorted(expected.split()), (persona, model)
        # No duplicate rows, and the count the pages print agrees with the rows they list.
        assert queryset.count() == len(list(queryset)) == len(seen), (persona, model)


def test_the_world_is_what_the_table_assumes(world):
    """Guards the expectations: ALL really is every row."""
    for model, every in ALL.items():
        assert names(world, model, MODELS[model].objects.all()) == sorted(every.split())


def test_a_district_sees_nothing_of_the_other_district(world):
    w = world
    y_firms = set(Enterprise.objects.filter(town__path__startswith=w.Y.path).values_list("pk"))
    for persona in ("organiser_x", "leader_x"):
        user = w.users[persona]
        assert not set(Enterprise.objects.visible_to(user).values_list("pk")) & y_firms
        assert not Ticket.objects.visible_to(user).filter(enterprise__town__in=[w.Y1]).exists()


def test_ending_a_pairing_hides_the_enterprise_but_keeps_the_history(world):
    w = world
    user = w.users["cadre_a"]
    p1 = w.rows["pairing"]["p1"]
    p1.end, p1.end_reason = D(2026, 6, 1), "企业迁出"
    p1.save()
    assert visible(w, "enterprise", user) == ["e2"]
    assert "p1" in visible(w, "pairing", user)
    assert visible(w, "visit", user) == ["v1", "v_old"]  # C's visit v_c on e1 is no longer A's
    assert visible(w, "ticket", user) == ["t1", "t5"]  # A raised them: still A's
    # e2 was paired through two campaigns: ending one leaves it visible.
    p2 = w.rows["pairing"]["p2"]
    p2.end = D(2026, 6, 1)
    p2.save()
    assert visible(w, "enterprise", user) == ["e2"]


def test_several_roles_see_the_union_once(world):
    w = world
    user = w.Cc.user  # a cadre on e1 …
    user.groups.add(Group.objects.get(name="handler"), Group.objects.get(name="leader"))
    user.home_unit, user.jurisdiction_unit = w.D, w.X1  # … a handler in D, a leader of X1
    user.save()
    user = User.objects.get(pk=user.pk)  # roles are read once per instance
    expected = {
        "enterprise": "e1 e2 e3 e4",  # e1 through all three roles, listed once
        "pairing": "p1 p2 p2b p5",
        "visit": "v1 v_c",
        "ticket": "t1 t2 t3 t5",
    }
    for model, rows in expected.items():
        queryset = MODELS[model].objects.visible_to(user)
        assert names(w, model, queryset) == sorted(rows.split()), model
        assert queryset.count() == len(rows.split()), model


def test_a_handler_co_assigned_through_two_units_sees_the_ticket_once(world):
    w = world
    t2 = w.rows["ticket"]["t2"]
    assert set(t2.co_units.values_list("code", flat=True)) == {"D", "E"}
    for persona in ("handler_d", "handler_e"):
        queryset = Ticket.objects.visible_to(w.users[persona]).filter(pk=t2.pk)
        assert queryset.count() == 1 and len(list(queryset)) == 1


def test_scope_follows_the_tree_when_a_town_moves(world):
    w = world
    w.X1.parent = w.Y
    w.X1.save()
    assert visible(w, "enterprise", w.users["organiser_y"]) == ["e1", "e2", "e3", "e5"]
    assert visible(w, "enterprise", w.users["organiser_x"]) == ["e4"]
    assert visible(w, "ticket", w.users["organiser_x"]) == ["t5"]


def test_scoped_querysets_stay_chainable(world):
    w = world
    leader = w.users["leader_city"]
    scoped = Enterprise.objects.visible_to(leader).filter(town=w.X1).order_by("pk")
    assert list(scoped) == [w.rows["enterprise"]["e1"], w.rows["enterprise"]["e2"]]
    assert scoped.count() == len(list(scoped)) == 2
    # The other way round, and through the other QuerySet methods.
    assert names(w, "enterprise", Enterprise.objects.filter(town=w.Y1).visible_to(leader)) == [
        "e3",
        "e5",
    ]
    handler = w.users["handler_d"]
    assert names(w, "ticket", Ticket.objects.open().visible_to(handler)) == ["t1", "t2"]
    assert names(w, "ticket", Ticket.objects.visible_to(handler).open()) == ["t1", "t2"]
    cadre = w.users["cadre_a"]
    assert names(w, "pairing", Pairing.objects.active().visible_to(cadre)) == ["p1", "p2", "p2b"]
    assert names(w, "visit", Visit.objects.visible_to(cadre).filter(cadre=w.A)) == ["v1", "v_old"]
    # Aggregates over a scoped queryset count each row once.
    by_town = dict(
        Enterprise.objects.visible_to(handler)
        .values_list("town__code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    assert by_town == {"X1": 1, "Y1": 1, "X10": 1}


def test_a_scoped_queryset_answers_a_lookup_by_pk_only_inside_the_scope(world):
    """What detail pages rely on: get() through visible_to raises DoesNotExist outside it."""
    w = world
    cadre = w.users["cadre_a"]
    assert Ticket.objects.visible_to(cadre).get(pk=w.rows["ticket"]["t1"].pk)
    with pytest.raises(Ticket.DoesNotExist):
        Ticket.objects.visible_to(cadre).get(pk=w.rows["ticket"]["t3"].pk)
    with pytest.raises(Enterprise.DoesNotExist):
        Enterprise.objects.visible_to(cadre).get(pk=w.rows["enterprise"]["e4"].pk)


@pytest.mark.django_db
def test_with_two_roots_the_installation_root_is_an_unsaved_unit_above_both():
    from accounts.models import PATH_SEPARATOR, OrgUnit
    from accounts.scoping import installation_root

    first = OrgUnit.objects.create(name="甲市", kind=OrgUnit.Kind.CITY, code="RA")
    assert installation_root() == first
    OrgUnit.objects.create(name="乙市", kind=OrgUnit.Kind.CITY, code="RB")
    root = installation_root()
    assert (root.pk, root.name, root.path) == (None, "", PATH_SEPARATOR)
    assert all(unit.path.startswith(root.path) for unit in OrgUnit.objects.all())


def test_only_a_jurisdiction_holding_the_whole_tree_governs_every_unit():
    from accounts import scoping

    province = f.make_unit(kind=OrgUnit.Kind.PROVINCE, code="P")
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=province, code="PC")
    f.make_unit(parent=county, code="PC1")
    top = f.make_user("leader", jurisdiction_unit=province)
    assert scoping.governs_every_unit(top) is True
    assert scoping.governs_every_unit(f.make_user("leader", jurisdiction_unit=county)) is False
    assert scoping.governs_every_unit(f.make_user("leader")) is False  # no jurisdiction
    f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, code="X")  # a unit outside the province
    assert scoping.governs_every_unit(top) is False
