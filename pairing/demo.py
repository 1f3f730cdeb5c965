"""The demo campaigns: the first a year old and all but done, the second part-way through; their
service groups, pairings that follow the campaign's rules, visits and help plans.

Rules (DOMAIN.md): city leaders take the biggest firms; department cadres take above-scale and key
firms (one to many); town cadres take the small firms on their own ground (属地原则); the biggest
firms also get assisting cadres (many to one). Every enterprise ends up with a lead cadre.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.db.models import Count

from accounts.demo import OrgTree, person_name, weighted_choice
from accounts.models import Cadre
from enterprises.models import Enterprise, Tag
from pairing import selectors
from pairing.models import (
    CadreCategory,
    Campaign,
    CampaignBatch,
    CoverageTarget,
    HelpMeasure,
    HelpPlan,
    Pairing,
    ServiceGroup,
    Visit,
    WorkloadCap,
    WorkloadExtension,
)
from pairing.workload import DEFAULT_CAPS

GROUPS = [
    ("工业专项组", "市经信局"),
    ("商贸专项组", "市商务局"),
    ("农业专项组", "市农业农村局"),
    ("建设专项组", "市住建局"),
    ("金融专项组", "市金融服务中心"),
    ("人才专项组", "市人力社保局"),
    ("科技服务组", "市科技局"),
]
VISIT_NOTES = [
    "了解订单和生产情况，企业反映原材料价格上涨。",
    "宣讲稳企惠企政策，指导申报技改补助。",
    "企业用工缺口约30人，已对接人力社保部门。",
    "协助企业办理厂房扩建审批手续。",
    "企业资金周转偏紧，已对接银行授信。",
    "走访车间，了解机器换人进展。",
    "企业外贸订单回落，建议开拓国内市场。",
    "企业反映周边道路施工影响物流。",
]
VISIT_MODES = [
    (Visit.Mode.ON_SITE, 70),
    (Visit.Mode.PHONE, 15),
    (Visit.Mode.VIDEO, 5),
    (Visit.Mode.FORUM, 10),
]
# The survey's questions and the answers visits give them.
SURVEY_ANSWERS = {
    "orders": ["up", "flat", "down"],
    "hiring_gap": range(40),
    "financing_need": ["no", "yes"],
    "tech_upgrade": ["planned", "ongoing", "none"],
}
OUTPUT_SEEN = ["normal"] * 9 + ["reduced"]
HAND_OVER_REASON = "干部岗位调整，工作交接"
FIRST_CAMPAIGN_DAYS = 380
SECOND_CAMPAIGN_DAYS = 56
# (Key projects are a hand-picked list: build_campaign_structure adds it.)
TARGET_TAGS = ["above_scale", "specialised", "high_tech"]
# The second campaign's batches and the day each starts on (the third is still to come).
SECOND_BATCHES = [("第一批", 0), ("第二批", 28), ("第三批", SECOND_CAMPAIGN_DAYS + 14)]
# Hainan's ten service groups, each led by a province bureau.
HAINAN_GROUPS = [
    ("第一服务组（工业）", "市经信局"),
    ("第二服务组（农业）", "市农业农村局"),
    ("第三服务组（文旅）", "市文广旅体局"),
    ("第四服务组（服务业）", "市商务局"),
    ("第五服务组（国资国企）", "市财政局"),
    ("第六服务组（专精特新）", "市科技局"),
    ("第七服务组（建筑业）", "市住建局"),
    ("第八服务组（园区）", "市发改局"),
    ("第九服务组（重点项目）", "市自然资源和规划局"),
    ("第十服务组（金融）", "市金融服务中心"),
]


def build_campaign(tree: OrgTree, *, today: datetime.date) -> Campaign:
    """The province's first campaign, a year old: every firm has its cadre by now."""
    campaign = Campaign.objects.create(
        name="合力扶企·实干圆梦 驻企服务行动",
        scope_unit=tree.root,
        start=today - datetime.timedelta(days=FIRST_CAMPAIGN_DAYS),
        visit_every_days=30,
        description="全省干部结对联系企业，做好宣传员、代办员、协管员、监督员、联络员。",
    )
    CampaignBatch.objects.bulk_create(
        [
            CampaignBatch(campaign=campaign, name="第一批", start=campaign.start),
            CampaignBatch(
                campaign=campaign, name="第二批", start=campaign.start + datetime.timedelta(days=10)
            ),
        ]
    )
    _targets(campaign)
    _groups(campaign, tree, GROUPS, ServiceGroup.Kind.SPECIAL)
    return campaign


def build_second_campaign(tree: OrgTree, *, today: datetime.date) -> Campaign:
    """The province's second campaign, eight weeks in: two batches out, a third to come, ten
    service groups led by province bureaus (as Hainan's), key firms to cover at 100%."""
    start = today - datetime.timedelta(days=SECOND_CAMPAIGN_DAYS)
    campaign = Campaign.objects.create(
        name="万名干部进万企·助企纾困专项行动",
        scope_unit=tree.root,
        start=start,
        end=today + datetime.timedelta(days=120),
        visit_every_days=14,
        description="分批结对重点企业，一企一策帮扶减产停产企业，问题清单、责任清单闭环销号。",
    )
    CampaignBatch.objects.bulk_create(
        [
            CampaignBatch(campaign=campaign, name=name, start=start + datetime.timedelta(days=d))
            for name, d in SECOND_BATCHES
        ]
    )
    _targets(campaign)
    _groups(campaign, tree, HAINAN_GROUPS, ServiceGroup.Kind.SERVICE)
    return campaign


def _targets(campaign: Campaign) -> None:
    CoverageTarget.objects.bulk_create(
        [
            CoverageTarget(campaign=campaign, tag=tag, target_percent=100)
            for tag in Tag.objects.filter(code__in=TARGET_TAGS)
        ]
    )


def _groups(campaign: Campaign, tree: OrgTree, groups, kind: str) -> None:
    ServiceGroup.objects.bulk_create(
        [
            ServiceGroup(
                campaign=campaign,
                name=name,
                kind=kind,
                lead_unit=tree.department_by_name.get(unit),
            )
            for name, unit in groups
        ]
    )


def second_campaign_share(rng: random.Random, enterprises: list[Enterprise]) -> list[Enterprise]:
    """The firms the second campaign's first two batches have paired so far: most of the key
    firms and about half of the rest, so every area still has firms to cover."""
    above = set(
        Enterprise.tags.through.objects.filter(tag__code__in=TARGET_TAGS).values_list(
            "enterprise_id", flat=True
        )
    )
    return [e for e in enterprises if rng.random() < (0.75 if e.pk in above else 0.5)]


def build_pairings(
    rng: random.Random,
    campaign: Campaign,
    tree: OrgTree,
    cadres: list[Cadre],
    enterprises: list[Enterprise],
    *,
    today: datetime.date,
    batches: list[CampaignBatch] | None = None,
) -> list[Pairing]:
    """Pairings by the rules above, each starting in the fortnight after its batch began (by
    default the campaign's start)."""
    groups = list(campaign.groups.all())
    starts = [b.start for b in batches] if batches else [campaign.start]
    town_ids = {t.pk for t in tree.towns}
    by_output = sorted(enterprises, key=lambda e: e.annual_output, reverse=True)
    above_scale = set(
        Enterprise.tags.through.objects.filter(tag__code="above_scale").values_list(
            "enterprise_id", flat=True
        )
    )
    leaders = [c for c in cadres if c.rank == Cadre.Rank.CITY_LEADER]
    dept = [c for c in cadres if c.unit_id not in town_ids and c.rank != Cadre.Rank.CITY_LEADER]
    town_cadres = defaultdict(list)
    for c in cadres:
        if c.unit_id in town_ids:
            town_cadres[c.unit_id].append(c)
    lead_of: dict[int, Cadre] = {}
    load: dict[int, int] = defaultdict(int)
    start = campaign.start
    rows: list[Pairing] = []

    def pair(cadre: Cadre, enterprise: Enterprise, role=Pairing.Role.LEAD):
        rows.append(
            Pairing(
                cadre=cadre,
                enterprise=enterprise,
                campaign=campaign,
                role=role,
                group=rng.choice(groups),
                start=rng.choice(starts) + datetime.timedelta(days=rng.randrange(0, 15)),
            )
        )
        load[cadre.pk] += 1
        if role == Pairing.Role.LEAD:
            lead_of[enterprise.pk] = cadre

    # City leaders: one big firm each (1:1).
    for cadre, enterprise in zip(leaders, by_output, strict=False):
        pair(cadre, enterprise)
    # Department cadres: above-scale and key firms, up to 4 each (1:N).
    dept_queue = [
        e
        for e in by_output
        if e.pk not in lead_of and (e.pk in above_scale or e.kind == Enterprise.Kind.PROJECT)
    ]
    rng.shuffle(dept)
    for i, enterprise in enumerate(dept_queue):
        cadre = dept[i % len(dept)] if dept else None
        if cadre is not None and load[cadre.pk] < 4:
            pair(cadre, enterprise)
    # Town cadres: the rest on their own ground (属地原则), spread evenly.
    for enterprise in enterprises:
        if enterprise.pk in lead_of:
            continue
        local = town_cadres.get(enterprise.town_id) or dept or leaders
        cadre = min(rng.sample(local, min(3, len(local))), key=lambda c: load[c.pk])
        pair(cadre, enterprise)
    # The biggest firms also get one or two assisting cadres (N:1).
    for enterprise in by_output[: max(10, len(by_output) // 75)]:
        for cadre in rng.sample(dept, min(len(dept), rng.choice([1, 2]))):
            if cadre.pk != lead_of[enterprise.pk].pk:
                pair(cadre, enterprise, Pairing.Role.ASSIST)
    # History: some firms changed hands when a cadre moved post (an ended pairing, then the new).
    for enterprise in rng.sample(enterprises, len(enterprises) // 50):
        previous = rng.choice(dept or leaders)
        if previous.pk == lead_of[enterprise.pk].pk:
            continue
        ended = start + datetime.timedelta(days=rng.randrange(20, 90))
        rows.append(
            Pairing(
                cadre=previous,
                enterprise=enterprise,
                campaign=campaign,
                role=Pairing.Role.LEAD,
                start=start,
                end=ended,
                end_reason=HAND_OVER_REASON,
            )
        )
    return Pairing.objects.bulk_create(rows, batch_size=5000)


def build_visits(
    rng: random.Random,
    pairings: list[Pairing],
    *,
    today: datetime.date,
    per_enterprise: float,
    days: int = 180,
) -> list[Visit]:
    """Visits by the active lead (and now and then an assisting) cadre over the past `days` days
    (and not before the pairing began); about one firm in eight has not been visited yet, so 见面率
    is not a flat 100%."""
    rows = []
    for p in pairings:
        if p.end is not None or (p.role == Pairing.Role.LEAD and rng.random() < 0.12):
            continue
        mean = per_enterprise if p.role == Pairing.Role.LEAD else per_enterprise / 4
        window = max(1, min(days, (today - p.start).days))
        for _ in range(poisson(rng, mean)):
            rows.append(
                Visit(
                    cadre_id=p.cadre_id,
                    enterprise_id=p.enterprise_id,
                    campaign=p.campaign,
                    date=today - datetime.timedelta(days=rng.randrange(0, window)),
                    mode=weighted_choice(rng, VISIT_MODES),
                    survey={key: rng.choice(answers) for key, answers in SURVEY_ANSWERS.items()},
                    output_status=rng.choice(OUTPUT_SEEN),
                    notes=rng.choice(VISIT_NOTES),
                )
            )
    return Visit.objects.bulk_create(rows, batch_size=5000)


def poisson(rng: random.Random, mean: float) -> int:
    count, total = 0, rng.expovariate(1.0)
    while total < mean:
        count += 1
        total += rng.expovariate(1.0)
    return count


HELP_CAUSES = {
    "reduced": ["订单减少，开工不足", "原材料价格上涨，利润下降", "资金周转困难"],
    "stopped": ["设备升级改造停产", "环保整改停产", "订单中断，暂时停产"],
}
HELP_MEASURES = [
    "对接银行办理续贷，协调技改补助申报",
    "组织参加产销对接会，拓展国内订单",
    "协助办理环评和整改验收手续",
    "对接人力社保部门解决用工缺口",
]


def build_help_plans(
    rng: random.Random, enterprises: list[Enterprise], *, today: datetime.date
) -> list[HelpPlan]:
    """一企一策 for about half of the firms with reduced or stopped output (the rest are owed),
    a few of them done: each plan one measure with its owner and date (build_records gives the
    first county's plans several measures in every state)."""
    rows, measures = [], []
    for firm in enterprises:
        if firm.production_status not in HELP_CAUSES or rng.random() < 0.5:
            continue
        done = rng.random() < 0.2
        rows.append(
            HelpPlan(
                enterprise=firm,
                cause=rng.choice(HELP_CAUSES[firm.production_status]),
                responsible=person_name(rng),
                target_date=today + datetime.timedelta(days=rng.randrange(-20, 90)),
                progress="已走访企业，措施正在落实。",
                done=done,
            )
        )
    plans = HelpPlan.objects.bulk_create(rows, batch_size=2000)
    for plan in plans:
        measures.append(
            HelpMeasure(
                plan=plan,
                text=rng.choice(HELP_MEASURES),
                owner_name=plan.responsible,
                due_date=plan.target_date,
                state=HelpMeasure.State.DONE if plan.done else HelpMeasure.State.IN_PROGRESS,
                progress=plan.progress,
            )
        )
    HelpMeasure.objects.bulk_create(measures, batch_size=2000)
    return plans


# Campaign structure (issue 12): batches with dates, service groups that are people, counted
# targets, and the campaign's own workload caps with Rui'an's extensions.
GROUP_MEMBERS = 6
SERVICE_GROUPS = 4  # for a campaign that has none
TARGET_SHARE = 0.8  # counted targets ask for about this share of each kind's firms
KEY_PROJECTS = 29  # Hainan's 29 parks / key projects, as a hand-picked list
EXTENSIONS = {CadreCategory.LEADER: 2, CadreCategory.DEPARTMENT: 4}


def build_campaign_structure(
    rng: random.Random, campaign: Campaign, *, second_batch_after: int = 10
) -> None:
    """Give a demo campaign what a province's campaign has: two dated batches (the campaign's
    pairings fall into them by start date), each service group a lead cadre and members from
    several levels (those who already serve in it, and a leader), counted targets per kind of firm
    and a hand-picked list of key projects, and caps by rank with Rui'an's +2/+4 extensions.
    Safe on a campaign with or without pairings and groups."""
    batches = list(campaign.batches.order_by("start"))
    if not batches:
        batches = CampaignBatch.objects.bulk_create(
            [
                CampaignBatch(campaign=campaign, name="第一批", start=campaign.start),
                CampaignBatch(
                    campaign=campaign,
                    name="第二批",
                    start=campaign.start + datetime.timedelta(days=second_batch_after),
                ),
            ]
        )
    pairings = Pairing.objects.filter(campaign=campaign)
    for batch, after in zip(batches, [*batches[1:], None], strict=True):
        in_batch = pairings.filter(start__gte=batch.start)
        if after is not None:
            in_batch = in_batch.filter(start__lt=after.start)
        in_batch.update(batch=batch)
    _staff_groups(rng, campaign)
    _counted_targets(campaign)
    _caps(campaign)


def _staff_groups(rng: random.Random, campaign: Campaign) -> None:
    served = defaultdict(set)
    for group_id, cadre_id in (
        Pairing.objects.filter(campaign=campaign, group__isnull=False)
        .values_list("group_id", "cadre_id")
        .distinct()
    ):
        served[group_id].add(cadre_id)
    # Leads: leaders of the campaign's area or of the levels above it (a province leader);
    # members: those serving in the group, else cadres of the area and of the levels above.
    serving = selectors.serving_cadres(campaign.scope_unit).filter(status=Cadre.Status.ACTIVE)
    leaders = list(
        serving.filter(rank__in=[Cadre.Rank.CITY_LEADER, Cadre.Rank.COUNTY])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    others = list(serving.order_by("pk").values_list("pk", flat=True))
    groups = list(campaign.groups.all())
    if not groups:  # a campaign set up without groups gets service groups of its own
        groups = ServiceGroup.objects.bulk_create(
            ServiceGroup(campaign=campaign, name=f"第{i}服务组", kind=ServiceGroup.Kind.SERVICE)
            for i in range(1, SERVICE_GROUPS + 1)
        )
    rng.shuffle(leaders)
    members = ServiceGroup.members.through
    rows = []
    for i, group in enumerate(groups):
        if leaders:
            group.lead_cadre_id = leaders[i % len(leaders)]
        pool = sorted(served.get(group.pk, ())) or others
        chosen = set(rng.sample(pool, min(GROUP_MEMBERS, len(pool))))
        chosen.discard(group.lead_cadre_id)
        rows += [members(servicegroup_id=group.pk, cadre_id=c) for c in sorted(chosen)]
    ServiceGroup.objects.bulk_update(groups, ["lead_cadre"])
    members.objects.bulk_create(rows, ignore_conflicts=True)


def _counted_targets(campaign: Campaign) -> None:
    """Counts rather than percentages, as Hainan set them ("83家工业企业…")."""
    in_scope = Enterprise.objects.filter(town__path__startswith=campaign.scope_unit.path)
    eligible = dict(
        Enterprise.tags.through.objects.filter(enterprise__in=in_scope.values("pk"))
        .values("tag_id")
        .annotate(n=Count("pk"))
        .values_list("tag_id", "n")
    )
    targets = {t.tag_id: t for t in campaign.coverage_targets.filter(tag__isnull=False)}
    for tag_id, n in eligible.items():
        count = max(1, int(n * TARGET_SHARE))
        if tag_id in targets:
            target = targets[tag_id]
            target.target_count, target.target_percent = count, None
            target.save(update_fields=["target_count", "target_percent"])
        else:
            CoverageTarget.objects.create(campaign=campaign, tag_id=tag_id, target_count=count)
    projects = list(
        in_scope.order_by("-annual_output", "pk").values_list("pk", flat=True)[:KEY_PROJECTS]
    )
    if projects and not campaign.coverage_targets.filter(tag__isnull=True).exists():
        key = CoverageTarget.objects.create(
            campaign=campaign, name="重点项目", target_count=len(projects)
        )
        key.enterprises.set(projects)


def _caps(campaign: Campaign) -> None:
    """The usual caps, raised where the demo's pairings already go beyond them (a demo built
    by bulk inserts never passed the cap check)."""
    loads = defaultdict(int)
    rows = (
        Pairing.objects.active()
        .filter(campaign=campaign)
        .values("cadre_id", "cadre__rank")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        loads[row["cadre__rank"]] = max(loads[row["cadre__rank"]], row["n"])
    WorkloadCap.objects.filter(campaign=campaign).delete()
    WorkloadCap.objects.bulk_create(
        [
            WorkloadCap(campaign=campaign, rank=rank, cap=max(cap, loads[rank]))
            for rank, cap in DEFAULT_CAPS.items()
        ]
    )
    WorkloadExtension.objects.bulk_create(
        [WorkloadExtension(campaign=campaign, category=k, extra=e) for k, e in EXTENSIONS.items()],
        ignore_conflicts=True,
    )


# Records (issue 12): help plans as measures, and the demo cadre's service diary.
PLAN_CAUSES = [
    "外贸订单回落，产能利用率不足六成。",
    "原材料价格上涨，资金周转困难。",
    "厂区电力增容未完成，部分产线停产。",
    "环保整改期间限产。",
]
PLAN_MEASURES = [
    ("对接银行续贷，办理无还本续贷", "市金融服务中心"),
    ("组织参加产销对接会，开拓国内市场", "市商务局"),
    ("协调电力增容，缩短接电时间", "市经信局"),
    ("申请稳岗补贴和技改补助", "市人力社保局"),
    ("指导环保整改，组织专家上门服务", "市经信局"),
]
MEASURE_STATES = ["planned", "in_progress", "done", "dropped"]


def build_records(rng: random.Random, tree: OrgTree, *, today: datetime.date) -> None:
    """Help plans with measures in every state (some overdue, some linked to the firm's problems)
    for the reduced and stopped firms of the first county and of the demo cadre, leaving a few
    owed a plan; and a monthly service diary for the demo cadre with a month that falls short."""
    cadre = Cadre.objects.filter(user__username="demo_cadre").first()
    mine = []
    if cadre is not None:
        mine = list(
            Pairing.objects.active()
            .filter(cadre=cadre, role=Pairing.Role.LEAD)
            .order_by("enterprise_id")
            .values_list("enterprise_id", flat=True)
        )
        for firm_id, status in zip(mine[:3], ["reduced", "stopped", "reduced"], strict=False):
            Enterprise.objects.filter(pk=firm_id).update(production_status=status)
        _diary_history(rng, cadre, today=today)
    county = tree.counties[0]
    struggling = list(
        Enterprise.objects.filter(
            town__path__startswith=county.path, production_status__in=["reduced", "stopped"]
        )
        .exclude(pk__in=mine[2:3])  # the demo cadre's third firm is still owed a plan
        .order_by("pk")
        .values_list("pk", flat=True)[:80]
    )
    plan_firms = [*mine[:2], *(pk for pk in struggling if pk not in mine)]
    for index, firm_id in enumerate(plan_firms[: max(2, len(plan_firms) * 3 // 4)]):
        plan = HelpPlan.objects.create(
            enterprise_id=firm_id,
            cause=rng.choice(PLAN_CAUSES),
            responsible=person_name(rng),
            target_date=today + datetime.timedelta(days=rng.randrange(30, 200)),
        )
        tickets = list(plan.enterprise.tickets.order_by("pk").values_list("pk", flat=True)[:2])
        for n, (text, unit) in enumerate(rng.sample(PLAN_MEASURES, rng.randrange(2, 5))):
            state = MEASURE_STATES[(index + n) % len(MEASURE_STATES)]
            # Open measures of every third plan are past their date (逾期).
            late = state in ("planned", "in_progress") and index % 3 == 0
            days = rng.randrange(5, 40) if late else rng.randrange(-60, 120)
            measure = HelpMeasure.objects.create(
                plan=plan,
                text=text,
                owner_unit=tree.department_by_name.get(unit),
                owner_name=person_name(rng),
                due_date=today - datetime.timedelta(days=days)
                if late
                else today + datetime.timedelta(days=days),
                state=state,
                progress="已上门对接，材料准备中。" if state == "in_progress" else "",
            )
            if tickets and n == 0:
                measure.tickets.set(tickets)


def _diary_history(rng: random.Random, cadre: Cadre, *, today: datetime.date) -> None:
    """A visit to each of the cadre's firms about once a month since their pairing began; last
    month only two firms were visited (短于频次)."""
    pairings = list(Pairing.objects.active().filter(cadre=cadre).order_by("enterprise_id"))
    rows = []
    for i, p in enumerate(pairings):
        month = p.start.replace(day=1)
        while month <= today:
            skip = month == (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
            if not (skip and i >= 2):
                day = month + datetime.timedelta(days=rng.randrange(0, 27))
                if p.start <= day <= today:
                    rows.append(
                        Visit(
                            cadre=cadre,
                            enterprise_id=p.enterprise_id,
                            campaign_id=p.campaign_id,
                            date=day,
                            mode=weighted_choice(rng, VISIT_MODES),
                            survey={k: rng.choice(a) for k, a in SURVEY_ANSWERS.items()},
                            output_status=rng.choice(OUTPUT_SEEN),
                            notes=rng.choice(VISIT_NOTES),
                            services=rng.sample(["policy", "errand", "analysis", "liaison"], 2),
                        )
                    )
            month = (month + datetime.timedelta(days=32)).replace(day=1)
    Visit.objects.bulk_create(rows)
