from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts import audit
from accounts.masking import can_see_full_pii, mask_phone
from accounts.models import (
    AuditEntry,
    Cadre,
    CadrePost,
    OrgUnit,
    PasswordHistory,
    TOTPDevice,
    User,
)


class AuditedAdmin(admin.ModelAdmin):
    """Every add, change and delete made in the admin also goes to the audit trail, in the same
    transaction as the change (the admin's views are atomic)."""

    def log_addition(self, request, obj, message):
        audit.record("admin_add", request=request, obj=obj, changes={"message": message})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit.record("admin_change", request=request, obj=obj, changes={"message": message})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit.record("admin_delete", request=request, obj=obj)
        return super().log_deletions(request, queryset)


class ReadOnlyAdmin(AuditedAdmin):
    """For append-only records: listed and read, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MaskedPIIAdmin(AuditedAdmin):
    """Phone and ID fields appear masked and read-only to admins without the full-PII permission;
    an admin who holds it sees and edits them, and each such view is recorded. A subclass names
    its `pii_fields` and gives each a `masked_<field>` display method."""

    pii_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_see_full_pii(request.user):
            fields += [f"masked_{name}" for name in self.pii_fields]
        return fields

    def get_fields(self, request, obj=None):
        return [self._swap(request, f) for f in super().get_fields(request, obj)]

    def get_fieldsets(self, request, obj=None):
        return [
            (title, {**opts, "fields": [self._swap(request, f) for f in opts["fields"]]})
            for title, opts in super().get_fieldsets(request, obj)
        ]

    def _swap(self, request, field):
        if field in self.pii_fields and not can_see_full_pii(request.user):
            return f"masked_{field}"
        return field

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and self.pii_fields and can_see_full_pii(request.user):
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit.record(
                    "pii_view", request=request, obj=obj, changes={"fields": list(self.pii_fields)}
                )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "parent", "depth"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    raw_id_fields = ["head"]
    readonly_fields = ["path", "depth"]
    list_select_related = ["parent"]


@admin.register(User)
class UserAdmin(MaskedPIIAdmin, DjangoUserAdmin):
    list_display = ["username", "display_name", "home_unit", "jurisdiction_unit", "is_active"]
    list_filter = ["is_active", "groups"]
    search_fields = ["username", "display_name"]
    list_select_related = ["home_unit", "jurisdiction_unit"]
    autocomplete_fields = ["home_unit"]
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
    # Roles and jurisdiction are the security administrator's to set (三权分立), on their own
    # pages; superuser status and per-user permissions are not offered at all.
    readonly_fields = [
        "last_login",
        "date_joined",
        "password_changed_at",
        "groups",
        "jurisdiction_unit",
        "is_staff",
    ]
    pii_fields = ("phone",)

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone) if obj else ""


class CadrePostInline(admin.TabularInline):
    model = CadrePost
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Cadre)
class CadreAdmin(AuditedAdmin):
    list_display = ["user", "staff_no", "rank", "unit", "post", "status"]
    list_filter = ["rank", "status"]
    search_fields = ["staff_no", "user__display_name", "user__username"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]
    inlines = [CadrePostInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only here; the audit admin reads the trail on its own pages."""

    list_display = ["at", "username", "action", "object_type", "object_id", "result"]
    list_filter = ["result", "action"]
    search_fields = ["username", "object_repr"]
    date_hierarchy = "at"


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(AuditedAdmin):
    """Deleting a device makes its user enrol a new authenticator at the next login."""

    list_display = ["user", "confirmed_at", "created_at"]
    search_fields = ["user__username"]
    fields = ["user", "confirmed_at", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(PasswordHistory)
class PasswordHistoryAdmin(AuditedAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__username"]
    fields = ["user", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CadrePost)
class CadrePostAdmin(AuditedAdmin):
    list_display = ["cadre", "unit", "post", "rank", "start", "end"]
    search_fields = ["cadre__user__display_name", "cadre__staff_no"]
    list_select_related = ["cadre__user", "unit"]
    autocomplete_fields = ["cadre", "unit"]


from accounts import api_client_admin  # noqa: E402, F401  (registers the API clients' pages)
