"""A province for benchmarks, written with PostgreSQL COPY: SCALES["province"] (300,000 firms,
10,000 cadres, about 310,000 pairings, 900,000 visits, 200,000 tickets) in well under two minutes,
where reports.demo.seed, which builds model instances, takes about nine.

The rows are plain tuples drawn by the demo generators' rules from their vocabularies, so shapes
and distributions are the demo's. COPY skips save() and validation, so what they would enforce is
kept by construction: paths and depths as OrgUnit.compute_path makes them, USCC check characters,
one active pairing per cadre, firm and campaign, an outcome on every resolved ticket and a rating
on every closed one. The few rows with logic of their own (the campaign, the demo logins) go
through the demo modules themselves.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import json
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.db import NotSupportedError, connection, transaction
from django.db.models import JSONField
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import PATH_SEPARATOR, Cadre, CadrePost, OrgUnit, User
from accounts.roles import Role
from enterprises import demo as enterprises_demo
from enterprises.models import Enterprise, Industry, Tag
from issues import demo as issues_demo
from issues.models import (
    OPEN_STATUSES,
    Category,
    Level,
    Source,
    Status,
    Ticket,
    TicketEvent,
    TicketTask,
)
from issues.workdays import WorkCalendar
from pairing import demo as pairing_demo
from pairing.models import Pairing, Visit
from reports.demo import SCALES, Size
from reports.demo_logins import add_demo_logins

Kind = OrgUnit.Kind
LEAD, ASSIST = Pairing.Role.LEAD, Pairing.Role.ASSIST
CO_ANSWER = "已按职责提出协办意见。"


class CadreRow(NamedTuple):
    id: int
    user_id: int
    rank: str
    unit_id: int


class FirmRow(NamedTuple):
    id: int
    town_id: int
    output: float
    key: bool  # above-scale or a key project: department cadres take these


# The tables written with COPY.
LOADED = [
    OrgUnit,
    User,
    User.groups.through,
    Cadre,
    CadrePost,
    Enterprise,
    Enterprise.tags.through,
    Pairing,
    Visit,
    Ticket,
    TicketEvent,
    Ticket.co_units.through,
    TicketTask,
]


def build_province(size: Size = SCALES["province"], seed: int = 2026) -> dict[str, int]:
    """Build the province in one transaction and return the row counts of its tables."""
    if connection.vendor != "postgresql":
        raise NotSupportedError(
            f"build_province writes with PostgreSQL COPY; this database is {connection.vendor}"
        )
    rng = random.Random(seed)
    today = timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        with keys_and_indexes_after(cursor, LOADED):
            tree = org_tree(cursor, rng, size)
            cadres = cadre_rows(cursor, rng, tree, size.cadres, today)
            firms = enterprise_rows(cursor, rng, tree, size.enterprises, today)
            campaign = pairing_demo.build_campaign(tree, today=today)
            active = pairing_rows(cursor, rng, campaign, tree, cadres, firms)
            per_firm = size.visits_per_enterprise
            visited = visit_rows(cursor, rng, campaign.pk, active, today, per_firm)
            ticket_rows(cursor, rng, tree, campaign.pk, active, visited, size.tickets, today)
        add_demo_logins(rng, tree, campaign, today=today)
    return {
        name: model.objects.count()
        for name, model in [
            ("org_units", OrgUnit),
            ("users", User),
            ("cadres", Cadre),
            ("enterprises", Enterprise),
            ("pairings", Pairing),
            ("visits", Visit),
            ("tickets", Ticket),
            ("ticket_events", TicketEvent),
        ]
    }


@contextmanager
def keys_and_indexes_after(cursor, models: Sequence) -> Iterator[None]:
    """Drop the tables' foreign keys and the indexes no constraint owns for the load, and make
    them again after: PostgreSQL then checks each key in one join and builds each index (the
    partial unique one on active pairings included) in one sort, instead of a trigger and an
    index insertion per row. Inside the transaction: a failed load rolls the drops back too."""
    tables = [m._meta.db_table for m in models]
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
        [tables],
    )
    keys = cursor.fetchall()
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
        " WHERE indrelid::regclass::text = ANY(%s)"
        " AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = indexrelid)",
        [tables],
    )
    indexes = cursor.fetchall()
    for table, name, _definition in keys:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _name, definition in indexes:
        cursor.execute(definition)
    for table, name, definition in keys:
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


def copy_rows(cursor, model, fields: Sequence[str], rows: Iterable[tuple]) -> None:
    """COPY `rows` (values of `fields`, in order) into the model's table. The other columns get the
    model's defaults, as the ORM would give them: Django puts no defaults in the database, so COPY
    would leave them NULL."""
    meta = model._meta
    listed = [meta.get_field(name) for name in fields]
    rest = [
        f
        for f in meta.concrete_fields
        if f.name not in fields and not f.primary_key and (f.has_default() or not f.null)
    ]
    now = timezone.now()
    defaults = tuple(
        now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else json.dumps(f.get_default())
        if isinstance(f, JSONField)
        else f.get_default()
        for f in rest
    )
    columns = ", ".join(connection.ops.quote_name(f.column) for f in listed + rest)
    # Declared types spare a dumper lookup per value; JSON goes as the text it already is.
    types = [
        "text" if isinstance(f, JSONField) else f.db_type(connection).split("(")[0]
        for f in listed + rest
    ]
    with cursor.copy(f"COPY {meta.db_table} ({columns}) FROM STDIN") as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row + defaults)


def reserve_ids(cursor, model, n: int) -> range:
    """`n` primary keys taken from the table's sequence at once, so rows that refer to each other
    are written knowing their keys, and later ORM inserts carry on after them."""
    table, column = model._meta.db_table, model._meta.pk.column
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, %s), nextval(pg_get_serial_sequence(%s, %s))"
        " + %s - 1)",
        [table, column, table, column, n],
    )
    last = cursor.fetchone()[0]
    return range(last - n + 1, last + 1)


def draw(rng: random.Random, options, k: int) -> list:
    """`k` values from [(value, weight), …], each as accounts.demo.weighted_choice draws one."""
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights=weights, k=k)


def phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def area_names(n: int) -> list[str]:
    """The demo's first city's counties, then county-level cities and counties named after town
    words."""
    names = list(accounts_demo.CITIES[0][2])
    words = accounts_demo.TOWN_WORDS[::-1]
    names += [f"{words[i]}{'县' if i % 2 else '市'}" for i in range(max(0, n - len(names)))]
    return names[:n]


def org_tree(cursor, rng: random.Random, size: Size) -> accounts_demo.OrgTree:
    """Province → counties and county-level cities (and the development zone) → towns and streets →
    villages and communities, with the demo's departments under the province."""
    units = []  # (kind, code, name, index of the parent)

    def add(kind, code: str, name: str, parent: int | None) -> int:
        units.append((kind, code, name, parent))
        return len(units) - 1

    province = add(Kind.PROVINCE, "AL", "安澜省", None)
    areas = [
        add(Kind.COUNTY, f"AL{i + 1:02d}", name, province)
        for i, name in enumerate(area_names(size.counties))
    ]
    areas.append(add(Kind.ZONE, "ALKF", accounts_demo.CITIES[0][3], province))
    for i, name in enumerate(accounts_demo.DEPARTMENTS):
        add(Kind.DEPARTMENT, f"ALD{i + 1:02d}", name, province)
    for i, word in enumerate(accounts_demo.town_names(rng, size.towns)):
        area = areas[i % len(areas)]
        street = i % 3 == 0 or units[area][0] == Kind.ZONE
        code = f"{units[area][1]}T{i + 1:03d}"
        name = f"{word}{'街道' if street else '镇'}"
        town = add(Kind.STREET if street else Kind.TOWN, code, name, area)
        for j in range(rng.randint(2, 4)):
            name = f"{word}{'东南西北'[j]}{'社区' if street else '村'}"
            add(Kind.COMMUNITY, f"{code}C{j + 1}", name, town)
    ids = reserve_ids(cursor, OrgUnit, len(units))
    paths, rows = [], []
    for pk, (kind, code, name, parent) in zip(ids, units, strict=True):
        path = f"{PATH_SEPARATOR if parent is None else paths[parent]}{code}{PATH_SEPARATOR}"
        paths.append(path)
        depth = path.count(PATH_SEPARATOR) - 2  # as OrgUnit.save() counts it
        rows.append((pk, kind, code, name, None if parent is None else ids[parent], path, depth))
    copy_rows(cursor, OrgUnit, ("id", "kind", "code", "name", "parent", "path", "depth"), rows)
    return loaded_tree(ids[province])


def loaded_tree(root_id: int) -> accounts_demo.OrgTree:
    """The tree as the demo modules take it: its root is the province, with no cities between
    it and the counties."""
    root = OrgUnit.objects.get(pk=root_id)
    under = list(OrgUnit.objects.under(root).order_by("code"))
    tree = accounts_demo.OrgTree(
        root=root,
        counties=[u for u in under if u.parent_id == root.pk and u.kind != Kind.DEPARTMENT],
        towns=[u for u in under if u.kind in (Kind.TOWN, Kind.STREET)],
        departments=[u for u in under if u.kind == Kind.DEPARTMENT],
    )
    tree.department_by_name = {d.name: d for d in tree.departments}
    return tree


def cadre_rows(
    cursor, rng: random.Random, tree, count: int, today: datetime.date
) -> list[CadreRow]:
    """As accounts.demo.build_cadres: ranks in their shares, units by rank, one shared password
    hash, the cadre group, a current post and for about one in ten an earlier one."""
    ranks = []
    for rank, share in accounts_demo.RANK_SHARES:
        ranks += [rank] * round(count * share)
    ranks = (ranks + [Cadre.Rank.GENERAL] * count)[:count]
    rng.shuffle(ranks)
    towns = [t.pk for t in tree.towns]
    departments = [d.pk for d in tree.departments]
    password = make_password(accounts_demo.DEMO_PASSWORD)
    users, cadres, cadre_table, posts = [], [], [], []
    user_ids, cadre_ids = reserve_ids(cursor, User, count), reserve_ids(cursor, Cadre, count)
    for i, (rank, user_id, cadre_id) in enumerate(zip(ranks, user_ids, cadre_ids, strict=True)):
        if rank == Cadre.Rank.CITY_LEADER:
            unit = tree.root.pk
        elif rank == Cadre.Rank.COMMUNITY or rng.random() >= 0.45:
            unit = rng.choice(towns)
        else:
            unit = rng.choice(departments)
        name = accounts_demo.person_name(rng)
        users.append((user_id, f"c{i + 1:06d}", password, name, phone(rng), unit))
        post = rng.choice(accounts_demo.POSTS[rank])
        cadre_table.append((cadre_id, user_id, f"AL{i + 1:06d}", rank, unit, post))
        cadres.append(CadreRow(cadre_id, user_id, rank, unit))
        start = today - datetime.timedelta(days=rng.randrange(60, 2000))
        if rng.random() < 0.1:
            earlier = start - datetime.timedelta(days=rng.randrange(300, 1500))
            old_post = rng.choice(accounts_demo.POSTS[rank])
            posts.append(
                (cadre_id, rng.choice(departments + towns), old_post, rank, earlier, start)
            )
        posts.append((cadre_id, unit, post, rank, start, None))
    group = accounts_demo.role_groups()[Role.CADRE].pk
    user_fields = ("id", "username", "password", "display_name", "phone", "home_unit")
    copy_rows(cursor, User, user_fields, users)
    copy_rows(cursor, User.groups.through, ("user", "group"), ((u, group) for u in user_ids))
    copy_rows(cursor, Cadre, ("id", "user", "staff_no", "rank", "unit", "post"), cadre_table)
    copy_rows(cursor, CadrePost, ("cadre", "unit", "post", "rank", "start", "end"), posts)
    return cadres


def enterprise_rows(
    cursor, rng: random.Random, tree, count: int, today: datetime.date
) -> list[FirmRow]:
    """As enterprises.demo.build_enterprises: the industry mix, towns of uneven weight, scales,
    log-normal outputs and staff, production status, valid codes under the county's division,
    unique names, tags."""
    demo = enterprises_demo
    industries = dict(Industry.objects.values_list("code", "pk"))
    tags = dict(Tag.objects.values_list("code", "pk"))
    division = {area.pk: str(330381 + i) for i, area in enumerate(tree.counties)}
    mix = [((code, words), share) for code, share, words in demo.INDUSTRY_MIX]
    town_weights = [(town, rng.uniform(0.5, 2.0)) for town in tree.towns]
    statuses = [("normal", 90), ("reduced", 7), ("stopped", 3)]
    ids = reserve_ids(cursor, Enterprise, count)
    drawn = zip(
        ids,
        draw(rng, mix, count),
        draw(rng, town_weights, count),
        draw(rng, demo.SCALES, count),
        draw(rng, statuses, count),
        strict=True,
    )
    rows, tag_rows, firms, used = [], [], [], set()
    for n, (pk, (code, words), town, scale, status) in enumerate(drawn):
        output = demo.MEDIAN_OUTPUT[scale] * math.exp(rng.gauss(0, 0.6))
        project = n % 150 == 0
        codes = demo.tag_codes(rng, code, scale, output)
        rows.append(
            (
                pk,
                demo.unique_name(rng, town.name[:2], words, used),
                demo.make_uscc(rng, division[town.parent_id], n + 1),
                Enterprise.Kind.PROJECT if project else Enterprise.Kind.ENTERPRISE,
                town.pk,
                industries.get(code),
                scale,
                Decimal(f"{output:.2f}"),
                max(3, int(demo.MEDIAN_STAFF[scale] * math.exp(rng.gauss(0, 0.5)))),
                status,
                accounts_demo.person_name(rng),
                accounts_demo.person_name(rng),
                phone(rng),
                f"{town.name}{rng.choice(demo.NAME_WORDS)}路{rng.randrange(1, 999)}号",
                today - datetime.timedelta(days=rng.randrange(365, 365 * 35)),
            )
        )
        tag_rows += [(pk, tags[c]) for c in codes if c in tags]
        firms.append(FirmRow(pk, town.pk, output, project or "above_scale" in codes))
    fields = (
        "id",
        "name",
        "uscc",
        "kind",
        "town",
        "industry",
        "scale",
        "annual_output",
        "employees",
        "production_status",
        "legal_representative",
        "contact_name",
        "contact_phone",
        "address",
        "founded",
    )
    copy_rows(cursor, Enterprise, fields, rows)
    copy_rows(cursor, Enterprise.tags.through, ("enterprise", "tag"), tag_rows)
    return firms


def pairing_rows(
    cursor, rng: random.Random, campaign, tree, cadres: list[CadreRow], firms: list[FirmRow]
) -> list[tuple[CadreRow, FirmRow, str]]:
    """As pairing.demo.build_pairings: leaders take the biggest firms (1:1), department cadres
    above-scale and key firms, up to four each (1:N), town cadres the rest on their own ground;
    the biggest firms get assisting cadres (N:1); one firm in fifty changed hands (an ended
    pairing). Returns the active ones as (cadre, firm, role)."""
    groups = list(campaign.groups.values_list("pk", flat=True))
    towns = {t.pk for t in tree.towns}
    by_output = sorted(firms, key=lambda f: f.output, reverse=True)
    leaders = [c for c in cadres if c.rank == Cadre.Rank.CITY_LEADER]
    dept = [c for c in cadres if c.unit_id not in towns and c.rank != Cadre.Rank.CITY_LEADER]
    town_cadres = defaultdict(list)
    for c in cadres:
        if c.unit_id in towns:
            town_cadres[c.unit_id].append(c)
    lead_of: dict[int, CadreRow] = {}
    load: dict[int, int] = defaultdict(int)
    active, ended = [], []

    def pair(cadre: CadreRow, firm: FirmRow, role: str = LEAD) -> None:
        active.append((cadre, firm, role))
        load[cadre.id] += 1
        if role == LEAD:
            lead_of[firm.id] = cadre

    for cadre, firm in zip(leaders, by_output, strict=False):
        pair(cadre, firm)
    rng.shuffle(dept)
    queue = [f for f in by_output if f.id not in lead_of and f.key]
    for i, firm in enumerate(queue):
        cadre = dept[i % len(dept)] if dept else None
        if cadre is not None and load[cadre.id] < 4:
            pair(cadre, firm)
    for firm in firms:
        if firm.id not in lead_of:
            local = town_cadres.get(firm.town_id) or dept or leaders
            pair(min(rng.sample(local, min(3, len(local))), key=lambda c: load[c.id]), firm)
    for firm in by_output[: max(10, len(by_output) // 75)]:
        for cadre in rng.sample(dept, min(len(dept), rng.choice([1, 2]))):
            if cadre.id != lead_of[firm.id].id:
                pair(cadre, firm, ASSIST)
    start = campaign.start
    for firm in rng.sample(firms, len(firms) // 50):
        previous = rng.choice(dept or leaders)
        if previous.id != lead_of[firm.id].id:
            end = start + datetime.timedelta(days=rng.randrange(20, 90))
            ended.append(
                (previous.id, firm.id, LEAD, None, start, end, pairing_demo.HAND_OVER_REASON)
            )
    rows = [
        (
            c.id,
            f.id,
            role,
            rng.choice(groups),
            start + datetime.timedelta(days=rng.randrange(0, 15)),
            None,
            "",
        )
        for c, f, role in active
    ]
    fields = ("cadre", "enterprise", "role", "group", "start", "end", "end_reason", "campaign")
    copy_rows(cursor, Pairing, fields, (row + (campaign.pk,) for row in rows + ended))
    return active


def visit_rows(
    cursor,
    rng: random.Random,
    campaign_id: int,
    active: list[tuple[CadreRow, FirmRow, str]],
    today: datetime.date,
    per_enterprise: float,
) -> dict[tuple[int, int], int]:
    """As pairing.demo.build_visits: by the active lead cadre (about one firm in eight not yet
    visited) and now and then an assisting one, over the past 180 days. Returns the first visit
    of each (cadre, firm), which their tickets were raised on."""
    # Every combination of answers equally likely: the same as drawing each answer on its own.
    keys = list(pairing_demo.SURVEY_ANSWERS)
    surveys = [
        json.dumps(dict(zip(keys, answers, strict=True)))
        for answers in itertools.product(*pairing_demo.SURVEY_ANSWERS.values())
    ]
    modes, weights = zip(*pairing_demo.VISIT_MODES, strict=True)
    days = [today - datetime.timedelta(days=d) for d in range(180)]
    rows = []
    for cadre, firm, role in active:
        if role == LEAD and rng.random() < 0.12:
            continue
        n = pairing_demo.poisson(rng, per_enterprise if role == LEAD else per_enterprise / 4)
        for mode in rng.choices(modes, weights=weights, k=n):
            rows.append(
                (
                    cadre.id,
                    firm.id,
                    rng.choice(days),
                    mode,
                    rng.choice(surveys),
                    rng.choice(pairing_demo.OUTPUT_SEEN),
                    rng.choice(pairing_demo.VISIT_NOTES),
                )
            )
    ids = reserve_ids(cursor, Visit, len(rows))
    first: dict[tuple[int, int], int] = {}
    for pk, row in zip(ids, rows, strict=True):
        first.setdefault(row[:2], pk)
    fields = ("id", "cadre", "enterprise", "date", "mode", "survey", "output_status", "notes")
    copy_rows(
        cursor,
        Visit,
        fields + ("campaign",),
        ((pk, *row, campaign_id) for pk, row in zip(ids, rows, strict=True)),
    )
    return first


def ticket_rows(
    cursor,
    rng: random.Random,
    tree,
    campaign_id: int,
    active: list[tuple[CadreRow, FirmRow, str]],
    visited: dict[tuple[int, int], int],
    count: int,
    today: datetime.date,
) -> None:
    """As issues.demo.build_tickets on the active pairings: statuses, levels, outcomes and ratings
    in the demo's mixes, the department owning the category, each ticket's timeline, a co-unit
    (with its task) on some escalated ones; and what the workflow stamps on the way: when it was
    assigned, a deadline in working days from then (10, five more a level: about the demo's 14
    calendar days and a week a level), when it was resolved and the reply sent."""
    demo = issues_demo
    owners = {
        category: [tree.department_by_name[name].pk for name in names]
        for category, names in demo.OWNER_BY_CATEGORY.items()
    }
    departments = [d.pk for d in tree.departments]
    day = datetime.timedelta(days=1)
    calendar = WorkCalendar.load(today - 200 * day, today + 100 * day)
    deadline = functools.cache(calendar.add_working_days)  # a few hundred distinct ones
    tz, now = timezone.get_current_timezone(), timezone.now()
    categories, sources = list(Category), list(Source)
    ids = reserve_ids(cursor, Ticket, count)
    drawn = zip(
        ids,
        draw(rng, demo.STATUS_MIX, count),
        draw(rng, demo.LEVEL_MIX, count),
        draw(rng, demo.URGENCY_MIX, count),
        strict=True,
    )
    tickets, events, co_units, tasks = [], [], [], []
    for pk, status, level, urgency in drawn:
        cadre, firm, _role = rng.choice(active)
        category = rng.choice(categories)
        visit = visited.get((cadre.id, firm.id))
        # Open tickets are recent, so the overdue list is a realistic minority.
        age = rng.randrange(1, 45) if status in OPEN_STATUSES else rng.randrange(15, 170)
        created = datetime.datetime.combine(today - age * day, datetime.time(9, 0), tz)
        at, previous, stamps = created, "", {}
        for current, action in demo.TIMELINE.items():
            actor = cadre.user_id if current in (Status.REGISTERED, Status.CLOSED) else None
            events.append((pk, actor, action, previous, current, at))
            stamps[current] = at
            if current == status:
                break
            previous = current
            step = datetime.timedelta(days=rng.randrange(1, 6), hours=rng.randrange(0, 8))
            at = min(at + step, now)
        owner = None if status == Status.REGISTERED else rng.choice(owners[category])
        assigned_at = stamps.get(Status.ASSIGNED)
        due_days = 10 + 5 * (level - 1) if owner else None
        due = deadline(assigned_at.astimezone(tz).date(), due_days) if owner else None
        resolved_at = stamps.get(Status.RESOLVED)
        outcome = accounts_demo.weighted_choice(rng, demo.OUTCOME_MIX) if resolved_at else ""
        rating = (
            accounts_demo.weighted_choice(rng, demo.RATING_MIX) if status == Status.CLOSED else ""
        )
        title = rng.choice(demo.TITLES[category])
        tickets.append(
            (
                pk,
                firm.id,
                campaign_id,
                visit,
                cadre.user_id,
                Source.VISIT if visit else rng.choice(sources),
                category,
                title,
                demo.DESCRIPTION.format(title=rng.choice(demo.TITLES[category])),
                urgency,
                status,
                level,
                owner,
                due,
                due_days,
                assigned_at,
                1 if owner else 0,
                outcome,
                demo.REPLY if outcome else "",
                resolved_at,
                resolved_at,
                rating,
                rng.random() < 0.05,
                created,
            )
        )
        if owner and level >= Level.SYSTEM and rng.random() < 0.3:
            co_unit = rng.choice(departments)
            if co_unit != owner:
                co_units.append((pk, co_unit))
                # The workflow resolves a ticket only once every co-unit has answered.
                answer = CO_ANSWER if resolved_at else ""
                tasks.append((pk, co_unit, due, answer, resolved_at))
    fields = (
        "id",
        "enterprise",
        "campaign",
        "visit",
        "raised_by",
        "source",
        "category",
        "title",
        "description",
        "urgency",
        "status",
        "level",
        "owner_unit",
        "due_date",
        "due_days",
        "assigned_at",
        "assign_count",
        "outcome",
        "reply",
        "replied_at",
        "resolved_at",
        "rating",
        "is_common",
        "created_at",
    )
    copy_rows(cursor, Ticket, fields, tickets)
    event_fields = ("ticket", "actor", "action", "from_status", "to_status", "at")
    copy_rows(cursor, TicketEvent, event_fields, events)
    copy_rows(cursor, Ticket.co_units.through, ("ticket", "orgunit"), co_units)
    task_fields = ("ticket", "unit", "due_date", "answer", "answered_at")
    copy_rows(cursor, TicketTask, task_fields, tasks)
