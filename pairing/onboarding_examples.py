"""A county's four onboarding sheets, as an example to download and to try the dry run on: 泰顺县
with its towns and departments, a dozen cadres, its firms (a title row, 规上/规下, a 合计 row at
the bottom, as an office writes them) and their pairings. Each is the kind's template (the same
headers and drop-downs) with rows filled in; the county hangs under the tree's root and the
pairings name a campaign of the system as it stands, so the four check on any deployment."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import Cadre, OrgUnit
from enterprises import roster_import
from enterprises.spreadsheets import workbooks
from enterprises.uscc import check_char
from pairing import cadre_import, pairing_import, selectors, unit_import
from pairing.models import Campaign

COUNTY = ("TS", "泰顺县")
TOWNS = [("TS01", "罗阳镇", "镇"), ("TS02", "司前畲族镇", "镇"), ("TS03", "罗阳街道", "街道")]
DEPARTMENTS = [("TS11", "泰顺县经信局"), ("TS12", "泰顺县商务局"), ("TS13", "泰顺县农业农村局")]
CADRES = [
    ("TS0001", "林建国", "TS11", "局长", "科级"),
    ("TS0002", "陈晓燕", "TS11", "副局长", "科级"),
    ("TS0003", "吴志强", "TS12", "科长", "一般干部"),
    ("TS0004", "周丽华", "TS13", "科员", "一般干部"),
    ("TS0005", "郑海波", "TS01", "副镇长", "科级"),
    ("TS0006", "翁美玲", "TS02", "镇长", "科级"),
    ("TS0007", "季明", "TS03", "主任", "科级"),
]
FIRMS = [
    ("泰顺县罗阳石材（集团）有限公司", "罗阳镇", "规上", "C30", 28600, 156),
    ("泰顺三杯香茶业有限公司", "司前畲族镇", "规上", "C15", 9800, 88),
    ("泰顺县廊桥竹木制品厂", "罗阳镇", "规下", "C20", 860, 23),
    ("浙江泰顺氡泉旅游开发有限公司", "罗阳街道", "中型", "N78", 4200, 120),
    ("泰顺县畲乡农业专业合作社", "司前畲族镇", "规下", "A01", 320, 9),
    ("泰顺县东溪电子科技有限公司", "罗阳街道", "规上", "C39", 15300, 210),
]
# (cadre's staff number, index of the firm in FIRMS, role)
PAIRS = [("TS0001", 0, "主联系人"), ("TS0002", 1, "主联系人"), ("TS0005", 2, "主联系人")]
PAIRS += [("TS0007", 3, "主联系人"), ("TS0006", 4, "主联系人"), ("TS0001", 5, "主联系人")]
PAIRS += [("TS0003", 5, "协助")]


def uscc(n: int) -> str:
    first17 = f"91330329{n:09d}"  # 330329: Taishun's division code
    return first17 + check_char(first17)


def _root() -> OrgUnit | None:
    roots = list(OrgUnit.objects.filter(parent__isnull=True)[:2])
    return roots[0] if len(roots) == 1 else None


def _campaign() -> Campaign | None:
    root = _root()
    campaigns = selectors.campaigns_for_area(root) if root else Campaign.objects.none()
    return campaigns.filter(scope_unit=root).first() or campaigns.first()


def units_sheet() -> bytes:
    root = _root()
    rows = [[COUNTY[0], COUNTY[1], "县（市、区）", root.code if root else ""]]
    rows += [[code, name, kind, COUNTY[0]] for code, name, kind in TOWNS]
    rows += [[code, name, "部门", COUNTY[1]] for code, name in DEPARTMENTS]
    return _sheet(unit_import, rows, {"kind": [str(label) for _v, label in OrgUnit.Kind.choices]})


def cadres_sheet() -> bytes:
    rows = [
        [name, staff_no, f"139{n:08d}", unit, post, rank, "在岗"]
        for n, (staff_no, name, unit, post, rank) in enumerate(CADRES, start=57701001)
    ]
    allowed = {"rank": [str(label) for _v, label in Cadre.Rank.choices]}
    return _sheet(cadre_import, rows, allowed)


def enterprises_sheet() -> bytes:
    """In the template's columns, then a 合计 row as offices end their rosters with."""
    columns = list(roster_import.ALIASES)
    rows = []
    for n, (name, town, scale, industry, output, employees) in enumerate(FIRMS, start=1):
        cells = {
            "name": name,
            "uscc": uscc(n),
            "town": town,
            "industry": industry,
            "scale": scale,
            "annual_output": output,
            "employees": employees,
            "legal_representative": "",
            "founded": f"20{10 + n}-0{n}-1{n}",
        }
        rows.append([cells.get(c, "") for c in columns])
    total = ["合计", "", "", "", "", "", sum(f[4] for f in FIRMS)]
    rows.append(total + [""] * (len(columns) - len(total)))
    allowed = {
        "scale": ["大型", "中型", "小型", "微型"],
        "above_scale": ["规上", "规下"],
    }
    return _sheet(roster_import, rows, allowed)


def pairings_sheet() -> bytes:
    campaign = _campaign()
    names = {cadre[0]: cadre[1] for cadre in CADRES}
    rows = [
        [
            uscc(firm + 1),
            FIRMS[firm][0],
            staff_no,
            names[staff_no],  # the template's 干部姓名, for the reader (the import goes by 工号)
            role,
            campaign.name if campaign else "",
        ]
        for staff_no, firm, role in PAIRS
    ]
    return _sheet(pairing_import, rows, {"role": ["主联系人", "协助"]})


def _sheet(module, rows, allowed) -> bytes:
    title = str(getattr(module, "SHEET_TITLE", _("企业名册")))
    return workbooks.template(
        title, module.ALIASES, module.REQUIRED, _("可选值"), allowed, rows=rows
    )


EXAMPLES = {
    "units": units_sheet,
    "cadres": cadres_sheet,
    "enterprises": enterprises_sheet,
    "pairings": pairings_sheet,
}
