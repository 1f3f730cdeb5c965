"""Workload caps of a campaign (issue 20: wave 2's caps), counted by hand: who is in which
category, each cadre's limit, the loads, who is over, and saving new caps."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEntry, Cadre, OrgUnit
from pairing import workload
from pairing.models import CadreCategory, WorkloadCap, WorkloadExtension
from tests import factories as f

pytestmark = pytest.mark.django_db
R = Cadre.Rank
K = OrgUnit.Kind
CAT = CadreCategory


@pytest.mark.parametrize(
    ("rank", "kind", "category"),
    [
        (R.CITY_LEADER, K.TOWN, CAT.LEADER),
        (R.COUNTY, K.DEPARTMENT, CAT.LEADER),  # a leader in a department: still a leader
        (R.SECTION, K.DEPARTMENT, CAT.DEPARTMENT),
        (R.GENERAL, K.TOWN, CAT.TERRITORY),
        (R.COMMUNITY, K.STREET, CAT.TERRITORY),
    ],
)
def test_the_category_of_a_cadre(rank, kind, category):
    assert workload.cadre_category(rank, kind) == category


def test_a_limit_is_the_ranks_cap_plus_its_categorys_extra():
    caps = workload.Caps({R.COUNTY: 5, R.GENERAL: 10}, {CAT.LEADER: 2, CAT.DEPARTMENT: 4})
    assert caps.limit(R.COUNTY, K.TOWN) == 7
    assert caps.limit(R.GENERAL, K.DEPARTMENT) == 14
    assert caps.limit(R.GENERAL, K.TOWN) == 10  # no extra for the towns' cadres
    assert caps.limit(R.SECTION, K.DEPARTMENT) is None  # the rank has no cap
    assert workload.Caps({R.GENERAL: 0}, {}).limit(R.GENERAL, K.TOWN) == 0


def test_caps_of_a_campaign_and_its_defaults():
    campaign = f.make_campaign()
    workload.set_default_caps(campaign)
    WorkloadExtension.objects.create(campaign=campaign, category=CAT.DEPARTMENT, extra=4)
    caps = workload.Caps.of(campaign)
    assert caps.by_rank == {
        R.CITY_LEADER: 3,
        R.COUNTY: 5,
        R.SECTION: 8,
        R.GENERAL: 10,
        R.COMMUNITY: 12,
    }
    assert caps.extra == {CAT.DEPARTMENT: 4}
    assert workload.Caps.of(f.make_campaign()) == workload.Caps({}, {})


@pytest.fixture
def world():
    town = f.make_unit(kind=K.TOWN)
    dept = f.make_unit(kind=K.DEPARTMENT)
    campaign, other = f.make_campaign(), f.make_campaign()
    return {
        "campaign": campaign,
        "other": other,
        "busy": f.make_cadre(unit=town, rank=R.GENERAL),
        "full": f.make_cadre(unit=dept, rank=R.GENERAL),
        "free": f.make_cadre(unit=town, rank=R.SECTION),
    }


def pair(cadre, campaign, n, **fields):
    for _ in range(n):
        f.make_pairing(cadre=cadre, campaign=campaign, **fields)


def test_loads_count_active_pairings_in_the_campaign_only(world):
    campaign = world["campaign"]
    pair(world["busy"], campaign, 3)
    pair(world["busy"], campaign, 1, end=datetime.date(2026, 2, 1))  # ended
    pair(world["busy"], world["other"], 2)  # another campaign
    pair(world["full"], campaign, 1)
    ids = [world["busy"].pk, world["full"].pk, world["free"].pk]
    assert workload.campaign_loads(campaign, ids) == {world["busy"].pk: 3, world["full"].pk: 1}
    assert workload.campaign_loads(campaign, iter(ids)) == {
        world["busy"].pk: 3,
        world["full"].pk: 1,
    }
    subquery = Cadre.objects.filter(pk=world["busy"].pk).values("pk")
    assert workload.campaign_loads(campaign, subquery) == {world["busy"].pk: 3}


def test_over_cap_names_the_cadres_above_their_limit_most_loaded_first(world):
    campaign = world["campaign"]
    pair(world["busy"], campaign, 3)  # a town's general cadre: limit 2
    pair(world["busy"], campaign, 2, end=datetime.date(2026, 2, 1))
    pair(world["full"], campaign, 6)  # a department's: 2 + 4 = 6, exactly at it
    pair(world["free"], campaign, 9)  # a rank without a cap
    caps = workload.Caps({R.GENERAL: 2}, {CAT.DEPARTMENT: 4})
    assert workload.over_cap(campaign, caps) == [(world["busy"], 3, 2)]
    pair(world["full"], campaign, 1)
    assert workload.over_cap(campaign, caps) == [(world["full"], 7, 6), (world["busy"], 3, 2)]
    assert workload.over_cap(world["other"], caps) == []


def test_saving_caps_replaces_them_and_records_before_and_after(world):
    campaign = world["campaign"]
    actor = f.make_user("organiser")
    workload.set_default_caps(campaign)
    WorkloadExtension.objects.create(campaign=campaign, category=CAT.LEADER, extra=2)
    new = workload.Caps({R.GENERAL: 4}, {CAT.DEPARTMENT: 3, CAT.LEADER: 0})
    workload.save_caps(actor, campaign, caps=new)
    assert dict(WorkloadCap.objects.filter(campaign=campaign).values_list("rank", "cap")) == {
        R.GENERAL: 4
    }
    assert list(
        WorkloadExtension.objects.filter(campaign=campaign).values_list("category", "extra")
    ) == [(CAT.DEPARTMENT, 3)]  # an extra of 0 is no extension
    entry = AuditEntry.objects.get(action="campaign_caps_save")
    assert (entry.user, entry.object_id) == (actor, str(campaign.pk))
    assert entry.changes == {
        "before": {"caps": workload.DEFAULT_CAPS, "extra": {CAT.LEADER: 2}},
        "after": {"caps": {R.GENERAL: 4}, "extra": {CAT.DEPARTMENT: 3, CAT.LEADER: 0}},
    }


def test_caps_below_a_cadres_load_are_refused_naming_the_cadre_and_change_nothing(world):
    campaign = world["campaign"]
    workload.set_default_caps(campaign)
    pair(world["busy"], campaign, 3)
    with pytest.raises(ValidationError) as refused:
        workload.save_caps(f.make_user(), campaign, caps=workload.Caps({R.GENERAL: 2}, {}))
    name = str(world["busy"].user)
    assert refused.value.messages == [
        f"以下干部在本行动中已联系的企业超过新上限：{name}（一般干部，已联系 3 家，上限 2 家）"
    ]
    assert workload.Caps.of(campaign).by_rank == workload.DEFAULT_CAPS
    assert not AuditEntry.objects.filter(action="campaign_caps_save").exists()


def test_a_refusal_names_ten_cadres_at_most():
    campaign = f.make_campaign()
    town = f.make_unit()
    for _ in range(11):
        pair(f.make_cadre(unit=town), campaign, 2)
    with pytest.raises(ValidationError) as refused:
        workload.save_caps(f.make_user(), campaign, caps=workload.Caps({R.GENERAL: 1}, {}))
    assert refused.value.messages[0].count("已联系 2 家") == 10


def test_loads_by_campaign_against_each_campaigns_limit(world):
    cadre = world["full"]  # a department's general cadre
    late = f.make_campaign(start=datetime.date(2026, 6, 1))
    uncapped = f.make_campaign(start=datetime.date(2025, 6, 1))
    f.set_caps(world["campaign"], {CAT.DEPARTMENT: 4, CAT.LEADER: 9}, general=5)
    f.set_caps(late, general=3)
    f.set_caps(uncapped, section=8)
    pair(cadre, world["campaign"], 2)
    pair(cadre, late, 1)
    pair(cadre, late, 1, end=datetime.date(2026, 7, 1))
    pair(cadre, uncapped, 4)
    assert [(c.campaign, c.load, c.limit) for c in workload.loads_by_campaign(cadre)] == [
        (late, 1, 3),
        (world["campaign"], 2, 9),
        (uncapped, 4, None),
    ]


def test_over_cap_reads_the_cadres_their_users_and_units_in_one_query(
    world, django_assert_num_queries
):
    campaign = world["campaign"]
    pair(world["busy"], campaign, 3)
    pair(world["full"], campaign, 7)
    caps = workload.Caps({R.GENERAL: 2}, {CAT.DEPARTMENT: 4})
    with django_assert_num_queries(1):
        over = workload.over_cap(campaign, caps)
        named = [(str(c.user), c.unit.kind) for c, _load, _limit in over]
    assert named == [(str(world["full"].user), K.DEPARTMENT), (str(world["busy"].user), K.TOWN)]


def test_a_refusal_lists_the_cadres_parted_by_the_enumeration_comma(world):
    campaign = world["campaign"]
    pair(world["busy"], campaign, 3)
    pair(world["full"], campaign, 4)
    with pytest.raises(ValidationError) as refused:
        workload.save_caps(f.make_user(), campaign, caps=workload.Caps({R.GENERAL: 2}, {}))
    busy, full = str(world["busy"].user), str(world["full"].user)
    assert refused.value.messages == [
        f"以下干部在本行动中已联系的企业超过新上限：{full}（一般干部，已联系 4 家，上限 2 家）"
        f"、{busy}（一般干部，已联系 3 家，上限 2 家）"
    ]


def test_saving_caps_locks_the_campaigns_row_and_records_the_address(world, rf):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    campaign = world["campaign"]
    request = rf.post("/", REMOTE_ADDR="10.3.2.1")
    request.user = f.make_user("organiser")
    with CaptureQueriesContext(connection) as queries:
        workload.save_caps(
            request.user, campaign, caps=workload.Caps({R.GENERAL: 4}, {}), request=request
        )
    reads = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert reads[0].startswith('SELECT "pairing_campaign"."id"')  # the lock comes first
    assert f'FROM "pairing_campaign" WHERE "pairing_campaign"."id" = {campaign.pk} ' in reads[0]
    assert AuditEntry.objects.get(action="campaign_caps_save").ip == "10.3.2.1"


def test_a_leaders_limit_takes_the_leader_groups_extension_wherever_their_unit(world):
    # A 县处级 cadre posted in a department is of the leader group, not the departments'.
    leader = f.make_cadre(unit=world["full"].unit, rank=R.COUNTY)
    f.set_caps(world["campaign"], {CAT.DEPARTMENT: 4, CAT.LEADER: 2}, county=5)
    pair(leader, world["campaign"], 1)
    [load] = workload.loads_by_campaign(leader)
    assert (load.campaign, load.load, load.limit) == (world["campaign"], 1, 7)
