"""Login lockout, by account and by client address:

- 5 failed logins of one username within 10 minutes lock that username;
- 20 failed logins from one IP address within 10 minutes, whatever the usernames (password
  spraying), lock logins from that address.

Either lock lasts until the failures that caused it are more than 10 minutes old. A successful
login clears a username's earlier failures, never an address's: one's own account must not wipe
a spray. The audit trail is the record of failures, so there is one source of truth for what
happened.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.client_address import client_ip
from accounts.models import AuditEntry

MAX_FAILURES = 5
MAX_IP_FAILURES = 20
WINDOW = datetime.timedelta(minutes=10)

LOGIN_FAILED = "login_failed"
LOGIN_LOCKED = "login_locked"
ACCOUNT_LOCKED = "account_locked"
IP_LOCKED = "ip_locked"
# Why a login is refused (request.login_locked, and the LOGIN_LOCKED entry's changes).
BY_ACCOUNT = "account"
BY_IP = "ip"
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


def ip_failures(ip: str, now: datetime.datetime | None = None):
    """Failed logins from `ip` in the window, over all usernames (index audit_ip_action)."""
    now = now or timezone.now()
    return AuditEntry.objects.filter(ip=ip, action=LOGIN_FAILED, at__gte=now - WINDOW, at__lte=now)


def recent_ip_failures(ip: str | None, now: datetime.datetime | None = None) -> int:
    return ip_failures(ip, now).count() if ip else 0


def is_ip_locked(ip: str | None, now: datetime.datetime | None = None) -> bool:
    return recent_ip_failures(ip, now) >= MAX_IP_FAILURES


def lock_reason(username: str, request) -> str | None:
    """BY_ACCOUNT or BY_IP when a login of `username` through `request` is refused, else None."""
    if username and is_locked(username):
        return BY_ACCOUNT
    if is_ip_locked(client_ip(request)):
        return BY_IP
    return None


class LockoutModelBackend(ModelBackend):
    """ModelBackend that refuses a locked username, or any login from a locked address, before
    checking the password, so neither can be probed further. Raising PermissionDenied stops the
    authentication chain."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field(), "")
        reason = lock_reason(username, request)
        if reason:
            if request is not None:
                request.login_locked = reason
            raise PermissionDenied("locked")
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """The signed-in user of a request, with the units and the cadre profile that pages and
        scoping read from it, in one query instead of one for each."""
        from django.contrib.auth import get_user_model

        users = get_user_model()._default_manager.select_related(
            "home_unit", "jurisdiction_unit", "cadre"
        )
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
