"""Masking of personal information (PIPL; MLPS 2.0 level 3): phone numbers show as 138****1234 and
ID numbers as 330381********1234 on every page, list and export. Users who hold the permission see
a value in full only by asking for it, and each such view is recorded in the audit trail."""

from __future__ import annotations

import re

FULL_PII_PERMISSION = "accounts.view_full_pii"

# What an unmasked mobile or resident ID looks like in a page or an export; tests scan for these.
UNMASKED_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
UNMASKED_ID = re.compile(
    r"(?<![\dA-Z])[1-9]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Z])"
)


def mask_phone(value: str) -> str:
    """Keep the first 3 and last 4 digits of a mobile; for other numbers (landlines with an area
    code, short numbers) keep the area code and the last 4 digits, hiding the rest."""
    value = (value or "").strip()
    if not value:
        return ""
    compact = re.sub(r"[\s-]", "", value)
    if re.fullmatch(r"(\+?86)?1\d{10}", compact):
        mobile = compact[-11:]
        return f"{mobile[:3]}****{mobile[-4:]}"
    if "-" in value:
        area, _sep, number = value.partition("-")
        number = re.sub(r"\s", "", number)
        return f"{area}-{'*' * max(len(number) - 4, 0)}{number[-4:]}"
    if len(compact) <= 4:
        return "*" * len(compact)
    return f"{'*' * (len(compact) - 4)}{compact[-4:]}"


def is_masked(value: str) -> bool:
    """A value as mask_phone or mask_id_number wrote it (stars for the hidden digits): what an
    export without the full-PII permission holds, which an import must not store as a number."""
    return "*" in (value or "")


def mask_id_number(value: str) -> str:
    """A resident ID (18 characters): the region code and the last 4 characters stay."""
    value = (value or "").strip()
    if len(value) <= 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def can_see_full_pii(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(FULL_PII_PERMISSION))


def mask_mobiles(text: str) -> str:
    """Free text (a visit's notes, a measure's progress) with every mobile number in it masked."""
    return UNMASKED_MOBILE.sub(lambda m: mask_phone(m.group()), text or "")
