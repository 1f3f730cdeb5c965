"""The reference-data migration: GB/T 4754-2017 sections and divisions, and the enterprise tags."""

import pytest

from enterprises.models import Industry, Tag
from enterprises.reference import TAGS

pytestmark = pytest.mark.django_db


def test_twenty_sections_and_ninety_seven_divisions_under_the_right_sections():
    sections = Industry.objects.filter(parent__isnull=True)
    assert sorted(sections.values_list("code", flat=True)) == list("ABCDEFGHIJKLMNOPQRST")
    divisions = Industry.objects.filter(parent__isnull=False).select_related("parent")
    assert divisions.count() == 97
    assert all(d.code[0] == d.parent.code for d in divisions)
    assert Industry.objects.get(code="C36").name == "汽车制造业"
    assert Industry.objects.get(code="C").divisions.count() == 31
    numbers = sorted(int(d.code[1:]) for d in divisions)
    assert numbers == list(range(1, 98))


def test_the_campaign_tags_exist():
    assert set(Tag.objects.values_list("code", "name")) == set(TAGS)
    assert Tag.objects.filter(name="专精特新").exists()
