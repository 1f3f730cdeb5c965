"""The project's URLs: each app's own, then the Django admin and the RQ dashboard (both for the
system admin only), and the language switch."""

from django.contrib import admin
from django.urls import include, path, re_path
from django_rq.urls import get_admin_urlpatterns, get_api_urlpatterns

from pairing.api import api
from pairing.metrics import metrics_view

# The RQ dashboard behind the admin site's login and permission (system admin only), its stats
# API included: django-rq would let any staff member or API token read that.
rq_dashboard = (
    get_admin_urlpatterns(view_wrapper=admin.site.admin_view)
    + [
        re_path(p.pattern.regex.pattern, admin.site.admin_view(p.callback), name=p.name)
        for p in get_api_urlpatterns()
    ],
    "django_rq",
)

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("reports.urls")),
    path("system/holidays/", include("issues.calendar_urls")),
    path("enterprises/", include("enterprises.urls")),
    path("tickets/", include("issues.urls")),
    path("visits/", include("issues.visit_urls")),
    path("firm/", include("issues.portal_urls")),  # the firm portal: its own sign-in
    path("pairing/", include("pairing.pairing_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("django-rq/", include(rq_dashboard)),
    path("i18n/", include("django.conf.urls.i18n")),
    # /healthz is answered by pairing.health.HealthzMiddleware, before sessions and cookies.
    path("metrics", metrics_view, name="metrics"),
]
