"""Writes on accounts that users make through the application's own pages."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import OrgUnit, TOTPDevice, User
from accounts.roles import PRIVILEGED, Role


@transaction.atomic
def user_set_roles(
    *, user: User, roles: set[str], jurisdiction_unit: OrgUnit | None, actor: User, request=None
) -> None:
    """The security admin's one write on roles: set a user's roles and jurisdiction, record it.

    Refuses changing one's own roles, combining an administrator role with any other (三权分立),
    and an organiser or leader without a jurisdiction to see."""
    if user.pk == actor.pk:
        raise PermissionDenied(_("不能修改自己的角色。"))
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError(_("未知角色：%(roles)s") % {"roles": "、".join(sorted(unknown))})
    if PRIVILEGED & roles and len(roles) > 1:
        raise ValidationError(_("管理员角色须由专人单独担任，不能与其他角色兼任。"))
    if {Role.ORGANISER, Role.LEADER} & roles and jurisdiction_unit is None:
        raise ValidationError(_("组织部门和领导须设置管辖范围。"))
    user = User.objects.select_for_update().get(pk=user.pk)
    before = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    old_unit = user.jurisdiction_unit_id
    keep = list(user.groups.exclude(name__in=Role.values))
    user.groups.set(keep + [Group.objects.get_or_create(name=role)[0] for role in sorted(roles)])
    user.jurisdiction_unit = jurisdiction_unit
    user.is_staff = Role.ADMIN in roles  # the Django admin is the system admin's only
    user.save(update_fields=["jurisdiction_unit", "is_staff"])
    if before != roles or old_unit != user.jurisdiction_unit_id:
        audit.record(
            "role_change",
            user=actor,
            request=request,
            obj=user,
            changes={
                "before": sorted(before),
                "after": sorted(roles),
                "jurisdiction_before": old_unit,
                "jurisdiction_after": user.jurisdiction_unit_id,
            },
        )


@transaction.atomic
def user_reset_second_factor(*, user: User, actor: User, request=None) -> bool:
    """Remove the user's authenticator: they enrol a new one at their next login. False (and
    nothing recorded) when they had none."""
    if user.pk == actor.pk:
        raise PermissionDenied(_("不能重置自己的动态口令。"))
    deleted, _rows = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        audit.record("otp_reset", user=actor, request=request, obj=user)
    return bool(deleted)
