"""Invariants of accounts.models: the org-unit tree and its paths, roles, the post history."""

import contextlib
import datetime
import sys

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts import scoping
from accounts.models import CadrePost, OrgUnit, User
from accounts.roles import PRIVILEGED, Role

pytestmark = pytest.mark.django_db
D = datetime.date


@contextlib.contextmanager
def refused():
    """Expect the database to refuse, inside a savepoint so the test can go on."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


def stored(unit: OrgUnit) -> tuple[str, int]:
    """The path and depth in the database, not on the instance."""
    return OrgUnit.objects.values_list("path", "depth").get(pk=unit.pk)


def under(unit: OrgUnit) -> set[str]:
    return set(OrgUnit.objects.under(unit).values_list("code", flat=True))


# --- paths and depth ----------------------------------------------------------------------------


def test_path_and_depth_are_computed_from_the_parent(f):
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="CX")
    town = f.make_unit(parent=county, code="CX1")
    village = f.make_unit(kind=OrgUnit.Kind.COMMUNITY, parent=town, code="V")
    assert [stored(u) for u in (city, county, town, village)] == [
        ("/C/", 0),
        ("/C/CX/", 1),
        ("/C/CX/CX1/", 2),
        ("/C/CX/CX1/V/", 3),
    ]


def test_a_path_given_by_hand_is_overwritten(f):
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    town = OrgUnit(kind=OrgUnit.Kind.TOWN, code="T", name="镇", parent=city, path="/X/", depth=9)
    town.save()
    assert stored(town) == ("/C/T/", 1)


def test_under_is_the_unit_and_its_descendants(f):
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="A")
    a1 = f.make_unit(parent=city, code="A1")
    a10 = f.make_unit(parent=city, code="A10")
    village = f.make_unit(kind=OrgUnit.Kind.COMMUNITY, parent=a1, code="A1V")
    f.make_unit(kind=OrgUnit.Kind.COMMUNITY, parent=a10, code="A10V")
    assert under(city) == {"A", "A1", "A10", "A1V", "A10V"}
    # "/A/A10/" starts with "/A/A1" but not with "/A/A1/": the closing separator keeps them apart.
    assert under(a1) == {"A1", "A1V"}
    assert under(a10) == {"A10", "A10V"}
    assert under(village) == {"A1V"}


def test_under_does_not_leak_between_roots_whose_codes_share_a_prefix(f):
    a1 = f.make_unit(kind=OrgUnit.Kind.CITY, code="A1")
    a10 = f.make_unit(kind=OrgUnit.Kind.CITY, code="A10")
    f.make_unit(parent=a10, code="A10T")
    assert under(a1) == {"A1"}
    assert under(a10) == {"A10", "A10T"}


def test_under_chains_with_other_filters(f):
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="A")
    f.make_unit(parent=city, code="T1")
    f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D1")
    towns = OrgUnit.objects.under(city).filter(kind=OrgUnit.Kind.TOWN)
    assert list(towns.values_list("code", flat=True)) == ["T1"]
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWN).under(city).count() == 1


# --- moving and renaming ------------------------------------------------------------------------


@pytest.fixture
def tree(f):
    """C → X → T → V → H (a five-level chain), C → Y, and a sibling T0 under X."""
    c = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    x = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=c, code="X")
    y = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=c, code="Y")
    t = f.make_unit(parent=x, code="T")
    t0 = f.make_unit(parent=x, code="T0")
    v = f.make_unit(kind=OrgUnit.Kind.COMMUNITY, parent=t, code="V")
    h = f.make_unit(kind=OrgUnit.Kind.COMMUNITY, parent=v, code="H")
    return dict(c=c, x=x, y=y, t=t, t0=t0, v=v, h=h)


def test_moving_a_unit_re_roots_its_whole_subtree(tree):
    t = tree["t"]
    t.parent = tree["y"]
    t.save()
    assert stored(tree["t"]) == ("/C/Y/T/", 2)
    assert stored(tree["v"]) == ("/C/Y/T/V/", 3)
    assert stored(tree["h"]) == ("/C/Y/T/V/H/", 4)
    assert stored(tree["t0"]) == ("/C/X/T0/", 2)  # the sibling stays
    assert under(tree["y"]) == {"Y", "T", "V", "H"}
    assert under(tree["x"]) == {"X", "T0"}


def test_moving_a_unit_up_or_to_the_top_changes_the_depths_below(tree):
    t = tree["t"]
    t.parent = tree["c"]
    t.save()
    assert stored(tree["h"]) == ("/C/T/V/H/", 3)
    t.parent = None
    t.save()
    assert [stored(tree[k]) for k in ("t", "v", "h")] == [("/T/", 0), ("/T/V/", 1), ("/T/V/H/", 2)]
    assert under(tree["c"]) == {"C", "X", "Y", "T0"}


def test_renaming_a_code_re_roots_the_subtree(tree):
    x = tree["x"]
    x.code = "X9"
    x.save()
    assert stored(tree["h"]) == ("/C/X9/T/V/H/", 4)
    assert stored(tree["t0"]) == ("/C/X9/T0/", 2)
    assert not OrgUnit.objects.filter(path__contains="/X/").exists()
    assert under(tree["x"]) == {"X9", "T", "T0", "V", "H"}


def test_saving_without_a_change_keeps_every_path(tree):
    before = dict(OrgUnit.objects.values_list("code", "path"))
    tree["x"].name = "新名称"
    tree["x"].save()
    assert dict(OrgUnit.objects.values_list("code", "path")) == before


def test_clean_refuses_a_unit_as_its_own_parent_or_under_its_descendant(tree):
    for new_parent in ("t", "v", "h"):
        t = OrgUnit.objects.get(code="T")  # fresh, as a form would load it
        t.parent = OrgUnit.objects.get(code=tree[new_parent].code)
        with pytest.raises(ValidationError) as exc:
            t.clean()
        assert exc.value.message_dict == {"parent": ["上级单位不能是自身或其下级"]}
    # A move elsewhere is fine.
    t = OrgUnit.objects.get(code="T")
    t.parent = tree["y"]
    t.clean()


def test_full_clean_refuses_a_code_with_the_path_separator(f):
    unit = OrgUnit(kind=OrgUnit.Kind.TOWN, code="A/B", name="镇")
    with pytest.raises(ValidationError) as exc:
        unit.full_clean()
    assert "code" in exc.value.message_dict


def test_save_refuses_a_code_with_the_path_separator(f):
    a = f.make_unit(kind=OrgUnit.Kind.CITY, code="A")
    with contextlib.suppress(ValidationError, IntegrityError), transaction.atomic():
        f.make_unit(kind=OrgUnit.Kind.CITY, code="A/B")
    assert under(a) == {"A"}


def test_save_refuses_a_cycle_without_writing(f):
    top = f.make_unit(code="TOP")
    child = f.make_unit(parent=top, code="CH")
    top.parent = child
    # Today's bug recurses until the interpreter's limit; a lower limit makes it fail fast.
    with shallow_recursion(), pytest.raises(ValidationError), transaction.atomic():
        top.save()
    assert stored(top) == ("/TOP/", 0)


@contextlib.contextmanager
def shallow_recursion(headroom: int = 300):
    """Lower the recursion limit to the current depth plus `headroom` frames, then restore it."""
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + headroom)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


# --- users and roles ----------------------------------------------------------------------------


def test_roles_come_from_groups_named_after_known_roles_only(f):
    user = f.make_user("cadre", "handler", "not-a-role", "Leader")
    assert user.roles == frozenset({Role.CADRE, Role.HANDLER})
    assert user.has_role("cadre") and not user.has_role("leader")
    assert f.make_user().roles == frozenset()


def test_every_role_name_is_recognised(f):
    business = [r for r in Role.values if r not in PRIVILEGED]
    assert f.make_user(*business).roles == frozenset(business)
    # The administrator roles are held alone (三权分立, accounts/signals.py).
    for role in PRIVILEGED:
        assert f.make_user(role).roles == {role}
    assert len(business) + len(PRIVILEGED) == len(Role.values) == 7


def test_an_inactive_user_has_no_roles(f):
    user = f.make_user("leader", "organiser", is_active=False)
    assert user.groups.count() == 2
    assert user.roles == frozenset()
    assert not user.has_role("leader")
    assert scoping.roles_of(user) == frozenset()


def test_roles_are_read_once_per_instance_and_fresh_on_reload(f):
    user = f.make_user("cadre")
    assert user.roles == {"cadre"}
    user.groups.add(Group.objects.get_or_create(name="handler")[0])
    assert user.roles == {"cadre"}  # cached for the request
    assert User.objects.get(pk=user.pk).roles == {"cadre", "handler"}
    user.groups.clear()
    assert User.objects.get(pk=user.pk).roles == frozenset()


def test_anonymous_users_have_no_roles():
    assert scoping.roles_of(AnonymousUser()) == frozenset()
    assert not scoping.sees_everything(AnonymousUser())


def test_jurisdiction_counts_for_organisers_and_leaders_only(f):
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    assert scoping.jurisdiction_path(f.make_user("leader", jurisdiction_unit=city)) == "/C/"
    assert scoping.jurisdiction_path(f.make_user("organiser", jurisdiction_unit=city)) == "/C/"
    assert scoping.jurisdiction_path(f.make_user("handler", jurisdiction_unit=city)) is None
    assert scoping.jurisdiction_path(f.make_user("leader")) is None


def test_only_an_active_superuser_sees_everything(f):
    assert scoping.sees_everything(f.make_user(is_superuser=True))
    assert not scoping.sees_everything(f.make_user(is_superuser=True, is_active=False))
    assert not scoping.sees_everything(f.make_user("admin", is_staff=True))


def test_cadre_id_needs_both_the_role_and_the_profile(f):
    cadre = f.make_cadre()
    assert scoping.cadre_id(cadre.user) == cadre.pk
    assert scoping.cadre_id(f.make_user("cadre")) is None  # the role without a profile
    profile_only = f.make_cadre(user=f.make_user("leader"))
    assert scoping.cadre_id(profile_only.user) is None  # a profile without the role


# --- post history -------------------------------------------------------------------------------


def post(cadre, start, end=None, **extra):
    return CadrePost.objects.create(
        cadre=cadre, unit=cadre.unit, rank=cadre.rank, start=start, end=end, **extra
    )


def test_a_cadre_has_at_most_one_current_post(f):
    cadre = f.make_cadre()
    first = post(cadre, D(2024, 1, 1))
    with refused():
        post(cadre, D(2025, 1, 1))
    # Closing the current post lets a new one open (a transfer keeps the history).
    first.end = D(2024, 12, 31)
    first.save()
    post(cadre, D(2025, 1, 1))
    assert cadre.posts.filter(end__isnull=True).count() == 1
    assert cadre.posts.count() == 2
    # Closed posts are not limited, and another cadre has their own current post.
    post(cadre, D(2020, 1, 1), D(2023, 12, 31))
    post(f.make_cadre(), D(2025, 1, 1))
    assert CadrePost.objects.filter(end__isnull=True).count() == 2


def test_a_post_ends_on_or_after_its_start(f):
    cadre = f.make_cadre()
    with refused():
        post(cadre, D(2025, 1, 2), D(2025, 1, 1))
    post(cadre, D(2025, 1, 1), D(2025, 1, 1))  # a one-day post is fine
    current = post(cadre, D(2025, 2, 1))
    with refused():
        CadrePost.objects.filter(pk=current.pk).update(end=D(2025, 1, 31))
    assert cadre.posts.count() == 2
