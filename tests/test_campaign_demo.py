"""The demo's first campaign has the structure of issue 12 (pairing.demo.build_campaign_structure),
and a second campaign over the demo organiser's county gets leaders and departments proposed:
before, the leader and department rules proposed nothing, as the city's leaders and bureaus lie
above the county and their caps were spent in the first campaign."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command

from accounts.models import User
from pairing import suggest, workload
from pairing.models import Campaign, Pairing, Suggestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command(
        "seed_demo", enterprises=400, cadres=120, towns=8, tickets=50, stdout=io.StringIO()
    )
    return Campaign.objects.order_by("start").first()  # the first of the demo's two


def test_the_demo_campaign_has_batches_staffed_groups_counted_targets_and_caps(seeded):
    batches = list(seeded.batches.order_by("start"))
    assert len(batches) == 2 and batches[0].start < batches[1].start
    assert Pairing.objects.filter(batch__isnull=True, campaign=seeded).count() == 0
    assert all(g.lead_cadre_id and g.members.exists() for g in seeded.groups.all())
    assert seeded.coverage_targets.filter(target_count__isnull=False).count() >= 5
    assert seeded.coverage_targets.filter(tag__isnull=True).get().enterprises.count() == 29
    assert dict(seeded.workload_extensions.values_list("category", "extra")) == {
        "leader": 2,
        "department": 4,
    }
    assert workload.over_cap(seeded, workload.Caps.of(seeded)) == []


def test_a_second_campaign_gets_leaders_and_departments_proposed(seeded):
    organiser = User.objects.get(username="demo_organiser")
    county = organiser.jurisdiction_unit
    second = Campaign.objects.create(
        name="第二轮", scope_unit=county, start=datetime.date(2026, 11, 1)
    )
    workload.set_default_caps(second)
    chosen, uncovered = suggest.propose(county, second)
    rules = Counter(rule for _e, _c, rule in chosen)
    assert uncovered > 0
    assert rules[Suggestion.Rule.RANK] > 0 and rules[Suggestion.Rule.DEPARTMENT] > 0


def test_a_second_demo_campaign_without_groups_gets_them_staffed(seeded):
    import random

    from pairing.demo import build_campaign_structure

    county = User.objects.get(username="demo_organiser").jurisdiction_unit
    second = Campaign.objects.create(
        name="第二轮", scope_unit=county, start=datetime.date(2026, 11, 1)
    )
    build_campaign_structure(random.Random(7), second)
    assert second.batches.count() == 2
    groups = list(second.groups.all())
    assert len(groups) == 4 and all(g.lead_cadre_id and g.members.count() for g in groups)
    assert second.workload_caps.count() == 5
