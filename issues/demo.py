"""Demo tickets in every status, level and category, with their timelines, raised by the paired
cadres on their visits. Each ticket lives its own life from the day it was raised (a few days to be
assigned and accepted, weeks of work, some stuck for months), so its status today, its stamps and
the open and overdue counts of every past night all follow from its dates."""

from __future__ import annotations

import datetime
import functools
import random

from django.utils import timezone

from accounts.demo import OrgTree, person_name, role_groups, weighted_choice
from accounts.models import User
from accounts.roles import Role
from enterprises.models import Enterprise
from issues.models import (
    OPEN_STATUSES,
    AssignmentCounter,
    Category,
    Level,
    Meeting,
    Outcome,
    RatedBy,
    Rating,
    Source,
    Status,
    Ticket,
    TicketEvent,
    TicketTask,
    Urgency,
)
from issues.workdays import WorkCalendar
from pairing.models import Pairing, Visit

# Where a cadre's problem came from: a firm raises its own only in the portal (demo_portal).
CADRE_SOURCES = [s for s in Source if s != Source.FIRM]
# The department that owns each category of problem.
OWNER_BY_CATEGORY = {
    Category.FINANCING: ["市金融服务中心", "人民银行市支行"],
    Category.LAND: ["市自然资源和规划局"],
    Category.TALENT: ["市人力社保局", "市委组织部"],
    Category.HIRING: ["市人力社保局"],
    Category.APPROVAL: ["市行政审批服务局", "市住建局"],
    Category.INNOVATION: ["市科技局", "市经信局"],
    Category.INFRASTRUCTURE: ["市住建局", "市交通运输局", "市供电公司", "市水利局"],
    Category.POLICY: ["市经信局", "市发改局", "市财政局"],
    Category.MARKET: ["市商务局", "市经信局"],
    Category.SAFETY: ["市应急管理局", "市消防救援大队"],
    Category.OTHER: ["市经信局", "市综合行政执法局"],
}
TITLES = {
    Category.FINANCING: ["流动资金贷款到期续贷困难", "希望对接低息技改贷款"],
    Category.LAND: ["扩建项目用地指标不足", "厂房土地证办理遇阻"],
    Category.TALENT: ["高端技术人才引进难", "人才公寓申请咨询"],
    Category.HIRING: ["一线普工招工难", "春节后员工返岗率低"],
    Category.APPROVAL: ["环评审批进度慢", "消防验收流程咨询"],
    Category.INNOVATION: ["研发费用加计扣除政策咨询", "申报省级企业研究院"],
    Category.INFRASTRUCTURE: ["园区道路破损影响运输", "用电容量不足需增容", "污水管网未接通"],
    Category.POLICY: ["惠企政策兑现进度慢", "技改补助申报条件咨询"],
    Category.MARKET: ["外贸订单下滑求拓市场", "希望参加展会对接"],
    Category.SAFETY: ["危化品仓库整改指导", "安全生产标准化咨询"],
    Category.OTHER: ["周边违章建筑影响经营", "企业名称变更手续咨询"],
}
# The statuses (in turn for the demo logins; drawn in these shares by the province builder).
STATUS_MIX = [
    (Status.REGISTERED, 5),
    (Status.ASSIGNED, 12),
    (Status.ACCEPTED, 20),
    (Status.RESOLVED, 18),
    (Status.CLOSED, 45),
]
LEVEL_MIX = [
    (Level.LOCAL, 55),
    (Level.SYSTEM, 25),
    (Level.COORDINATION, 15),
    (Level.COUNTY_HEAD, 5),
]
# Of finished tickets, the share solved: 0.78 × 63% finished ≈ 49% 化解率.
OUTCOME_MIX = [(Outcome.SOLVED, 78), (Outcome.REPLIED, 15), (Outcome.DEFERRED, 7)]
RATING_MIX = [(Rating.SATISFIED, 78), (Rating.BASICALLY, 22)]
URGENCY_MIX = [(Urgency.NORMAL, 80), (Urgency.URGENT, 17), (Urgency.CRITICAL, 3)]
REPLY = "已与企业沟通并书面答复。"
ESCALATION_NOTE = "本级难以解决，提请上一层级协调。"
# Open tickets are this many days old on average (most of them recent, a tail older), so the
# overdue list is a realistic minority.
OPEN_MEAN_AGE = 12
DESCRIPTION = "{title}。企业希望相关部门尽快协调解决。"
# How many days (from, to) a ticket waits in each status before the next.
STEP_DAYS = {
    Status.REGISTERED: (1, 3),
    Status.ASSIGNED: (1, 4),
    Status.ACCEPTED: (3, 25),
    Status.RESOLVED: (2, 10),
}
# One ticket in ten waits this many days (from, to) for its work to end: the backlog.
STUCK_SHARE = 0.1
STUCK_DAYS = (42, 150)
# The path a ticket travels to each status, and the action that brings it there.
TIMELINE = {
    Status.REGISTERED: "raise",
    Status.ASSIGNED: "assign",
    Status.ACCEPTED: "accept",
    Status.RESOLVED: "resolve",
    Status.CLOSED: "rate",
}


def build_tickets(
    rng: random.Random,
    tree: OrgTree,
    pairings: list[Pairing],
    *,
    count: int,
    today: datetime.date,
    raised_by=None,
    status_cycle: bool = False,
    max_age: int = 360,
    above: dict | None = None,
    owner_unit=None,
) -> list[Ticket]:
    """`count` tickets on the enterprises of `pairings`, raised by their cadres (or `raised_by`),
    the finished ones over the past `max_age` days, the open ones recent. With `status_cycle`,
    statuses and levels take every value in turn (for the demo logins). Who owns a ticket follows
    its level: the firm's county bureau at 本级 where the county has one, the city's bureau above
    it, and for some county-head tickets the bureau `above` (the province's, by the same names);
    or `owner_unit` for all of them."""
    # The first visit of each cadre to each firm: its tickets were raised on it.
    visits_by_pair = {}
    cadre_ids = {p.cadre_id for p in pairings}
    for visit_id, cadre_id, enterprise_id in Visit.objects.filter(
        cadre_id__in=cadre_ids
    ).values_list("id", "cadre_id", "enterprise_id"):
        visits_by_pair.setdefault((cadre_id, enterprise_id), visit_id)
    county_of_town = {t.pk: t.parent_id for t in tree.towns}
    county_of_firm = {
        pk: county_of_town.get(town_id)
        for pk, town_id in Enterprise.objects.filter(
            pk__in={p.enterprise_id for p in pairings}
        ).values_list("pk", "town_id")
    }
    tz = timezone.get_current_timezone()
    now = timezone.now()
    # Deadlines in working days from the assignment, as the workflow sets them: 10, five more a
    # level (about 14 calendar days, and a week more a level).
    calendar = WorkCalendar.load(
        today - datetime.timedelta(days=max_age + 10), today + datetime.timedelta(days=120)
    )
    deadline = functools.cache(calendar.add_working_days)
    tickets, plans = [], []
    statuses = [s for s, _w in STATUS_MIX]
    for n in range(count):
        # Each ticket draws from a generator of its own: how far its life has got by now (the
        # hour of the seed) then changes no other ticket's draws.
        own = random.Random(rng.getrandbits(64))
        pairing = own.choice(pairings)
        category = own.choice(list(Category))
        level = Level.values[n % 4] if status_cycle else weighted_choice(own, LEVEL_MIX)
        visit = visits_by_pair.get((pairing.cadre_id, pairing.enterprise_id))
        if status_cycle:
            # Statuses in turn, open ones recent and finished ones older.
            target = statuses[n % len(statuses)]
            age = (
                min(1 + int(own.expovariate(1 / OPEN_MEAN_AGE)), max_age - 1)
                if target in OPEN_STATUSES
                else own.randrange(min(15, max_age - 1), max_age)
            )
        else:
            target, age = None, own.randrange(0, max_age)
        # Raised at nine in the morning, or an hour ago when that is still to come today (a
        # timeline must not start after the steps the workflow adds now).
        created = min(
            datetime.datetime.combine(today - datetime.timedelta(days=age), datetime.time(9), tz),
            now - datetime.timedelta(hours=1),
        )
        stamps = _stamps(own, created, target, now)
        status = list(stamps)[-1]
        owner = None
        if status != Status.REGISTERED:
            name = own.choice(OWNER_BY_CATEGORY[category])
            owner = tree.department_by_name[name]
            county = tree.county_departments.get(county_of_firm.get(pairing.enterprise_id), {})
            if level == Level.LOCAL and name in county:
                owner = county[name]
            elif level == Level.COUNTY_HEAD and above and name in above and own.random() < 0.4:
                owner = above[name]
            owner = owner_unit or owner
        assigned_at = stamps.get(Status.ASSIGNED)
        due_days = 10 + 5 * (level - 1) if owner else None
        resolved_at = stamps.get(Status.RESOLVED)
        outcome = weighted_choice(own, OUTCOME_MIX) if resolved_at else ""
        due = deadline(timezone.localdate(assigned_at), due_days) if owner else None
        tickets.append(
            Ticket(
                enterprise_id=pairing.enterprise_id,
                campaign_id=pairing.campaign_id,
                visit_id=visit,
                raised_by_id=raised_by.pk if raised_by else pairing.cadre.user_id,
                source=Source.VISIT if visit else own.choice(CADRE_SOURCES),
                category=category,
                title=own.choice(TITLES[category]),
                description=DESCRIPTION.format(title=own.choice(TITLES[category])),
                urgency=weighted_choice(own, URGENCY_MIX),
                status=status,
                level=level,
                owner_unit=owner,
                assignee=None,
                due_date=due,
                due_days=due_days,
                assigned_at=assigned_at,
                assign_count=1 if owner else 0,
                outcome=outcome,
                reply=REPLY if outcome else "",
                replied_at=resolved_at,
                resolved_at=resolved_at,
                rating=weighted_choice(own, RATING_MIX) if status == Status.CLOSED else "",
                # The cadre records the firm's rating on its behalf (the portal's own are apart).
                rated_by=RatedBy.ON_BEHALF if status == Status.CLOSED else "",
                is_common=own.random() < 0.05,
                created_at=created,
            )
        )
        plans.append((stamps, owner, own))
    number_assignments(tickets)
    tickets = Ticket.objects.bulk_create(tickets, batch_size=2000)
    _timelines(tickets, plans, tree.department_by_name)
    return tickets


def number_assignments(tickets: list[Ticket]) -> None:
    """Give each assigned demo ticket what a real assignment leaves: the time it was assigned
    (when its timeline has none) and its 交办单 number, in order per county and year, continuing
    the county's counter as the workflow's numbering does."""
    assigned = sorted((t for t in tickets if t.owner_unit_id), key=lambda t: t.created_at)
    county_of = dict(
        Enterprise.objects.filter(pk__in={t.enterprise_id for t in assigned}).values_list(
            "pk", "town__parent_id"
        )
    )
    last = {
        (c.area_id, c.year): c.last
        for c in AssignmentCounter.objects.filter(area_id__in=set(county_of.values()))
    }
    for ticket in assigned:
        if ticket.assigned_at is None:  # the demo's own timeline usually set it
            ticket.assigned_at = ticket.created_at + datetime.timedelta(days=1, hours=1)
        key = (county_of[ticket.enterprise_id], ticket.assigned_at.year)
        last[key] = last.get(key, 0) + 1
        ticket.assignment_year, ticket.assignment_seq = key[1], last[key]
    for (area_id, year), n in last.items():
        AssignmentCounter.objects.update_or_create(area_id=area_id, year=year, defaults={"last": n})


def _climb(ticket: Ticket, at: datetime.datetime) -> list[TicketEvent]:
    """The organiser's escalations of a ticket raised at 本级 to the level it stands at."""
    return [
        TicketEvent(
            ticket=ticket,
            action="escalate",
            from_status=Status.REGISTERED,
            data={"level": level},
            note=ESCALATION_NOTE,
            at=at + datetime.timedelta(hours=2 * step),
        )
        for step, level in enumerate(range(Level.SYSTEM, ticket.level + 1))
    ]


def _step_data(ticket: Ticket, action: str) -> dict:
    """What the workflow would have written beside a demo step (see workflow._event_data)."""
    data = {"level": ticket.level if action != "raise" else Level.LOCAL}
    if action == "assign":
        data.update(
            owner_unit=ticket.owner_unit_id,
            number=[ticket.assignment_year, ticket.assignment_seq],
        )
        if ticket.due_date:
            data["due_date"] = ticket.due_date.isoformat()
    if action in ("resolve", "rate") and ticket.outcome:
        data["outcome"] = ticket.outcome
    if action == "rate":
        data["rating"] = ticket.rating
        data["rated_by"] = ticket.rated_by
    return data


def _stamps(
    rng: random.Random, created: datetime.datetime, target: str | None, now: datetime.datetime
) -> dict[str, datetime.datetime]:
    """When the ticket reached each status: a day or three to be assigned and accepted, up to
    four weeks of work (one in ten stuck for months), a few days to be rated. It stops at `target`
    (reached by now at the latest), or without one wherever its life has got to by now."""
    stamps, at = {}, created
    for current in TIMELINE:
        stamps[current] = at
        if current == target:
            break
        low, high = STEP_DAYS.get(current, (0, 1))
        if current == Status.ACCEPTED and rng.random() < STUCK_SHARE:
            low, high = STUCK_DAYS
        at = at + datetime.timedelta(days=rng.randrange(low, high), hours=rng.randrange(0, 8))
        if at > now:
            if target is None:
                break
            at = now
    return stamps


def _timelines(tickets: list[Ticket], plans, departments) -> None:
    """The events of the path each ticket has travelled, and co-units for some escalated ones."""
    through = Ticket.co_units.through
    dept_list = list(departments.values())
    co_rows, events = [], []
    for ticket, (stamps, owner, rng) in zip(tickets, plans, strict=True):
        previous = ""
        for current, at in stamps.items():
            actor = ticket.raised_by_id if current in (Status.REGISTERED, Status.CLOSED) else None
            events.append(
                TicketEvent(
                    ticket=ticket,
                    actor_id=actor,
                    action=TIMELINE[current],
                    from_status=previous,
                    to_status=current,
                    data=_step_data(ticket, TIMELINE[current]),
                    at=at,
                )
            )
            previous = current
            if current == Status.REGISTERED:  # up the ladder before it found its unit
                events += _climb(ticket, at + datetime.timedelta(hours=1))
        if owner is not None and ticket.level >= Level.SYSTEM and rng.random() < 0.3:
            co_unit = rng.choice(dept_list)
            if co_unit.pk != owner.pk:
                co_rows.append(through(ticket_id=ticket.pk, orgunit_id=co_unit.pk))
    TicketEvent.objects.bulk_create(events, batch_size=5000)
    through.objects.bulk_create(co_rows, batch_size=5000)


ON_SPOT = [
    ("不清楚技改补助申报口径", "县经信局 李局长", "局长现场讲解申报口径，企业当场确认可以申报。"),
    ("员工子女入学咨询", "县教育局 王科长", "现场说明积分入学政策，并留下经办人电话。"),
    ("增值税留抵退税进度咨询", "县税务局 陈副局长", "现场查询到退税已审核，三日内到账。"),
]
MINUTES = "会议听取了相关单位汇报，逐项研究了企业反映的难题，明确了责任单位和办结时限。"


def build_ladder(today: datetime.date) -> None:
    """The ladder as a county runs it, through the same services as the pages: the demo cadre's
    on-the-spot answers (some rated by the firm), escalated tickets taken to a 协调会 and a
    县长办公会议 held with minutes and decisions, one meeting still to hold, and overdue tickets
    urged (one unit twice this week, so the leader's dashboard shows it)."""
    from accounts.models import User
    from issues import intake, meetings, workflow

    organiser = User.objects.filter(username="demo_organiser").first()
    cadre_user = User.objects.filter(username="demo_cadre").first()
    if organiser is None or cadre_user is None:  # a seed without the demo logins
        return
    county = organiser.jurisdiction_unit
    pairing = (
        Pairing.objects.active()
        .filter(cadre__user=cadre_user, role=Pairing.Role.LEAD)
        .select_related("enterprise")
        .first()
    )
    if pairing is not None:  # a visit this morning, written up in the form's words
        visit = intake.log_visit(
            cadre_user,
            pairing.enterprise,
            Visit(
                date=today, mode=Visit.Mode.ON_SITE, notes="随部门负责人走访，现场答复企业问题。"
            ),
            [
                intake.Problem(
                    category=Category.POLICY,
                    title=title,
                    description=DESCRIPTION.format(title=title),
                    urgency=Urgency.NORMAL,
                    solved_on_spot=True,
                    solution=how,
                    solved_by=who,
                )
                for title, who, how in ON_SPOT
            ],
        )
        for ticket in list(visit.tickets.order_by("pk"))[:2]:  # two rated by the firm so far
            workflow.act(
                cadre_user, ticket.pk, "rate", version=ticket.version, data={"rating": "satisfied"}
            )
    # (the demo cadres' own tickets keep one of each status for their logins)
    in_county = Ticket.objects.filter(enterprise__town__path__startswith=county.path).exclude(
        raised_by__username__startswith="demo_"
    )
    chair = meetings.chairs_for(county).first()
    units = list(workflow.handling_units(organiser)[:40])
    # The units' slowest open problems (overdue first) are urged below; the rest may climb.
    at_units = in_county.filter(status__in=[Status.ASSIGNED, Status.ACCEPTED]).exclude(
        owner_unit=None
    )
    slow = list(at_units.order_by("due_date", "pk")[:2])
    waiting = list(in_county.filter(status=Status.REGISTERED).order_by("created_at")[:7])
    if len(waiting) < 4:  # a small county: units' open problems go up the ladder too
        rest = at_units.exclude(pk__in=[t.pk for t in slow]).order_by("created_at")
        waiting += list(rest[: 4 - len(waiting)])
    for n, ticket in enumerate(waiting):  # take them up the ladder as an organiser would
        while ticket.level < (Level.COUNTY_HEAD if n % 2 == 1 else Level.COORDINATION):
            ticket = workflow.act(
                organiser,
                ticket.pk,
                "escalate",
                version=ticket.version,
                data={"note": "需多部门协调"},
            )
    held = [
        (Meeting.Kind.COORDINATION, Level.COORDINATION, "用地和审批问题协调会", 7),
        (Meeting.Kind.COUNTY_HEAD, Level.COUNTY_HEAD, "县长办公会议（惠企专题）", 3),
    ]
    for kind, level, title, days_ago in held:
        agenda = list(meetings.agenda_candidates(in_county).filter(level=level)[:2])
        if not agenda or chair is None:
            continue
        meeting = meetings.schedule(
            organiser,
            kind=kind,
            title=title,
            scheduled_at=timezone.now() - datetime.timedelta(days=days_ago),
            chair=chair,
            units=units[:4],
            tickets=agenda[:1] if len(waiting) < 5 else agenda,
            place="县行政中心三楼会议室",
            attendees="\n".join(f"{u.name} 负责人" for u in units[:4]),
        )
        agenda = [i.ticket for i in meeting.items.select_related("ticket__enterprise")]
        meetings.record(
            organiser,
            meeting,
            minutes=MINUTES,
            item_minutes={t.pk: f"{t.enterprise.name}反映：{t.title}。" for t in agenda},
            decisions={
                t.pk: {
                    "decision": f"由{units[i % len(units)].name}牵头办理，相关单位配合。",
                    "owner_unit": units[i % len(units)],
                    "due_days": 10,
                    "version": t.version,
                }
                for i, t in enumerate(agenda)
            },
        )
    rest = list(meetings.agenda_candidates(in_county)[:3])
    if rest and chair is not None:
        meetings.schedule(
            organiser,
            kind=Meeting.Kind.COORDINATION,
            title="下周协调会",
            scheduled_at=timezone.now() + datetime.timedelta(days=5),
            chair=chair,
            units=units[:3],
            tickets=rest,
        )
    fresh = Ticket.objects.filter(pk__in=[t.pk for t in slow]).order_by("due_date", "pk")
    for n, ticket in enumerate(fresh):
        late = ticket.due_date is not None and ticket.due_date < today
        for _time in range(2 if n == 0 else 1):
            ticket = workflow.act(
                organiser,
                ticket.pk,
                "urge",
                version=ticket.version,
                data={"note": "已超期，请加快办理并反馈。" if late else "进度较慢，请加快办理。"},
            )


def name_responsible_people(rng: random.Random) -> None:
    """Every accepted ticket names the person responsible in its unit (责任清单): a handler of the
    unit, and for a unit with none yet, one made for it (a staff member without a login)."""
    taken = Ticket.objects.filter(
        status__in=[Status.ACCEPTED, Status.RESOLVED, Status.CLOSED],
        assignee__isnull=True,
        owner_unit__isnull=False,
    )
    handlers = role_groups()[Role.HANDLER]
    for unit_id in taken.values_list("owner_unit_id", flat=True).distinct().order_by():
        person = handlers.user_set.filter(home_unit_id=unit_id, is_active=True).first()
        if person is None:
            person = User.objects.create_user(
                username=f"handler_unit_{unit_id}",
                password=None,
                display_name=person_name(rng),
                phone=f"139{rng.randrange(10**8):08d}",
                home_unit_id=unit_id,
            )
            person.groups.add(handlers)
        taken.filter(owner_unit_id=unit_id).update(assignee=person)


def build_decision_examples(tree: OrgTree, *, raised_by, organiser, handler) -> list[Ticket]:
    """Issue 21's decisions on the demo county, through the workflow: a problem escalated after one
    co-unit answered (the other's task withdrawn on its timeline), and one whose two extensions are
    used up (its page says to escalate)."""
    from issues import workdays, workflow  # the workflow imports this app's models; demo only

    firm = raised_by.cadre.pairings.active().select_related("enterprise").first().enterprise
    co_units = [tree.department_by_name[name] for name in ("市自然资源和规划局", "市住建局")]
    owner = handler.home_unit
    escalated = Ticket.objects.create(
        enterprise=firm,
        raised_by=raised_by,
        title="厂区扩建用地需跨部门协调",
        description="扩建用地涉及规划调整和施工许可，需自然资源、住建部门共同办理。",
    )
    workflow.act(
        organiser,
        escalated.pk,
        "assign",
        version=1,
        data={"owner_unit": owner, "co_units": co_units, "due_days": 10},
    )
    # The first co-unit has answered (the demo has no handler there to answer through the page).
    TicketTask.objects.filter(ticket=escalated, unit=co_units[0]).update(
        answer="规划调整已报批。", answered_at=timezone.now()
    )
    workflow.act(
        organiser, escalated.pk, "escalate", version=2, data={"note": "需召开协调会统筹。"}
    )
    extended = Ticket.objects.create(
        enterprise=firm,
        raised_by=raised_by,
        title="污水管网接入审批进度慢",
        description="新厂房污水管网接入申请已提交两个月，尚未批复。",
    )
    ticket = workflow.act(
        organiser, extended.pk, "assign", version=1, data={"owner_unit": owner, "due_days": 4}
    )
    first_due = ticket.due_date
    for days in (2, 4):
        until = workdays.add_working_days(first_due, days)
        ticket = workflow.act(
            handler,
            extended.pk,
            "request_extension",
            version=ticket.version,
            data={"until": until, "note": "等待管网公司现场勘察。"},
        )
        ticket = workflow.act(organiser, extended.pk, "approve_extension", version=ticket.version)
    return [escalated, extended]
