"""Masking of phone and ID numbers, and the patterns the page-wide masking checks look for."""

import pytest
from django.template import Context, Template

from accounts.masking import UNMASKED_ID, UNMASKED_MOBILE, mask_id_number, mask_phone


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812341234", "138****1234"),
        (" 138 1234 1234 ", "138****1234"),
        ("+8613812341234", "138****1234"),
        ("0577-65812345", "0577-****2345"),
        ("65812345", "****2345"),
        ("110", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_numbers_are_masked(raw, masked):
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("33038119800101123X", "330381********123X"), ("330381800101123", "330381*****1123")],
)
def test_id_numbers_keep_only_the_region_and_the_last_four(raw, masked):
    assert mask_id_number(raw) == masked


def test_masked_values_no_longer_match_the_leak_patterns():
    assert UNMASKED_MOBILE.search("联系电话 13812341234")
    assert not UNMASKED_MOBILE.search(mask_phone("13812341234"))
    assert UNMASKED_ID.search("身份证 33038119800101123X")
    assert not UNMASKED_ID.search(mask_id_number("33038119800101123X"))
    # A USCC is not a personal ID and must not trip the check.
    assert not UNMASKED_ID.search("91330381000000001X")


def test_template_filters_mask():
    html = Template("{% load pii %}{{ p|mask_phone }} {{ i|mask_id_number }}").render(
        Context({"p": "13912345678", "i": "33038119800101123X"})
    )
    assert html == "139****5678 330381********123X"
