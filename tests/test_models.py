"""Model invariants: the org-unit tree, one current post, one active pairing, date order, ticket
outcome and rating rules, unique keys."""

import contextlib
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import CadrePost, OrgUnit
from issues.models import MeetingItem, Notification, Status, WorkCalendarDay
from pairing.models import CoverageTarget

pytestmark = pytest.mark.django_db
D = datetime.date


@contextlib.contextmanager
def refused():
    """Expect the database to refuse, inside a savepoint so the test can go on."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


def test_unit_paths_follow_the_tree_and_prefix_queries_do_not_leak(f):
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="A")
    a1 = f.make_unit(parent=city, code="A1")
    a10 = f.make_unit(parent=city, code="A10")
    village = f.make_unit(parent=a1, code="A1V", kind=OrgUnit.Kind.COMMUNITY)
    assert (a1.path, a1.depth, village.path, village.depth) == ("/A/A1/", 1, "/A/A1/A1V/", 2)
    assert set(OrgUnit.objects.under(a1)) == {a1, village}
    assert set(OrgUnit.objects.under(city)) == {city, a1, a10, village}


def test_moving_or_recoding_a_unit_re_roots_its_subtree(f):
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="A")
    x, y = f.make_unit(parent=city, code="X"), f.make_unit(parent=city, code="Y")
    town = f.make_unit(parent=x, code="T")
    village = f.make_unit(parent=town, code="V")
    town.parent = y
    town.save()
    village.refresh_from_db()
    assert village.path == "/A/Y/T/V/"
    town.code = "T2"
    town.save()
    village.refresh_from_db()
    assert village.path == "/A/Y/T2/V/"
    assert set(OrgUnit.objects.under(y)) == {y, town, village}


def test_a_unit_cannot_be_placed_under_itself(f):
    top = f.make_unit(code="TOP")
    child = f.make_unit(parent=top, code="CH")
    top.parent = child
    with pytest.raises(ValidationError):
        top.clean()


def test_roles_come_from_known_groups_and_lapse_when_inactive(f):
    user = f.make_user("cadre", "handler", "not-a-role")
    assert user.roles == {"cadre", "handler"}
    user.is_active = False
    del user.roles
    assert user.roles == frozenset()


def test_one_current_post_per_cadre_and_posts_end_after_they_start(f):
    cadre = f.make_cadre()
    CadrePost.objects.create(cadre=cadre, unit=cadre.unit, rank=cadre.rank, start=D(2024, 1, 1))
    with refused():
        CadrePost.objects.create(cadre=cadre, unit=cadre.unit, rank=cadre.rank, start=D(2025, 1, 1))
    with refused():
        CadrePost.objects.create(
            cadre=cadre, unit=cadre.unit, rank=cadre.rank, start=D(2025, 1, 1), end=D(2024, 1, 1)
        )
    CadrePost.objects.create(
        cadre=cadre, unit=cadre.unit, rank=cadre.rank, start=D(2020, 1, 1), end=D(2023, 12, 31)
    )
    assert cadre.posts.count() == 2


def test_one_active_pairing_per_cadre_enterprise_and_campaign(f):
    cadre, enterprise, campaign = f.make_cadre(), f.make_enterprise(), f.make_campaign()
    first = f.make_pairing(cadre=cadre, enterprise=enterprise, campaign=campaign)
    with refused():
        f.make_pairing(cadre=cadre, enterprise=enterprise, campaign=campaign)
    # The same pair in another campaign, and again after the first pairing ended, are fine.
    f.make_pairing(cadre=cadre, enterprise=enterprise, campaign=f.make_campaign())
    first.end = D(2026, 3, 1)
    first.save()
    f.make_pairing(cadre=cadre, enterprise=enterprise, campaign=campaign, start=D(2026, 3, 2))
    with refused():
        f.make_pairing(cadre=cadre, enterprise=enterprise, campaign=campaign, end=None)


def test_one_to_many_and_many_to_one_pairings_are_allowed(f):
    campaign, cadre, enterprise = f.make_campaign(), f.make_cadre(), f.make_enterprise()
    for _ in range(3):
        f.make_pairing(cadre=cadre, campaign=campaign)
        f.make_pairing(enterprise=enterprise, campaign=campaign, role="assist")
    assert cadre.pairings.count() == 3 and enterprise.pairings.count() == 3


def test_dates_run_forwards(f):
    with refused():
        f.make_pairing(start=D(2026, 5, 1), end=D(2026, 4, 1))
    with refused():
        f.make_campaign(start=D(2026, 5, 1), end=D(2026, 4, 1))


def test_coverage_targets_are_percentages_one_per_tag(f):
    campaign = f.make_campaign()
    tag = f.make_enterprise(tags=["above_scale"]).tags.get()
    CoverageTarget.objects.create(campaign=campaign, tag=tag, target_percent=100)
    with refused():
        CoverageTarget.objects.create(campaign=campaign, tag=tag, target_percent=90)
    with refused():
        CoverageTarget.objects.create(campaign=f.make_campaign(), tag=tag, target_percent=101)


def test_finished_tickets_need_an_outcome_and_closed_ones_a_rating(f):
    with refused():
        f.make_ticket(status=Status.RESOLVED, outcome="")
    with refused():
        f.make_ticket(status=Status.CLOSED, rating="")
    assert f.make_ticket(status=Status.CLOSED).rating == "satisfied"


def test_unique_keys_of_notifications_agenda_items_and_calendar_days(f):
    ticket = f.make_ticket()
    user = ticket.raised_by
    Notification.objects.create(
        recipient=user, kind="due", key="due:1:2026-11-23", title="即将到期"
    )
    with refused():
        Notification.objects.create(
            recipient=user, kind="due", key="due:1:2026-11-23", title="重复"
        )
    from issues.models import Meeting

    meeting = Meeting.objects.create(
        kind="coordination", title="协调会", scheduled_at="2026-11-23T09:00+08:00"
    )
    MeetingItem.objects.create(meeting=meeting, ticket=ticket)
    with refused():
        MeetingItem.objects.create(meeting=meeting, ticket=ticket)
    WorkCalendarDay.objects.create(date=D(2026, 10, 1), is_workday=False, name="国庆节")
    with refused():
        WorkCalendarDay.objects.create(date=D(2026, 10, 1), is_workday=True)
