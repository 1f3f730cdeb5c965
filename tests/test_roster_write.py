"""Writing a roster plan (COPY on PostgreSQL, bulk statements elsewhere): each new and changed
enterprise with its own values and tags, and nothing at all when the write fails partway."""

import pytest

from accounts import audit
from accounts.models import AuditEntry
from enterprises import roster_import
from enterprises.models import Enterprise
from tests import factories as f
from tests.test_roster_import import workbook

pytestmark = pytest.mark.django_db
CODES = [f.make_uscc(910_001 + n) for n in range(4)]


def row(code, *, name="甲公司", scale="小型", output="", tags=""):
    return [name, code, "云溪镇", "C34", scale, output, "", "", "", "", tags]


@pytest.fixture
def stored():
    """Two firms already on the roster, one tagged."""
    f.make_unit(name="云溪镇")
    plan = roster_import.read_plan(
        workbook(row(CODES[0], tags="规上工业"), row(CODES[1])), "a.xlsx"
    )
    roster_import.commit(plan, actor=f.make_user("admin"))
    return {e.uscc: e for e in Enterprise.objects.all()}


def tags_of(code):
    return sorted(Enterprise.objects.get(uscc=code).tags.values_list("name", flat=True))


def test_new_and_changed_firms_each_get_their_own_values_and_tags(stored):
    rows = [
        row(CODES[0], name="甲公司(更名)", tags="专精特新、高新技术"),
        row(CODES[1], scale="中型", output="88万元", tags="服务业"),
        row(CODES[2], name="丙公司", tags="上市企业；国资国企"),
        row(CODES[3], name="丁公司"),
    ]
    plan = roster_import.read_plan(workbook(*rows), "b.xlsx")
    assert (len(plan.create), len(plan.update), plan.unchanged) == (2, 2, 0)
    assert roster_import.commit(plan, actor=f.make_user("admin")) == {
        "created": 2,
        "updated": 2,
        "unchanged": 0,
    }
    assert [tags_of(code) for code in CODES] == [
        ["专精特新", "高新技术"],
        ["服务业"],
        ["上市企业", "国资国企"],
        [],
    ]
    first, second = (Enterprise.objects.get(uscc=code) for code in CODES[:2])
    # Registered names keep their full-width brackets.
    assert first.name == "甲公司（更名）" and first.pk == stored[CODES[0]].pk
    assert (second.scale, second.annual_output) == ("medium", 88)
    assert second.updated_at > stored[CODES[1]].updated_at
    again = roster_import.read_plan(workbook(*rows), "b.xlsx")
    assert (len(again.create), len(again.update), again.unchanged) == (0, 0, 4)


def test_a_write_that_fails_after_the_rows_leaves_the_roster_as_it_was(stored, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("the audit trail is unavailable")

    plan = roster_import.read_plan(
        workbook(row(CODES[0], name="改名", tags="服务业"), row(CODES[2])), "c.xlsx"
    )
    monkeypatch.setattr(audit, "record", refuse)
    with pytest.raises(RuntimeError):
        roster_import.commit(plan, actor=f.make_user("admin"))
    assert sorted(Enterprise.objects.values_list("uscc", "name")) == [
        (CODES[0], "甲公司"),
        (CODES[1], "甲公司"),
    ]
    assert tags_of(CODES[0]) == ["规上工业"]
    assert not AuditEntry.objects.filter(changes__file="c.xlsx").exists()
