"""The Django admin, open to the system administrator role only (三权分立: the security and audit
administrators have their own pages and no admin access)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class PairingAdminSite(admin.AdminSite):
    site_header = _("干部联企服务平台 · 系统管理")
    site_title = _("系统管理")
    index_title = _("账号、单位与数据")

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_staff and Role.ADMIN in user.roles)
