"""Test factories: each makes one valid row with sensible defaults; override by keyword."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import Group

from accounts.models import Cadre, OrgUnit, User
from enterprises.models import Enterprise, Industry, Tag
from enterprises.uscc import check_char
from issues.models import Status, Ticket
from pairing.models import Campaign, Pairing, Visit, WorkloadCap, WorkloadExtension

_seq = itertools.count(1)
PASSWORD = "Test-pass-2026"


def make_uscc(n: int | None = None) -> str:
    """A valid USCC: 91 (company, enterprise) + division 330381 (Rui'an) + a serial + check."""
    serial = f"{n if n is not None else next(_seq):09d}"
    first17 = f"91330381{serial}"
    return first17 + check_char(first17)


def make_unit(
    *, name: str | None = None, kind=OrgUnit.Kind.TOWN, parent=None, code=None
) -> OrgUnit:
    n = next(_seq)
    return OrgUnit.objects.create(
        name=name or f"单位{n}", kind=kind, parent=parent, code=code or f"U{n}"
    )


def make_user(*roles: str, username=None, home_unit=None, jurisdiction_unit=None, **extra) -> User:
    n = next(_seq)
    user = User.objects.create_user(
        username=username or f"user{n}",
        password=PASSWORD,
        display_name=extra.pop("display_name", f"用户{n}"),
        home_unit=home_unit,
        jurisdiction_unit=jurisdiction_unit,
        **extra,
    )
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_cadre(*, user=None, unit=None, rank=Cadre.Rank.GENERAL, **user_extra) -> Cadre:
    unit = unit or (user.home_unit if user else None) or make_unit(kind=OrgUnit.Kind.DEPARTMENT)
    user = user or make_user("cadre", home_unit=unit, **user_extra)
    return Cadre.objects.create(user=user, staff_no=f"S{next(_seq):06d}", rank=rank, unit=unit)


def make_enterprise(*, town=None, tags=(), **fields) -> Enterprise:
    n = next(_seq)
    fields.setdefault("name", f"瑞安测试机械有限公司{n}")
    fields.setdefault("uscc", make_uscc(n))
    enterprise = Enterprise.objects.create(town=town or make_unit(), **fields)
    for tag in tags:
        enterprise.tags.add(
            tag
            if isinstance(tag, Tag)
            else Tag.objects.get_or_create(code=tag, defaults={"name": tag})[0]
        )
    return enterprise


def make_industry(code="C34", name="通用设备制造业") -> Industry:
    return Industry.objects.get_or_create(code=code, defaults={"name": name})[0]


def make_campaign(*, scope_unit=None, **fields) -> Campaign:
    fields.setdefault("name", f"合力扶企行动{next(_seq)}")
    fields.setdefault("start", datetime.date(2026, 1, 1))
    return Campaign.objects.create(
        scope_unit=scope_unit or make_unit(kind=OrgUnit.Kind.CITY), **fields
    )


def set_caps(campaign: Campaign, extra: dict[str, int] | None = None, **caps: int) -> None:
    """The campaign's workload caps by rank (a rank not named has none) and extensions."""
    WorkloadCap.objects.filter(campaign=campaign).delete()
    WorkloadCap.objects.bulk_create(
        [WorkloadCap(campaign=campaign, rank=r, cap=c) for r, c in caps.items()]
    )
    WorkloadExtension.objects.bulk_create(
        [
            WorkloadExtension(campaign=campaign, category=k, extra=e)
            for k, e in (extra or {}).items()
        ]
    )


def make_pairing(*, cadre=None, enterprise=None, campaign=None, **fields) -> Pairing:
    fields.setdefault("start", datetime.date(2026, 1, 1))
    return Pairing.objects.create(
        cadre=cadre or make_cadre(),
        enterprise=enterprise or make_enterprise(),
        campaign=campaign or make_campaign(),
        **fields,
    )


def make_visit(*, cadre=None, enterprise=None, **fields) -> Visit:
    fields.setdefault("date", datetime.date(2026, 3, 1))
    return Visit.objects.create(
        cadre=cadre or make_cadre(), enterprise=enterprise or make_enterprise(), **fields
    )


def make_ticket(*, enterprise=None, raised_by=None, status=Status.REGISTERED, **fields) -> Ticket:
    fields.setdefault("title", f"用地指标紧张{next(_seq)}")
    fields.setdefault("description", "企业扩建需新增用地，指标不足。")
    if status in (Status.RESOLVED, Status.CLOSED):
        fields.setdefault("outcome", "solved")
    if status == Status.CLOSED:
        fields.setdefault("rating", "satisfied")
    return Ticket.objects.create(
        enterprise=enterprise or make_enterprise(),
        raised_by=raised_by or make_user("cadre"),
        status=status,
        **fields,
    )
