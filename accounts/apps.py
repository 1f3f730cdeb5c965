from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = _("账号与组织")

    def ready(self):
        from django.db.models.signals import post_migrate

        from accounts import checks, signals  # noqa: F401  (registers checks and receivers)
        from accounts.permissions import sync_role_permissions

        # After every app's turn, not just ours: the apps after accounts get their permissions
        # created in their own turn. Syncing is idempotent.
        post_migrate.connect(sync_role_permissions, dispatch_uid="sync_role_permissions")


class PairingAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site class (system admin role only)."""

    default = False
    default_site = "accounts.admin_site.PairingAdminSite"
