"""The import commands for very large files (issue 15): the same plan and commit as the pages, a
progress bar on standard error, a JSON summary on standard output, and an exit status of 0 only
when the file imported (or would) without errors."""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command

from accounts.models import AuditEntry, Cadre, OrgUnit
from enterprises.models import Enterprise
from pairing import onboarding_examples
from pairing.models import Pairing
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    city = f.make_unit(name="温州市", kind=OrgUnit.Kind.CITY, code="WZ")
    f.make_campaign(scope_unit=city, name="千名干部挂千企")
    f.make_user("admin", username="sysadmin")
    return city


def write(path, *rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return str(path)


def run(name, *args):
    """(exit status, stdout, stderr) of the command."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exit:
        status = exit.code
    return status, out.getvalue(), err.getvalue()


def test_import_roster_json_summary_and_exit_status(city, tmp_path):
    town = f.make_unit(name="塘下镇", kind=OrgUnit.Kind.TOWN, parent=city)
    rows = [
        [f"企业{n}（集团）有限公司", f.make_uscc(970000 + n), town.name, "规上"] for n in range(3)
    ]
    good = write(
        tmp_path / "名录.xlsx", ["企业名称", "统一社会信用代码", "镇街", "规模"], *rows, ["合计"]
    )
    status, out, err = run("import_roster", good, "--dry-run", "--json")
    summary = json.loads(out)
    assert status == 0 and summary["ok"] and not summary["imported"]
    assert (summary["created"], summary["rejected"]) == (3, 0)
    assert summary["skipped"] == [{"row": 5, "reason": "合计行"}]
    assert "%" in err and "[" in err  # the progress bar, on standard error
    assert not Enterprise.objects.exists()

    status, out, _err = run("import_roster", good, "--json")
    assert status == 0 and json.loads(out)["imported"] and Enterprise.objects.count() == 3
    assert AuditEntry.objects.get(action="import").changes["via"] == "command"
    status, out, _err = run("import_roster", good, "--json")
    assert (status, json.loads(out)["unchanged"], json.loads(out)["created"]) == (0, 3, 0)

    bad = write(
        tmp_path / "bad.xlsx",
        ["企业名称", "统一社会信用代码", "镇街", "从业人员"],
        ["甲公司", f.make_uscc(970100), "不存在镇", -3],
        ["乙公司", f.make_uscc(970100), town.name, 5],
    )
    status, out, _err = run("import_roster", bad, "--json")
    summary = json.loads(out)
    assert status == 1 and not summary["ok"] and summary["rejected"] == 2
    assert {
        "row": 2,
        "column": "从业人员",
        "value": "-3",
        "message": "从业人数不能为负数",
    } in summary["errors"]
    assert any(e["row"] == 3 and "重复" in e["message"] for e in summary["errors"])
    assert Enterprise.objects.count() == 3


def test_a_hostile_or_unreadable_file_is_refused_with_status_1(city, tmp_path):
    fake = tmp_path / "名录.xlsx"
    fake.write_bytes(b"MZ\x90\x00 not a spreadsheet")
    status, out, _err = run("import_roster", str(fake), "--json")
    assert status == 1 and "无法识别的文件类型" in json.loads(out)["refusal"]


def test_units_cadres_and_pairings_commands_onboard_a_county(city, tmp_path):
    organiser = f.make_user("organiser", username="wz_org", jurisdiction_unit=city)
    paths = {}
    for kind, make in onboarding_examples.EXAMPLES.items():
        paths[kind] = tmp_path / f"{kind}.xlsx"
        paths[kind].write_bytes(make())
    status, out, _err = run("import_units", str(paths["units"]), "--json")
    assert status == 0 and json.loads(out)["created"] == 7
    status, out, _err = run("import_cadres", str(paths["cadres"]), "--json")
    assert status == 0 and Cadre.objects.count() == 7
    status, _out, _err = run("import_roster", str(paths["enterprises"]))
    assert status == 0
    status, out, _err = run("import_pairings", str(paths["pairings"]), "--user", "wz_org")
    assert status == 0 and "created 7" in out and Pairing.objects.count() == 7
    status, out, _err = run("import_pairings", str(paths["pairings"]), "--json", "--user", "wz_org")
    assert status == 0 and json.loads(out)["unchanged"] == 7
    assert organiser.username == "wz_org"


def test_import_county_dry_run_reports_each_sheet_and_what_is_missing(city, tmp_path):
    cadres = write(
        tmp_path / "cadres.xlsx",
        ["姓名", "工号", "单位", "职级"],
        ["林建国", "TS9", "无此局", "科级"],
    )
    units = tmp_path / "units.xlsx"
    units.write_bytes(onboarding_examples.units_sheet())
    status, out, _err = run(
        "import_county", "--units", str(units), "--cadres", cadres, "--dry-run", "--json"
    )
    result = json.loads(out)
    assert status == 1 and not result["ok"]
    assert [s["kind"] for s in result["sheets"]] == ["units", "cadres"]
    assert result["sheets"][0]["created"] == 7
    assert result["sheets"][1]["missing"] == {"单位": ["无此局"]}
    assert not OrgUnit.objects.filter(code="TS").exists()
    status, _out, _err = run("import_county", "--units", str(units))
    assert status == 0 and OrgUnit.objects.filter(code="TS").exists()
