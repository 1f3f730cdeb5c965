"""Reactions to authentication events (audit entries, the start of the absolute session cap) and
the guard that keeps administrator duties separate."""

from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext as _

from accounts import audit, lockout
from accounts.middleware import mark_login
from accounts.models import AuditEntry, User
from accounts.roles import PRIVILEGED, Role


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
    reason = getattr(request, "login_locked", None) if request is not None else None
    if reason:
        audit.record(
            lockout.LOGIN_LOCKED,
            request=request,
            username=username,
            changes={"locked": reason},
            result=AuditEntry.Result.DENIED,
        )
        return
    audit.record(
        lockout.LOGIN_FAILED, request=request, username=username, result=AuditEntry.Result.FAILED
    )
    # The failure that reaches a limit is followed by one entry saying what it locked.
    if lockout.recent_failures(username) == lockout.MAX_FAILURES:
        audit.record(
            lockout.ACCOUNT_LOCKED,
            request=request,
            username=username,
            result=AuditEntry.Result.DENIED,
        )
    ip = audit.client_ip(request)
    if ip and lockout.recent_ip_failures(ip) == lockout.MAX_IP_FAILURES:
        audit.record(
            lockout.IP_LOCKED,
            request=request,
            username=username,
            changes={"ip": ip},
            result=AuditEntry.Result.DENIED,
        )


@receiver(m2m_changed, sender=User.groups.through)
def keep_duties_separate(sender, instance, action, reverse, pk_set, **kwargs):
    """三权分立 as an invariant of the data, whichever screen adds the group: an administrator role
    is held alone, never with another administrator role or a business role."""
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # group.user_set.add(users): one group, several users
        users = User.objects.filter(pk__in=pk_set)
        adding = {instance.name}
    else:
        users = [instance]
        adding = set(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
    for user in users:
        names = adding | set(user.groups.values_list("name", flat=True))
        privileged = PRIVILEGED & names
        if privileged and len(names & set(Role.values)) > 1:
            raise ValidationError(
                _("%(user)s：管理员角色（%(roles)s）须由专人单独担任，不能与其他角色兼任。")
                % {"user": user, "roles": "、".join(sorted(privileged))}
            )
