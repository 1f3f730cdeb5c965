"""Invariants of enterprises.models: every save checks the USCC, which is unique in the database."""

import contextlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from enterprises.models import Enterprise, Industry, Tag
from enterprises.uscc import check_char

pytestmark = pytest.mark.django_db

VALID = "91350100M000100Y43"
WRONG_CHECK = VALID[:17] + "4"


@contextlib.contextmanager
def refused():
    """Expect the database to refuse, inside a savepoint so the test can go on."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


def test_save_stores_the_normalised_code(f):
    full_width_lower = "".join(chr(ord(c) + 0xFEE0) for c in VALID.lower())
    for raw in (" 91350100m000100y43 ", full_width_lower, "9135 0100 M000 100Y 43"):
        Enterprise.objects.all().delete()
        enterprise = f.make_enterprise(uscc=raw)
        assert enterprise.uscc == VALID
        assert Enterprise.objects.values_list("uscc", flat=True).get() == VALID


@pytest.mark.parametrize(
    ("uscc", "code"),
    [
        (WRONG_CHECK, "uscc_check"),
        (VALID[:17], "uscc_length"),
        ("", "uscc_length"),
        (VALID[:8] + "I" + VALID[9:], "uscc_chars"),
    ],
)
def test_save_refuses_an_invalid_code_and_writes_nothing(f, uscc, code):
    town = f.make_unit()
    with pytest.raises(ValidationError) as exc:
        Enterprise.objects.create(name="瑞安测试有限公司", uscc=uscc, town=town)
    assert exc.value.code == code
    assert not Enterprise.objects.exists()


def test_an_update_through_save_is_checked_too(f):
    enterprise = f.make_enterprise(uscc=VALID, name="瑞安原名有限公司")
    enterprise.uscc = WRONG_CHECK
    enterprise.name = "改名"
    with pytest.raises(ValidationError):
        enterprise.save()
    assert Enterprise.objects.values_list("uscc", "name").get() == (VALID, "瑞安原名有限公司")


def test_full_clean_reports_a_bad_code_on_its_field(f):
    enterprise = Enterprise(name="瑞安测试有限公司", uscc=WRONG_CHECK, town=f.make_unit())
    with pytest.raises(ValidationError) as exc:
        enterprise.full_clean()
    assert list(exc.value.message_dict) == ["uscc"]
    assert "应为3" in exc.value.message_dict["uscc"][0]


def test_the_database_refuses_a_second_enterprise_with_the_same_code(f):
    f.make_enterprise(uscc=VALID)
    with refused():
        f.make_enterprise(uscc=VALID)
    # Spelled differently, the same code normalises to the same row key.
    with refused():
        f.make_enterprise(uscc=VALID.lower())
    with refused():
        f.make_enterprise(uscc=" " + VALID)
    assert Enterprise.objects.count() == 1
    # A different valid code is a different enterprise.
    other = VALID[:16] + "5"
    f.make_enterprise(uscc=other + check_char(other))
    assert Enterprise.objects.count() == 2


def test_uniqueness_holds_even_for_writes_that_skip_save(f):
    first = f.make_enterprise(uscc=VALID)
    second = f.make_enterprise()
    with refused():
        Enterprise.objects.filter(pk=second.pk).update(uscc=first.uscc)


def test_tags_and_industries_have_unique_codes(f):
    """Codes unknown to the reference data the migrations load (the test must not collide)."""
    Tag.objects.create(code="test_tag", name="测试标签")
    with refused():
        Tag.objects.create(code="test_tag", name="另一个测试标签")
    with refused():
        Tag.objects.create(code="test_tag2", name="测试标签")
    section = Industry.objects.create(code="Q9", name="测试门类")
    Industry.objects.create(code="Q999", name="测试大类", parent=section)
    with refused():
        Industry.objects.create(code="Q999", name="重复")
    assert list(section.divisions.values_list("code", flat=True)) == ["Q999"]
