"""Invariants of pairing.models: one active pairing per (cadre, enterprise, campaign), dates that
run forwards, coverage targets that are percentages, one per tag."""

import contextlib
import datetime

import pytest
from django.db import IntegrityError, transaction

from pairing.models import CoverageTarget, Pairing, ServiceGroup

pytestmark = pytest.mark.django_db
D = datetime.date


@contextlib.contextmanager
def refused():
    """Expect the database to refuse, inside a savepoint so the test can go on."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


@pytest.fixture
def trio(f):
    """A cadre, an enterprise and a campaign, not yet paired."""
    return f.make_cadre(), f.make_enterprise(), f.make_campaign()


def test_a_second_active_pairing_of_the_same_trio_is_refused(f, trio):
    cadre, enterprise, campaign = trio
    f.make_pairing(cadre=cadre, enterprise=enterprise, campaign=campaign)
    with refused():
        f.make_pairing(cadre=cadre, enterprise=enterprise, campaign=campaign, role="assist")
    assert Pairing.objects.count() == 1


def test_after_a_pairing_ends_the_same_trio_may_pair_again(f, trio):
    cadre, enterprise, campaign = trio
    first = f.make_pairing(cadre=cadre, enterprise=enterprise, campaign=campaign)
    first.end, first.end_reason = D(2026, 3, 1), "调岗"
    first.save()
    again = f.make_pairing(
        cadre=cadre, enterprise=enterprise, campaign=campaign, start=D(2026, 4, 1)
    )
    # History may hold several ended rows; only the open one is limited.
    again.end = D(2026, 5, 1)
    again.save()
    f.make_pairing(cadre=cadre, enterprise=enterprise, campaign=campaign, start=D(2026, 6, 1))
    assert Pairing.objects.count() == 3
    assert Pairing.objects.active().count() == 1
    # Reopening an ended row while another is open is refused too.
    with refused():
        Pairing.objects.filter(pk=first.pk).update(end=None)


def test_the_same_pair_in_another_campaign_is_fine(f, trio):
    cadre, enterprise, campaign = trio
    f.make_pairing(cadre=cadre, enterprise=enterprise, campaign=campaign)
    f.make_pairing(cadre=cadre, enterprise=enterprise, campaign=f.make_campaign())
    assert Pairing.objects.active().filter(cadre=cadre, enterprise=enterprise).count() == 2


def test_one_cadre_many_enterprises_and_many_cadres_one_enterprise(f, trio):
    cadre, enterprise, campaign = trio
    firms = [f.make_enterprise() for _ in range(3)]
    cadres = [f.make_cadre() for _ in range(3)]
    for firm in firms:  # 一对多
        f.make_pairing(cadre=cadre, enterprise=firm, campaign=campaign)
    for other in cadres:  # 多对一
        f.make_pairing(cadre=other, enterprise=enterprise, campaign=campaign, role="assist")
    assert set(cadre.pairings.values_list("enterprise", flat=True)) == {e.pk for e in firms}
    assert set(enterprise.pairings.values_list("cadre", flat=True)) == {c.pk for c in cadres}


def test_a_pairing_ends_on_or_after_its_start(f):
    with refused():
        f.make_pairing(start=D(2026, 5, 1), end=D(2026, 4, 30))
    same_day = f.make_pairing(start=D(2026, 5, 1), end=D(2026, 5, 1))
    with refused():
        Pairing.objects.filter(pk=same_day.pk).update(start=D(2026, 5, 2))
    assert Pairing.objects.count() == 1


def test_a_campaign_ends_on_or_after_its_start(f):
    with refused():
        f.make_campaign(start=D(2026, 5, 1), end=D(2026, 4, 30))
    f.make_campaign(start=D(2026, 5, 1), end=D(2026, 5, 1))
    f.make_campaign(start=D(2026, 5, 1), end=None)


def test_a_coverage_target_is_at_most_100_percent(f):
    campaign, tag = f.make_campaign(), f.make_enterprise(tags=["test_tag"]).tags.get()
    with refused():
        CoverageTarget.objects.create(campaign=campaign, tag=tag, target_percent=101)
    with refused():
        CoverageTarget.objects.create(campaign=campaign, tag=tag, target_percent=-1)
    target = CoverageTarget.objects.create(campaign=campaign, tag=tag, target_percent=100)
    with refused():
        CoverageTarget.objects.filter(pk=target.pk).update(target_percent=150)
    CoverageTarget.objects.filter(pk=target.pk).update(target_percent=0)


def test_one_coverage_target_per_campaign_and_tag(f):
    campaign = f.make_campaign()
    tag, other_tag = (f.make_enterprise(tags=[code]).tags.get() for code in ("test_a", "test_b"))
    CoverageTarget.objects.create(campaign=campaign, tag=tag, target_percent=100)
    with refused():
        CoverageTarget.objects.create(campaign=campaign, tag=tag, target_percent=90)
    CoverageTarget.objects.create(campaign=campaign, tag=other_tag, target_percent=90)
    CoverageTarget.objects.create(campaign=f.make_campaign(), tag=tag, target_percent=80)
    assert CoverageTarget.objects.count() == 3


def test_service_group_names_are_unique_within_a_campaign(f):
    campaign = f.make_campaign()
    ServiceGroup.objects.create(campaign=campaign, name="第一服务组")
    with refused():
        ServiceGroup.objects.create(campaign=campaign, name="第一服务组", kind="special")
    ServiceGroup.objects.create(campaign=f.make_campaign(), name="第一服务组")
    assert ServiceGroup.objects.count() == 2
