"""The unified social credit code validator (GB 32100-2015): valid codes, every kind of wrong one.

Pure functions, no database. How `Enterprise.save()` uses them is in test_models_enterprises.py.
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from enterprises.uscc import (
    ALPHABET,
    VALUE,
    WEIGHTS,
    check_char,
    is_valid_uscc,
    normalise,
    validate_uscc,
)

# Codes published by real organisations (on their business licences and public registers).
PUBLISHED = [
    "91350100M000100Y43",
    "91110108551385082Q",
    "9144030071526726XG",
    "914403001922038216",
    "91330100716105852F",
]
# Codes built with our own check character, covering letters in every free part.
BUILT = [
    first17 + check_char(first17)
    for first17 in (
        "91330381000000001",
        "91330381MA2ABCDE1",
        "Y1110000XYA0000W0",
        "12100000400001234",
    )
]
FORBIDDEN = "IOZSV"


def reason(code: str) -> ValidationError:
    """The error `validate_uscc` raises for `code`, read in Simplified Chinese."""
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        validate_uscc(code)
    return exc.value


def independent_check_char(first17: str) -> str:
    """GB 32100-2015 §4.2 written out again, so the test does not trust the code under test:
    C18 = 31 - (Σ Ci·Wi mod 31), where 31 is written as 0, with Wi = 3^(i-1) mod 31."""
    total = sum(ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    return ALPHABET[(31 - total % 31) % 31]


def test_the_alphabet_and_weights_are_those_of_the_standard():
    assert len(ALPHABET) == 31 and not set(FORBIDDEN) & set(ALPHABET)
    assert VALUE["A"] == 10 and VALUE["Y"] == 30
    assert list(WEIGHTS) == [pow(3, i, 31) for i in range(17)]


@pytest.mark.parametrize("code", PUBLISHED + BUILT)
def test_valid_codes_pass(code):
    validate_uscc(code)
    assert is_valid_uscc(code)
    assert check_char(code[:17]) == independent_check_char(code[:17]) == code[17]


def test_a_check_value_of_31_is_written_as_zero():
    """Search a prefix whose weighted sum is a multiple of 31: its check character is "0"."""
    for n in range(1000):
        first17 = f"91330381{n:09d}"
        if sum(VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True)) % 31 == 0:
            break
    else:
        pytest.fail("no prefix with a weighted sum divisible by 31 in the first 1000")
    assert check_char(first17) == "0"
    assert is_valid_uscc(first17 + "0")


@pytest.mark.parametrize("code", PUBLISHED + BUILT)
def test_every_other_check_character_is_refused_and_the_message_names_the_right_one(code):
    expected = code[17]
    wrong = [c for c in ALPHABET if c != expected]
    assert len(wrong) == 30
    for c in wrong:
        error = reason(code[:17] + c)
        assert error.code == "uscc_check"
        message = error.messages[0]
        assert f"应为{expected}" in message and f"实际为{c}" in message, message


def test_a_single_changed_character_anywhere_in_the_first_17_breaks_the_check():
    """The weights are distinct non-zero residues mod the prime 31, so any one substitution
    changes the sum mod 31; the check character catches it."""
    for code in PUBLISHED[:2] + BUILT[:2]:
        for position in range(17):
            allowed = ALPHABET if position not in range(2, 8) else "0123456789"
            for c in allowed:
                if c == code[position]:
                    continue
                changed = code[:position] + c + code[position + 1 :]
                assert reason(changed).code == "uscc_check", changed


def test_swapping_two_adjacent_different_characters_is_caught():
    code = PUBLISHED[0]
    for i in range(16):
        if code[i] == code[i + 1]:
            continue
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        assert not is_valid_uscc(swapped), swapped


@pytest.mark.parametrize(
    ("code", "n"),
    [("", 0), (PUBLISHED[0][:17], 17), (PUBLISHED[0] + "3", 19), (PUBLISHED[0][:1], 1)],
)
def test_a_code_of_the_wrong_length_is_refused_with_its_length(code, n):
    error = reason(code)
    assert error.code == "uscc_length"
    assert error.messages[0] == f"统一社会信用代码应为18位，实际为{n}位"


@pytest.mark.parametrize("letter", FORBIDDEN)
@pytest.mark.parametrize("position", [0, 1, 8, 12, 16, 17])
def test_letters_left_out_of_the_alphabet_are_refused_wherever_they_stand(letter, position):
    code = PUBLISHED[0]
    error = reason(code[:position] + letter + code[position + 1 :])
    assert error.code == "uscc_chars"
    assert "不使用I、O、Z、S、V" in error.messages[0]


@pytest.mark.parametrize("position", range(2, 8))
def test_the_division_part_positions_3_to_8_must_be_digits(position):
    """A letter of the alphabet is fine elsewhere but not in the administrative division; the
    check character is recomputed, so only the shape can be wrong."""
    code = PUBLISHED[0]
    first17 = code[:position] + "A" + code[position + 1 : 17]
    error = reason(first17 + check_char(first17))
    assert error.code == "uscc_chars"
    assert "第3至8位为行政区划数字" in error.messages[0]
    # The same letter outside the division is acceptable.
    elsewhere = code[:9] + "A" + code[10:17]
    assert is_valid_uscc(elsewhere + check_char(elsewhere))


@pytest.mark.parametrize("junk", ["-", " ", "＊", "中", "\n", "a"])
def test_other_characters_are_refused_before_normalising(junk):
    code = PUBLISHED[0]
    assert reason(code[:10] + junk + code[11:]).code == "uscc_chars"


def test_lower_case_is_refused_raw_and_accepted_once_normalised():
    lower = PUBLISHED[0].lower()
    assert reason(lower).code == "uscc_chars"
    assert normalise(lower) == PUBLISHED[0]
    assert is_valid_uscc(normalise(lower))


def test_normalise_folds_full_width_characters_spaces_and_case():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in PUBLISHED[0])
    assert full_width != PUBLISHED[0] and len(full_width) == 18
    assert reason(full_width).code == "uscc_chars"
    assert normalise(full_width) == PUBLISHED[0]
    assert normalise(full_width.lower()) == PUBLISHED[0]
    # Leading, trailing and inner spaces, ideographic space (U+3000), tabs and newlines.
    assert normalise(" 9135\u30000100 m000100y43\t\n") == PUBLISHED[0]
    assert normalise("９１１１０１０８５５１３８５０８２ｑ") == PUBLISHED[1]


def test_normalise_does_not_turn_a_wrong_code_into_a_right_one():
    assert normalise("") == ""
    assert normalise(None) == ""
    # Folding is character for character: a forbidden letter stays forbidden.
    assert normalise("91350100ｏ000100Y43") == "91350100O000100Y43"
    assert not is_valid_uscc(normalise("91350100ｏ000100Y43"))


def test_messages_are_chinese_by_default():
    with pytest.raises(ValidationError) as exc:
        validate_uscc(PUBLISHED[0][:17] + "0")
    assert exc.value.messages == ["统一社会信用代码校验位错误：应为3，实际为0"]


def test_the_check_character_is_only_worked_out_of_exactly_17():
    with pytest.raises(ValueError):
        check_char("91330381")  # a code cut short: no check character to guess
    with pytest.raises(ValueError):
        check_char("91330381MA2CXXXX12")  # already 18


def test_the_whole_full_width_ascii_range_is_folded_its_ends_included():
    assert normalise("！ａ～") == "!A~"
    assert normalise("\uff00\uff5f") == "\uff00\uff5f"  # just outside: left alone


def test_a_code_with_a_letter_the_standard_leaves_out_is_refused_in_these_words():
    with pytest.raises(ValidationError) as refused:
        validate_uscc("91330381MA2CXXXXIO")
    assert refused.value.messages == [
        "统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V，第3至8位为行政区划数字）"
    ]
