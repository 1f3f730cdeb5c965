"""The cadre import: every row validated and reported by row and column, an upsert by staff number
(or mobile), new accounts that must change their password, changes of post as transfers that keep
the pairings, all or nothing, and a second import that changes nothing."""

import io

import pytest
from django.utils import timezone

from accounts.models import AuditEntry, Cadre, CadrePost, OrgUnit, User
from enterprises.spreadsheets.reader import UnreadableSheet
from pairing import cadre_import
from pairing.models import Pairing
from tests import factories as f
from tests.helpers import xlsx

pytestmark = pytest.mark.django_db
HEADER = ["姓名", "工号", "手机号", "单位", "职务", "职级", "状态"]


@pytest.fixture
def units():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="瑞安市")
    return {
        "econ": f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="JXJ", name="经信局"),
        "tax": f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="SWJ", name="税务局"),
        "admin": f.make_user("admin"),
    }


def plan_of(*rows, header=HEADER, name="干部.xlsx"):
    return cadre_import.read_plan(xlsx(header, *rows), name)


GOOD = [
    ["张伟", "A001", "13800001111", "经信局", "科长", "科级", "在岗"],
    ["李娜", "A002", "139 0000 2222", "SWJ", "", "一般干部", ""],
]


def test_a_good_sheet_creates_accounts_that_must_change_their_password(units):
    plan = plan_of(*GOOD)
    assert plan.ok and plan.counts == {"created": 2, "updated": 0, "unchanged": 0}
    assert not Cadre.objects.exists()  # planning writes nothing
    cadre_import.commit(plan, actor=units["admin"], filename="干部.xlsx")
    zhang = Cadre.objects.select_related("user").get(staff_no="A001")
    assert (zhang.user.username, zhang.user.display_name, zhang.user.phone) == (
        "A001",
        "张伟",
        "13800001111",
    )
    assert zhang.user.must_change_password and not zhang.user.has_usable_password()
    assert zhang.user.roles == {"cadre"} and zhang.user.home_unit == units["econ"]
    assert (zhang.unit, zhang.post, zhang.rank, zhang.status) == (
        units["econ"],
        "科长",
        "section",
        "active",
    )
    assert CadrePost.objects.get(cadre=zhang).start == timezone.localdate()
    li = Cadre.objects.get(staff_no="A002")
    assert (li.unit, li.user.phone) == (units["tax"], "13900002222")  # by code; phone cleaned
    assert AuditEntry.objects.filter(action="cadre_create").count() == 2
    assert AuditEntry.objects.get(action="import").changes["kind"] == "cadres"


def test_header_aliases(units):
    plan = plan_of(
        ["李娜", "A002", "13900002222", "税务局", "一般干部"],
        header=["干部姓名", "职工号", "联系电话", "工作单位", "职级"],
    )
    assert plan.ok and plan.counts["created"] == 1


def test_importing_the_same_file_twice_changes_nothing(units):
    cadre_import.commit(plan_of(*GOOD), actor=units["admin"])
    again = plan_of(*GOOD)
    assert again.ok and again.counts == {"created": 0, "updated": 0, "unchanged": 2}
    cadre_import.commit(again, actor=units["admin"])
    assert User.objects.filter(cadre__isnull=False).count() == 2
    assert CadrePost.objects.count() == 2


def test_a_new_post_is_a_transfer_that_keeps_the_pairings(units):
    cadre_import.commit(plan_of(*GOOD), actor=units["admin"])
    zhang = Cadre.objects.get(staff_no="A001")
    pairing = f.make_pairing(cadre=zhang)
    moved = [["张伟", "A001", "13800009999", "税务局", "副局长", "县处级", "在岗"], GOOD[1]]
    plan = plan_of(*moved)
    assert plan.counts == {"created": 0, "updated": 1, "unchanged": 1}
    cadre_import.commit(plan, actor=units["admin"])
    zhang.refresh_from_db()
    assert (zhang.unit, zhang.post, zhang.rank) == (units["tax"], "副局长", "county")
    assert zhang.user.phone == "13800009999"
    posts = CadrePost.objects.filter(cadre=zhang).order_by("pk")
    assert [(p.unit, p.end is None) for p in posts] == [
        (units["econ"], False),
        (units["tax"], True),
    ]
    assert Pairing.objects.get(pk=pairing.pk).end is None  # 事随人走
    assert AuditEntry.objects.filter(action="cadre_transfer").count() == 1
    # The trail names the changed fields, never the number.
    assert AuditEntry.objects.get(action="cadre_update").changes == {"fields": ["phone"]}


def test_a_row_without_a_staff_number_finds_the_cadre_by_mobile(units):
    cadre_import.commit(plan_of(*GOOD), actor=units["admin"])
    plan = plan_of(["张伟", "", "+86 138-0000-1111", "经信局", "副科长", "科级", ""])
    assert plan.ok and plan.counts["updated"] == 1
    cadre_import.commit(plan, actor=units["admin"])
    assert Cadre.objects.get(staff_no="A001").post == "副科长"


def test_a_masked_mobile_never_overwrites_the_stored_number(units):
    """An export without the full-PII permission writes 138****1111: imported back, the row is
    matched by staff number and the stored number stays, even when the masked one differs."""
    cadre_import.commit(plan_of(*GOOD), actor=units["admin"])
    plan = plan_of(
        ["张伟", "A001", "138****1111", "经信局", "科长", "科级", "在岗"],
        ["李娜", "A002", "139＊＊＊＊0000", "SWJ", "副科长", "一般干部", ""],
    )
    assert plan.ok and plan.counts == {"created": 0, "updated": 1, "unchanged": 1}
    cadre_import.commit(plan, actor=units["admin"])
    li = Cadre.objects.select_related("user").get(staff_no="A002")
    assert (li.post, li.user.phone) == ("副科长", "13900002222")
    assert Cadre.objects.get(staff_no="A001").user.phone == "13800001111"
    # Without a staff number a masked mobile identifies nobody: the row is refused.
    plan = plan_of(["张伟", "", "138****1111", "经信局", "科长", "科级", ""])
    assert [(e.row, e.column, e.value) for e in plan.errors] == [(2, "手机号", "138****1111")]
    assert "打码" in plan.errors[0].message


def test_retiring_a_cadre_who_still_has_enterprises_is_refused(units):
    cadre_import.commit(plan_of(*GOOD), actor=units["admin"])
    zhang, li = Cadre.objects.get(staff_no="A001"), Cadre.objects.get(staff_no="A002")
    f.make_pairing(cadre=zhang)
    plan = plan_of([*GOOD[0][:6], "退休"], [*GOOD[1][:6], "调离"])
    assert [(e.row, e.column) for e in plan.errors] == [(2, "状态")]
    assert "交接" in plan.errors[0].message
    # Without enterprises, leaving goes through the hand-over: status set, post closed.
    cadre_import.commit(plan_of([*GOOD[1][:6], "调离"]), actor=units["admin"])
    li.refresh_from_db()
    assert li.status == "left" and not CadrePost.objects.filter(cadre=li, end=None).exists()
    back = plan_of(GOOD[1])
    assert [(e.row, e.column) for e in back.errors] == [(2, "状态")]


def test_every_bad_row_is_reported_by_row_and_column(units):
    f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, name="税务局", code="SWJ2")  # a second 税务局
    f.make_user(username="A009")  # a login name already taken
    rows = [
        ["", "A003", "", "经信局", "", "科级", ""],  # 2: no name
        ["王五", "A004", "1380000", "经信局", "", "科级", ""],  # 3: bad mobile
        ["赵六", "A005", "", "不存在局", "", "科级", ""],  # 4: unknown unit
        ["钱七", "A006", "", "税务局", "", "科级", ""],  # 5: two units of that name
        ["孙八", "A007", "", "经信局", "", "处长级", ""],  # 6: rank
        ["周九", "A008", "", "经信局", "", "科级", "在编"],  # 7: status
        ["吴十", "", "", "经信局", "", "科级", ""],  # 8: neither staff number nor mobile
        ["郑一", "A009", "", "经信局", "", "科级", ""],  # 9: login name taken
        ["冯二", "", "13700001234", "经信局", "", "科级", ""],  # 10: no such mobile, no number
        ["陈三", "A010", "", "经信局", "", "科级", "退休"],  # 11: a new cadre not in post
    ]
    plan = plan_of(*rows)
    assert [(e.row, e.column) for e in plan.errors] == [
        (2, "姓名"),
        (3, "手机号"),
        (4, "单位"),
        (5, "单位"),
        (6, "职级"),
        (7, "状态"),
        (8, "工号"),
        (9, "工号"),
        (10, "手机号"),
        (11, "状态"),
    ]
    assert plan.errors[1].value == "1380000" and "11位" in plan.errors[1].message
    assert "单位编码" in plan.errors[3].message
    with pytest.raises(ValueError):
        cadre_import.commit(plan, actor=units["admin"])
    assert not Cadre.objects.exists()


def test_duplicates_in_the_file_are_reported_against_the_first(units):
    rows = [
        GOOD[0],
        ["张伟", "A001", "", "经信局", "", "科级", ""],
        ["张三", "A011", "13800001111", "经信局", "", "科级", ""],
    ]
    plan = plan_of(*rows)
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        (3, "工号", "与第2行的工号重复"),
        (4, "手机号", "与第2行的手机号重复"),
    ]


def test_a_bad_last_row_leaves_nothing_written(units):
    plan = plan_of(*GOOD, ["王五", "A004", "", "不存在局", "", "科级", ""])
    assert [e.row for e in plan.errors] == [4]
    with pytest.raises(ValueError):
        cadre_import.commit(plan, actor=units["admin"])
    assert not User.objects.filter(username__in=["A001", "A002"]).exists()


def test_a_sheet_without_staff_number_or_mobile_is_refused(units):
    with pytest.raises(UnreadableSheet, match="工号"):
        plan_of(["张伟", "经信局", "科级"], header=["姓名", "单位", "职级"])


def test_csv_in_gbk_reads_the_same(units):
    lines = [",".join(HEADER)] + [",".join(r) for r in GOOD] + [",,,"]
    plan = cadre_import.read_plan(io.BytesIO("\r\n".join(lines).encode("gbk")), "干部.csv")
    assert plan.ok and plan.rows == 2 and plan.counts["created"] == 2
