from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    AuditEntry,
    Cadre,
    CadrePost,
    OrgUnit,
    PasswordHistory,
    TOTPDevice,
    User,
)


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "depth"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    list_select_related = ["parent"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "home_unit", "jurisdiction_unit", "is_active"]
    list_filter = ["is_active", "groups"]
    search_fields = ["username", "display_name"]
    list_select_related = ["home_unit", "jurisdiction_unit"]
    autocomplete_fields = ["home_unit", "jurisdiction_unit"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["display_name", "phone", "email"]}),
        (_("单位与范围"), {"fields": ["home_unit", "jurisdiction_unit"]}),
        (_("角色与状态"), {"fields": ["is_active", "is_staff", "groups", "must_change_password"]}),
        (_("时间"), {"fields": ["last_login", "date_joined", "password_changed_at"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "display_name", "home_unit", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined", "password_changed_at"]
    # Superuser status and per-user permissions are not offered: roles are groups (三权分立).
    filter_horizontal = ["groups"]


class CadrePostInline(admin.TabularInline):
    model = CadrePost
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Cadre)
class CadreAdmin(admin.ModelAdmin):
    list_display = ["user", "staff_no", "rank", "unit", "post", "status"]
    list_filter = ["rank", "status"]
    search_fields = ["staff_no", "user__display_name", "user__username"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]
    inlines = [CadrePostInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only here; the audit admin reads the trail on its own pages."""

    list_display = ["at", "username", "action", "object_type", "object_id", "result"]
    list_filter = ["result", "action"]
    search_fields = ["username", "object_repr"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    """Deleting a device makes its user enrol a new authenticator at the next login."""

    list_display = ["user", "confirmed_at", "created_at"]
    search_fields = ["user__username"]
    fields = ["user", "confirmed_at", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(PasswordHistory)
class PasswordHistoryAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__username"]
    fields = ["user", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CadrePost)
class CadrePostAdmin(admin.ModelAdmin):
    list_display = ["cadre", "unit", "post", "rank", "start", "end"]
    search_fields = ["cadre__user__display_name", "cadre__staff_no"]
    list_select_related = ["cadre__user", "unit"]
    autocomplete_fields = ["cadre", "unit"]
