"""The unified social credit code validator (GB 32100-2015): valid codes, every wrong kind."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from enterprises.models import Enterprise
from enterprises.uscc import ALPHABET, check_char, is_valid_uscc, normalise, validate_uscc

# Published codes of real organisations, and codes built with our own check character.
REAL = ["91350100M000100Y43", "91110108551385082Q"]
BUILT = [
    "91330381" + s + check_char("91330381" + s) for s in ("000000001", "MA2ABCDE1", "123456789")
]


@pytest.mark.parametrize("code", REAL + BUILT)
def test_valid_codes_pass(code):
    validate_uscc(code)
    assert is_valid_uscc(code)


def test_every_wrong_check_character_is_caught():
    code = REAL[0]
    wrong = [c for c in ALPHABET if c != code[17]]
    assert len(wrong) == 30
    for c in wrong:
        with pytest.raises(ValidationError) as exc:
            validate_uscc(code[:17] + c)
        assert exc.value.code == "uscc_check"
        assert f"应为{code[17]}" in exc.value.messages[0]


def test_a_changed_character_anywhere_breaks_the_check():
    code = BUILT[0]
    for position in range(17):
        for c in "0123456789ABC":
            if c == code[position]:
                continue
            changed = code[:position] + c + code[position + 1 :]
            assert not is_valid_uscc(changed), changed


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("", "uscc_length"),
        ("91350100M000100Y4", "uscc_length"),
        ("91350100M000100Y433", "uscc_length"),
        ("91350100M0001I0Y43", "uscc_chars"),  # I is not in the alphabet
        ("91350100M0001O0Y43", "uscc_chars"),
        ("9135Z100M000100Y43", "uscc_chars"),  # the division code (positions 3–8) is digits
        ("91350100S000100Y43", "uscc_chars"),
        ("91350100V000100Y43", "uscc_chars"),
        ("91350100m000100y43", "uscc_chars"),  # lower case is normalised before validating
    ],
)
def test_malformed_codes_fail_with_a_chinese_reason(code, error):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(code)
    assert exc.value.code == error
    assert "统一社会信用代码" in exc.value.messages[0]


def test_normalise_folds_spaces_case_and_full_width_characters():
    assert normalise(" ９１３５０１００ｍ０００１００ｙ４３ ") == REAL[0]
    assert normalise("91350100 m000100y43") == REAL[0]


@pytest.mark.django_db
def test_saving_an_enterprise_normalises_and_validates_its_code(f):
    enterprise = f.make_enterprise(uscc=" 91350100m000100y43")
    assert Enterprise.objects.get(pk=enterprise.pk).uscc == REAL[0]
    with pytest.raises(ValidationError):
        f.make_enterprise(uscc="91350100M000100Y44")
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_code(f):
    f.make_enterprise(uscc=REAL[1])
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_enterprise(uscc=REAL[1].lower())
