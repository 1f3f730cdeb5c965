"""What the campaign tests share: a province with two counties, people at every level, and the
campaign form's POST data built from lists of batches, groups, targets and caps."""

from __future__ import annotations

import datetime

from accounts.models import Cadre, OrgUnit
from tests import factories as f

D = datetime.date


def province_world() -> dict:
    """A province → city → two counties (east, west), each with a town and a department; the
    province and the city have departments too. East's organiser and leader; a cadre at each
    level, and one in the west (another county: never pairable from the east)."""
    province = f.make_unit(kind=OrgUnit.Kind.PROVINCE, code="P", name="海南省")
    city = f.make_unit(kind=OrgUnit.Kind.CITY, parent=province, code="C", name="海口市")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E", name="东城区")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W", name="西城区")
    units = {
        "province": province,
        "city": city,
        "east": east,
        "west": west,
        "town": f.make_unit(parent=east, code="E1", name="云溪镇"),
        "west_town": f.make_unit(parent=west, code="W1", name="江口镇"),
        "province_dept": f.make_unit(
            kind=OrgUnit.Kind.DEPARTMENT, parent=province, code="PD", name="省工信厅"
        ),
        "city_dept": f.make_unit(
            kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="CD", name="市商务局"
        ),
        "dept": f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=east, code="ED", name="区经信局"),
        "west_dept": f.make_unit(
            kind=OrgUnit.Kind.DEPARTMENT, parent=west, code="WD", name="西城区经信局"
        ),
    }

    def cadre(name, unit, rank):
        user = f.make_user("cadre", home_unit=units[unit], display_name=name)
        return f.make_cadre(user=user, unit=units[unit], rank=rank)

    return {
        **units,
        "organiser": f.make_user("organiser", jurisdiction_unit=east),
        "leader": f.make_user("leader", jurisdiction_unit=east),
        "province_leader": cadre("王省长", "province_dept", Cadre.Rank.CITY_LEADER),
        "city_cadre": cadre("李局长", "city_dept", Cadre.Rank.COUNTY),
        "dept_cadre": cadre("张科长", "dept", Cadre.Rank.SECTION),
        "town_cadre": cadre("赵干事", "town", Cadre.Rank.GENERAL),
        "west_cadre": cadre("周西城", "west_dept", Cadre.Rank.SECTION),
    }


def campaign_data(
    *,
    name: str,
    scope,
    start: str,
    end: str = "",
    batches=(),
    groups=(),
    targets=(),
    caps=None,
    extra=None,
    initial: dict | None = None,
) -> dict:
    """The campaign form's POST: batches as (name, date), groups as dicts of GroupForm fields
    (members as a list of staff numbers), targets as dicts of TargetForm fields, caps by rank and
    extra firms by category. `initial` gives each formset's INITIAL_FORMS (when editing)."""
    data = {
        "name": name,
        "scope_unit": scope.pk,
        "start": start,
        "end": end,
        "visit_every_days": "30",
        "description": "",
    }
    parts = {
        "batches": [{"name": n, "start": d} for n, d in batches],
        "groups": [
            {"kind": "service", **g, "member_numbers": "\n".join(g.get("member_numbers", []))}
            for g in groups
        ],
        "targets": [
            {**t, "firms": "\n".join(t.get("firms", []))} if "firms" in t else t for t in targets
        ],
    }
    for prefix, rows in parts.items():
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str((initial or {}).get(prefix, 0))
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = "" if value is None else str(value)
    for rank, cap in (caps or {}).items():
        data[f"cap_{rank}"] = str(cap)
    for category, n in (extra or {}).items():
        data[f"extra_{category}"] = str(n)
    return data
