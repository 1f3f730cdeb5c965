"""Model permissions each role's group carries, synced after every migrate.

Only the system administrator uses the Django admin: accounts, units, the roster and reference
data, imports. Business records (visits, tickets, their events, meetings, notifications, figures)
are not there for them at all (accounts.roles), and the audit trail is not the system
administrator's to read (三权分立).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from accounts.roles import Role

ALL = ("add", "change", "delete", "view")
VIEW = ("view",)

ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.ADMIN: {
        "accounts.user": ALL,
        "accounts.orgunit": ALL,
        "accounts.cadre": ALL,
        "accounts.cadrepost": ALL,
        "accounts.totpdevice": ("view", "delete"),
        "enterprises.enterprise": ALL,
        "enterprises.industry": ALL,
        "enterprises.tag": ALL,
        "enterprises.rosterimport": VIEW,
        "pairing.campaign": ALL,
        "pairing.campaignbatch": ALL,
        "pairing.coveragetarget": ALL,
        "pairing.servicegroup": ALL,
        "pairing.pairing": ALL,
        "issues.workcalendarday": ALL,
        # API clients (created, read, revoked by action; never deleted) and their webhook log.
        "accounts.apiclient": ("add", "change", "view"),
        "issues.webhookdelivery": ("change", "view"),
        "auth.group": VIEW,
    },
}


def sync_role_permissions(**kwargs) -> None:
    """Give each role's group exactly the permissions above (a post_migrate receiver)."""
    for role, models in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for label, actions in models.items():
            app_label, model = label.split(".")
            codenames = [f"{action}_{model}" for action in actions]
            wanted += Permission.objects.filter(
                content_type__app_label=app_label, content_type__model=model, codename__in=codenames
            )
        group.permissions.set(wanted)
