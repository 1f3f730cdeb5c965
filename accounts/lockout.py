"""Account lockout: 5 failed logins within 10 minutes lock the username for 10 minutes.

The audit trail is the record of failures, so there is one source of truth for what happened.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import AuditEntry

MAX_FAILURES = 5
WINDOW = datetime.timedelta(minutes=10)

LOGIN_FAILED = "login_failed"
LOGIN_LOCKED = "login_locked"
ACCOUNT_LOCKED = "account_locked"
LOGIN = "login"


def recent_failures(username: str, now: datetime.datetime | None = None) -> int:
    """Failed logins for `username` in the window, not counting those before its last success."""
    now = now or timezone.now()
    in_window = AuditEntry.objects.filter(username=username, at__gte=now - WINDOW, at__lte=now)
    failures = in_window.filter(action=LOGIN_FAILED)
    # Entries are ordered by id: two entries can share a timestamp, never an id.
    last_login_id = (
        in_window.filter(action=LOGIN).order_by("-id").values_list("id", flat=True).first()
    )
    if last_login_id:
        failures = failures.filter(id__gt=last_login_id)
    return failures.count()


def is_locked(username: str, now: datetime.datetime | None = None) -> bool:
    return recent_failures(username, now) >= MAX_FAILURES


class LockoutModelBackend(ModelBackend):
    """ModelBackend that refuses a locked username before checking its password, so a locked
    account cannot be probed further. Raising PermissionDenied stops the authentication chain."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field(), "")
        if username and is_locked(username):
            if request is not None:
                request.login_locked = True
            raise PermissionDenied("locked")
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
