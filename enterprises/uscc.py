"""The unified social credit code (统一社会信用代码) of GB 32100-2015.

18 characters: registration authority (1), entity kind (1), administrative division (6 digits),
organisation code (9), check character (1). Characters come from a 31-symbol alphabet that
leaves out I, O, Z, S and V. The check character is 31 - (Σ value·weight mod 31), with 31
written as 0.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def check_char(first17: str) -> str:
    """The 18th character for the given first 17."""
    total = sum(VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(raw: str) -> str:
    """Upper-case, strip spaces and fold full-width characters, as office spreadsheets need."""
    folded = "".join(
        chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch for ch in (raw or "")
    )
    return re.sub(r"\s+", "", folded).upper()


def validate_uscc(value: str) -> None:
    """Raise ValidationError with a Chinese message if `value` is not a valid USCC."""
    if len(value) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，实际为%(n)d位"),
            code="uscc_length",
            params={"n": len(value)},
        )
    if not SHAPE.match(value):
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V，第3至8位为行政区划数字）"),
            code="uscc_chars",
        )
    expected = check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误：应为%(expected)s，实际为%(actual)s"),
            code="uscc_check",
            params={"expected": expected, "actual": value[17]},
        )


def is_valid_uscc(value: str) -> bool:
    try:
        validate_uscc(value)
    except ValidationError:
        return False
    return True
