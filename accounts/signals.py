"""Reactions to authentication events: audit entries (login, logout, failure, lockout) and the
start of the absolute session cap."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts import audit, lockout
from accounts.middleware import mark_login
from accounts.models import AuditEntry


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit.record(lockout.LOGIN, user=user, request=request)
    if request is not None and hasattr(request, "session"):
        mark_login(request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record("logout", user=user, request=request)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    if request is not None and getattr(request, "login_locked", False):
        audit.record(
            lockout.LOGIN_LOCKED,
            request=request,
            username=username,
            result=AuditEntry.Result.DENIED,
        )
        return
    audit.record(
        lockout.LOGIN_FAILED, request=request, username=username, result=AuditEntry.Result.FAILED
    )
    if lockout.recent_failures(username) == lockout.MAX_FAILURES:
        audit.record(
            lockout.ACCOUNT_LOCKED,
            request=request,
            username=username,
            result=AuditEntry.Result.DENIED,
        )
