from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = _("账号与组织")

    def ready(self):
        from accounts import checks, signals  # noqa: F401  (registers checks and receivers)


class PairingAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site class (system admin role only)."""

    default = False
    default_site = "accounts.admin_site.PairingAdminSite"
