"""Pinyin initials of Chinese names, for finding a cadre by typing "zs" for 张三."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def initials(name: str) -> str:
    """Lower-case initials of each character: 张三 → "zs", 欧阳Li → "oyli" (non-Chinese kept)."""
    letters = lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="default")
    return "".join(letters).lower().replace(" ", "")[:50]


def sort_key(text: str) -> list[str]:
    """Sorts Chinese words by their pinyin, as a reader looks them up in a list (不 before 中)."""
    return lazy_pinyin(text or "")
