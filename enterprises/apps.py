from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("企业档案")

    def ready(self):
        from enterprises.spreadsheets.safety import assert_defusedxml

        assert_defusedxml()
