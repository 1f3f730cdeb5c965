from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = _("难题诉求")

    def ready(self):
        from issues import portal_session  # noqa: F401  (connects its login signal)
