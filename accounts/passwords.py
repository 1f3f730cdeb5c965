"""Password rules of MLPS 2.0 level 3: length, character classes, no reuse of recent passwords.

Registered in settings.AUTH_PASSWORD_VALIDATORS, so every path that sets a password through Django's
validation (forms, the admin, createsuperuser-like commands) applies them.
"""

from __future__ import annotations

import string

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

CLASSES = (
    ("lower", set(string.ascii_lowercase)),
    ("upper", set(string.ascii_uppercase)),
    ("digit", set(string.digits)),
)


def character_classes(password: str) -> int:
    """How many of lower-case, upper-case, digits and other symbols the password uses."""
    used = sum(1 for _name, chars in CLASSES if any(ch in chars for ch in password))
    others = any(not any(ch in chars for _n, chars in CLASSES) for ch in password)
    return used + int(others)


class ComplexityValidator:
    """At least `min_length` characters drawn from at least `min_classes` of the four classes."""

    def __init__(self, min_length: int = 8, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length or character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "密码至少%(length)d位，且须包含大写字母、小写字母、数字、符号中的至少%(classes)d类。"
        ) % {
            "length": self.min_length,
            "classes": self.min_classes,
        }


class RecentPasswordValidator:
    """Refuses the current password and the ones it replaced, `keep` in all; records each change."""

    def __init__(self, keep: int = 3):
        self.keep = keep

    def validate(self, password: str, user=None) -> None:
        if user is None or not user.pk:
            return
        from accounts.models import PasswordHistory

        # The current password, then the ones it replaced, newest first.
        replaced = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-id")
        hashes = [user.password, *replaced.values_list("password_hash", flat=True)[: self.keep - 1]]
        if any(h and check_password(password, h) for h in hashes):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password: str, user=None) -> None:
        if user is None or not user.pk:
            return
        from accounts.models import PasswordHistory, User

        replaced = getattr(user, "_replaced_password_hash", "")
        if replaced:
            PasswordHistory.objects.create(user=user, password_hash=replaced)
        User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now())

    def get_help_text(self) -> str:
        return _("新密码不能与最近%(keep)d次使用过的密码相同。") % {"keep": self.keep}
