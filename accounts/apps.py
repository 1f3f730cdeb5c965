from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号与组织")

    def ready(self):
        from accounts import checks, signals  # noqa: F401  (registers checks and receivers)
