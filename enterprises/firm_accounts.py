"""The firm's own account: the user that stands for a firm on its tickets (see FirmAccount)."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from enterprises.models import Enterprise, FirmAccount

_UNSET = object()


def firm_enterprise_id(user) -> int | None:
    """The enterprise a firm account stands for, or None for anyone else. Asked only of users
    without a role (a cadre never pays the query); remembered on the user object."""
    if user is None or not getattr(user, "pk", None):
        return None
    cached = getattr(user, "_firm_enterprise_id", _UNSET)
    if cached is _UNSET:
        cached = (
            FirmAccount.objects.filter(user_id=user.pk)
            .values_list("enterprise_id", flat=True)
            .first()
        )
        user._firm_enterprise_id = cached
    return cached


@transaction.atomic
def account_for(enterprise: Enterprise) -> FirmAccount:
    """The firm's account, made on its first sign-in: an inactive user with no password and no
    role, named after the firm so the timeline reads "某某公司（企业）"."""
    account = FirmAccount.objects.select_related("user").filter(enterprise=enterprise).first()
    if account is not None:
        return account
    user = User(
        username=f"firm-{enterprise.uscc}",
        display_name=f"{enterprise.name}（企业）"[:50],
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    user._firm_enterprise_id = enterprise.pk
    return FirmAccount.objects.create(enterprise=enterprise, user=user)
