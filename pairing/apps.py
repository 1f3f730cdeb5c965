from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingConfig(AppConfig):
    name = "pairing"
    verbose_name = _("结对与走访")

    def ready(self):
        from django.db.backends.signals import connection_created

        from pairing import page_cache

        # Every connection reports its committed writes to the page cache (pairing/page_cache.py).
        connection_created.connect(page_cache.install, dispatch_uid="page_cache.install")
